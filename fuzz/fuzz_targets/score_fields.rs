//! `sledger score <measure>` on inputs built from the measure's own input schema: field
//! names, enum values, dates and boundary numbers chosen by the fuzz bytes (see
//! `score_pipeline::score_fields`), so that mutations reach the measures' arithmetic.
#![no_main]

#[path = "../../crates/score/tests/score_pipeline/mod.rs"]
mod score_pipeline;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    score_pipeline::score_fields(data);
});
