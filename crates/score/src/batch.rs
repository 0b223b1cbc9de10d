//! Scoring a batch: a JSON array of inputs (or one object) in, one result per input out, in
//! the same order; a bad input fills its own slot with an error and the rest are computed.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sledger_core::{ENGINE_VERSION, MeasureConfig};

use crate::measure::{Context, Measure};

/// The results of one batch.
#[derive(Debug)]
pub struct BatchOutcome {
    /// One result or `{"error": …}` object per input, in input order.
    pub results: Vec<Value>,
    /// How many slots hold an error.
    pub refused: usize,
}

/// The short identity of a configuration: the first 16 hex digits of the SHA-256 of its
/// canonical TOML. Results carry it so a reader knows which parameters produced them.
pub fn config_id(config: &MeasureConfig) -> String {
    let digest = Sha256::digest(config.canonical().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Scores every input of `inputs` (an array, or a single object taken as a batch of one).
pub fn score_batch(measure: &dyn Measure, inputs: &Value, config: &MeasureConfig) -> BatchOutcome {
    let cx = Context { config };
    let id = config_id(config);
    BatchOutcome::of_slots(inputs, |input| {
        measure.score(input, &cx).map(|result| match result {
            Value::Object(mut fields) => {
                stamp(&mut fields, measure, &id);
                Value::Object(fields)
            }
            other => other,
        })
    })
}

impl BatchOutcome {
    /// Runs `one` on every slot of `inputs` (an array, or a single object taken as a batch of
    /// one), in order; a slot that fails holds `{"error": …}` and is counted as refused.
    pub(crate) fn of_slots(
        inputs: &Value,
        mut one: impl FnMut(&Value) -> Result<Value, crate::decode::FieldError>,
    ) -> BatchOutcome {
        let slots: Vec<&Value> = match inputs {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut refused = 0;
        let results = slots
            .into_iter()
            .map(|input| {
                one(input).unwrap_or_else(|error| {
                    refused += 1;
                    json!({ "error": error })
                })
            })
            .collect();
        BatchOutcome { results, refused }
    }
}

fn stamp(fields: &mut Map<String, Value>, measure: &dyn Measure, id: &str) {
    fields.insert("measure".into(), Value::String(measure.name().into()));
    fields.insert("spec".into(), Value::String(measure.spec_section().into()));
    fields.insert(
        "engine_version".into(),
        Value::String(ENGINE_VERSION.into()),
    );
    fields.insert("config_id".into(), Value::String(id.into()));
}
