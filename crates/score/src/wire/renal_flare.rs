//! `sledger score renal-flare`: renal flares over a patient's ordered assessments under a named
//! definition (renal.md §4).
//!
//! Input: `{"variant": …, "visits": [{visit_date, scr, egfr, upcr, urine_protein_24h_g,
//! urine_rbc_per_hpf, acanthocytes_ge_2, rbc_or_wbc_casts, sediment_active, response_status},
//! …]}`, baseline first, dates strictly ascending. Output: one result per visit with the
//! reference visit used, the variant's finding (KDIGO severity, Moroni / EULAR proteinuric and
//! nephritic, AURORA 2 flare), `criterion_met` against that reference and `confirmed` (met
//! again ≥ 7 days later against the same reference: the reproducibility rule of renal.md §4).

use jiff::civil::Date;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_core::measures::renal_flare::{
    self, DocumentedResponse, Finding, FlareSeriesResult, FlareVariant, FlareVisit, Severity,
    VisitSeries,
};
use sledger_core::{InputError, MeasureConfig, Status, Tri};

use crate::measure::Typed;

/// One assessment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlareVisitInput {
    /// Date of the assessment (required; strictly after the previous visit).
    pub visit_date: Option<Date>,
    /// Serum creatinine, mg/dL (0.1–25).
    pub scr: Option<Decimal>,
    /// Reported eGFR, mL/min/1.73 m² (0–200) — EULAR 2012 nephritic flare.
    pub egfr: Option<u16>,
    /// UPCR, mg/g (0–30000).
    pub upcr: Option<Decimal>,
    /// 24-h urine protein, g/24 h (0–30) — Moroni.
    pub urine_protein_24h_g: Option<Decimal>,
    /// Urine red cells per high-power field (0–1000).
    pub urine_rbc_per_hpf: Option<u16>,
    /// ≥ 2 acanthocytes per hpf.
    pub acanthocytes_ge_2: Option<bool>,
    /// ≥ 1 RBC or WBC cast (no infection).
    pub rbc_or_wbc_casts: Option<bool>,
    /// Nephritic (active) urinary sediment.
    pub sediment_active: Option<bool>,
    /// Documented renal response at this visit: complete | partial | none.
    pub response_status: Option<DocumentedResponse>,
}

/// A patient's assessments under one flare definition.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenalFlareInput {
    /// kdigo_2012_relapse | moroni | eular_era_edta_2012 | aurora2. Required.
    pub variant: Option<FlareVariant>,
    /// Baseline first, dates strictly ascending. Required.
    pub visits: Option<Vec<FlareVisitInput>>,
}

/// One visit's flare result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FlareVisitOutput {
    pub visit_date: Date,
    /// Index in `visits` of the reference assessment (post-response value or previous visit).
    pub reference_visit: Option<usize>,
    pub reference_date: Option<Date>,
    /// KDIGO 2012: none | mild | moderate | severe (the lowest certain severity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// KDIGO 2012: the highest severity still possible (equals `severity` when complete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_max: Option<Severity>,
    /// Moroni / EULAR 2012 proteinuric flare criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proteinuric: Option<Tri>,
    /// Moroni / EULAR 2012 nephritic flare criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nephritic: Option<Tri>,
    /// AURORA 2 flare criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flare: Option<Tri>,
    /// Any flare of the variant at this visit against its reference; null when not applicable.
    pub criterion_met: Option<Tri>,
    /// This visit reproduces a flare first met at `confirms_visit` ≥ 7 days earlier.
    pub confirmed: Option<Tri>,
    pub confirms_visit: Option<usize>,
    /// complete | incomplete | not_evaluable | not_applicable.
    pub status: &'static str,
    pub missing: Vec<String>,
    /// baseline_visit | no_documented_response | post_response_upcr_above_1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The series result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RenalFlareOutput {
    pub variant: FlareVariant,
    /// Whether the variant needs two measurements ≥ 1 week apart (renal.md §4 intro).
    pub confirmation_required: bool,
    /// True for the [UNVERIFIED] EULAR/ERA-EDTA 2012 wording.
    pub unverified: bool,
    pub visits: Vec<FlareVisitOutput>,
    /// complete when every visit is complete or not applicable, else incomplete.
    pub status: &'static str,
    /// Every visit's missing inputs.
    pub missing: Vec<String>,
}

