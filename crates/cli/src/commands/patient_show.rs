//! `sledger patient show CODE --study CODE [--format table|json]` (issue #3 item 3): the
//! patient's facts and every measure per visit, derived now by sledger-core from the stored
//! facts (`record::visit_measures`, DESIGN §3) — nothing here computes a measure; this module
//! only shapes the results for the terminal or as JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use sledger_core::MeasureConfig;
use sledger_core::measures::renal_response::ResponseResult;
use sledger_core::record::derive::{RenalResponseAtVisit, UpcrSource, VisitMeasures};
use sledger_core::record::visit_measures;
use sledger_store::PatientChart;
use sledger_store::column::code_of;

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
                serde_json::to_string_pretty(&sledger_store::chart_wire::chart_json(
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
