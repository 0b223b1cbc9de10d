//! A FHIR Bundle file: parsed whole, each entry's resource keyed and mapped by type, as
//! `sledger import fhir` does with a `.json` file before the store.
#![no_main]

#[path = "../../crates/interop/tests/import_pipeline/mod.rs"]
mod import_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    import_pipeline::fhir_bundle(data);
});
