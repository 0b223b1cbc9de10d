//! `sledger score flare`: per visit, the SLEDAI-based flare (sle-activity §2.4, Gladman 2000)
//! and the SELENA flare index (§2.1–§2.3, Petri 1999; BLISS variant) against the previous
//! assessment (§0.3). Input: the visit sequence of [`crate::wire::visits`].

use schemars::JsonSchema;
use serde::Serialize;
use sledger_core::config::SfiVariant;
use sledger_core::measures::sfi::{Sfi, SfiClass, Trigger};
use sledger_core::measures::sledai_flare::{ChangeCategory, SledaiFlare};
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;
use crate::wire::visits::{PerVisitOutput, StatusOut, VisitsInput, known, per_visit};

/// The SLEDAI-based flare at one visit (sle-activity §2.4, §10 `sledai_flare`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SledaiFlareOut {
    /// flare | improved | no_significant_change; null when the bounds leave it open.
    pub change_category: Option<ChangeCategory>,
    /// Current SLEDAI-2K = 0 (Gladman's remission); null when unknown.
    pub sledai_zero: Option<bool>,
    #[serde(flatten)]
    pub status: StatusOut,
}

impl SledaiFlareOut {
    pub fn new(r: &SledaiFlare) -> Self {
        SledaiFlareOut {
            change_category: r.change_category,
            sledai_zero: known(r.sledai_zero),
            status: StatusOut::from_status(&r.status, None),
        }
    }
}

/// The SELENA flare index at one visit (sle-activity §2.3, §10 `sfi`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SfiOut {
    /// none | mild_moderate | severe; with status `incomplete` "at least mild_moderate"
    /// (README erratum 14); null when undecided.
    pub class: Option<SfiClass>,
    /// Triggers that fired (MM1…SV6). Under `bliss_modified` a fired SV1 is listed but does
    /// not make the flare severe.
    pub triggers: Vec<Trigger>,
    /// Triggers that could not be decided.
    pub unknown_triggers: Vec<Trigger>,
    /// classic | bliss_modified.
    pub variant: SfiVariant,
    #[serde(flatten)]
    pub status: StatusOut,
}

impl SfiOut {
    pub fn new(r: &Sfi) -> Self {
        let applicable = r.status.code() != "not_applicable";
        SfiOut {
            class: r.class,
            triggers: r.fired().collect(),
            unknown_triggers: if applicable {
                r.unknown().collect()
            } else {
                Vec::new()
            },
            variant: r.variant,
            status: StatusOut::from_status(&r.status, None),
        }
    }
}

/// SLEDAI-based flare and SELENA flare index at one visit, vs the previous assessment.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FlareVisit {
    pub sledai_flare: SledaiFlareOut,
    pub sfi: SfiOut,
}

fn run(
    input: VisitsInput,
    config: &MeasureConfig,
) -> Result<PerVisitOutput<FlareVisit>, InputError> {
    per_visit(input, config, |r, _| FlareVisit {
        sledai_flare: SledaiFlareOut::new(&r.sledai_flare),
        sfi: SfiOut::new(&r.sfi),
    })
}

/// `sledger score flare`.
pub static MEASURE: Typed<VisitsInput, PerVisitOutput<FlareVisit>> = Typed::new(
    "flare",
    "SLEDAI-based flare (Gladman 2000) and SELENA flare index vs the previous assessment, per visit",
    "sle-activity.md §2",
    run,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score(input: &Value, config: &MeasureConfig) -> Result<Value, crate::FieldError> {
        MEASURE.score(input, &Context { config })
    }

    /// Two visits with explicit descriptors: `(present, selena-new)` per visit.
    fn two_visits(before: &[&str], after: &[&str]) -> Value {
        let visit = |date: &str, present: &[&str]| {
            let mut m = serde_json::Map::new();
            m.insert("visit_date".into(), json!(date));
            for d in sledger_core::measures::sledai2k::Descriptor::ALL {
                let on = present.contains(&d.name());
                m.insert(
                    format!("sledai_{}", d.name()),
                    json!(if on { "present" } else { "absent" }),
                );
                m.insert(format!("sledai_{}_new_or_recurrent", d.name()), json!(true));
            }
            Value::Object(m)
        };
        json!({"visits": [visit("2025-01-06", before), visit("2025-02-05", after)]})
    }

    #[test]
    fn d1_sledai_flare_and_missing_sfi_inputs() {
        // D1: 2 → 6 (rash → rash + hematuria).
        let out = score(
            &two_visits(&["rash"], &["rash", "hematuria"]),
            &MeasureConfig::default(),
        )
        .expect("valid");
        let m1 = &out["visits"][1];
        assert_eq!(m1["sledai_flare"]["change_category"], json!("flare"));
        assert_eq!(m1["sledai_flare"]["sledai_zero"], json!(false));
        assert_eq!(
            out["visits"][0]["sledai_flare"]["reason"],
            json!("no_previous_assessment")
        );
        // SELENA 2 → 6 (+4 ≥ 3) fires MM1; the severe triggers are unknown (nothing recorded).
        assert_eq!(m1["sfi"]["class"], json!("mild_moderate"));
        assert_eq!(m1["sfi"]["status"], json!("incomplete"));
        assert!(
            m1["sfi"]["missing"]
                .as_array()
                .expect("list")
                .contains(&json!("hospitalised_for_sle"))
        );
        assert_eq!(m1["sfi"]["triggers"], json!(["MM1"]));
    }

    #[test]
    fn f11_bliss_variant_is_reported() {
        let eleven = ["arthritis", "rash", "low_complement", "fever"]; // 4+2+2+1 = 9
        let mut input = two_visits(&eleven, &eleven);
        input["visits"][0]["sledai_increased_dna_binding"] = json!("present"); // 11
        input["visits"][1]["sledai_increased_dna_binding"] = json!("present");
        input["visits"][1]["sledai_mucosal_ulcers"] = json!("present"); // 13
        input["visits"][0]["inflamed_joint_count"] = json!(4);
        input["visits"][1]["inflamed_joint_count"] = json!(4);
        let bliss = MeasureConfig {
            sfi_variant: SfiVariant::BlissModified,
            ..MeasureConfig::default()
        };
        let out = score(&input, &MeasureConfig::default()).expect("valid");
        assert_eq!(
            out["visits"][1]["sfi"]["class"],
            json!("severe"),
            "F11 classic"
        );
        assert_eq!(out["visits"][1]["sfi"]["variant"], json!("classic"));
        let out = score(&input, &bliss).expect("valid");
        assert_eq!(out["visits"][1]["sfi"]["variant"], json!("bliss_modified"));
        assert_ne!(
            out["visits"][1]["sfi"]["class"],
            json!("severe"),
            "F11 bliss_modified"
        );
    }

    #[test]
    fn unknown_immunosuppressant_value_is_refused() {
        let mut input = two_visits(&[], &[]);
        input["visits"][1]["new_immunosuppressant_for_sle"] = json!("prednisone");
        let err = score(&input, &MeasureConfig::default()).expect_err("bad enum");
        assert_eq!(err.field, "visits[1].new_immunosuppressant_for_sle");
    }
}
