//! FHIR Observations built from the lab catalogue (codes, units, edge numbers, dates,
//! specimens, reference ranges) chosen by the fuzz bytes, through the same line reader and
//! mappings as `fhir_ndjson_line` (see `import_pipeline::fhir_fields`), so that mutations reach
//! `Observation::parse`'s unit conversions and ranges.
#![no_main]

#[path = "../../crates/interop/tests/import_pipeline/mod.rs"]
mod import_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    import_pipeline::fhir_fields(data);
});
