//! A FHIR bulk-export (NDJSON) file: each line parsed, keyed and mapped by type, then the
//! Observation checked by sledger-core, as `sledger import fhir` does before the store.
#![no_main]

#[path = "../../crates/interop/tests/import_pipeline/mod.rs"]
mod import_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    import_pipeline::fhir_ndjson_line(data);
});
