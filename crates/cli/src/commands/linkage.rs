//! `sledger linkage add|export|purge` (issue #6): the hospital identifier → study code table,
//! kept apart from the clinical tables. `purge` is the one deletion in sledger, audited with
//! its reason (docs/interop.md "Subject linkage").

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{DbArgs, emit};

#[derive(Debug, Subcommand)]
pub enum LinkageCommand {
    /// Link hospital identifiers (`Patient/<id>` or `system|value`) to an enrolled patient.
    Add(AddArgs),
    /// Write the study's linkage as CSV (hospital_identifier,patient,origin,recorded_at).
    Export(StudyArg),
    /// Delete the study's whole linkage (audited); the clinical facts stay.
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub struct StudyArg {
    #[arg(long)]
    study: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    study: String,
    /// The patient's study code.
    #[arg(long)]
    patient: String,
    /// A hospital identifier; repeat for several.
    #[arg(long = "identifier", required = true)]
    identifiers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[arg(long)]
    study: String,
    /// Why the linkage is destroyed (kept in the audit trail).
    #[arg(long)]
    reason: String,
}

pub async fn run(db: &DbArgs, command: LinkageCommand) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    match command {
        LinkageCommand::Add(a) => {
            let study = store.study(&a.study).await?;
            store
                .link_subject(&db.actor(), &study, &a.identifiers, &a.patient, None)
                .await?;
            eprintln!(
                "linked {} identifier(s) to {}",
                a.identifiers.len(),
                a.patient
            );
        }
        LinkageCommand::Export(a) => {
            let study = store.study(&a.study).await?;
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(["hospital_identifier", "patient", "origin", "recorded_at"])?;
            for l in store.linkages(&study).await? {
                let origin = match l.origin {
                    sledger_store::linkage::LinkOrigin::Linked => "linked",
                    sledger_store::linkage::LinkOrigin::EnrolledByImport => "enrolled_by_import",
                };
                out.write_record([
                    l.hospital_identifier.as_str(),
                    &l.patient_code,
                    origin,
                    &l.recorded_at,
                ])?;
            }
            emit(&String::from_utf8(out.into_inner()?)?);
        }
        LinkageCommand::Purge(a) => {
            let study = store.study(&a.study).await?;
            let n = store.purge_linkage(&db.actor(), &study, &a.reason).await?;
            eprintln!("purged {n} link(s) of {}", a.study);
        }
    }
    Ok(ExitCode::SUCCESS)
}
