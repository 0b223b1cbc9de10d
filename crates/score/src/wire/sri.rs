//! `sledger score sri`: per visit, SRI-n with BILAG and the BILAG-free mSRI-n against baseline
//! (sle-activity §3; Furie 2009, Connelly 2023; README erratum 13). Input: the visit sequence
//! of [`crate::wire::visits`].

use schemars::JsonSchema;
use serde::Serialize;
use sledger_core::measures::sri::{SriComponents, SriResult};
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;
use crate::wire::visits::{PerVisitOutput, StatusOut, VisitsInput, known, per_visit};

/// One responder index at one visit (sle-activity §3.4, §10 `sri`/`msri`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SriOut {
    /// `sri4`, `msri4`, `msri4_no_new_organ` (… `8`): mSRI is never labelled SRI (§3.2).
    pub label: String,
    /// n of SRI-n (`sri_sledai_delta`).
    pub n: u8,
    /// true responder, false non-responder, null undecided.
    pub responder: Option<bool>,
    /// Each component as true / false / unknown; null when the index does not use it.
    pub components: SriComponents,
    #[serde(flatten)]
    pub status: StatusOut,
}

impl SriOut {
    pub fn new(r: &SriResult) -> Self {
        SriOut {
            label: r.label(),
            n: r.n,
            responder: known(r.responder),
            components: r.components,
            status: StatusOut::from_status(&r.status, r.reason),
        }
    }
}

/// SRI and mSRI at one visit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SriVisitOut {
    pub sri: SriOut,
    pub msri: SriOut,
    /// Exploratory surrogate, only with `sri_variant_without_bilag = msri_plus_no_new_organ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msri_no_new_organ: Option<SriOut>,
}

fn run(
    input: VisitsInput,
    config: &MeasureConfig,
) -> Result<PerVisitOutput<SriVisitOut>, InputError> {
    per_visit(input, config, |r, _| SriVisitOut {
        sri: SriOut::new(&r.sri.sri),
        msri: SriOut::new(&r.sri.msri),
        msri_no_new_organ: r.sri.msri_no_new_organ.as_ref().map(SriOut::new),
    })
}

/// `sledger score sri`.
pub static MEASURE: Typed<VisitsInput, PerVisitOutput<SriVisitOut>> = Typed::new(
    "sri",
    "SRI-n (with BILAG) and the BILAG-free mSRI-n vs baseline, per visit",
    "sle-activity.md §3",
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
    fn example_10_1_msri_responder_sri_not_evaluable() {
        let out = score(&fixture()).expect("valid");
        let m1 = &out["visits"][1];
        assert_eq!(m1["sri"]["status"], json!("not_evaluable"));
        assert_eq!(m1["sri"]["reason"], json!("bilag_not_captured"));
        assert_eq!(m1["msri"]["responder"], json!(true));
        assert_eq!(m1["msri"]["components"]["sledai_reduction"], json!("true"));
        assert_eq!(out["visits"][0]["msri"]["reason"], json!("baseline_visit"));
    }

    #[test]
    fn missing_treatment_failure_is_named_and_bad_grade_refused() {
        let mut input = fixture();
        input["visits"][1]
            .as_object_mut()
            .expect("object")
            .remove("treatment_failure");
        let out = score(&input).expect("valid");
        assert_eq!(
            out["visits"][1]["msri"]["missing"],
            json!(["treatment_failure"])
        );
        input["visits"][1]["bilag_renal"] = json!("a");
        assert_eq!(
            score(&input).expect_err("bad grade").field,
            "visits[1].bilag_renal"
        );
    }

    #[test]
    fn with_bilag_sri_is_decided() {
        let mut input = fixture();
        for i in [0, 1] {
            for d in sledger_core::measures::sri::BilagDomain::ALL {
                input["visits"][i][d.field()] = json!("E");
            }
        }
        input["visits"][1]["bilag_renal"] = json!("A");
        let out = score(&input).expect("valid");
        assert_eq!(
            out["visits"][1]["sri"]["responder"],
            json!(false),
            "new BILAG A"
        );
        assert_eq!(out["visits"][1]["sri"]["status"], json!("complete"));
    }
}
