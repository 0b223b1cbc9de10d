//! `sledger score dose-reduction`: percentage reduction of the maintenance glucocorticoid
//! dose from baseline, with the ≥ 50 %, ≥ 90 % and glucocorticoid-free flags
//! (sle-activity §8.6; README errata 1 and 2).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::dose_reduction::{self, BASELINE_FIELD, CURRENT_FIELD};
use sledger_core::measures::glucocorticoid::PrednisoneEquivalent;
use sledger_core::{InputError, MeasureConfig, Status};

use crate::measure::Typed;

/// Baseline and current maintenance doses (pulses excluded, sle-activity §8.4).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoseReductionInput {
    /// Baseline maintenance dose, mg prednisone equivalent per day (0 or 0.001–100000).
    pub baseline_pe_mg: Option<Decimal>,
    /// Current maintenance dose, mg prednisone equivalent per day (0 or 0.001–100000).
    pub current_pe_mg: Option<Decimal>,
}

/// The reduction and its flags.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DoseReductionOutput {
    /// `(baseline − current) / baseline × 100`, full precision; negative for an increase.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub pct_reduction: Option<Decimal>,
    /// Reduction ≥ 50 % (`2 × current ≤ baseline`, exact).
    pub ge_50: Option<bool>,
    /// Reduction ≥ 90 % (`10 × current ≤ baseline`, exact).
    pub ge_90: Option<bool>,
    /// Current dose is 0.
    pub gc_free: Option<bool>,
    /// Alias of `ge_50` (the spec's name, README erratum 1).
    pub reduction_ge_50: Option<bool>,
    /// Alias of `ge_90` (the spec's name, README erratum 1).
    pub reduction_ge_90: Option<bool>,
    /// complete | not_evaluable | not_applicable.
    pub status: &'static str,
    /// Inputs whose absence made the result not evaluable.
    pub missing: Vec<String>,
    /// Why the measure does not apply (`baseline_dose_zero`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `sledger score dose-reduction`.
pub static MEASURE: Typed<DoseReductionInput, DoseReductionOutput> = Typed::new(
    "dose-reduction",
    "Percentage reduction of the daily glucocorticoid dose from baseline, ≥50 %/≥90 %/GC-free flags",
    "sle-activity.md §8.6",
    run,
);

/// Parses both doses (0 or 0.001–100000 mg PE, exact) and computes the reduction
/// (sle-activity §8.6).
fn run(
    input: DoseReductionInput,
    _config: &MeasureConfig,
) -> Result<DoseReductionOutput, InputError> {
    let baseline = input
        .baseline_pe_mg
        .map(|mg| PrednisoneEquivalent::from_mg(BASELINE_FIELD, mg))
        .transpose()?;
    let current = input
        .current_pe_mg
        .map(|mg| PrednisoneEquivalent::from_mg(CURRENT_FIELD, mg))
        .transpose()?;
    let r = dose_reduction::dose_reduction(baseline, current);
    let reason = match &r.status {
        Status::NotApplicable { reason } => Some(reason.clone()),
        _ => None,
    };
    Ok(DoseReductionOutput {
        pct_reduction: r.pct_reduction,
        ge_50: r.ge_50,
        ge_90: r.ge_90,
        gc_free: r.gc_free,
        reduction_ge_50: r.ge_50,
        reduction_ge_90: r.ge_90,
        status: r.status.code(),
        missing: r.status.missing().to_vec(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score(input: Value) -> Result<Value, crate::FieldError> {
        let config = MeasureConfig::default();
        MEASURE.score(&input, &Context { config: &config })
    }

    #[test]
    fn g8_and_g12() {
        let out = score(json!({"baseline_pe_mg": 20, "current_pe_mg": 4})).expect("valid input");
        assert_eq!(out["pct_reduction"], json!(80.0), "G8");
        assert_eq!(out["ge_50"], json!(true));
        assert_eq!(out["ge_90"], json!(false));
        assert_eq!(out["reduction_ge_50"], json!(true));
        assert_eq!(out["gc_free"], json!(false));
        assert_eq!(out["status"], json!("complete"));
        assert!(out.get("reason").is_none());
        let out = score(json!({"baseline_pe_mg": 10, "current_pe_mg": 12.5})).expect("valid input");
        assert_eq!(out["pct_reduction"], json!(-25.0), "G12");
    }

    #[test]
    fn g11_zero_baseline_and_missing() {
        let out = score(json!({"baseline_pe_mg": 0, "current_pe_mg": 5})).expect("valid input");
        assert_eq!(out["status"], json!("not_applicable"), "G11");
        assert_eq!(out["reason"], json!("baseline_dose_zero"));
        assert_eq!(out["pct_reduction"], Value::Null);
        let out = score(json!({"current_pe_mg": 5})).expect("valid input");
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["baseline_pe_mg"]));
    }

    #[test]
    fn full_precision_percentage() {
        let out = score(json!({"baseline_pe_mg": 15, "current_pe_mg": 10})).expect("valid input");
        let pct = out["pct_reduction"].as_f64().expect("a number");
        assert!((pct - 100.0 / 3.0).abs() < 1e-12, "{pct}");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let rows = [
            (
                "negative",
                json!({"baseline_pe_mg": -1, "current_pe_mg": 5}),
                "baseline_pe_mg",
            ),
            (
                "too high",
                json!({"baseline_pe_mg": 10, "current_pe_mg": 200000}),
                "current_pe_mg",
            ),
            ("text", json!({"baseline_pe_mg": "20 mg"}), "baseline_pe_mg"),
            ("unknown key", json!({"baseline_mg": 20}), "baseline_mg"),
        ];
        for (row, input, field) in rows {
            assert_eq!(score(input).expect_err(row).field, field, "{row}");
        }
    }
}