fn shape(series: &VisitSeries, result: FlareSeriesResult) -> RenalFlareOutput {
    let visits: Vec<FlareVisitOutput> = result
        .visits
        .into_iter()
        .zip(series.visits())
        .map(|(r, visit)| {
            let applicable = !matches!(r.status, Status::NotApplicable { .. });
            let mut out = FlareVisitOutput {
                visit_date: visit.visit_date,
                reference_visit: r.reference_visit,
                reference_date: r.reference_visit.map(|k| series.visits()[k].visit_date),
                severity: None,
                severity_max: None,
                proteinuric: None,
                nephritic: None,
                flare: None,
                criterion_met: applicable.then_some(r.criterion_met),
                confirmed: applicable.then_some(r.confirmed),
                confirms_visit: r.confirms_visit,
                status: r.status.code(),
                missing: r.status.missing().to_vec(),
                reason: match &r.status {
                    Status::NotApplicable { reason } => Some(reason.clone()),
                    _ => None,
                },
            };
            match r.finding.filter(|_| applicable) {
                Some(Finding::Kdigo2012Relapse { lower, upper }) => {
                    out.severity = Some(lower);
                    out.severity_max = Some(upper);
                }
                Some(
                    Finding::Moroni {
                        proteinuric,
                        nephritic,
                    }
                    | Finding::EularEraEdta2012 {
                        proteinuric,
                        nephritic,
                    },
                ) => {
                    out.proteinuric = Some(proteinuric);
                    out.nephritic = Some(nephritic);
                }
                Some(Finding::Aurora2 { flare }) => out.flare = Some(flare),
                None => {}
            }
            out
        })
        .collect();
    let missing: Vec<String> = visits.iter().flat_map(|v| v.missing.clone()).collect();
    RenalFlareOutput {
        variant: result.variant,
        confirmation_required: result.confirmation_required,
        unverified: result.unverified,
        status: if missing.is_empty() {
            "complete"
        } else {
            "incomplete"
        },
        missing,
        visits,
    }
}

fn in_range(
    i: usize,
    name: &str,
    v: Option<Decimal>,
    min: Decimal,
    max: Decimal,
) -> Result<Option<Decimal>, InputError> {
    match v {
        Some(v) if v < min || v > max => Err(InputError::new(
            format!("visits[{i}].{name}"),
            v,
            format!("must be between {min} and {max} (data dictionary)"),
        )),
        other => Ok(other),
    }
}

fn in_range_int(i: usize, name: &str, v: Option<u16>, max: u16) -> Result<Option<u16>, InputError> {
    match v {
        Some(v) if v > max => Err(InputError::new(
            format!("visits[{i}].{name}"),
            v,
            format!("must be between 0 and {max} (data dictionary)"),
        )),
        other => Ok(other),
    }
}

fn visit(i: usize, v: FlareVisitInput) -> Result<FlareVisit, InputError> {
    let visit_date = v
        .visit_date
        .ok_or_else(|| InputError::new(format!("visits[{i}].visit_date"), "null", "required"))?;
    Ok(FlareVisit {
        visit_date,
        scr: in_range(i, "scr", v.scr, Decimal::new(1, 1), Decimal::from(25))?,
        egfr: in_range_int(i, "egfr", v.egfr, 200)?,
        upcr: in_range(i, "upcr", v.upcr, Decimal::ZERO, Decimal::from(30_000))?,
        urine_protein_24h_g: in_range(
            i,
            "urine_protein_24h_g",
            v.urine_protein_24h_g,
            Decimal::ZERO,
            Decimal::from(30),
        )?,
        urine_rbc_per_hpf: in_range_int(i, "urine_rbc_per_hpf", v.urine_rbc_per_hpf, 1000)?,
        acanthocytes_ge_2: v.acanthocytes_ge_2,
        rbc_or_wbc_casts: v.rbc_or_wbc_casts,
        sediment_active: v.sediment_active,
        response_status: v.response_status,
    })
}

fn run(input: RenalFlareInput, _config: &MeasureConfig) -> Result<RenalFlareOutput, InputError> {
    let variant = input.variant.ok_or_else(|| {
        InputError::new(
            "variant",
            "null",
            "required: kdigo_2012_relapse, moroni, eular_era_edta_2012 or aurora2",
        )
    })?;
    let visits = input
        .visits
        .ok_or_else(|| InputError::new("visits", "null", "required: the ordered assessments"))?
        .into_iter()
        .enumerate()
        .map(|(i, v)| visit(i, v))
        .collect::<Result<Vec<_>, _>>()?;
    let series = VisitSeries::new(visits)?;
    let result = renal_flare::evaluate_series(variant, &series);
    Ok(shape(&series, result))
}

