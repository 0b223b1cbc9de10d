//! What `sledger score <measure>` runs after reading its input (`crates/cli/src/commands/
//! score.rs`, issue #6 "Robustness"), for every registered measure: shared by the cargo-fuzz
//! target `score_decoder` (`fuzz/fuzz_targets/score_decoder.rs` includes this file) and the
//! regression tests (`tests/fuzz_regressions.rs`).
//!
//! A panic is a bug; so is a batch whose results do not match its inputs slot for slot, or a
//! refused slot that does not name its rule ([`check`]).

#![allow(dead_code)]

use serde_json::Value;
use sledger_core::MeasureConfig;
use sledger_score::{BatchOutcome, score_batch};

/// Scores the input with every measure; None when the CLI would stop before scoring (input
/// not UTF-8 or not JSON: an error message, no batch).
pub fn score_input(data: &[u8]) -> Option<Vec<BatchOutcome>> {
    let text = std::str::from_utf8(data).ok()?;
    let inputs: Value = serde_json::from_str(text).ok()?;
    let config = MeasureConfig::default();
    let outcomes = sledger_score::all()
        .into_iter()
        .map(|measure| {
            let outcome = score_batch(measure, &inputs, &config);
            check(&inputs, &outcome);
            outcome
        })
        .collect();
    Some(outcomes)
}

/// One result per input slot; `refused` counts the `{"error": {field, value, rule}}` slots,
/// each naming its rule; the results serialize as the CLI prints them.
pub fn check(inputs: &Value, outcome: &BatchOutcome) {
    let slots = inputs.as_array().map_or(1, Vec::len);
    assert_eq!(outcome.results.len(), slots, "one result per input");
    let errors: Vec<&Value> = outcome
        .results
        .iter()
        .filter_map(|r| r.get("error"))
        .collect();
    assert_eq!(
        errors.len(),
        outcome.refused,
        "refused counts the error slots"
    );
    for e in errors {
        assert!(e.get("field").is_some_and(Value::is_string), "{e}");
        assert!(e.get("value").is_some(), "{e}");
        let rule = e.get("rule").and_then(Value::as_str).unwrap_or_default();
        assert!(!rule.trim().is_empty(), "a refusal without its rule: {e}");
    }
    assert!(serde_json::to_string(&outcome.results).is_ok());
}
