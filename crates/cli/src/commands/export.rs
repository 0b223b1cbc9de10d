//! `sledger export fhir|odm|sdtm --study CODE --out PATH` (issue #6 items 2–4): reads the study
//! (export_gather.rs) and writes what sledger-interop renders. FHIR and SDTM write a folder of
//! files, ODM one XML file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::DbArgs;
use super::export_gather::gather;
use super::refusal::accepted;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// FHIR R4 bulk NDJSON, one file per resource type, into the folder --out.
    Fhir(ExportArgs),
    /// CDISC ODM 1.3.2 (Transactional, an AuditRecord per value) into the file --out.
    Odm(ExportArgs),
    /// SDTM-shaped CSV, one file per domain (dm, ex, lb, cm, ae, ds, qs), into the folder --out.
    Sdtm(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// Where to write (a folder for fhir and sdtm, a file for odm).
    #[arg(long)]
    out: PathBuf,
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub async fn run(db: &DbArgs, cmd: ExportCommand) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let args = match &cmd {
        ExportCommand::Fhir(a) | ExportCommand::Odm(a) | ExportCommand::Sdtm(a) => a,
    };
    let study = accepted!(store.study(&args.study).await);
    let data = accepted!(gather(&store, &study, &db.actor()).await);
    store.close().await;
    match cmd {
        ExportCommand::Fhir(args) => {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            let files = sledger_interop::fhir::export(&data)?;
            for file in &files {
                write(&args.out.join(file.file_name()), &file.text())?;
                eprintln!("{}: {} resources", file.file_name(), file.lines.len());
            }
        }
        ExportCommand::Odm(args) => {
            let created = jiff::Timestamp::now().to_string();
            let doc = sledger_interop::odm::DocumentInfo {
                file_oid: format!("sledger.{}.{}", data.code, created),
                created,
            };
            write(&args.out, &sledger_interop::odm::export(&data, &doc)?)?;
        }
        ExportCommand::Sdtm(args) => {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            for domain in sledger_interop::sdtm::export(&data)? {
                write(&args.out.join(domain.file_name()), &domain.csv)?;
                eprintln!("{}: {} rows", domain.file_name(), domain.rows);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
