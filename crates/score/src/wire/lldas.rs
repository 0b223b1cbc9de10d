//! `sledger score lldas`: per visit, the Lupus Low Disease Activity State (sle-activity §4;
//! Franklyn 2016). Input: the visit sequence of [`crate::wire::visits`].

use schemars::JsonSchema;
use serde::Serialize;
use sledger_core::measures::lldas::Lldas;
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;
use crate::wire::visits::{PerVisitOutput, StatusOut, VisitsInput, known, per_visit};

/// The five items (sle-activity §4.1): true / false / null (unknown or skipped).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LldasItems {
    /// SLEDAI-2K ≤ 4, no major-organ activity, no haemolytic anaemia or GI activity.
    pub item_1: Option<bool>,
    /// No new features vs the previous assessment.
    pub item_2: Option<bool>,
    /// PGA ≤ 1.00.
    pub item_3: Option<bool>,
    /// Prednisone equivalent ≤ 7.5 mg/day and no pulse in the look-back.
    pub item_4: Option<bool>,
    /// Standard, well-tolerated maintenance; no investigational drug.
    pub item_5: Option<bool>,
}

/// LLDAS at one visit (sle-activity §4.3, §10 `lldas`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LldasOut {
    /// true / false / null when undecided.
    pub met: Option<bool>,
    pub items: LldasItems,
    #[serde(flatten)]
    pub status: StatusOut,
}

impl LldasOut {
    pub fn new(r: &Lldas) -> Self {
        let [i1, i2, i3, i4, i5] = r.items.map(known);
        LldasOut {
            met: known(r.met),
            items: LldasItems {
                item_1: i1,
                item_2: i2,
                item_3: i3,
                item_4: i4,
                item_5: i5,
            },
            status: StatusOut::from_status(&r.status, None),
        }
    }
}

fn run(input: VisitsInput, config: &MeasureConfig) -> Result<PerVisitOutput<LldasOut>, InputError> {
    per_visit(input, config, |r, _| LldasOut::new(&r.lldas))
}

/// `sledger score lldas`.
pub static MEASURE: Typed<VisitsInput, PerVisitOutput<LldasOut>> = Typed::new(
    "lldas",
    "Lupus Low Disease Activity State (Franklyn 2016), five items per visit",
    "sle-activity.md §4",
    run,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visits::test_support::{fixture, score_with_defaults};
    use serde_json::{Value, json};

    fn score(input: &Value) -> Result<Value, crate::FieldError> {
        score_with_defaults(&MEASURE, input)
    }

    #[test]
    fn example_10_1_lldas_and_items() {
        let out = score(&fixture()).expect("valid");
        let met: Vec<Value> = out["visits"]
            .as_array()
            .expect("visits")
            .iter()
            .map(|v| v["met"].clone())
            .collect();
        assert_eq!(
            met,
            vec![
                json!(false),
                json!(false),
                json!(true),
                json!(true),
                json!(false)
            ]
        );
        assert_eq!(out["visits"][2]["items"]["item_4"], json!(true));
        assert_eq!(out["visits"][2]["status"], json!("complete"));
    }

    #[test]
    fn missing_and_bad_inputs() {
        let mut input = fixture();
        input["visits"][3]
            .as_object_mut()
            .expect("object")
            .remove("on_investigational_drug");
        let out = score(&input).expect("valid");
        assert_eq!(out["visits"][3]["met"], Value::Null);
        assert_eq!(
            out["visits"][3]["missing"],
            json!(["on_investigational_drug"])
        );
        input["visits"][3]["prednisone_mg_per_day"] = json!(-1);
        assert_eq!(
            score(&input).expect_err("negative dose").field,
            "visits[3].prednisone_mg_per_day"
        );
    }
}
