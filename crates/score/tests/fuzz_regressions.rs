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

/// Numbers at the edges of Decimal and the integer types, for every number of every seed.
const EXTREMES: [&str; 8] = [
    "79228162514264337593543950335",
    "7.9e28",
    "-7.9e28",
    "1e-28",
    "0",
    "4294967296",
    "1e15",
    "-1",
];

/// Every way of putting one extreme number in place of one number of `value`.
fn with_extremes(value: &Value) -> Vec<Value> {
    fn walk(value: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        match value {
            Value::Number(_) => out.push(path.clone()),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
                path.push(PathStep::Index(i));
                walk(v, path, out);
                path.pop();
            }),
            Value::Object(fields) => fields.iter().for_each(|(k, v)| {
                path.push(PathStep::Key(k.clone()));
                walk(v, path, out);
                path.pop();
            }),
            _ => {}
        }
    }
    let mut paths = Vec::new();
    walk(value, &mut Vec::new(), &mut paths);
    let mut out = Vec::new();
    for path in paths {
        for extreme in EXTREMES {
            let mut copy = value.clone();
            let mut slot = &mut copy;
            for step in &path {
                slot = match step {
                    PathStep::Index(i) => &mut slot[*i],
                    PathStep::Key(k) => &mut slot[k.as_str()],
                };
            }
            *slot = serde_json::from_str(extreme).expect("a JSON number");
            out.push(copy);
        }
    }
    out
}

#[derive(Clone)]
enum PathStep {
    Index(usize),
    Key(String),
}

#[test]
fn extreme_numbers_in_every_seed_are_scored_or_refused() {
    // Found by this sweep after the first fuzz runs (docs/interop.md "Robustness"): Decimal
    // overflow in the creatinine and urine-ratio conversions and in the % dose reduction.
    for file in files(&dir("../../fuzz/seeds")) {
        let seed: Value =
            serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("a JSON seed");
        let items = match &seed {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        let batch = Value::Array(items.iter().flat_map(with_extremes).collect());
        let text = serde_json::to_vec(&batch).expect("JSON");
        let result = std::panic::catch_unwind(|| score_input(&text));
        assert!(
            result.is_ok(),
            "{}: an extreme number panics",
            file.display()
        );
    }
}

#[test]
fn overflowing_conversions_are_refused_naming_the_field() {
    for (measure, input, field) in [
        (
            "egfr",
            r#"{"sex":"female","age_years":40,"creatinine":7.9e28,"creatinine_unit":"mg/dL"}"#,
            "creatinine",
        ),
        ("upcr", r#"{"value":7.9e28,"unit":"g/g"}"#, "value"),
        (
            "upcr",
            r#"{"urine_protein_mg_dl":100,"urine_creatinine_mg_dl":1e-28}"#,
            "urine_protein_mg_dl",
        ),
        (
            "dose-reduction",
            r#"{"baseline_pe_mg":1e-28,"current_pe_mg":100000}"#,
            "baseline_pe_mg",
        ),
    ] {
        let results = scored(input.as_bytes(), measure);
        assert_eq!(results[0]["error"]["field"], field, "{measure}: {input}");
    }
}

#[test]
fn schema_built_inputs_of_every_measure_are_scored_or_refused() {
    use score_pipeline::score_fields;
    // The crashes `score_fields` found (minimized), each now a refusal in its slot.
    let kept = files(&dir("tests/fuzz-regressions").with_file_name("score_fields"));
    assert_eq!(kept.len(), 4);
    for file in kept {
        let data = std::fs::read(&file).expect("read");
        let result = std::panic::catch_unwind(|| score_fields(&data));
        let outcome = result.unwrap_or_else(|_| panic!("{} panics", file.display()));
        let refused = outcome.map_or(0, |o| o.refused);
        assert!(refused > 0, "{}: refused", file.display());
    }
    // A fixed pseudo-random sweep (xorshift): 300 batches per measure.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let measures = u8::try_from(sledger_score::all().len()).expect("few measures");
    for round in 0..300 * usize::from(measures) {
        let mut data = vec![u8::try_from(round % usize::from(measures)).expect("small")];
        for _ in 0..64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            data.push(state.to_le_bytes()[0]);
        }
        let result = std::panic::catch_unwind(|| score_fields(&data));
        assert!(result.is_ok(), "panics on {data:?}");
    }
}
