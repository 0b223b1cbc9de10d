//! `sledger`: the one binary of the SLE trial ledger (DESIGN §2).

/// `println!` for command output: when the reader closes the pipe early (`sledger … | head`),
/// the command ends quietly with success instead of panicking as `println!` would.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::out_line(format_args!($($arg)*))
    };
}

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a bulk import allocates and frees millions of
/// small strings across two threads, where glibc's malloc spent a quarter of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Statistics as R computes them (Fisher, proportion CIs, Wilcoxon, Kaplan–Meier,
    /// log-rank): a JSON array in, a JSON array out.
    Stats(commands::stats::StatsArgs),
    /// Observations in bulk: `sledger observation import FILE.csv --study CODE`.
    #[command(subcommand)]
    Observation(commands::observation::ObservationCommand),
    /// Importers: `sledger import fhir PATH`, `sledger import csv FILE --mapping MAP.toml`.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// The hospital identifier → study code linkage: `add`, `export`, `purge`.
    #[command(subcommand)]
    Linkage(commands::linkage::LinkageCommand),
    /// Studies: `sledger study create --protocol FILE`, `sledger study list`.
    #[command(subcommand)]
    Study(commands::study::StudyCommand),
    /// Patients: `sledger patient enroll …`, `sledger patient show CODE --study CODE`.
    #[command(subcommand)]
    Patient(commands::patient::PatientCommand),
    /// Cell-product infusions: `sledger infusion record …`.
    #[command(subcommand)]
    Infusion(commands::infusion::InfusionCommand),
    /// Visits: `sledger visit record FILE.json --study CODE`.
    #[command(subcommand)]
    Visit(commands::visit::VisitCommand),
    /// Correct (supersede) or retract a recorded fact, with a reason.
    Correct(commands::correct::CorrectArgs),
    /// Exports: `sledger export fhir|odm|sdtm --study CODE --out PATH`.
    #[command(subcommand)]
    Export(commands::export::ExportCommand),
    /// The audit trail: `sledger audit log`, `sledger audit verify`.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Sample size and power for the randomized trial (renal.md §7.3).
    #[command(subcommand)]
    Power(commands::power::PowerCommand),
    /// Users and roles: `sledger user add --username U --role R`, `sledger user list`.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Randomize a patient: prints the allocation number (and the arm if the actor may see it).
    Randomize(commands::randomize::RandomizeArgs),
    /// Allocation lists: `setup`, `list`, `show`, `unblindings`, `simulate`.
    #[command(subcommand)]
    Randomization(commands::randomization::RandomizationCommand),
    /// Emergency unblinding of one patient, with a reason (audited).
    Unblind(commands::randomize::UnblindArgs),
    /// The web demo (`sledger demo`: demo studies and logins, then the server) or a synthetic
    /// randomized study (`sledger demo trial --study CODE`).
    Demo(commands::demo::DemoArgs),
    /// The JSON API over HTTP: `sledger serve --port 8080 [--bind 127.0.0.1]`.
    Serve(commands::serve::ServeArgs),
    /// Study reports as HTML, Markdown or JSON: `case-series`, `trial`, `patient CODE`.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Score(args) => commands::score::run(&args),
        Command::Stats(args) => commands::stats::run(&args),
        Command::Observation(cmd) => commands::run_async(commands::observation::run(&cli.db, cmd)),
        Command::Import(cmd) => commands::run_async(commands::import::run(&cli.db, cmd)),
        Command::Linkage(cmd) => commands::run_async(commands::linkage::run(&cli.db, cmd)),
        Command::Study(cmd) => commands::run_async(commands::study::run(&cli.db, cmd)),
        Command::Patient(cmd) => commands::run_async(commands::patient::run(&cli.db, cmd)),
        Command::Infusion(cmd) => commands::run_async(commands::infusion::run(&cli.db, cmd)),
        Command::Visit(cmd) => commands::run_async(commands::visit::run(&cli.db, cmd)),
        Command::Correct(args) => commands::run_async(commands::correct::run(&cli.db, &args)),
        Command::Export(cmd) => commands::run_async(commands::export::run(&cli.db, cmd)),
        Command::Audit(cmd) => commands::run_async(commands::audit::run(&cli.db, cmd)),
        Command::Power(cmd) => commands::power::run(&cmd),
        Command::User(cmd) => commands::run_async(commands::user::run(&cli.db, cmd)),
        Command::Randomize(args) => {
            commands::run_async(commands::randomize::randomize(&cli.db, &args))
        }
        Command::Randomization(cmd) => {
            commands::run_async(commands::randomization::run(&cli.db, cmd))
        }
        Command::Demo(cmd) => commands::run_async(commands::demo::run(&cli.db, cmd)),
        Command::Serve(args) => commands::run_async(commands::serve::run(&cli.db, &args)),
        Command::Report(cmd) => commands::run_async(commands::report::run(&cli.db, cmd)),
        Command::Unblind(args) => commands::run_async(commands::randomize::unblind(&cli.db, &args)),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sledger: {err:#}");
            ExitCode::from(2)
        }
    }
}
