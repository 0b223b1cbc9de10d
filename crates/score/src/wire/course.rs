//! `sledger score course`: every longitudinal measure at every visit — the per-visit output
//! contract of sle-activity §10 (worked example §10.1). Input: the visit sequence of
//! [`crate::wire::visits`]. Comparisons use the previous assessment (flare, SFI, LLDAS item 2,
//! DORIS stability) or the baseline (SRI/mSRI, dose reduction) as §0.3 defines them; baseline
//! rows report the comparisons `not_applicable`.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use sledger_core::{InputError, MeasureConfig};

use crate::measure::Typed;
use crate::wire::doris::DorisOut;
use crate::wire::flare::{SfiOut, SledaiFlareOut};
use crate::wire::lldas::LldasOut;
use crate::wire::sledai2k::Sledai2kOutput;
use crate::wire::sri::SriOut;
use crate::wire::visits::{PerVisitOutput, StatusOut, VisitsInput, per_visit};

/// A sub-score with bounds (sle-activity §1.3 derived sub-scores).
#[derive(Debug, Serialize, JsonSchema)]
pub struct BoundedScore {
    /// Exact value; null unless lower = upper.
    pub value: Option<u8>,
    pub lower: u8,
    pub upper: u8,
}

impl BoundedScore {
    fn new((lower, upper): (u8, u8)) -> Self {
        BoundedScore {
            value: (lower == upper).then_some(lower),
            lower,
            upper,
        }
    }
}

/// Glucocorticoids at the visit (sle-activity §8.4–§8.6, §10 `gc`; README errata 1 and 2).
#[derive(Debug, Serialize, JsonSchema)]
pub struct GcOut {
    /// Maintenance prednisone-equivalent dose, mg/day (full precision).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub maintenance_pe_mg: Option<Decimal>,
    pub pulse_in_lookback: Option<bool>,
    /// `(baseline − current) / baseline × 100`, full precision; negative for an increase.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub pct_reduction: Option<Decimal>,
    /// Reduction ≥ 50 % (`2 × current ≤ baseline`).
    pub ge_50: Option<bool>,
    /// Reduction ≥ 90 % (`10 × current ≤ baseline`).
    pub ge_90: Option<bool>,
    /// Current dose 0.
    pub gc_free: Option<bool>,
    /// Status of the reduction (not_applicable on the baseline row or with a zero baseline).
    #[serde(flatten)]
    pub status: StatusOut,
}

/// Every measure at one visit (sle-activity §10).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CourseVisit {
    /// The visit compared against as "previous assessment" (§0.3), by position.
    pub previous_visit_index: Option<usize>,
    pub sledai2k: Sledai2kOutput,
    pub clinical_sledai: BoundedScore,
    pub selena_compatible_sledai: BoundedScore,
    pub sledai_flare: SledaiFlareOut,
    pub sfi: SfiOut,
    pub sri: SriOut,
    pub msri: SriOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msri_no_new_organ: Option<SriOut>,
    pub lldas: LldasOut,
    pub doris: DorisOut,
    pub gc: GcOut,
}

fn run(
    input: VisitsInput,
    config: &MeasureConfig,
) -> Result<PerVisitOutput<CourseVisit>, InputError> {
    per_visit(input, config, |r, config| CourseVisit {
        previous_visit_index: r.previous,
        sledai2k: Sledai2kOutput::from_score(&r.sledai, config.sledai_window_days),
        clinical_sledai: BoundedScore::new(r.sledai.clinical_bounds()),
        selena_compatible_sledai: BoundedScore::new(r.sledai.selena_bounds()),
        sledai_flare: SledaiFlareOut::new(&r.sledai_flare),
        sfi: SfiOut::new(&r.sfi),
        sri: SriOut::new(&r.sri.sri),
        msri: SriOut::new(&r.sri.msri),
        msri_no_new_organ: r.sri.msri_no_new_organ.as_ref().map(SriOut::new),
        lldas: LldasOut::new(&r.lldas),
        doris: DorisOut::new(&r.doris),
        gc: GcOut {
            maintenance_pe_mg: r.gc.maintenance_pe.map(|pe| pe.mg()),
            pulse_in_lookback: r.gc.pulse_in_lookback,
            pct_reduction: r.gc.reduction.pct_reduction,
            ge_50: r.gc.reduction.ge_50,
            ge_90: r.gc.reduction.ge_90,
            gc_free: r.gc.reduction.gc_free,
            status: StatusOut::from_status(&r.gc.reduction.status, None),
        },
    })
}

