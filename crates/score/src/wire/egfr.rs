//! `sledger score egfr`: one eGFR from a serum creatinine (and cystatin C or height where the
//! equation needs them), with the equation used, the reported integer, the KDIGO GFR category
//! and the plausibility flags (renal.md §1).
//!
//! Age: the equations use completed years (renal.md §0.1 [DECISION]); a decimal `age_years`
//! is floored here, for every equation. (Only vector H4 of §1.3 uses a decimal age, to
//! reproduce `transplantr`; it is tested on the core equation function directly.)

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::egfr::{
    self, AgeYears, CystatinC, EgfrEquation, EgfrFlag, EgfrInputs, GfrCategory, HeightCm, Race2009,
};
use sledger_core::sex::RecordedSex;
use sledger_core::units::creatinine::{CreatinineUnit, SerumCreatinine};
use sledger_core::{InputError, MeasureConfig, Status};

use crate::measure::Typed;

/// One eGFR input (renal.md §1; field names of the issue).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgfrInput {
    /// `ckd_epi_2021` (default from 18 y), `ckd_epi_2009`, `ckd_epi_2009_table`,
    /// `ckd_epi_2021_cr_cys`, `schwartz_bedside` (default below 18 y), `ckid_u25`.
    pub equation: Option<EgfrEquation>,
    /// `female` or `male`; any other value (`other`, `intersex`, `unknown`, `not_recorded`)
    /// makes a sex-specific equation not evaluable (renal.md §0.3).
    pub sex: Option<RecordedSex>,
    /// Age in years, 0–130; decimals allowed, floored to completed years.
    pub age_years: Option<Decimal>,
    /// Serum creatinine in `creatinine_unit` (10–2000 µmol/L once converted).
    pub creatinine: Option<Decimal>,
    /// `mg/dL`, `umol/L` (or `µmol/L`) or `mmol/L`; required with `creatinine`.
    pub creatinine_unit: Option<CreatinineUnit>,
    /// Cystatin C, mg/L (IFCC-standardized), for `ckd_epi_2021_cr_cys`.
    pub cystatin_c: Option<Decimal>,
    /// Height, cm (40–250), for `schwartz_bedside` and `ckid_u25`.
    pub height_cm: Option<Decimal>,
    /// Race coefficient of CKD-EPI 2009; accepted only with `ckd_epi_2009` or
    /// `ckd_epi_2009_table`, to reproduce historical values (renal.md §1.3).
    pub race_black: Option<bool>,
}

/// One eGFR result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EgfrOutput {
    /// Reported eGFR, mL/min/1.73 m²: the raw value rounded half away from zero (§0.2.1).
    pub egfr: Option<u16>,
    /// The equation's unrounded value, for audit.
    pub egfr_raw: Option<f64>,
    /// The equation used: the requested one, or the one chosen by age (§1.6.1).
    pub equation: Option<EgfrEquation>,
    /// KDIGO GFR category of the reported integer: G1, G2, G3a, G3b, G4, G5 (§1.6.3).
    pub category: Option<GfrCategory>,
    /// complete | not_evaluable | not_applicable.
    pub status: &'static str,
    /// Inputs whose absence made the eGFR not evaluable.
    pub missing: Vec<String>,
    /// Why the equation does not apply (`age_under_18_use_schwartz_bedside`,
    /// `age_under_1_year_not_derived`, `age_over_25_use_ckd_epi_2021`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `implausible_creatinine`, `age_over_100`, `race_not_recorded`,
    /// `adult_age_pediatric_equation`.
    pub flags: Vec<EgfrFlag>,
    /// The creatinine in canonical mg/dL (µmol/L ÷ 88.4), full precision.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub creatinine_mg_dl: Option<Decimal>,
}

