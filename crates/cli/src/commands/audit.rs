//! `sledger audit log` and `sledger audit verify` (issue #3 item 5): the study's hash-chained
//! audit trail, and its recomputation naming the first broken entry.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use sledger_store::audit::{self, Verification};

use super::refusal::accepted;
use super::{DbArgs, emit};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print the audit entries of a study, in order.
    Log(LogArgs),
    /// Recompute the chain: exit 0 and "intact: N entries", or exit 1 and "broken at entry N".
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// The first entry (sequence number).
    #[arg(long, default_value_t = 1)]
    from: i64,
    /// At most this many entries.
    #[arg(long, default_value_t = 100)]
    limit: i64,
    #[arg(long, value_enum, default_value_t = LogFormat::Table)]
    format: LogFormat,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
}

pub async fn run(db: &DbArgs, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let code = match command {
        AuditCommand::Log(args) => {
            let study = accepted!(store.study(&args.study).await);
            let entries =
                audit::log(store.pool(), &study.study_id, args.from, args.limit.max(0)).await?;
            let text = match args.format {
                LogFormat::Json => format!("{}\n", serde_json::to_string_pretty(&entries)?),
                LogFormat::Table => {
                    let mut text = "seq\tat\tactor\taction\tentity\tentity_id\treason\n".to_owned();
                    for e in &entries {
                        text.push_str(&format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                            e.seq,
                            e.at,
                            e.record.actor,
                            e.record.action,
                            e.record.entity,
                            e.record.entity_id,
                            e.record.reason.as_deref().unwrap_or("")
                        ));
                    }
                    text
                }
            };
            emit(&text);
            ExitCode::SUCCESS
        }
        AuditCommand::Verify(args) => {
            let study = accepted!(store.study(&args.study).await);
            match audit::verify(store.pool(), &study.study_id).await? {
                Verification::Intact { entries } => {
                    outln!("intact: {entries} entries");
                    ExitCode::SUCCESS
                }
                Verification::Broken { seq, problem } => {
                    outln!("broken at entry {seq}: {problem}");
                    ExitCode::from(1)
                }
            }
        }
    };
    store.close().await;
    Ok(code)
}