/// `sledger score renal-flare`.
pub static MEASURE: Typed<RenalFlareInput, RenalFlareOutput> = Typed::new(
    "renal-flare",
    "Lupus nephritis renal flare per visit after a documented response (KDIGO 2012 relapse, Moroni, EULAR/ERA-EDTA 2012, AURORA 2), with reproducibility",
    "renal.md §4",
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
    fn f1_kdigo_moderate_after_a_complete_response() {
        let out = score(json!({"variant": "kdigo_2012_relapse", "visits": [
            {"visit_date": "2024-01-01", "scr": 1.4, "upcr": 3000},
            {"visit_date": "2024-04-01", "scr": 0.8, "upcr": 300, "response_status": "complete"},
            {"visit_date": "2024-07-01", "scr": 1.1, "upcr": 600},
            {"visit_date": "2024-07-15", "scr": 1.15, "upcr": 650}
        ]}))
        .expect("valid input");
        let v = &out["visits"];
        assert_eq!(v[0]["status"], json!("not_applicable"));
        assert_eq!(v[0]["reason"], json!("baseline_visit"));
        assert_eq!(v[2]["severity"], json!("moderate"), "F1");
        assert_eq!(v[2]["reference_visit"], json!(1));
        assert_eq!(v[2]["criterion_met"], json!("true"));
        assert_eq!(v[2]["confirmed"], json!("false"));
        assert_eq!(v[3]["confirmed"], json!("true"));
        assert_eq!(v[3]["confirms_visit"], json!(2));
        assert_eq!(out["confirmation_required"], json!(true));
        assert_eq!(out["unverified"], json!(false));
    }

    #[test]
    fn m3_moroni_nephritic_with_exact_decimals() {
        let out = score(json!({"variant": "moroni", "visits": [
            {"visit_date": "2024-01-01", "scr": 0.9, "urine_protein_24h_g": 0.3,
             "sediment_active": false, "response_status": "complete"},
            {"visit_date": "2024-02-01", "scr": 1.17, "urine_protein_24h_g": 0.3,
             "sediment_active": true}
        ]}))
        .expect("valid input");
        let v = &out["visits"][1];
        assert_eq!(v["nephritic"], json!("true"), "M3");
        assert_eq!(v["proteinuric"], json!("false"));
        assert_eq!(v["status"], json!("complete"));
    }

    #[test]
    fn missing_inputs_name_the_visit() {
        let out = score(json!({"variant": "aurora2", "visits": [
            {"visit_date": "2024-01-01", "response_status": "complete"},
            {"visit_date": "2024-02-01", "upcr": 1500}
        ]}))
        .expect("valid input");
        assert_eq!(out["visits"][1]["status"], json!("not_evaluable"));
        assert_eq!(out["visits"][1]["missing"], json!(["visits[0].upcr"]));
        assert_eq!(out["status"], json!("incomplete"));
    }

    #[test]
    fn eular_results_are_marked_unverified() {
        let out = score(json!({"variant": "eular_era_edta_2012", "visits": [
            {"visit_date": "2024-01-01"}
        ]}))
        .expect("valid input");
        assert_eq!(out["unverified"], json!(true));
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let err = score(json!({"variant": "moroni", "visits": [
            {"visit_date": "2024-02-01"}, {"visit_date": "2024-01-01"}
        ]}))
        .expect_err("input is refused");
        assert_eq!(err.field, "visits[1].visit_date");
        let err = score(json!({"variant": "moroni", "visits": [
            {"visit_date": "2024-02-01", "scr": 26}
        ]}))
        .expect_err("input is refused");
        assert_eq!(err.field, "visits[0].scr");
        let err = score(json!({"variant": "moroni", "visits": [{"scr": 1.0}]}))
            .expect_err("input is refused");
        assert_eq!(err.field, "visits[0].visit_date");
        let err = score(json!({"variant": "moroni", "visits": [
            {"visit_date": "2024-02-01", "upcr_unit": "mg/mmol"}
        ]}))
        .expect_err("input is refused");
        assert_eq!(err.field, "visits[0].upcr_unit");
        let err = score(json!({"variant": "kdigo", "visits": []})).expect_err("input is refused");
        assert_eq!(err.field, "variant");
        let err = score(json!({"variant": "moroni"})).expect_err("input is refused");
        assert_eq!(err.field, "visits");
        let err = score(json!({"variant": "moroni", "visits": [
            {"visit_date": "2024-02-01", "response_status": "remission"}
        ]}))
        .expect_err("input is refused");
        assert_eq!(err.field, "visits[0].response_status");
    }
}
