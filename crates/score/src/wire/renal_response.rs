//! `sledger score renal-response`: one lupus nephritis renal response evaluation under a named
//! variant (renal.md §3).
//!
//! Flat input keyed by renal.md §3.1's names; UPCR in mg/g, eGFR as the reported integer,
//! serum creatinine in mg/dL. Ranges (data dictionary): UPCR 0–30 000 mg/g (0–30 g/g), eGFR
//! 0–200, Scr 0.1–25 mg/dL, `egfr_tolerance` 0.10–0.15 (or the configured value).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::dictionary::within;
use sledger_core::measures::renal_response::{
    self, EgfrReferenceSource, RenalResponse, ResponseInput, ResponseResult, ResponseVariant,
};
use sledger_core::{InputError, MeasureConfig, Status, Tri};

use crate::measure::Typed;

/// One renal response evaluation (renal.md §3.1).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenalResponseInput {
    /// kdigo_2024 | eular_era_edta_2019 | acr | kdigo_2012 | bliss_ln | aurora. Required.
    pub variant: Option<ResponseVariant>,
    /// UPCR at treatment start / day 0, mg/g (0–30000).
    pub upcr_base: Option<Decimal>,
    /// UPCR at the assessment, mg/g (0–30000).
    pub upcr_cur: Option<Decimal>,
    /// Reported eGFR at baseline, mL/min/1.73 m² (0–200).
    pub egfr_base: Option<u16>,
    /// Reported eGFR at the assessment (0–200), same equation as the baseline.
    pub egfr_cur: Option<u16>,
    /// Reported eGFR before the flare (EULAR, BLISS reference) (0–200).
    pub egfr_preflare: Option<u16>,
    /// Rescue / prohibited therapy or treatment failure up to the assessment. Mandatory.
    pub rescue: Option<bool>,
    /// AURORA steroid taper condition met. Mandatory for `aurora`.
    pub steroid_ok: Option<bool>,
    /// Active urinary sediment (> 5 RBC/hpf, > 5 WBC/hpf or cellular casts). Mandatory for `acr`.
    pub sediment_active: Option<bool>,
    /// Serum creatinine at baseline, mg/dL (0.1–25) — KDIGO 2012.
    pub scr_base: Option<Decimal>,
    /// Serum creatinine at the assessment, mg/dL (0.1–25) — KDIGO 2012.
    pub scr_cur: Option<Decimal>,
    /// Serum creatinine before the flare, mg/dL (0.1–25) — KDIGO 2012 complete response.
    pub scr_prior_baseline: Option<Decimal>,
    /// KDIGO 2024 eGFR tolerance as a fraction (0.10–0.15); default the configuration's.
    pub egfr_tolerance: Option<Decimal>,
    /// Months since treatment start (0–240), for the EULAR time-target flags.
    pub months_since_baseline: Option<u16>,
    /// Dialysis or kidney transplant before the assessment (⇒ none).
    pub kidney_failure: Option<bool>,
}

/// The criteria the variant combined: "true", "false" or "unknown"; absent when unused.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComponentsOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kidney_failure: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescue: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steroid_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sediment_inactive: Option<Tri>,
    /// The complete-response UPCR criterion (renal.md §3.1 `upcr_ok`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_upcr_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reduction_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_upcr_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egfr_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_egfr_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scr_complete_ok: Option<Tri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scr_partial_ok: Option<Tri>,
}

/// Informational flags.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FlagsOutput {
    pub baseline_below_complete_threshold: bool,
    pub preflare_missing: bool,
    pub reduction_undefined_zero_base: bool,
    /// EULAR, visits up to month 3: ≥ 25 % UPCR reduction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eular_early_3m: Option<Tri>,
    /// EULAR, visits up to month 6: ≥ 50 % UPCR reduction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eular_partial_6m: Option<Tri>,
}

