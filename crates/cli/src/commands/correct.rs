//! `sledger correct --study CODE --entity TABLE --id ENTITY_ID --set column=value … --reason
//! TEXT` (issue #3 item 4): a new version supersedes the old one with who, when and why; the
//! corrected fact is re-validated by the same core parsers as new input. `--retract` withdraws
//! a fact recorded in error.

use std::process::ExitCode;

use clap::Args;
use serde_json::{Map, Value};
use sledger_core::InputError;
use sledger_store::StoreError;

use super::DbArgs;
use super::refusal::accepted;

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// The fact table: observation, visit, visit_fact, sledai_item, medication,
    /// adverse_event, infusion, patient, …
    #[arg(long)]
    entity: String,
    /// The fact's entity id.
    #[arg(long)]
    id: String,
    /// A corrected column, `column=value` (`value` = null clears it); repeatable.
    #[arg(long = "set", value_name = "COLUMN=VALUE")]
    set: Vec<String>,
    /// Withdraw the fact (recorded in error) instead of correcting it.
    #[arg(long, conflicts_with = "set")]
    retract: bool,
    /// Why (required; kept with the new version and in the audit trail).
    #[arg(long)]
    reason: String,
}

fn changes(set: &[String]) -> Result<Map<String, Value>, InputError> {
    let mut out = Map::new();
    for pair in set {
        let (column, value) = pair
            .split_once('=')
            .ok_or_else(|| InputError::new("set", pair, "column=value"))?;
        out.insert(column.trim().to_owned(), Value::String(value.to_owned()));
    }
    Ok(out)
}

pub async fn run(db: &DbArgs, args: &CorrectArgs) -> anyhow::Result<ExitCode> {
    let changes = accepted!(changes(&args.set).map_err(StoreError::from));
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let version = if args.retract {
        accepted!(
            store
                .retract(&db.actor(), &study, &args.entity, &args.id, &args.reason)
                .await
        )
    } else {
        accepted!(
            store
                .correct(
                    &db.actor(),
                    &study,
                    &args.entity,
                    &args.id,
                    changes,
                    &args.reason
                )
                .await
        )
    };
    outln!(
        "{} {} {}: version {}",
        if version.retracted {
            "retracted"
        } else {
            "corrected"
        },
        args.entity,
        args.id,
        version.version
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
