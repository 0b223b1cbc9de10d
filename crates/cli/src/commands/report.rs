//! `sledger report case-series | trial | patient CODE --study CODE --format html|md|json
//! [--out FILE]` (issue #5 item 4): reads the study from the store, derives every measure with
//! sledger-core (`record::visit_measures`), hands the records to sledger-report and writes the
//! string it returns. The report crate does no IO; this module does no analysis.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use sledger_core::MeasureConfig;
use sledger_core::record::{VisitMeasures, visit_measures};
use sledger_report::patient_report::PatientReport;
use sledger_report::{CaseSeries, PatientInput, Provenance, ReportError};
use sledger_score::FieldError;
use std::collections::HashMap;

use sledger_report::TrialReport;
use sledger_report::trial::{AdverseEventRow, Group, Screening, Subject, TrialInput};
use sledger_store::adverse_event::{Relatedness, Seriousness};
use sledger_store::{
    AnalysisGroup, Member, PatientChart, Screening as StoreScreening, Study, TrialPopulation,
};

use super::refusal::accepted;
use super::{DbArgs, emit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Html,
    Md,
    Json,
}

impl From<FormatArg> for sledger_report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Html => sledger_report::Format::Html,
            FormatArg::Md => sledger_report::Format::Markdown,
            FormatArg::Json => sledger_report::Format::Json,
        }
    }
}

/// Where the report goes and in which format.
#[derive(Debug, Args)]
pub struct Output {
    /// The study's code.
    #[arg(long)]
    study: String,
    #[arg(long, value_enum, default_value_t = FormatArg::Html)]
    format: FormatArg,
    /// The file to write (standard output without it).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The case series: every patient's visits, measures and course plots, and the cohort
    /// summary (median, IQR, paired Wilcoxon).
    CaseSeries(Output),
    /// The trial analysis by arm, with the CONSORT flow; blinded (groups A/B) for the roles
    /// that may not see arms (the actor's role decides, `--actor`).
    Trial(Output),
    /// One patient's visit table and course plots.
    Patient {
        /// The patient's study code.
        code: String,
        #[command(flatten)]
        output: Output,
    },
}

/// The report's provenance: study, engine, configuration, time.
fn provenance(study: &Study, config: &MeasureConfig) -> Provenance {
    Provenance {
        study_code: study.code.clone(),
        study_title: study.title.clone(),
        protocol_id: study.protocol.id().to_owned(),
        protocol_version: study.protocol.version().to_owned(),
        engine_version: sledger_core::ENGINE_VERSION.to_owned(),
        config_id: sledger_score::batch::config_id(config),
        generated_at: generated_at(),
    }
}

/// A report the data cannot make (no patients, no primary endpoint) as a refusal: the field,
/// the value and the rule on stderr, exit 1 — as every refused input; `None` for a fault.
fn report_refusal(e: &ReportError) -> Option<FieldError> {
    let (field, value) = match e {
        ReportError::NoPatients { study } => ("study", study.clone()),
        ReportError::NoPrimaryEndpoint { protocol } => ("protocol", protocol.clone()),
        ReportError::UnsupportedEndpoint { variant, .. } => {
            ("primary_endpoint.variant", variant.clone())
        }
        ReportError::Json(_) => return None,
    };
    Some(FieldError {
        field: field.to_owned(),
        value: serde_json::Value::String(value),
        rule: e.to_string(),
    })
}

/// The value of a report build, or — for a refusal — print it and return exit code 1.
macro_rules! reported {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(e) => match report_refusal(&e) {
                Some(fe) => return Ok(super::refusal::refuse(&fe)),
                None => return Err(e.into()),
            },
        }
    };
}

/// The protocol's scheduled visits.
fn schedule(study: &Study) -> Vec<sledger_core::protocol::VisitCode> {
    study
        .protocol
        .schedule()
        .visits()
        .iter()
        .map(|v| v.code())
        .collect()
}

/// Now, to the second (UTC, RFC 3339).
fn generated_at() -> String {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Second).unwrap_or(now).to_string()
}