/// One renal response result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RenalResponseOutput {
    /// complete | partial | none | not_evaluable.
    pub response: RenalResponse,
    pub variant: ResponseVariant,
    pub components: ComponentsOutput,
    pub flags: FlagsOutput,
    /// KDIGO 2024: the eGFR tolerance applied.
    #[serde(
        with = "rust_decimal::serde::float_option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schemars(with = "Option<f64>")]
    pub egfr_tolerance: Option<Decimal>,
    /// The eGFR the relative eGFR criterion compared against.
    pub egfr_reference: Option<u16>,
    /// baseline | pre_flare.
    pub egfr_reference_source: Option<EgfrReferenceSource>,
    /// complete | not_evaluable.
    pub status: &'static str,
    /// Inputs whose absence made the response not evaluable.
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RenalResponseOutput {
    fn from_result(r: ResponseResult) -> Self {
        let c = r.components;
        let reason = match &r.status {
            Status::NotApplicable { reason } => Some(reason.clone()),
            _ => None,
        };
        RenalResponseOutput {
            response: r.response,
            variant: r.variant,
            components: ComponentsOutput {
                kidney_failure: c.kidney_failure,
                rescue: c.rescue,
                steroid_ok: c.steroid_ok,
                sediment_inactive: c.sediment_inactive,
                complete_upcr_ok: c.complete_upcr_ok,
                reduction_ok: c.reduction_ok,
                partial_upcr_ok: c.partial_upcr_ok,
                egfr_ok: c.egfr_ok,
                partial_egfr_ok: c.partial_egfr_ok,
                scr_complete_ok: c.scr_complete_ok,
                scr_partial_ok: c.scr_partial_ok,
            },
            flags: FlagsOutput {
                baseline_below_complete_threshold: r.flags.baseline_below_complete_threshold,
                preflare_missing: r.flags.preflare_missing,
                reduction_undefined_zero_base: r.flags.reduction_undefined_zero_base,
                eular_early_3m: r.flags.eular_early_3m,
                eular_partial_6m: r.flags.eular_partial_6m,
            },
            egfr_tolerance: r.egfr_tolerance,
            egfr_reference: r.egfr_reference.map(|e| e.value),
            egfr_reference_source: r.egfr_reference.map(|e| e.source),
            status: r.status.code(),
            missing: r.status.missing().to_vec(),
            reason,
        }
    }
}

fn upcr(field: &'static str, v: Option<Decimal>) -> Result<Option<Decimal>, InputError> {
    v.map(|v| within(field, v, Decimal::ZERO, Decimal::from(30_000)))
        .transpose()
}

fn egfr(field: &'static str, v: Option<u16>) -> Result<Option<u16>, InputError> {
    match v {
        Some(v) if v > 200 => Err(InputError::new(
            field,
            v,
            "must be between 0 and 200 (data dictionary)",
        )),
        other => Ok(other),
    }
}

fn scr(field: &'static str, v: Option<Decimal>) -> Result<Option<Decimal>, InputError> {
    v.map(|v| within(field, v, Decimal::new(1, 1), Decimal::from(25)))
        .transpose()
}

/// KDIGO gives "±10–15 %" (renal.md §3.2, §B.4): 0.10–0.15, or exactly the configured value.
fn tolerance(v: Option<Decimal>, config: &MeasureConfig) -> Result<Option<Decimal>, InputError> {
    match v {
        Some(t)
            if !(Decimal::new(10, 2) <= t && t <= Decimal::new(15, 2))
                && t != config.kdigo_egfr_tolerance =>
        {
            Err(InputError::new(
                "egfr_tolerance",
                t,
                "must be a fraction from 0.10 to 0.15 (KDIGO ±10–15 %) or the configured kdigo_egfr_tolerance",
            ))
        }
        other => Ok(other),
    }
}

fn run(
    input: RenalResponseInput,
    config: &MeasureConfig,
) -> Result<RenalResponseOutput, InputError> {
    let variant = input.variant.ok_or_else(|| {
        InputError::new(
            "variant",
            "null",
            "required: kdigo_2024, eular_era_edta_2019, acr, kdigo_2012, bliss_ln or aurora",
        )
    })?;
    if let Some(m) = input.months_since_baseline.filter(|m| *m > 240) {
        return Err(InputError::new(
            "months_since_baseline",
            m,
            "must be between 0 and 240 months",
        ));
    }
    let domain = ResponseInput {
        upcr_base: upcr("upcr_base", input.upcr_base)?,
        upcr_cur: upcr("upcr_cur", input.upcr_cur)?,
        egfr_base: egfr("egfr_base", input.egfr_base)?,
        egfr_cur: egfr("egfr_cur", input.egfr_cur)?,
        egfr_preflare: egfr("egfr_preflare", input.egfr_preflare)?,
        rescue: input.rescue,
        steroid_ok: input.steroid_ok,
        sediment_active: input.sediment_active,
        scr_base: scr("scr_base", input.scr_base)?,
        scr_cur: scr("scr_cur", input.scr_cur)?,
        scr_prior_baseline: scr("scr_prior_baseline", input.scr_prior_baseline)?,
        egfr_tolerance: tolerance(input.egfr_tolerance, config)?,
        months_since_baseline: input.months_since_baseline,
        kidney_failure: input.kidney_failure,
    };
    Ok(RenalResponseOutput::from_result(renal_response::evaluate(
        variant, &domain, config,
    )))
}

