//! A lab extract and its mapping: the mapping parsed, the header indexed, each row keyed,
//! mapped and checked, as `sledger import csv` does before the store. The first byte picks a
//! fixed mapping with a fuzzed extract, or a fuzzed mapping (see `import_pipeline`).
#![no_main]

#[path = "../../crates/interop/tests/import_pipeline/mod.rs"]
mod import_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    import_pipeline::csv_lab_row(data);
});
