//! `sledger patient show CODE --study CODE [--format table|json]` (issue #3 item 3): the
//! patient's facts and every measure per visit, derived now by sledger-core from the stored
//! facts (`record::visit_measures`, DESIGN §3) — nothing here computes a measure; this module
//! only shapes the results for the terminal or as JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};
use sledger_core::MeasureConfig;
use sledger_core::measures::renal_response::ResponseResult;
use sledger_core::record::derive::{
    CourseAtVisit, RenalResponseAtVisit, UpcrSource, VisitMeasures,
};
use sledger_core::record::observation::ObservationValue;
use sledger_core::record::visit_measures;
use sledger_core::status::Status;
use sledger_score::wire::doris::DorisOut;
use sledger_score::wire::flare::{SfiOut, SledaiFlareOut};
use sledger_score::wire::lldas::LldasOut;
use sledger_score::wire::sledai2k::Sledai2kOutput;
use sledger_store::PatientChart;
use sledger_store::column::code_of;
use sledger_store::condition::Condition;
use sledger_store::infusion::StoredInfusion;
use sledger_store::medication::agent_code;

use super::refusal::accepted;
use super::{DbArgs, emit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The patient's study code.
    code: String,
    /// The study's code.
    #[arg(long)]
    study: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

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

fn chart_json(
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
            "serious": a.seriousness() == sledger_store::adverse_event::Seriousness::Serious,
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

fn text_decimal(d: Option<Decimal>, places: u32) -> String {
    d.map_or_else(
        || "—".to_owned(),
        |d| d.round_dp(places).normalize().to_string(),
    )
}

fn response_text(r: &ResponseResult) -> String {
    let text = code_of(&r.response);
    match r.status.missing() {
        [] => text,
        missing => format!("{text} ({})", missing.join(",")),
    }
}

/// The chart as a text table, one line per visit.
fn table(chart: &PatientChart, measures: &[VisitMeasures]) -> String {
    let mut out = String::new();
    let p = &chart.patient;
    let _ = writeln!(
        out,
        "patient {}  site {}  sex {}  born {:04}-{:02}  enrolled {}  infusion {}",
        p.code,
        p.site,
        code_of(&p.sex),
        p.birth_year,
        p.birth_month,
        p.enrollment_date,
        chart
            .record
            .infusion_date()
            .map_or_else(|| "—".to_owned(), |d| d.to_string())
    );
    let _ = writeln!(
        out,
        "{:<10} {:<11} {:>5} {:<16} {:>9} {:>5} {:>16} {:<13} {:<13} {:>8} {:>7}",
        "date",
        "visit",
        "day",
        "window",
        "SLEDAI-2K",
        "eGFR",
        "UPCR mg/g",
        "KDIGO 2024",
        "EULAR 2019",
        "PE mg/d",
        "% red."
    );
    for (i, m) in measures.iter().enumerate() {
        let stored = &chart.visits[i];
        let sledai = match &m.sledai2k {
            Ok(s) => match s.total() {
                Some(t) => t.to_string(),
                None => {
                    let (lo, hi) = s.bounds();
                    format!("{lo}–{hi}")
                }
            },
            Err(e) => format!("error: {}", e.field),
        };
        let egfr = m
            .egfr
            .estimate
            .reported
            .map_or_else(|| "—".to_owned(), |e| e.to_string());
        let upcr = match (m.upcr.mg_per_g, m.upcr.source) {
            (Some(v), Some(source)) => format!(
                "{} {}",
                text_decimal(Some(v), 0),
                match source {
                    UpcrSource::Collection24hRatio => "(24h)",
                    UpcrSource::Protein24hAsRatio => "(24h prot)*",
                    UpcrSource::FirstMorningVoid => "(FMV)",
                    UpcrSource::RandomSpot => "(spot)*",
                    UpcrSource::UnknownSpecimen => "(unk)*",
                }
            ),
            _ => "—".to_owned(),
        };
        let (kdigo, eular) = match &m.renal_response {
            RenalResponseAtVisit::BaselineVisit => ("baseline".to_owned(), "baseline".to_owned()),
            RenalResponseAtVisit::Evaluated {
                kdigo_2024,
                eular_era_edta_2019,
            } => (
                response_text(kdigo_2024),
                response_text(eular_era_edta_2019),
            ),
        };
        let (pe, reduction) = match &m.glucocorticoid {
            Ok(g) => (
                text_decimal(Some(g.maintenance_pe.mg()), 2),
                text_decimal(g.reduction.pct_reduction, 1),
            ),
            Err(_) => ("error".to_owned(), "—".to_owned()),
        };
        let day = m
            .study_day
            .map_or_else(|| "—".to_owned(), |d| d.to_string());
        let window = if stored.window_days_off == 0 {
            stored.window_status.clone()
        } else {
            format!("{} {:+}d", stored.window_status, stored.window_days_off)
        };
        let _ = writeln!(
            out,
            "{:<10} {:<11} {:>5} {:<16} {:>9} {:>5} {:>16} {:<13} {:<13} {:>8} {:>7}",
            m.visit_date.to_string(),
            m.visit_code.to_string(),
            day,
            window,
            sledai,
            egfr,
            upcr,
            kdigo,
            eular,
            pe,
            reduction
        );
    }
    if measures
        .iter()
        .any(|m| m.upcr.source.is_some_and(UpcrSource::is_flagged))
    {
        let _ = writeln!(
            out,
            "* UPCR source flagged by renal.md §2.3 (not a 24-h collection ratio or first-morning void)"
        );
    }
    for d in &chart.deviations {
        let _ = writeln!(out, "protocol deviation ({}): {}", d.kind, d.description);
    }
    for a in &chart.adverse_events {
        let _ = writeln!(
            out,
            "adverse event: {} (CTCAE grade {}, {}, {}), onset {}",
            a.term(),
            a.grade().get(),
            if a.seriousness() == sledger_store::adverse_event::Seriousness::Serious {
                "serious"
            } else {
                "non-serious"
            },
            code_of(&a.relatedness()),
            a.onset()
        );
    }
    out
}

pub async fn run(db: &DbArgs, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let chart = accepted!(store.patient_chart(&study, &args.code).await);
    let config = MeasureConfig::default();
    let measures = visit_measures(&chart.record, &config);
    match args.format {
        Format::Json => {
            let infusions = accepted!(store.infusions(&study, &args.code).await);
            let conditions = accepted!(store.conditions(&study, &args.code).await);
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&chart_json(
                    &chart,
                    &infusions,
                    &conditions,
                    &measures,
                    &config
                ))?
            ))
        }
        Format::Table => emit(&table(&chart, &measures)),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