/// `sledger score renal-response`.
pub static MEASURE: Typed<RenalResponseInput, RenalResponseOutput> = Typed::new(
    "renal-response",
    "Lupus nephritis renal response (complete / partial / none) under KDIGO 2024, EULAR/ERA-EDTA 2019, ACR, KDIGO 2012, BLISS-LN or AURORA",
    "renal.md §3",
    run,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score(input: Value) -> Result<Value, crate::FieldError> {
        MEASURE.score(
            &input,
            &Context {
                config: &MeasureConfig::default(),
            },
        )
    }

    #[test]
    fn r6_kdigo_tolerances() {
        let r6 = |tol: f64| {
            json!({"variant": "kdigo_2024", "upcr_base": 2400, "upcr_cur": 650, "egfr_base": 100,
                   "egfr_cur": 86, "rescue": false, "egfr_tolerance": tol})
        };
        let out = score(r6(0.15)).expect("valid input");
        assert_eq!(out["response"], json!("partial"), "R6 KDIGO tol .15");
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["egfr_tolerance"], json!(0.15));
        assert_eq!(out["components"]["egfr_ok"], json!("true"));
        assert_eq!(out["missing"], json!([]));
        let out = score(r6(0.10)).expect("valid input");
        assert_eq!(out["response"], json!("none"), "R6 KDIGO tol .10");
    }

    #[test]
    fn r14_bliss_uses_the_preflare_reference() {
        let out = score(
            json!({"variant": "bliss_ln", "upcr_base": 3000, "upcr_cur": 400,
            "egfr_base": 70, "egfr_cur": 85, "egfr_preflare": 110, "rescue": false}),
        )
        .expect("valid input");
        assert_eq!(out["response"], json!("partial"), "R14 BLISS");
        assert_eq!(out["egfr_reference"], json!(110));
        assert_eq!(out["egfr_reference_source"], json!("pre_flare"));
        assert_eq!(out["flags"]["preflare_missing"], json!(false));
        assert!(out.get("egfr_tolerance").is_none());
    }

    #[test]
    fn missing_mandatory_inputs_are_named() {
        let out = score(
            json!({"variant": "aurora", "upcr_base": 3000, "upcr_cur": 400,
            "egfr_base": 90, "egfr_cur": 92}),
        )
        .expect("valid input");
        assert_eq!(out["response"], json!("not_evaluable"));
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["rescue", "steroid_ok"]));
        assert_eq!(out["components"]["rescue"], json!("unknown"));
    }

    #[test]
    fn variant_is_required_and_checked() {
        let err = score(json!({"upcr_cur": 400})).expect_err("input is refused");
        assert_eq!(err.field, "variant");
        let err = score(json!({"variant": "kdigo_2021"})).expect_err("input is refused");
        assert_eq!(err.field, "variant");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let base = json!({"variant": "kdigo_2024", "rescue": false});
        let with = |key: &str, value: Value| {
            let mut v = base.clone();
            v[key] = value;
            score(v).expect_err("input is refused")
        };
        assert_eq!(with("upcr_cur", json!(30000.5)).field, "upcr_cur");
        assert_eq!(with("upcr_base", json!(-1)).field, "upcr_base");
        assert_eq!(with("egfr_cur", json!(201)).field, "egfr_cur");
        assert_eq!(with("egfr_base", json!(85.5)).field, "egfr_base");
        assert_eq!(with("scr_cur", json!(0.05)).field, "scr_cur");
        assert_eq!(with("egfr_tolerance", json!(0.2)).field, "egfr_tolerance");
        assert_eq!(
            with("months_since_baseline", json!(241)).field,
            "months_since_baseline"
        );
        assert_eq!(with("rescue", json!("no")).field, "rescue");
        assert_eq!(with("upcr_unit", json!("g/g")).field, "upcr_unit");
    }

    #[test]
    fn json_decimals_are_exact() {
        // 0.1 + 0.2 style: JSON 1.17 becomes exactly 1.17 (shortest text), not the f64 value.
        let input: RenalResponseInput =
            crate::decode::decode(&json!({"scr_cur": 1.17, "upcr_cur": 499.9})).expect("decodes");
        assert_eq!(input.scr_cur, Some(Decimal::new(117, 2)));
        assert_eq!(input.upcr_cur, Some(Decimal::new(4999, 1)));
        // So 499.9 mg/g is below 500 exactly.
        let out = score(
            json!({"variant": "kdigo_2024", "upcr_base": 3200, "upcr_cur": 499.9,
            "egfr_base": 85, "egfr_cur": 88, "rescue": false}),
        )
        .expect("valid input");
        assert_eq!(out["response"], json!("complete"));
    }

    #[test]
    fn kdigo_2012_uses_creatinine() {
        let out = score(
            json!({"variant": "kdigo_2012", "upcr_base": 2000, "upcr_cur": 1000,
            "scr_base": 1.2, "scr_cur": 1.5, "scr_prior_baseline": 0.9, "rescue": false}),
        )
        .expect("valid input");
        assert_eq!(out["response"], json!("partial"));
        assert_eq!(out["components"]["scr_partial_ok"], json!("true"));
    }
}