/// `sledger score course`.
pub static MEASURE: Typed<VisitsInput, PerVisitOutput<CourseVisit>> = Typed::new(
    "course",
    "Every longitudinal measure per visit: SLEDAI-2K, flare, SFI, SRI/mSRI, LLDAS, DORIS, glucocorticoid reduction",
    "sle-activity.md §10",
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

    /// §10.1 through the JSON contract: every cell of the expected-output table.
    #[test]
    fn worked_example_10_1_from_the_fixture() {
        let out = score(&fixture()).expect("valid fixture");
        let v = out["visits"].as_array().expect("visits");
        assert_eq!(v.len(), 5);
        let col = |key: &str, field: &str| -> Vec<Value> {
            v.iter()
                .map(|row| {
                    field
                        .split('.')
                        .fold(&row[key], |acc, part| &acc[part])
                        .clone()
                })
                .collect()
        };
        assert_eq!(
            col("sledai2k", "total"),
            json!([14, 10, 4, 0, 8]).as_array().unwrap().clone()
        );
        assert_eq!(
            col("clinical_sledai", "value"),
            json!([10, 6, 0, 0, 6]).as_array().unwrap().clone()
        );
        assert_eq!(
            col("sledai_flare", "change_category"),
            json!([null, "improved", "improved", "improved", "flare"])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(col("sledai_flare", "status")[0], json!("not_applicable"));
        assert_eq!(
            col("sledai_flare", "sledai_zero")[3],
            json!(true),
            "m6 sledai_zero"
        );
        assert_eq!(v[4]["sfi"]["class"], json!("mild_moderate"), "m9 SFI");
        assert_eq!(v[4]["sfi"]["triggers"], json!(["MM1", "MM2", "MM3", "MM5"]));
        assert_eq!(v[4]["sfi"]["status"], json!("complete"));
        assert_eq!(v[0]["sfi"]["status"], json!("not_applicable"));
        assert_eq!(
            col("sri", "status"),
            json!([
                "not_applicable",
                "not_evaluable",
                "not_evaluable",
                "not_evaluable",
                "not_evaluable"
            ])
            .as_array()
            .unwrap()
            .clone()
        );
        assert_eq!(v[1]["sri"]["reason"], json!("bilag_not_captured"));
        assert_eq!(v[1]["sri"]["label"], json!("sri4"));
        assert_eq!(
            col("msri", "responder"),
            json!([null, true, true, true, true])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(v[1]["msri"]["label"], json!("msri4"));
        assert_eq!(
            col("lldas", "met"),
            json!([false, false, true, true, false])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(v[0]["lldas"]["items"]["item_1"], json!(false));
        assert_eq!(v[0]["lldas"]["items"]["item_2"], Value::Null);
        assert_eq!(
            col("doris", "met"),
            json!([false, false, false, true, false])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(v[3]["doris"]["serology_active"], json!(false));
        assert_eq!(
            col("gc", "pct_reduction"),
            json!([null, 25.0, 62.5, 87.5, 50.0])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(
            col("gc", "ge_50"),
            json!([null, false, true, true, true])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(
            col("gc", "ge_90"),
            json!([null, false, false, false, false])
                .as_array()
                .unwrap()
                .clone()
        );
        assert_eq!(v[0]["gc"]["status"], json!("not_applicable"));
        assert_eq!(v[2]["gc"]["maintenance_pe_mg"], json!(7.5));
        assert_eq!(v[4]["visit_id"], json!("V9"));
        assert_eq!(v[4]["visit_date"], json!("2025-10-06"));
    }

    #[test]
    fn missing_input_names_the_field() {
        let mut input = fixture();
        input["visits"][2]
            .as_object_mut()
            .expect("object")
            .remove("pga_hundredths");
        let out = score(&input).expect("still valid");
        let lldas = &out["visits"][2]["lldas"];
        assert_eq!(lldas["met"], Value::Null);
        assert_eq!(lldas["status"], json!("not_evaluable"));
        assert_eq!(lldas["missing"], json!(["pga_hundredths"]));
        // DORIS at m3 still fails on the dose (7.5 > 5): FALSE decides.
        assert_eq!(out["visits"][2]["doris"]["met"], json!(false));
    }

    #[test]
    fn bad_inputs_name_the_visit_and_field() {
        let cases: [(&str, Value, &str); 7] = [
            ("pga out of range", json!(320), "visits[1].pga_hundredths"),
            ("weight out of range", json!(15), "visits[1].body_weight_kg"),
            (
                "unknown indication",
                json!("boredom"),
                "visits[1].prednisone_change_indication",
            ),
            ("unknown BILAG grade", json!("F"), "visits[1].bilag_renal"),
            ("wbc out of range", json!(250), "visits[1].wbc"),
            ("unknown key", json!(1), "visits[1].pga"),
            (
                "date before baseline",
                json!("2024-12-01"),
                "visits[1].visit_date",
            ),
        ];
        let keys = [
            "pga_hundredths",
            "body_weight_kg",
            "prednisone_change_indication",
            "bilag_renal",
            "wbc",
            "pga",
            "visit_date",
        ];
        for ((name, value, field), key) in cases.into_iter().zip(keys) {
            let mut input = fixture();
            input["visits"][1][key] = value;
            let err = score(&input).expect_err(name);
            assert_eq!(err.field, field, "{name}: {err:?}");
        }
        let err = score(&json!({"patient_id": "x"})).expect_err("no visits");
        assert_eq!(err.field, "visits");
    }

    #[test]
    fn decimals_from_json_are_exact() {
        // 7.5 mg arrives as an f64; rust_decimal takes its shortest text, so LLDAS item 4
        // (≤ 7.5) holds exactly at m3, and 7.500001 does not.
        let mut input = fixture();
        let out = score(&input).expect("valid");
        assert_eq!(out["visits"][2]["lldas"]["items"]["item_4"], json!(true));
        input["visits"][2]["prednisone_mg_per_day"] = json!(7.500001);
        let out = score(&input).expect("valid");
        assert_eq!(out["visits"][2]["lldas"]["items"]["item_4"], json!(false));
    }
}
