//! `sledger report case-series | trial | patient CODE --study CODE --format html|md|json
//! [--out FILE]` (issue #5 item 4): reads the study from the store, derives every measure with
//! sledger-core (`record::visit_measures`), hands the records to sledger-report and writes the
//! string it returns. The report crate does no IO; this module does no analysis.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use sledger_core::MeasureConfig;
use sledger_core::record::visit_measures;
use sledger_report::patient_report::PatientReport;
use sledger_report::{PatientInput, ReportError};
use sledger_score::FieldError;

use sledger_report::TrialReport;
use sledger_store::report_input::{
    case_series_report, chart_measures, provenance, schedule, trial_input,
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
            let report = case_series_report(&study, &charts, &config)?;
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
            let measures = chart_measures(&charts, &config);
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
