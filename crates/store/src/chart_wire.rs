//! A patient's chart as JSON (issue #3 item 3): the facts and every measure per visit that
//! sledger-core derived (`record::visit_measures`), shaped once for `sledger patient show
//! --format json` and the API's patient read, so the two cannot drift. Nothing here computes a
//! measure.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};
use sledger_core::MeasureConfig;
use sledger_core::measures::renal_response::ResponseResult;
use sledger_core::record::derive::{
    CourseAtVisit, RenalResponseAtVisit, UpcrSource, VisitMeasures,
};
use sledger_core::record::observation::ObservationValue;
use sledger_core::status::Status;
use sledger_score::wire::doris::DorisOut;
use sledger_score::wire::flare::{SfiOut, SledaiFlareOut};
use sledger_score::wire::lldas::LldasOut;
use sledger_score::wire::sledai2k::Sledai2kOutput;

use crate::PatientChart;
use crate::column::code_of;
use crate::condition::Condition;
use crate::infusion::StoredInfusion;
use crate::medication::agent_code;

/// A measure's status as the wire writes it.
#[derive(Debug, Serialize)]
struct StatusJson {
    status: &'static str,
    missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl StatusJson {
    fn of(status: &Status) -> StatusJson {
        StatusJson {
            status: status.code(),
            missing: status.missing().to_vec(),
            reason: match status {
                Status::NotApplicable { reason } => Some(reason.clone()),
                _ => None,
            },
        }
    }
}

/// A decimal as a JSON number, written from its exact shortest text (never via arithmetic
/// in f64).
fn decimal(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| {
        let text = d.normalize().to_string();
        serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text))
    })
}

/// The UPCR source of renal.md §2.3.
fn upcr_source(s: UpcrSource) -> &'static str {
    match s {
        UpcrSource::Collection24hRatio => "24h_collection_ratio",
        UpcrSource::Protein24hAsRatio => "24h_protein_as_ratio",
        UpcrSource::FirstMorningVoid => "first_morning_void",
        UpcrSource::RandomSpot => "random_spot",
        UpcrSource::UnknownSpecimen => "unknown_specimen",
    }
}

fn response_json(r: &ResponseResult) -> Value {
    json!({
        "response": r.response,
        "variant": r.variant,
        "egfr_tolerance": decimal(r.egfr_tolerance),
        "status": StatusJson::of(&r.status),
    })
}

/// One visit's facts and measures as JSON.
fn visit_json(chart: &PatientChart, i: usize, m: &VisitMeasures, config: &MeasureConfig) -> Value {
    let stored = &chart.visits[i];
    let visit = &chart.record.visits()[i];
    let observations: Vec<Value> = visit
        .observations()
        .iter()
        .map(|o| {
            let value = match o.value() {
                ObservationValue::Quantity(d) => decimal(Some(*d)),
                ObservationValue::Text(t) => Value::String(t.clone()),
                ObservationValue::Boolean(b) => Value::Bool(*b),
            };
            json!({
                "code_system": o.system().uri(), "code": o.code(), "value": value,
                "unit": o.unit(), "effective_date": o.effective().to_string(),
                "specimen": o.specimen().map(|s| code_of(&s)),
            })
        })
        .collect();
    let sledai2k = match &m.sledai2k {
        Ok(score) => {
            serde_json::to_value(Sledai2kOutput::from_score(score, config.sledai_window_days))
                .unwrap_or(Value::Null)
        }
        Err(e) => json!({"error": {"field": e.field, "value": e.value, "rule": e.rule}}),
    };
    let renal = match &m.renal_response {
        RenalResponseAtVisit::BaselineVisit => json!("baseline_visit"),
        RenalResponseAtVisit::Evaluated {
            kdigo_2024,
            eular_era_edta_2019,
        } => json!({
            "kdigo_2024": response_json(kdigo_2024),
            "eular_era_edta_2019": response_json(eular_era_edta_2019),
        }),
    };
    let gc = match &m.glucocorticoid {
        Ok(g) => json!({
            "prednisone_equivalent_mg_per_day": decimal(Some(g.maintenance_pe.mg())),
            "pulse_in_lookback": g.pulse_in_lookback,
            "pct_reduction": decimal(g.reduction.pct_reduction),
            "ge_50": g.reduction.ge_50,
            "ge_90": g.reduction.ge_90,
            "gc_free": g.reduction.gc_free,
            "reduction_status": StatusJson::of(&g.reduction.status),
        }),
        Err(e) => json!({"error": {"field": e.field, "value": e.value, "rule": e.rule}}),
    };
    let course = match &m.course {
        CourseAtVisit::Evaluated(r) => json!({
            "lldas": LldasOut::new(&r.lldas),
            "doris": DorisOut::new(&r.doris),
            "sledai_flare": SledaiFlareOut::new(&r.sledai_flare),
            "sfi": SfiOut::new(&r.sfi),
        }),
        CourseAtVisit::NoBaselineVisit => {
            json!({"status": "not_evaluable", "reason": "no_baseline_visit"})
        }
        CourseAtVisit::Refused(e) => {
            json!({"error": {"field": e.field, "value": e.value, "rule": e.rule}})
        }
    };
    json!({
        "visit": m.visit_code.to_string(),
        "visit_id": stored.visit_id,
        "date": m.visit_date.to_string(),
        "study_day": m.study_day,
        "window_status": stored.window_status,
        "window_days_off": stored.window_days_off,
        "pga_hundredths": visit.pga().map(|p| p.hundredths()),
        "observations": observations,
        "sledai2k": sledai2k,
        "egfr": {
            "egfr": m.egfr.estimate.reported,
            "equation": m.egfr.estimate.equation,
            "creatinine_mg_dl": decimal(m.egfr.creatinine.map(|c| c.mg_dl())),
            "sample_date": m.egfr.sample_date.map(|d| d.to_string()),
            "age_years": m.egfr.age_years,
            "for_response": m.egfr.for_response.as_ref().map(|e| e.reported),
            "status": StatusJson::of(&m.egfr.estimate.status),
        },
        "upcr": {
            "mg_per_g": decimal(m.upcr.mg_per_g),
            "source": m.upcr.source.map(upcr_source),
            "flagged": m.upcr.source.map(UpcrSource::is_flagged),
            "effective_date": m.upcr.effective.map(|d| d.to_string()),
            "status": StatusJson::of(&m.upcr.status),
        },
        "renal_response": renal,
        "glucocorticoid": gc,
        "course": course,
    })
}