/// Wire → domain: each field range-checked once, here (renal.md §0.1, §1).
fn inputs(input: &EgfrInput) -> Result<EgfrInputs, InputError> {
    let creatinine = match (input.creatinine, input.creatinine_unit) {
        (Some(value), Some(unit)) => {
            Some(SerumCreatinine::from_reported("creatinine", value, unit)?)
        }
        (Some(_), None) => {
            return Err(InputError::new(
                "creatinine_unit",
                "null",
                "required with creatinine: mg/dL, umol/L or mmol/L (renal.md §0.1)",
            ));
        }
        (None, _) => None,
    };
    let historical = input.equation.is_some_and(EgfrEquation::is_ckd_epi_2009);
    if let (Some(race_black), false) = (input.race_black, historical) {
        return Err(InputError::new(
            "race_black",
            race_black,
            "accepted only with equation ckd_epi_2009 or ckd_epi_2009_table, to reproduce \
             historical values (renal.md §1.3)",
        ));
    }
    Ok(EgfrInputs {
        equation: input.equation,
        sex: input.sex.and_then(RecordedSex::for_equations),
        age: input
            .age_years
            .map(|years| AgeYears::from_years("age_years", years))
            .transpose()?,
        creatinine,
        cystatin_c: input
            .cystatin_c
            .map(|mg_l| CystatinC::from_mg_l("cystatin_c", mg_l))
            .transpose()?,
        height: input
            .height_cm
            .map(|cm| HeightCm::from_cm("height_cm", cm))
            .transpose()?,
        race: input.race_black.map(|black| {
            if black {
                Race2009::Black
            } else {
                Race2009::NotBlack
            }
        }),
    })
}

fn run(input: EgfrInput, _config: &MeasureConfig) -> Result<EgfrOutput, InputError> {
    let inputs = inputs(&input)?;
    let result = egfr::estimate(&inputs);
    let reason = match &result.status {
        Status::NotApplicable { reason } => Some(reason.clone()),
        _ => None,
    };
    Ok(EgfrOutput {
        egfr: result.reported,
        egfr_raw: result.raw,
        equation: result.equation,
        category: result.category,
        status: result.status.code(),
        missing: result.status.missing().to_vec(),
        reason,
        flags: result.flags,
        creatinine_mg_dl: inputs.creatinine.map(|scr| scr.mg_dl()),
    })
}

