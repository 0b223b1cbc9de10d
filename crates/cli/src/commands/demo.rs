//! `sledger demo` (issue #7 item 4): a ready-to-try web demo in one command. It creates
//! `./sledger-demo.db` (`--db-file`; reused when it exists, `--fresh` recreates it) with the
//! index study VLD-MSC and its three ILLUSTRATIVE patients, the SYNTHETIC randomized trial
//! MSC-LN-RCT (40 randomized patients followed 12 months, and P0041 and P0042 awaiting
//! randomization), and the demo logins; then it serves the web UI and API like `sledger serve`,
//! printing the logins and then, last, `sledger demo: listening on http://ADDR:PORT/` (the
//! actual address: `--port 0` picks a free port) before it serves.
//!
//! `sledger demo trial --study CODE --patients N [--seed S]`: only the synthetic randomized
//! study, in the `--db` store, for the trial report and its benchmark (issue #5 item 5).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};

use super::DbArgs;
use super::demo_trial::{self, TrialPlan};
use super::demo_users::{self, LOGINS, PASSWORD};
use super::serve::{self, ListenArgs};
use super::{demo_awaiting, demo_index};

/// The randomized demo trial's code (UI contract).
pub const TRIAL: &str = "MSC-LN-RCT";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    command: Option<DemoCommand>,
    #[command(flatten)]
    web: WebDemoArgs,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// A synthetic randomized trial (msc-ln-rct protocol) for the trial report.
    Trial(TrialArgs),
}

/// `sledger demo` without a subcommand: the web demo.
#[derive(Debug, Args)]
pub struct WebDemoArgs {
    /// The demo's SQLite file (reused when it exists; the global --db is not used).
    #[arg(long, default_value = "./sledger-demo.db")]
    db_file: PathBuf,
    /// Delete the demo file first and create it anew.
    #[arg(long)]
    fresh: bool,
    #[command(flatten)]
    listen: ListenArgs,
}

#[derive(Debug, Args)]
pub struct TrialArgs {
    /// The new study's code.
    #[arg(long)]
    study: String,
    /// Patients to enroll.
    #[arg(long, default_value_t = 40)]
    patients: u32,
    /// The generator's seed (the same seed gives the same facts; allocations come from the
    /// store's own secret seed).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub async fn run(db: &DbArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(DemoCommand::Trial(trial)) => run_trial(db, &trial).await,
        None => run_web(&args.web).await,
    }
}

async fn run_trial(db: &DbArgs, args: &TrialArgs) -> anyhow::Result<ExitCode> {
    let store = db.open().await?;
    let plan = TrialPlan {
        patients: args.patients,
        seed: args.seed,
        screen_failures: true,
    };
    let outcome = demo_trial::generate(&store, &db.actor(), &args.study, &plan).await?;
    store.close().await;
    outln!(
        "synthetic study {}: {} patients enrolled, {} randomized (SYNTHETIC data, not clinical)",
        args.study,
        args.patients,
        outcome.randomized
    );
    Ok(ExitCode::SUCCESS)
}

/// The SQLite file and its journal companions, removed by `--fresh`.
fn remove_db_files(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => anyhow::bail!("cannot remove {}: {e}", Path::new(&file).display()),
        }
    }
    Ok(())
}

/// Writes both demo studies and the logins into the (new) store.
async fn create(store: &sledger_store::Store) -> anyhow::Result<u32> {
    let admin = demo_users::add_admin(store).await?;
    demo_index::load(store, &admin).await?;
    let plan = TrialPlan {
        patients: 40,
        seed: 1,
        screen_failures: false,
    };
    let trial = demo_trial::generate(store, &admin, TRIAL, &plan).await?;
    let today = jiff::Zoned::now().date();
    demo_awaiting::add(store, &admin, &trial.study, today).await?;
    demo_users::add_logins(store, &admin).await?;
    Ok(trial.randomized)
}

/// Opens the SQLite store at `path`.
async fn open(path: &Path) -> anyhow::Result<sledger_store::Store> {
    let url = format!("sqlite://{}", path.display());
    sledger_store::Store::open(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the demo store {url}: {e}"))
}

/// Creates the demo store at `path` by way of `PATH.creating`, renamed only once complete, so
/// an interrupted run leaves no half-made file for the next run to reuse.
async fn create_at(path: &Path) -> anyhow::Result<u32> {
    let mut creating = path.as_os_str().to_owned();
    creating.push(".creating");
    let creating = PathBuf::from(creating);
    remove_db_files(&creating)?;
    let store = open(&creating).await?;
    let randomized = create(&store).await?;
    store.close().await;
    // Closing the last connection checkpoints the write-ahead log into the file; a log left
    // behind would hold writes the renamed file lacks.
    let mut wal = creating.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    anyhow::ensure!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "{} was not checkpointed into {}",
        wal.display(),
        creating.display()
    );
    std::fs::rename(&creating, path).map_err(|e| {
        anyhow::anyhow!(
            "cannot rename {} to {}: {e}",
            creating.display(),
            path.display()
        )
    })?;
    remove_db_files(&creating)?;
    Ok(randomized)
}

/// Refuses an existing `path` that is not a demo store (its studies other than exactly the
/// demo's two): `--fresh` must never delete a real study's data, nor may the demo serve one
/// while printing demo logins.
async fn check_is_demo(path: &Path) -> anyhow::Result<()> {
    let store = open(path).await?;
    let studies = store.studies().await?;
    store.close().await;
    let mut codes: Vec<&str> = studies.iter().map(|(code, _)| code.as_str()).collect();
    codes.sort_unstable();
    let mut demo = [TRIAL, demo_index::STUDY];
    demo.sort_unstable();
    anyhow::ensure!(
        codes == demo,
        "{} is not a sledger demo store (its studies: {}; a demo has {} and {}): \
         choose another --db-file, or serve it with `sledger serve`",
        path.display(),
        if codes.is_empty() {
            "none".to_owned()
        } else {
            codes.join(", ")
        },
        demo_index::STUDY,
        TRIAL
    );
    Ok(())
}

async fn run_web(args: &WebDemoArgs) -> anyhow::Result<ExitCode> {
    if args.db_file.exists() {
        check_is_demo(&args.db_file).await?;
    }
    if args.fresh {
        remove_db_files(&args.db_file)?;
    }
    let path = args.db_file.display();
    if args.db_file.exists() {
        outln!("sledger demo: reusing {path} (--fresh recreates it); starting the server only");
    } else {
        let started = Instant::now();
        let randomized = create_at(&args.db_file).await?;
        outln!(
            "sledger demo: created {path} in {:.1} s: {} (3 ILLUSTRATIVE patients, invented \
             values), {TRIAL} ({randomized} randomized + P0041, P0042 awaiting randomization; \
             SYNTHETIC data, not clinical)",
            started.elapsed().as_secs_f64(),
            demo_index::STUDY
        );
    }
    let store = open(&args.db_file).await?;
    let listener = serve::bind(&args.listen).await?;
    let address = listener.local_addr()?;
    outln!("sledger demo: log in with password {PASSWORD} as one of:");
    outln!("  {:<14} admin", demo_users::ADMIN);
    for (username, role, language) in LOGINS {
        let language = language.map_or_else(String::new, |l| format!(" (language {l})"));
        outln!("  {username:<14} {role}{language}");
    }
    // The last line before serving, so that a reader may stop reading after it.
    outln!("sledger demo: listening on http://{address}/");
    serve::init_tracing();
    serve::serve_bound(store, &args.listen, listener).await?;
    Ok(ExitCode::SUCCESS)
}
