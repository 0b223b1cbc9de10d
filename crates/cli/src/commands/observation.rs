//! `sledger observation import FILE.csv --study CODE`: lab results in bulk (issue #3 "Speed").
//!
//! The file is read as a stream (constant memory); each line is parsed and checked by
//! sledger-core (`Observation::parse`: code, unit allowed for the code, data-dictionary range);
//! good rows are prepared as batches here (ids, column text, digest) and written by a writer
//! task in one transaction each, while the next batch is being parsed. A refused line never stops the others: it is written to the error report (JSON
//! lines: line, field, value, rule) and the exit code is 1.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use sledger_core::InputError;
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::units::urine_protein::UrineSpecimen;
use sledger_store::observations::{NewObservation, ObservationBatch};

use super::DbArgs;

#[derive(Debug, Subcommand)]
pub enum ObservationCommand {
    /// Import observations from a CSV file with the header
    /// patient,code_system,code,value,unit,effective_date,specimen,reference_low,reference_high.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// The study's code.
    #[arg(long)]
    study: String,
    /// Rows per transaction.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Where refused rows are reported (JSON lines); default: FILE.errors.jsonl.
    #[arg(long)]
    errors: Option<PathBuf>,
}

/// One CSV line, as written.
#[derive(Debug, Deserialize)]
struct CsvRow {
    patient: String,
    code_system: String,
    code: String,
    value: String,
    unit: Option<String>,
    effective_date: String,
    specimen: Option<String>,
    reference_low: Option<String>,
    reference_high: Option<String>,
}

pub async fn run(db: &DbArgs, command: ObservationCommand) -> anyhow::Result<ExitCode> {
    match command {
        ObservationCommand::Import(args) => import(db, &args).await,
    }
}

async fn import(db: &DbArgs, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let store = db.open().await?;
    let study = store.study(&args.study).await?;
    let patients: HashMap<String, String> = store
        .patients(&study)
        .await?
        .into_iter()
        .map(|p| (p.code, p.entity_id))
        .collect();
    let import_id = sledger_store::write::new_id();
    let errors_path = args
        .errors
        .clone()
        .unwrap_or_else(|| with_suffix(&args.file, ".errors.jsonl"));
    let mut errors = std::io::BufWriter::new(
        std::fs::File::create(&errors_path)
            .with_context(|| format!("cannot write {}", errors_path.display()))?,
    );
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;

    // The writer task stores batches while this task parses the next one.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<ObservationBatch>(2);
    let actor = db.actor();
    let writer = {
        let store = store.clone();
        let study = study.clone();
        let actor = actor.clone();
        tokio::spawn(async move {
            let mut written = 0usize;
            while let Some(batch) = receiver.recv().await {
                written += store
                    .record_observation_batch(&actor, &study, batch)
                    .await?;
            }
            Ok::<usize, sledger_store::StoreError>(written)
        })
    };

    let batch_size = args.batch.max(1);
    let mut batch = Vec::with_capacity(batch_size);
    let mut refused = 0usize;
    for (index, record) in reader.deserialize::<CsvRow>().enumerate() {
        let line = index + 2; // the header is line 1
        let parsed = record
            .map_err(|e| InputError::new("line", line, format!("not a valid CSV row: {e}")))
            .and_then(|row| to_observation(row, &patients, &import_id));
        match parsed {
            Ok(o) => {
                batch.push(o);
                if batch.len() == batch_size {
                    let full = store.prepare_observations(&actor, &study, &batch);
                    batch.clear();
                    if sender.send(full).await.is_err() {
                        break; // the writer failed; its error is reported below
                    }
                }
            }
            Err(e) => {
                refused += 1;
                writeln!(
                    errors,
                    "{}",
                    json!({"file": args.file.display().to_string(), "line": line, "field": e.field, "value": e.value, "rule": e.rule})
                )?;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender
            .send(store.prepare_observations(&actor, &study, &batch))
            .await;
    }
    drop(sender);
    let written = writer.await.context("the store writer stopped")??;
    errors.flush()?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {written} observations in {seconds:.2} s ({:.0} rows/s); refused {refused}{}",
        written as f64 / seconds.max(f64::EPSILON),
        if refused > 0 {
            format!(" (see {})", errors_path.display())
        } else {
            String::new()
        }
    );
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn decimal(field: &'static str, text: Option<String>) -> Result<Option<Decimal>, InputError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| InputError::new(field, &t, "not a decimal number")),
    }
}

fn to_observation(
    row: CsvRow,
    patients: &HashMap<String, String>,
    import_id: &str,
) -> Result<NewObservation, InputError> {
    let patient_id = patients.get(&row.patient).cloned().ok_or_else(|| {
        InputError::new(
            "patient",
            &row.patient,
            "no patient with this study code in the study",
        )
    })?;
    let value = if let Ok(d) = row.value.parse::<Decimal>() {
        ObservationValue::Quantity(d)
    } else {
        match row.value.as_str() {
            "true" => ObservationValue::Boolean(true),
            "false" => ObservationValue::Boolean(false),
            "" => return Err(InputError::new("value", "", "a value is required")),
            _ => ObservationValue::Text(row.value.clone()),
        }
    };
    let effective = row.effective_date.parse().map_err(|_| {
        InputError::new(
            "effective_date",
            &row.effective_date,
            "an ISO date (YYYY-MM-DD)",
        )
    })?;
    let specimen = match row.specimen.filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<UrineSpecimen>(json!(s)).map_err(|_| {
                InputError::new(
                    "specimen",
                    &s,
                    "24h_collection, first_morning_void, random_spot or unknown",
                )
            })?,
        ),
    };
    let observation = Observation::parse(ObservationReport {
        code_system: row.code_system,
        code: row.code,
        value,
        unit: row.unit.filter(|u| !u.is_empty()),
        reference_low: decimal("reference_low", row.reference_low)?,
        reference_high: decimal("reference_high", row.reference_high)?,
        effective,
        specimen,
        source: ObservationSource::Csv {
            import_id: import_id.to_owned(),
        },
    })?;
    Ok(NewObservation {
        patient_id,
        visit_id: None,
        observation,
    })
}
