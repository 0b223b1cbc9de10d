//! `sledger score upcr`: a urine protein- (or albumin-) to-creatinine ratio in every unit,
//! its KDIGO category by the reported unit's table and the nephrotic-range flag (renal.md §2).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::proteinuria::{
    self, AlbuminuriaCategory, ratio_category, ratio_nephrotic_range,
};
use sledger_core::units::urine_protein::{RatioUnit, UrineRatio, UrineRatioKind, UrineSpecimen};
use sledger_core::{InputError, MeasureConfig, Status};

use crate::measure::Typed;

/// One ratio: either `value` + `unit`, or the two urine concentrations of the same sample.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpcrInput {
    /// The ratio as reported, in `unit` (0–30 g/g once converted).
    pub value: Option<Decimal>,
    /// `mg/mg`, `g/g`, `mg/g`, `mg/mmol` or `g/mmol` (UACR: `mg/g` or `mg/mmol`); required
    /// with `value`.
    pub unit: Option<RatioUnit>,
    /// `upcr` (protein, the default) or `uacr` (albumin).
    pub kind: Option<UrineRatioKind>,
    /// `24h_collection`, `first_morning_void`, `random_spot` or `unknown` (renal.md §2.1);
    /// recorded and echoed, not used by the category.
    pub specimen: Option<UrineSpecimen>,
    /// Urine protein, mg/dL: with `urine_creatinine_mg_dl`, instead of `value`/`unit`.
    pub urine_protein_mg_dl: Option<Decimal>,
    /// Urine creatinine, mg/dL (same sample as `urine_protein_mg_dl`).
    pub urine_creatinine_mg_dl: Option<Decimal>,
}

/// The ratio in every unit, with its category.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UpcrOutput {
    /// `upcr` or `uacr`.
    pub kind: UrineRatioKind,
    /// Canonical mg/g (exact factors of renal.md §2.2), full precision.
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub mg_g: Option<Decimal>,
    /// g/g (= mg/mg).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub g_g: Option<Decimal>,
    /// mg/mmol (mg/g ÷ 8.840 unless reported per mmol).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub mg_mmol: Option<Decimal>,
    /// KDIGO A1/A2/A3 by the table of the reported unit (renal.md §2.4, vector P7).
    pub category: Option<AlbuminuriaCategory>,
    /// UPCR ≥ 3.0 g/g (renal.md §2.4); null for a UACR or when not evaluable.
    pub nephrotic_range: Option<bool>,
    /// The specimen as given.
    pub specimen: Option<UrineSpecimen>,
    /// complete | not_evaluable.
    pub status: &'static str,
    /// Inputs whose absence made the ratio not evaluable.
    pub missing: Vec<String>,
}

/// Wire → domain: the ratio, `Ok(Err(missing))` when an input is missing.
fn ratio(
    input: &UpcrInput,
    kind: UrineRatioKind,
) -> Result<Result<UrineRatio, Vec<&'static str>>, InputError> {
    let concentrations =
        input.urine_protein_mg_dl.is_some() || input.urine_creatinine_mg_dl.is_some();
    if concentrations {
        if let Some(value) = input.value {
            return Err(InputError::new(
                "value",
                value,
                "give either value and unit, or urine_protein_mg_dl and urine_creatinine_mg_dl",
            ));
        }
        if kind == UrineRatioKind::Uacr {
            return Err(InputError::new(
                "kind",
                "uacr",
                "urine_protein_mg_dl and urine_creatinine_mg_dl give a UPCR only",
            ));
        }
        return Ok(
            match (input.urine_protein_mg_dl, input.urine_creatinine_mg_dl) {
                (Some(protein), Some(creatinine)) => {
                    Ok(proteinuria::upcr_from_concentrations(protein, creatinine)?)
                }
                (Some(_), None) => Err(vec!["urine_creatinine_mg_dl"]),
                (None, _) => Err(vec!["urine_protein_mg_dl"]),
            },
        );
    }
    Ok(match (input.value, input.unit) {
        (Some(value), Some(unit)) => Ok(UrineRatio::from_reported(
            kind,
            ("value", value),
            ("unit", unit),
        )?),
        (Some(_), None) => {
            return Err(InputError::new(
                "unit",
                "null",
                "required with value: mg/mg, g/g, mg/g, mg/mmol or g/mmol (renal.md §0.1)",
            ));
        }
        (None, Some(_)) => Err(vec!["value"]),
        (None, None) => Err(vec!["value", "unit"]),
    })
}

