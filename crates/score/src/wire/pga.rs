//! `sledger score pga`: one Physician Global Assessment, its PISCOS band, the DORIS and LLDAS
//! thresholds, and the SRI worsening test against a baseline (sle-activity §7).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::pga::{self, Pga, PgaBand};
use sledger_core::{InputError, MeasureConfig, Status};

use crate::measure::Typed;

/// One PGA: either `pga_hundredths`, or the mark read off a paper VAS line.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PgaInput {
    /// PGA in hundredths of a point, 0–300 (1.30 → 130; recorded to one decimal → × 10).
    pub pga_hundredths: Option<i64>,
    /// Distance of the mark from the 0 end of the VAS line, mm (instead of `pga_hundredths`).
    pub mark_mm: Option<Decimal>,
    /// Length of the VAS line, mm (with `mark_mm`).
    pub line_mm: Option<Decimal>,
    /// Baseline PGA in hundredths, 0–300, for the SRI worsening test (optional).
    pub baseline_pga_hundredths: Option<i64>,
    /// Who rated the PGA (optional; compared with `baseline_pga_rater_id`).
    pub pga_rater_id: Option<String>,
    /// Who rated the baseline PGA (optional).
    pub baseline_pga_rater_id: Option<String>,
}

/// The PGA and the thresholds other measures apply to it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PgaOutput {
    /// PGA in hundredths (0–300).
    pub pga_hundredths: Option<u16>,
    /// PGA in points (0.00–3.00).
    #[serde(with = "rust_decimal::serde::float_option")]
    #[schemars(with = "Option<f64>")]
    pub pga: Option<Decimal>,
    /// PISCOS band: none (< 0.5), mild (0.5–1), moderate (> 1–2), severe (> 2–3).
    pub band: Option<PgaBand>,
    /// DORIS remission item: PGA < 0.5.
    pub doris_ok: Option<bool>,
    /// LLDAS item: PGA ≤ 1.
    pub lldas_ok: Option<bool>,
    /// Current − baseline, in hundredths (null without a baseline).
    pub change_from_baseline_hundredths: Option<i32>,
    /// SRI worsening: current − baseline ≥ 0.30 (null without a baseline).
    pub sri_worsening: Option<bool>,
    /// The rater differs from the baseline rater (null unless both are recorded).
    pub rater_changed: Option<bool>,
    /// complete | not_evaluable.
    pub status: &'static str,
    /// Inputs whose absence made the result not evaluable.
    pub missing: Vec<String>,
}

/// `sledger score pga`.
pub static MEASURE: Typed<PgaInput, PgaOutput> = Typed::new(
    "pga",
    "Physician Global Assessment (0–3): PISCOS band, DORIS/LLDAS thresholds, SRI worsening",
    "sle-activity.md §7",
    run,
);

fn hundredths(field: &'static str, value: i64) -> Result<Pga, InputError> {
    let out_of_range = || {
        InputError::new(
            field,
            value,
            "must be between 0 and 300 hundredths (PGA 0.00–3.00, sle-activity §7.2)",
        )
    };
    let value = u16::try_from(value).map_err(|_| out_of_range())?;
    Pga::from_hundredths(value).map_err(|_| out_of_range())
}

