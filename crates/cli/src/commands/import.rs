//! `sledger import fhir PATH` and `sledger import csv FILE --mapping MAP.toml` (issue #6
//! items 1 and 5; docs/interop.md "Import"). Both go through one [`ImportRun`]
//! (import_run.rs): linkage, idempotency ledger, batches, error report, summary; exit code 1
//! when any record was refused.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::DbArgs;
use super::import_run::ImportRun;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// FHIR R4: bulk-export NDJSON (`.ndjson`, line by line) and Bundles (`.json`); PATH is
    /// a file or a folder (Patient files first).
    Fhir(FhirArgs),
    /// A lab extract in CSV, its columns named by a TOML mapping.
    Csv(CsvArgs),
}

#[derive(Debug, Args)]
pub struct FhirArgs {
    /// A `.ndjson` or `.json` file, or a folder of them.
    pub path: PathBuf,
    /// The study's code (default: the store's only study).
    #[arg(long)]
    pub study: Option<String>,
    /// Enroll each unknown subject (from its Patient resource) under a new pseudonymous
    /// code, keeping the hospital identifier only in the linkage table.
    #[arg(long)]
    pub enroll_unknown: bool,
    /// The site code of subjects enrolled by the import.
    #[arg(long, default_value = "IMPORT")]
    pub site: String,
    /// Where refused records are reported (JSON lines); default: PATH.errors.jsonl.
    #[arg(long)]
    pub errors: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CsvArgs {
    /// The CSV extract (with a header line).
    pub file: PathBuf,
    /// The TOML mapping of its columns, codes and units.
    #[arg(long)]
    pub mapping: PathBuf,
    /// The study's code.
    #[arg(long)]
    pub study: String,
    /// Where refused rows are reported (JSON lines); default: FILE.errors.jsonl.
    #[arg(long)]
    pub errors: Option<PathBuf>,
}

pub async fn run(db: &DbArgs, command: ImportCommand) -> anyhow::Result<ExitCode> {
    let refused = match command {
        ImportCommand::Fhir(args) => super::import_fhir::import(db, &args).await?,
        ImportCommand::Csv(args) => super::import_csv::import(db, &args).await?,
    };
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Shared by the two importers' `run`s: whether the run refused anything.
pub(crate) async fn finish(run: ImportRun, what: &str) -> anyhow::Result<bool> {
    run.finish(what).await
}
