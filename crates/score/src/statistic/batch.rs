//! A batch of statistic inputs: one result per input, in order; a refused input fills its own
//! slot with an error and the others are still computed (the `sledger score` contract). Each
//! result is stamped with `test` (the name) and `r_function` (what it reproduces).

use serde_json::{Value, json};

use super::Statistic;
use crate::BatchOutcome;

/// Computes every input of `inputs` (an array, or a single object taken as a batch of one).
pub fn compute_batch(statistic: &dyn Statistic, inputs: &Value) -> BatchOutcome {
    let slots: Vec<&Value> = match inputs {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut refused = 0;
    let results = slots
        .into_iter()
        .map(|input| match statistic.compute(input) {
            Ok(Value::Object(mut fields)) => {
                fields.insert("test".into(), Value::String(statistic.name().into()));
                fields.insert(
                    "r_function".into(),
                    Value::String(statistic.r_function().into()),
                );
                Value::Object(fields)
            }
            Ok(other) => other,
            Err(error) => {
                refused += 1;
                json!({ "error": error })
            }
        })
        .collect();
    BatchOutcome { results, refused }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistic::find;

    #[test]
    fn a_bad_slot_does_not_stop_the_others() {
        let fisher = find("fisher").unwrap();
        let outcome = compute_batch(
            fisher,
            &json!([{"table": [[3, 1], [1, 3]]}, {"table": [[3, -1], [1, 3]]}, {"tabel": 1}]),
        );
        assert_eq!(outcome.refused, 2);
        assert!(outcome.results[0]["p_value"].is_number());
        assert_eq!(outcome.results[0]["test"], "fisher");
        assert_eq!(outcome.results[1]["error"]["field"], "table[0][1]");
        assert_eq!(outcome.results[2]["error"]["field"], "tabel");
    }

    #[test]
    fn the_stamp_does_not_hide_a_statistic_named_statistic() {
        let outcome = compute_batch(
            find("wilcoxon-rank-sum").unwrap(),
            &json!({"x": [1.0, 2.0], "y": [3.0, 4.0, 5.0]}),
        );
        assert_eq!(outcome.results[0]["statistic"], json!(0.0));
        assert_eq!(outcome.results[0]["test"], "wilcoxon-rank-sum");
    }

    #[test]
    fn one_object_is_a_batch_of_one() {
        let outcome = compute_batch(find("fisher").unwrap(), &json!({"table": [[0, 0], [0, 0]]}));
        assert_eq!(outcome.results.len(), 1);
        assert_eq!(outcome.results[0]["conf_int"], json!([0.0, "Inf"]));
    }
}
