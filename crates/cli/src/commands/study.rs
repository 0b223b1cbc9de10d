//! `sledger study create --protocol FILE [--code CODE]` and `sledger study list` (issue #3
//! item 3): a study is created from its protocol file, validated on load with errors that name
//! the line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::DbArgs;
use super::refusal::accepted;

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Create a study from a protocol file (protocols/*.toml).
    Create(CreateArgs),
    /// List the studies: code and title.
    List,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The protocol file (TOML, format in docs/protocols.md).
    #[arg(long)]
    protocol: PathBuf,
    /// The study's code (default: the protocol's id).
    #[arg(long)]
    code: Option<String>,
}

pub async fn run(db: &DbArgs, command: StudyCommand) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    match command {
        StudyCommand::Create(args) => {
            let text = std::fs::read_to_string(&args.protocol)
                .with_context(|| format!("cannot read {}", args.protocol.display()))?;
            let file_name = args.protocol.file_name().map_or_else(
                || "protocol".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let code = match args.code {
                Some(code) => code,
                None => {
                    let protocol = sledger_core::protocol::load(&file_name, &text);
                    accepted!(protocol.map_err(sledger_store::StoreError::from))
                        .id()
                        .to_owned()
                }
            };
            let study = accepted!(
                store
                    .create_study(&db.actor(), &code, &file_name, &text)
                    .await
            );
            outln!("created study {} — {}", study.code, study.title);
        }
        StudyCommand::List => {
            for (code, title) in store.studies().await? {
                outln!("{code}\t{title}");
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