/// The trial report's input: the population as the actor may see it, joined to the charts.
fn trial_input<'a>(
    study: &'a Study,
    population: &TrialPopulation,
    charts: &'a [PatientChart],
    measures: &'a [Vec<VisitMeasures>],
    provenance: Provenance,
) -> TrialInput<'a> {
    let groups: Vec<Group> = population
        .groups
        .iter()
        .map(|g| match g {
            AnalysisGroup::Arm(id) => Group {
                label: id.clone(),
                arm: Some((
                    id.clone(),
                    study
                        .protocol
                        .arm(id)
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                )),
            },
            AnalysisGroup::Masked(label) => Group {
                label: label.clone(),
                arm: None,
            },
        })
        .collect();
    let members: HashMap<&str, &Member> = population
        .members
        .iter()
        .map(|m| (m.code.as_str(), m))
        .collect();
    let subjects = charts
        .iter()
        .zip(measures)
        .map(|(chart, m)| {
            let member = members.get(chart.patient.code.as_str());
            Subject {
                patient: PatientInput {
                    record: &chart.record,
                    measures: m,
                },
                screening: match member.map(|m| &m.screening) {
                    Some(StoreScreening::Eligible) => Screening::Eligible,
                    Some(StoreScreening::Ineligible(c)) => Screening::Ineligible(c.clone()),
                    Some(StoreScreening::Incomplete(c)) => Screening::Incomplete(c.clone()),
                    Some(StoreScreening::NotScreened) | None => Screening::NotScreened,
                },
                group: member
                    .and_then(|m| m.allocation.as_ref())
                    .and_then(|(_, g)| population.groups.iter().position(|x| x == g)),
                adverse_events: chart
                    .adverse_events
                    .iter()
                    .map(|a| AdverseEventRow {
                        grade: a.grade().get(),
                        serious: a.seriousness() == Seriousness::Serious,
                        relatedness: match a.relatedness() {
                            Relatedness::Unrelated => "unrelated",
                            Relatedness::Unlikely => "unlikely",
                            Relatedness::Possible => "possible",
                            Relatedness::Probable => "probable",
                            Relatedness::Definite => "definite",
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    TrialInput {
        provenance,
        protocol: &study.protocol,
        blinded: population.blinded,
        groups,
        subjects,
    }
}

fn write(output: &Output, text: &str) -> anyhow::Result<()> {
    match &output.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the report to {}", path.display())),
        None => {
            emit(text);
            Ok(())
        }
    }
}

pub async fn run(db: &DbArgs, command: ReportCommand) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let config = MeasureConfig::default();
    let (output, text) = match &command {
        ReportCommand::CaseSeries(output) => {
            let study = accepted!(store.study(&output.study).await);
            let charts = accepted!(store.study_charts(&study).await);
            let measures: Vec<Vec<VisitMeasures>> = charts
                .iter()
                .map(|c| visit_measures(&c.record, &config))
                .collect();
            let inputs: Vec<PatientInput<'_>> = charts
                .iter()
                .zip(&measures)
                .map(|(c, m)| PatientInput {
                    record: &c.record,
                    measures: m,
                })
                .collect();
            let report = CaseSeries::build(
                provenance(&study, &config),
                &schedule(&study),
                &inputs,
                &config,
            )?;
            (output, report.render(output.format.into())?)
        }
        ReportCommand::Patient { code, output } => {
            let study = accepted!(store.study(&output.study).await);
            let chart = accepted!(store.patient_chart(&study, code).await);
            let measures = visit_measures(&chart.record, &config);
            let report = PatientReport::build(
                provenance(&study, &config),
                &schedule(&study),
                PatientInput {
                    record: &chart.record,
                    measures: &measures,
                },
                &config,
            );
            (output, report.render(output.format.into())?)
        }
        ReportCommand::Trial(output) => {
            let study = accepted!(store.study(&output.study).await);
            let population = accepted!(store.trial_population(&db.actor(), &study).await);
            let charts = accepted!(store.study_charts(&study).await);
            let measures: Vec<Vec<VisitMeasures>> = charts
                .iter()
                .map(|c| visit_measures(&c.record, &config))
                .collect();
            let input = trial_input(
                &study,
                &population,
                &charts,
                &measures,
                provenance(&study, &config),
            );
            let report = reported!(TrialReport::build(&input, &config));
            (output, report.render(output.format.into())?)
        }
    };
    write(output, &text)?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
