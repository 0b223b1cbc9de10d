//! `sledger score doris`: per visit, DORIS 2021 remission (sle-activity §5; van Vollenhoven
//! 2021; README erratum 15). Input: the visit sequence of [`crate::wire::visits`].

use schemars::JsonSchema;
use serde::Serialize;
use sledger_core::measures::doris::Doris;
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;
use crate::wire::visits::{PerVisitOutput, StatusOut, VisitsInput, known, per_visit};

/// The four items (sle-activity §5.1): true / false / null.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DorisItems {
    /// Clinical SLEDAI = 0.
    pub item_1: Option<bool>,
    /// PGA < 0.50.
    pub item_2: Option<bool>,
    /// Prednisone equivalent ≤ 5 mg/day and no pulse in the look-back.
    pub item_3: Option<bool>,
    /// Stable antimalarials, immunosuppressives and biologics.
    pub item_4: Option<bool>,
}

/// DORIS at one visit (sle-activity §5.3, §10 `doris`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct DorisOut {
    /// true / false / null when undecided.
    pub met: Option<bool>,
    pub items: DorisItems,
    /// Low complement or anti-dsDNA scored (for "complete remission" analyses).
    pub serology_active: Option<bool>,
    #[serde(flatten)]
    pub status: StatusOut,
}

impl DorisOut {
    pub fn new(r: &Doris) -> Self {
        let [i1, i2, i3, i4] = r.items.map(known);
        DorisOut {
            met: known(r.met),
            items: DorisItems {
                item_1: i1,
                item_2: i2,
                item_3: i3,
                item_4: i4,
            },
            serology_active: known(r.serology_active),
            status: StatusOut::from_status(&r.status, None),
        }
    }
}

fn run(input: VisitsInput, config: &MeasureConfig) -> Result<PerVisitOutput<DorisOut>, InputError> {
    per_visit(input, config, |r, _| DorisOut::new(&r.doris))
}

/// `sledger score doris`.
pub static MEASURE: Typed<VisitsInput, PerVisitOutput<DorisOut>> = Typed::new(
    "doris",
    "DORIS 2021 remission (clinical SLEDAI 0, PGA < 0.5, PE ≤ 5 mg/day, stable therapy) per visit",
    "sle-activity.md §5",
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
    fn example_10_1_doris_at_m6() {
        let out = score(&fixture()).expect("valid");
        let m6 = &out["visits"][3];
        assert_eq!(m6["met"], json!(true));
        assert_eq!(m6["serology_active"], json!(false));
        assert_eq!(
            out["visits"][2]["items"]["item_2"],
            json!(false),
            "m3 PGA 0.60"
        );
    }

    #[test]
    fn missing_and_bad_inputs() {
        let mut input = fixture();
        input["visits"][3]
            .as_object_mut()
            .expect("object")
            .remove("immunosuppressant_started_or_increased_for_sle");
        let out = score(&input).expect("valid");
        assert_eq!(out["visits"][3]["met"], Value::Null);
        assert_eq!(
            out["visits"][3]["missing"],
            json!(["immunosuppressant_started_or_increased_for_sle"])
        );
        input["visits"][3]["hemoglobin_g_dl"] = json!(30);
        assert_eq!(
            score(&input).expect_err("Hb out of range").field,
            "visits[3].hemoglobin_g_dl"
        );
    }
}
