//! `sledger visit record FILE.json --study CODE`: one visit's facts (issue #3 item 3).
//!
//! The JSON wire format is the CLI's own (DESIGN invariant 5), keyed by data-dictionary names,
//! and converted once into sledger-core's domain types; the store then writes everything in one
//! transaction. Unknown keys are refused naming the key; every refusal is
//! `{"error": {"field", "value", "rule"}}` on stderr with exit code 1, and nothing is written.
//!
//! ```json
//! {
//!   "note": "free text, not stored",
//!   "patient": "VLD-001", "visit": "m1", "date": "2017-03-31", "idempotency_key": "VLD-001/m1",
//!   "observations": [{"code_system": "http://loinc.org", "code": "2890-2", "value": 1450,
//!                     "unit": "mg/g", "specimen": "24h_collection"}],
//!   "sledai": {"sledai_proteinuria": "present", "sledai_rash": "absent",
//!              "sledai_rash_date": "2017-03-20", "sledai_rash_new_or_recurrent": false},
//!   "pga_hundredths": 150, "rescue_or_treatment_failure": false, "bilag_renal": "B",
//!   "medications": [{"agent": "prednisone", "dose": 20, "dose_unit": "mg", "route": "oral",
//!                    "schedule": "daily", "start_date": "2017-03-01", "end_date": null,
//!                    "indication": "sle_activity"}],
//!   "adverse_events": [{"term": "Headache", "ctcae_grade": 1, "serious": false,
//!                       "relatedness": "possible", "onset_date": "2017-03-02",
//!                       "resolution_date": "2017-03-03", "outcome": "recovered"}]
//! }
//! ```
//!
//! An open-ended course (`"end_date": null`) ends the patient's open-ended course of the same
//! agent the day before it starts: the new dose replaces the old one.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::Value;
use sledger_score::FieldError;
use sledger_store::visit::VisitSubmission;

use super::DbArgs;
use super::refusal::{accepted, refuse};

#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Record one visit's facts from a JSON file (format: `sledger visit record --help`).
    Record(RecordArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The visit's JSON file: patient, visit, date, idempotency_key, observations, sledai,
    /// pga_hundredths, the visit facts by their data-dictionary names, medications,
    /// adverse_events.
    file: PathBuf,
    /// The study's code.
    #[arg(long)]
    study: String,
}

/// Reads and parses a visit file; a refusal is the field error to print.
fn read(path: &std::path::Path) -> anyhow::Result<Result<VisitSubmission, FieldError>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let json: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Err(FieldError {
                field: String::new(),
                value: Value::Null,
                rule: format!("not valid JSON: {e}"),
            }));
        }
    };
    Ok(sledger_store::visit_wire::parse_visit(&json))
}

pub async fn run(db: &DbArgs, command: VisitCommand) -> anyhow::Result<ExitCode> {
    let VisitCommand::Record(args) = command;
    let submission = match read(&args.file)? {
        Ok(s) => s,
        Err(e) => return Ok(refuse(&e)),
    };
    let (patient, visit) = (submission.patient_code.clone(), submission.visit);
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let summary = accepted!(store.record_visit(&db.actor(), &study, submission).await);
    let day = summary
        .study_day
        .map_or_else(|| "no study day".to_owned(), |d| format!("study day {d}"));
    outln!(
        "recorded {patient} {visit}: {day}, {}, {} facts",
        summary.timing.code(),
        summary.facts_written
    );
    if let Some(deviation) = summary.deviation {
        outln!("protocol deviation (visit_out_of_window): {deviation}");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
