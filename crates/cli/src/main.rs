//! `sledger`: the one binary of the SLE trial ledger (DESIGN §2).

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// sledger — the SLE trial ledger: capture, compute, randomize, report and exchange the data
/// of cell-therapy studies in systemic lupus erythematosus.
#[derive(Debug, Parser)]
#[command(name = "sledger", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    db: commands::DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute a clinical measure from JSON inputs (a JSON array in, a JSON array out).
    Score(commands::score::ScoreArgs),
    /// Observations in bulk: `sledger observation import FILE.csv --study CODE`.
    #[command(subcommand)]
    Observation(commands::observation::ObservationCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Score(args) => commands::score::run(&args),
        Command::Observation(cmd) => commands::run_async(commands::observation::run(&cli.db, cmd)),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sledger: {err:#}");
            ExitCode::from(2)
        }
    }
}