/// The patient's facts and every measure per visit as JSON (`sledger patient show --format
/// json`, `GET /api/v1/studies/{study}/patients/{code}`).
pub fn chart_json(
    chart: &PatientChart,
    infusions: &[StoredInfusion],
    conditions: &[Condition],
    measures: &[VisitMeasures],
    config: &MeasureConfig,
) -> Value {
    let p = &chart.patient;
    let record = &chart.record;
    json!({
        "patient": {
            "code": p.code, "site": p.site, "sex": code_of(&p.sex),
            "birth": format!("{:04}-{:02}", p.birth_year, p.birth_month),
            "enrollment_date": p.enrollment_date.to_string(),
            "infusion_date": record.infusion_date().map(|d| d.to_string()),
        },
        "visits": measures.iter().enumerate().map(|(i, m)| visit_json(chart, i, m, config)).collect::<Vec<_>>(),
        "medications": record.medications().iter().map(|m| json!({
            "agent": agent_code(m.agent), "dose_ug": m.dose.ug(), "route": code_of(&m.route),
            "schedule": code_of(&m.schedule), "start_date": m.period.start().to_string(),
            "end_date": m.period.end().map(|d| d.to_string()), "indication": code_of(&m.indication),
        })).collect::<Vec<_>>(),
        "adverse_events": chart.adverse_events.iter().map(|a| json!({
            "term": a.term(), "ctcae_grade": a.grade().get(),
            "serious": a.seriousness() == crate::adverse_event::Seriousness::Serious,
            "relatedness": code_of(&a.relatedness()), "onset_date": a.onset().to_string(),
            "resolution_date": a.resolution().map(|d| d.to_string()),
            "outcome": a.outcome().map(|o| code_of(&o)),
        })).collect::<Vec<_>>(),
        "protocol_deviations": chart.deviations.iter().map(|d| json!({
            "kind": d.kind, "visit_id": d.visit_id, "description": d.description,
        })).collect::<Vec<_>>(),
        "infusions": infusions.iter().map(|i| {
            let i = &i.infusion;
            json!({
                "date": i.date.to_string(), "source": code_of(&i.source), "donor": code_of(&i.donor),
                "route": code_of(&i.route), "lot": i.lot, "total_cells": i.total_cells,
                "weight_kg": decimal(i.weight_kg), "viability_pct": decimal(i.viability_pct),
                "premedication": i.premedication,
            })
        }).collect::<Vec<_>>(),
        "conditions": conditions.iter().map(|c| json!({
            "code_system": c.code_system(), "code": c.code(), "display": c.display(),
            "clinical_status": c.clinical_status().map(|s| code_of(&s)),
            "verification_status": c.verification_status().map(|s| code_of(&s)),
            "onset_date": c.onset().map(|d| d.to_string()),
            "abatement_date": c.abatement().map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
    })
}
