//! `sledger randomize PATIENT --study CODE [--list test|live]` and `sledger unblind PATIENT
//! --study CODE --reason TEXT` (issue #4): the allocation number always, the arm only for the
//! roles that may see it.

use std::process::ExitCode;

use clap::Args;
use sledger_store::{ListKind, StoreError};

use super::DbArgs;
use super::refusal::accepted;

#[derive(Debug, Args)]
pub struct RandomizeArgs {
    /// The patient's study code.
    patient: String,
    /// The study's code.
    #[arg(long)]
    study: String,
    /// test or live.
    #[arg(long, default_value = "live")]
    list: String,
}

#[derive(Debug, Args)]
pub struct UnblindArgs {
    /// The patient's study code.
    patient: String,
    /// The study's code.
    #[arg(long)]
    study: String,
    /// Why the arm must be known now (required; audited).
    #[arg(long, default_value = "")]
    reason: String,
}

pub async fn randomize(db: &DbArgs, args: &RandomizeArgs) -> anyhow::Result<ExitCode> {
    let kind: ListKind = accepted!(args.list.parse().map_err(StoreError::from));
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let a = accepted!(
        store
            .randomize(&db.actor(), &study, &args.patient, kind)
            .await
    );
    match &a.arm {
        Some(arm) => outln!(
            "randomized {}: number {} ({} list), arm {arm}",
            a.patient,
            a.number,
            a.list
        ),
        None => outln!(
            "randomized {}: number {} ({} list)",
            a.patient,
            a.number,
            a.list
        ),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn unblind(db: &DbArgs, args: &UnblindArgs) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    let u = accepted!(
        store
            .unblind(&db.actor(), &study, &args.patient, &args.reason)
            .await
    );
    outln!(
        "unblinded {} (number {}): arm {} — recorded at {}",
        u.patient,
        u.number,
        u.arm,
        u.at
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
