//! `sledger infusion record …` (issue #3 item 1): one administration of the cell product; its
//! date is the patient's day 0.

use std::process::ExitCode;

use clap::Args;
use rust_decimal::Decimal;
use sledger_core::InputError;
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route};
use sledger_store::StoreError;
use sledger_store::column::parse_code;

use super::DbArgs;
use super::patient::date;
use super::refusal::accepted;

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// The patient's study code.
    #[arg(long)]
    patient: String,
    /// Infusion date, YYYY-MM-DD (day 0).
    #[arg(long)]
    date: String,
    /// bone_marrow, umbilical_cord, adipose or car_t.
    #[arg(long)]
    source: String,
    /// allogeneic or autologous.
    #[arg(long)]
    donor: String,
    /// Total cells infused (e.g. 90000000).
    #[arg(long)]
    cells: u64,
    /// Route of administration (only iv).
    #[arg(long, default_value = "iv")]
    route: String,
    /// Body weight at infusion, kg (for cells/kg).
    #[arg(long)]
    weight_kg: Option<Decimal>,
    /// Product lot.
    #[arg(long)]
    lot: Option<String>,
    /// Viability, %.
    #[arg(long)]
    viability: Option<Decimal>,
    /// Premedication given.
    #[arg(long)]
    premedication: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum InfusionCommand {
    /// Record an infusion of the cell product.
    Record(RecordArgs),
}

fn infusion(args: &RecordArgs) -> Result<Infusion, InputError> {
    Ok(Infusion {
        date: date("date", &args.date)?,
        source: parse_code::<CellSource>(
            "source",
            &args.source,
            "bone_marrow, umbilical_cord, adipose, car_t",
        )?,
        donor: parse_code::<Donor>("donor", &args.donor, "allogeneic, autologous")?,
        route: parse_code::<Route>("route", &args.route, "iv")?,
        lot: args.lot.clone(),
        total_cells: args.cells,
        weight_kg: args.weight_kg,
        viability_pct: args.viability,
        premedication: args.premedication.clone(),
    })
}

pub async fn run(db: &DbArgs, command: InfusionCommand) -> anyhow::Result<ExitCode> {
    let InfusionCommand::Record(args) = command;
    let infusion = accepted!(infusion(&args).map_err(StoreError::from));
    let store = db.open().await?;
    let study = accepted!(store.study(&args.study).await);
    accepted!(
        store
            .record_infusion(&db.actor(), &study, &args.patient, infusion)
            .await
    );
    outln!(
        "recorded the infusion of {} on {} (day 0)",
        args.patient,
        args.date
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