/// `sledger score egfr`.
pub static MEASURE: Typed<EgfrInput, EgfrOutput> = Typed::new(
    "egfr",
    "eGFR (CKD-EPI 2021 by default, CKD-EPI 2009, creatinine–cystatin C, bedside Schwartz, CKiD U25) with KDIGO G category",
    "renal.md §1",
    run,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::FieldError;
    use crate::measure::{Context, Measure};
    use serde_json::{Value, json};

    fn score(input: Value) -> Result<Value, FieldError> {
        MEASURE.score(
            &input,
            &Context {
                config: &MeasureConfig::default(),
            },
        )
    }

    #[test]
    fn e1_adult_default_equation() {
        let out = score(json!({
            "sex": "male", "age_years": 55, "creatinine": 1.2, "creatinine_unit": "mg/dL"
        }))
        .expect("scored");
        assert_eq!(out["egfr"], json!(71));
        assert_eq!(out["equation"], json!("ckd_epi_2021"));
        assert_eq!(out["category"], json!("G2"));
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
        assert_eq!(out["flags"], json!([]));
        assert!(out.get("reason").is_none());
        let raw = out["egfr_raw"].as_f64().expect("a number");
        assert!((raw - 71.4178).abs() < 1e-4, "{raw}");
        assert_eq!(out["creatinine_mg_dl"], json!(1.2));
    }

    #[test]
    fn e9_in_umol_per_l_with_the_micro_sign_alias() {
        for unit in ["umol/L", "µmol/L"] {
            let out = score(json!({
                "sex": "female", "age_years": 30.7, "creatinine": 53, "creatinine_unit": unit
            }))
            .expect("scored");
            assert_eq!(out["egfr"], json!(124), "{unit}");
            assert_eq!(out["category"], json!("G1"), "{unit}");
            let mg_dl = out["creatinine_mg_dl"].as_f64().expect("a number");
            assert!((mg_dl - 0.59955).abs() < 1e-5, "{unit}: {mg_dl}");
        }
    }

    /// Decimals from JSON go through their shortest text: 0.1 is exactly 0.1, not
    /// 0.1000000000000000055….
    #[test]
    fn json_decimals_are_exact() {
        let input: EgfrInput =
            crate::decode::decode(&json!({"creatinine": 0.1, "age_years": 45.2})).expect("decoded");
        assert_eq!(input.creatinine, Some(Decimal::new(1, 1)));
        assert_eq!(input.age_years, Some(Decimal::new(452, 1)));
    }

    #[test]
    fn child_gets_bedside_schwartz_without_sex() {
        let out = score(json!({
            "age_years": 10, "height_cm": 101, "creatinine": 0.6, "creatinine_unit": "mg/dL"
        }))
        .expect("scored");
        assert_eq!(out["equation"], json!("schwartz_bedside"));
        assert_eq!(out["egfr"], json!(70), "S1");
    }

    #[test]
    fn cystatin_c_and_historical_equations() {
        let c1 = score(json!({
            "equation": "ckd_epi_2021_cr_cys", "sex": "male", "age_years": 60,
            "creatinine": 1.4, "creatinine_unit": "mg/dL", "cystatin_c": 0.8
        }))
        .expect("scored");
        assert_eq!(c1["egfr"], json!(84), "C1");
        let h2 = score(json!({
            "equation": "ckd_epi_2009", "sex": "male", "age_years": 55,
            "creatinine": 1.2, "creatinine_unit": "mg/dL", "race_black": true
        }))
        .expect("scored");
        assert_eq!(h2["egfr"], json!(78), "H2");
        let h1 = score(json!({
            "equation": "ckd_epi_2009_table", "sex": "male", "age_years": 55,
            "creatinine": 1.2, "creatinine_unit": "mg/dL"
        }))
        .expect("scored");
        assert_eq!(h1["egfr"], json!(68), "H1 per group");
        assert_eq!(h1["flags"], json!(["race_not_recorded"]));
    }

    #[test]
    fn missing_and_non_binary_sex_are_not_evaluable() {
        for sex in [json!(null), json!("unknown"), json!("other")] {
            let out = score(json!({
                "sex": sex, "age_years": 55, "creatinine": 1.2, "creatinine_unit": "mg/dL"
            }))
            .expect("scored");
            assert_eq!(out["status"], json!("not_evaluable"), "{sex}");
            assert_eq!(out["missing"], json!(["sex"]), "{sex}");
            assert_eq!(out["egfr"], json!(null), "{sex}");
            assert_eq!(out["equation"], json!("ckd_epi_2021"), "{sex}");
        }
        let out = score(json!({"sex": "female"})).expect("scored");
        assert_eq!(out["missing"], json!(["creatinine", "age_years"]));
        assert_eq!(out["equation"], json!(null));
    }

    #[test]
    fn adult_equation_below_18_is_not_applicable() {
        let out = score(json!({
            "equation": "ckd_epi_2021", "sex": "female", "age_years": 17.9,
            "creatinine": 0.7, "creatinine_unit": "mg/dL"
        }))
        .expect("scored");
        assert_eq!(out["status"], json!("not_applicable"));
        assert_eq!(out["reason"], json!("age_under_18_use_schwartz_bedside"));
        assert_eq!(out["egfr"], json!(null));
    }

    #[test]
    fn bad_inputs_name_their_field() {
        for (row, input, field) in [
            (
                "creatinine without unit",
                json!({"creatinine": 1.2, "sex": "male", "age_years": 50}),
                "creatinine_unit",
            ),
            (
                "unknown unit",
                json!({"creatinine": 1.2, "creatinine_unit": "mg/dl"}),
                "creatinine_unit",
            ),
            (
                "zero creatinine",
                json!({"creatinine": 0, "creatinine_unit": "mg/dL"}),
                "creatinine",
            ),
            (
                "creatinine above 2000 umol/L",
                json!({"creatinine": 2500, "creatinine_unit": "umol/L"}),
                "creatinine",
            ),
            ("age above 130", json!({"age_years": 131}), "age_years"),
            ("negative age", json!({"age_years": -1}), "age_years"),
            ("unknown equation", json!({"equation": "mdrd"}), "equation"),
            ("unknown sex value", json!({"sex": "f"}), "sex"),
            ("zero cystatin", json!({"cystatin_c": 0}), "cystatin_c"),
            (
                "height out of range",
                json!({"height_cm": 300}),
                "height_cm",
            ),
            (
                "race with the 2021 equation",
                json!({"equation": "ckd_epi_2021", "race_black": false}),
                "race_black",
            ),
            (
                "race without equation",
                json!({"race_black": true}),
                "race_black",
            ),
            ("unknown key", json!({"scr": 1.0}), "scr"),
        ] {
            let err = score(input).expect_err(row);
            assert_eq!(err.field, field, "{row}: {}", err.rule);
        }
    }
}