/// Converts the wire input (sle-activity §7.2), scores it (§7.3) and shapes the result.
/// Without a baseline the comparisons are null and the status stays `complete`: the baseline
/// is an optional input of this measure.
fn run(input: PgaInput, _config: &MeasureConfig) -> Result<PgaOutput, InputError> {
    let current = match (input.pga_hundredths, input.mark_mm, input.line_mm) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(InputError::new(
                "mark_mm",
                "given with pga_hundredths",
                "give either pga_hundredths or mark_mm with line_mm, not both",
            ));
        }
        (Some(h), None, None) => Some(hundredths("pga_hundredths", h)?),
        (None, Some(mark), Some(line)) => Some(Pga::from_line_mark(mark, line)?),
        (None, _, _) => None,
    };
    let baseline = input
        .baseline_pga_hundredths
        .map(|h| hundredths("baseline_pga_hundredths", h))
        .transpose()?;
    let Some(current) = current else {
        let missing = match (input.mark_mm, input.line_mm) {
            (Some(_), None) => vec!["line_mm"],
            (None, Some(_)) => vec!["mark_mm"],
            _ => vec!["pga_hundredths"],
        };
        let status = Status::not_evaluable(missing);
        return Ok(PgaOutput {
            pga_hundredths: None,
            pga: None,
            band: None,
            doris_ok: None,
            lldas_ok: None,
            change_from_baseline_hundredths: None,
            sri_worsening: None,
            rater_changed: None,
            status: status.code(),
            missing: status.missing().to_vec(),
        });
    };
    Ok(PgaOutput {
        pga_hundredths: Some(current.hundredths()),
        pga: Some(current.points()),
        band: Some(current.band()),
        doris_ok: Some(current.meets_doris_remission()),
        lldas_ok: Some(current.meets_lldas()),
        change_from_baseline_hundredths: baseline.map(|b| current.change_from(b)),
        sri_worsening: baseline.map(|b| current.sri_worsening_from(b)),
        rater_changed: pga::rater_changed(
            input.pga_rater_id.as_deref(),
            input.baseline_pga_rater_id.as_deref(),
        )
        .known(),
        status: Status::Complete.code(),
        missing: Vec::new(),
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
    fn p9_worsening_from_baseline() {
        let out = score(json!({"pga_hundredths": 70, "baseline_pga_hundredths": 40}))
            .expect("valid input");
        assert_eq!(out["sri_worsening"], json!(true), "P9");
        assert_eq!(out["change_from_baseline_hundredths"], json!(30));
        assert_eq!(out["band"], json!("mild"));
        assert_eq!(out["doris_ok"], json!(false));
        assert_eq!(out["lldas_ok"], json!(true));
        assert_eq!(out["pga"], json!(0.7));
        assert_eq!(out["status"], json!("complete"));
        assert_eq!(out["missing"], json!([]));
    }

    #[test]
    fn p8_line_mark() {
        let out = score(json!({"mark_mm": 47, "line_mm": 100})).expect("valid input");
        assert_eq!(out["pga_hundredths"], json!(141), "P8");
        assert_eq!(out["sri_worsening"], Value::Null);
    }

    #[test]
    fn missing_pga_is_not_evaluable() {
        let out = score(json!({"baseline_pga_hundredths": 40})).expect("valid input");
        assert_eq!(out["status"], json!("not_evaluable"));
        assert_eq!(out["missing"], json!(["pga_hundredths"]));
        let out = score(json!({"mark_mm": 47})).expect("valid input");
        assert_eq!(out["missing"], json!(["line_mm"]));
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let rows = [
            ("P7 3.20", json!({"pga_hundredths": 320}), "pga_hundredths"),
            ("negative", json!({"pga_hundredths": -1}), "pga_hundredths"),
            (
                "baseline",
                json!({"pga_hundredths": 10, "baseline_pga_hundredths": 301}),
                "baseline_pga_hundredths",
            ),
            (
                "mark off the line",
                json!({"mark_mm": 120, "line_mm": 100}),
                "mark_mm",
            ),
            (
                "both forms",
                json!({"pga_hundredths": 10, "mark_mm": 5, "line_mm": 100}),
                "mark_mm",
            ),
            ("unknown key", json!({"pga": 1.3}), "pga"),
            (
                "wrong type",
                json!({"pga_hundredths": "1.30"}),
                "pga_hundredths",
            ),
        ];
        for (row, input, field) in rows {
            let err = score(input).expect_err(row);
            assert_eq!(err.field, field, "{row}");
        }
    }

    #[test]
    fn rater_change_is_reported() {
        let out =
            score(json!({"pga_hundredths": 70, "pga_rater_id": "a", "baseline_pga_rater_id": "b"}))
                .expect("valid input");
        assert_eq!(out["rater_changed"], json!(true));
    }
}
