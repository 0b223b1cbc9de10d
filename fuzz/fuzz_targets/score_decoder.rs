//! `sledger score <measure>` after reading its input: bytes to JSON, then the batch runner of
//! every registered measure with the default configuration.
#![no_main]

#[path = "../../crates/score/tests/score_pipeline/mod.rs"]
mod score_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    score_pipeline::score_input(data);
});
