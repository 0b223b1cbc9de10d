//! Fuzz regressions of `sledger score`'s input decoder (issue #6 "Robustness", docs/interop.md
//! "Robustness"): every input under `tests/fuzz-regressions/score_decoder/` (crashes the
//! fuzzer found, kept after their fix, and hand-made nasty inputs) and the fuzz seeds
//! (`fuzz/seeds/score_decoder/`) scored by every measure through the same path as the
//! cargo-fuzz target, in the normal `cargo test`: no panic, one result per input, every
//! refusal naming its rule.

mod score_pipeline;

use std::path::{Path, PathBuf};

use score_pipeline::score_input;
use serde_json::Value;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn dir(under: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(under)
        .join("score_decoder")
}

fn read(name: &str) -> Vec<u8> {
    let path = dir("tests/fuzz-regressions").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The results of one measure for the input.
fn scored(data: &[u8], measure: &str) -> Vec<Value> {
    let outcomes = score_input(data).expect("JSON input");
    let index = sledger_score::all()
        .iter()
        .position(|m| m.name() == measure)
        .expect("a registered measure");
    outcomes[index].results.clone()
}

#[test]
fn every_kept_input_and_seed_runs_without_panic() {
    let kept = files(&dir("tests/fuzz-regressions"));
    let seeded = files(&dir("../../fuzz/seeds"));
    assert!(!kept.is_empty() && !seeded.is_empty());
    for file in kept.iter().chain(&seeded) {
        let data = std::fs::read(file).expect("read");
        let result = std::panic::catch_unwind(|| score_input(&data));
        assert!(result.is_ok(), "{} panics", file.display());
    }
}

#[test]
fn the_seeds_score_with_the_measure_they_were_written_for() {
    for file in files(&dir("../../fuzz/seeds")) {
        let stem = file.file_stem().and_then(|s| s.to_str()).expect("name");
        let measure = match stem {
            "sledai-2k-example" => "sledai-2k",
            "course-10-1" => "course",
            other => other,
        };
        let results = scored(&std::fs::read(&file).expect("read"), measure);
        assert!(
            results.iter().any(|r| r.get("error").is_none()),
            "{stem}: no input of the example scores"
        );
    }
}

#[test]
fn text_that_is_not_json_stops_before_scoring() {
    assert!(score_input(&read("invalid-utf8.json")).is_none());
    assert!(score_input(&read("out-of-range.json")).is_none());
    assert!(score_input(&read("bom.json")).is_none());
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(score_input(deep.as_bytes()).is_none());
}

#[test]
fn huge_numbers_are_refused_naming_the_field() {
    let results = scored(&read("huge-numbers.json"), "egfr");
    let field = |i: usize| results[i]["error"]["field"].as_str().map(str::to_owned);
    // 1e308 and 30 digits are beyond a Decimal; 2^64 and -1 are not an age.
    assert_eq!(field(0).as_deref(), Some("creatinine"));
    assert_eq!(field(1).as_deref(), Some("age_years"));
    assert_eq!(field(2).as_deref(), Some("age_years"));
    assert_eq!(field(3).as_deref(), Some("creatinine"));
}

#[test]
fn inputs_that_are_not_objects_fill_their_own_slots() {
    let data = read("not-objects.json");
    for outcome in score_input(&data).expect("JSON") {
        assert_eq!(outcome.results.len(), 6);
        assert_eq!(outcome.refused, 6);
    }
    // A megabyte string where a code belongs is refused, not echoed into a panic.
    let long = format!(r#"{{"sex":"{}","age_years":40}}"#, "x".repeat(1 << 20));
    let results = scored(long.as_bytes(), "egfr");
    assert_eq!(results[0]["error"]["field"], "sex");
}
