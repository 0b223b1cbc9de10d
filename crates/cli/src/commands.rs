//! One module per subcommand, and what they share: the database and the actor.

pub mod audit;
pub mod correct;
pub mod demo;
pub mod demo_awaiting;
pub mod demo_index;
pub mod demo_trial;
pub mod demo_users;
pub mod export;
pub mod export_gather;
pub mod histogram_svg;
pub mod import;
pub mod import_csv;
pub mod import_fhir;
pub mod import_run;
pub mod infusion;
pub mod linkage;
pub mod observation;
pub mod patient;
pub mod patient_show;
pub mod power;
pub mod randomization;
pub mod randomize;
pub mod refusal;
pub mod report;
pub mod score;
pub mod screening;
pub mod serve;
pub mod stats;
pub mod study;
pub mod user;
pub mod visit;

use std::future::Future;
use std::process::ExitCode;

use clap::Args;
use sledger_store::{Actor, Store};

/// Where the study store is and who is writing (global options).
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// The study store: sqlite://PATH or postgres://USER@HOST:PORT/DATABASE.
    #[arg(
        long,
        global = true,
        env = "SLEDGER_DB",
        default_value = "sqlite://./sledger.db"
    )]
    pub db: String,
    /// Who is writing, for the audit trail (default: cli:$USER).
    #[arg(long, global = true, env = "SLEDGER_ACTOR")]
    pub actor: Option<String>,
}

impl DbArgs {
    /// Opens the store (creating and migrating it as needed).
    pub async fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.db)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the study store {}: {e}", self.db))
    }

    /// The actor named on the command line, or `cli:$USER`.
    pub fn actor(&self) -> Actor {
        let name = self.actor.clone().unwrap_or_else(|| {
            format!(
                "cli:{}",
                std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
            )
        });
        Actor(name)
    }
}

/// The text of `path`, or of standard input when there is no path or it is `-`.
pub fn read_input(path: Option<&std::path::Path>) -> anyhow::Result<String> {
    use anyhow::Context as _;
    use std::io::Read as _;
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
        }
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            Ok(text)
        }
    }
}

/// Writes command output. A closed pipe (`sledger … | head`) ends the process quietly with
/// success, the reader having all it wanted, instead of panicking as `println!` would.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("sledger: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// A JSON value as command output (pretty unless `compact`), through [`emit`].
pub fn emit_json(value: &serde_json::Value, compact: bool) -> anyhow::Result<()> {
    let mut text = if compact {
        serde_json::to_string(value)?
    } else {
        serde_json::to_string_pretty(value)?
    };
    text.push('\n');
    emit(&text);
    Ok(())
}

/// One line of command output (the `outln!` macro), written through [`emit`].
pub fn out_line(line: std::fmt::Arguments<'_>) {
    emit(&format!("{line}\n"));
}

/// Runs an async command on a multi-threaded runtime (store commands).
pub fn run_async(
    command: impl Future<Output = anyhow::Result<ExitCode>>,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(command)
}
