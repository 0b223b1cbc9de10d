//! `sledger patient eligibility CODE --answer criterion=yes|no …` and `sledger patient strata
//! CODE --set factor=level … [--lock]` (issue #4): what randomization checks first — the
//! protocol's eligibility criteria answered, the stratum values recorded and locked.

use std::process::ExitCode;

use clap::Args;
use sledger_core::InputError;
use sledger_store::{Answer, Lock, StoreError};

use super::DbArgs;
use super::refusal::accepted;

#[derive(Debug, Args)]
pub struct EligibilityArgs {
    /// The patient's study code.
    patient: String,
    /// The study's code.
    #[arg(long)]
    study: String,
    /// criterion=yes|no, one per criterion id of the protocol (repeatable).
    #[arg(long = "answer", required = true)]
    answers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StrataArgs {
    /// The patient's study code.
    patient: String,
    /// The study's code.
    #[arg(long)]
    study: String,
    /// factor=level, one per stratification factor (repeatable).
    #[arg(long = "set")]
    values: Vec<String>,
    /// Lock the values (every factor must have one); after this they cannot change.
    #[arg(long)]
    lock: bool,
}

/// `name=value`, naming `field` otherwise.
fn pair(field: &'static str, text: &str) -> Result<(String, String), InputError> {
    text.split_once('=')
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| InputError::new(field, text, "name=value"))
}

pub async fn eligibility(db: &DbArgs, args: &EligibilityArgs) -> anyhow::Result<ExitCode> {
    let answers: Result<Vec<(String, Answer)>, InputError> = args
        .answers
        .iter()
        .map(|a| {
            let (id, answer) = pair("answer", a)?;
            Ok((id.clone(), Answer::parse(&id, &answer)?))
        })
        .collect();
    let answers = accepted!(answers.map_err(StoreError::from));
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    accepted!(
        store
            .record_eligibility(&db.actor(), &study, &args.patient, &answers)
            .await
    );
    outln!(
        "recorded {} eligibility answer(s) for {}",
        answers.len(),
        args.patient
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn strata(db: &DbArgs, args: &StrataArgs) -> anyhow::Result<ExitCode> {
    let values: Result<Vec<(String, String)>, InputError> =
        args.values.iter().map(|v| pair("set", v)).collect();
    let values = accepted!(values.map_err(StoreError::from));
    let lock = if args.lock { Lock::Lock } else { Lock::Leave };
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let recorded = accepted!(
        store
            .set_strata(&db.actor(), &study, &args.patient, &values, lock)
            .await
    );
    let shown: Vec<String> = recorded
        .values
        .iter()
        .map(|(f, l)| format!("{f}={l}"))
        .collect();
    match recorded.locked_at {
        Some(at) => outln!("{}: {} (locked at {at})", args.patient, shown.join(", ")),
        None => outln!("{}: {} (not locked)", args.patient, shown.join(", ")),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