fn run(input: UpcrInput, _config: &MeasureConfig) -> Result<UpcrOutput, InputError> {
    // renal.md §2.1: a ratio is a UPCR unless stated otherwise (the default).
    let kind = input.kind.unwrap_or(UrineRatioKind::Upcr);
    Ok(match ratio(&input, kind)? {
        Ok(ratio) => UpcrOutput {
            kind,
            mg_g: Some(ratio.mg_per_g()),
            g_g: Some(ratio.g_per_g()),
            mg_mmol: Some(ratio.mg_per_mmol()),
            category: Some(ratio_category(&ratio)),
            nephrotic_range: ratio_nephrotic_range(&ratio),
            specimen: input.specimen,
            status: Status::Complete.code(),
            missing: Vec::new(),
        },
        Err(missing) => {
            let status = Status::not_evaluable(missing);
            UpcrOutput {
                kind,
                mg_g: None,
                g_g: None,
                mg_mmol: None,
                category: None,
                nephrotic_range: None,
                specimen: input.specimen,
                status: status.code(),
                missing: status.missing().to_vec(),
            }
        }
    })
}

/// `sledger score upcr`.
pub static MEASURE: Typed<UpcrInput, UpcrOutput> = Typed::new(
    "upcr",
    "Urine protein/albumin-to-creatinine ratio in mg/g, g/g and mg/mmol, KDIGO A category by the reported unit, nephrotic range",
    "renal.md §2",
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
    fn p1_half_gram_per_gram() {
        let out = score(json!({"value": 0.5, "unit": "g/g", "specimen": "24h_collection"}))
            .expect("scored");
        assert_eq!(out["kind"], json!("upcr"));
        assert_eq!(out["mg_g"], json!(500.0));
        assert_eq!(out["g_g"], json!(0.5));
        let mg_mmol = out["mg_mmol"].as_f64().expect("a number");
        assert!((mg_mmol - 56.561).abs() < 1e-3, "{mg_mmol}");
        assert_eq!(out["category"], json!("A3"));
        assert_eq!(out["nephrotic_range"], json!(false));
        assert_eq!(out["specimen"], json!("24h_collection"));
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
    }

    #[test]
    fn p7_uacr_uses_the_reported_unit_table() {
        let out = score(json!({"value": 3.2, "unit": "mg/mmol", "kind": "uacr"})).expect("scored");
        assert_eq!(out["category"], json!("A2"));
        assert_eq!(out["nephrotic_range"], json!(null));
        assert_eq!(out["mg_mmol"], json!(3.2), "exact, reported per mmol");
    }

    #[test]
    fn p3_from_concentrations() {
        let out = score(json!({"urine_protein_mg_dl": 45, "urine_creatinine_mg_dl": 90}))
            .expect("scored");
        assert_eq!(out["g_g"], json!(0.5));
        assert_eq!(out["mg_g"], json!(500.0));
        let out = score(json!({"urine_protein_mg_dl": 45})).expect("scored");
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["urine_creatinine_mg_dl"]));
    }

    #[test]
    fn nephrotic_at_three_grams_per_gram() {
        let out = score(json!({"value": 3.0, "unit": "g/g"})).expect("scored");
        assert_eq!(out["nephrotic_range"], json!(true));
        let out = score(json!({"value": 2.999, "unit": "g/g"})).expect("scored");
        assert_eq!(out["nephrotic_range"], json!(false));
    }

    #[test]
    fn missing_value_is_not_evaluable() {
        let out = score(json!({"specimen": "random_spot"})).expect("scored");
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["value", "unit"]));
        assert_eq!(out["category"], json!(null));
    }

    #[test]
    fn bad_inputs_name_their_field() {
        for (row, input, field) in [
            ("value without unit", json!({"value": 0.5}), "unit"),
            ("unknown unit", json!({"value": 0.5, "unit": "g/L"}), "unit"),
            (
                "negative value",
                json!({"value": -0.5, "unit": "g/g"}),
                "value",
            ),
            ("above 30 g/g", json!({"value": 31, "unit": "g/g"}), "value"),
            (
                "uacr in g/g",
                json!({"value": 0.03, "unit": "g/g", "kind": "uacr"}),
                "unit",
            ),
            (
                "both forms",
                json!({"value": 0.5, "unit": "g/g", "urine_protein_mg_dl": 45}),
                "value",
            ),
            (
                "zero urine creatinine",
                json!({"urine_protein_mg_dl": 45, "urine_creatinine_mg_dl": 0}),
                "urine_creatinine_mg_dl",
            ),
            (
                "unknown specimen",
                json!({"specimen": "catheter"}),
                "specimen",
            ),
            ("unknown key", json!({"upcr": 0.5}), "upcr"),
        ] {
            let err = score(input).expect_err(row);
            assert_eq!(err.field, field, "{row}: {}", err.rule);
        }
    }
}
