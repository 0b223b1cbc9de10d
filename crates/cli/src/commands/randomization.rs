//! `sledger randomization setup|list|show|unblindings|simulate` (issue #4 items 2 and 4).
//!
//! `simulate` runs sledger-core's `simulate` on the protocol's `[randomization]` plan before it
//! is frozen: balance overall and per stratum (range of the ratio-scaled arm counts), the
//! predictability of the next assignment for block designs (Blackwell & Hodges' convergence
//! guess: the arm furthest behind), as a table or JSON, and an SVG histogram of the final
//! overall imbalance.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use sledger_core::InputError;
use sledger_core::protocol::Method;
use sledger_core::randomization::{
    AllocationRatio, BalanceSummary, Seed, SimulationReport, simulate,
};
use sledger_store::{ListKind, StoreError};

use super::refusal::accepted;
use super::{DbArgs, histogram_svg};

#[derive(Debug, Subcommand)]
pub enum RandomizationCommand {
    /// Generate the study's test and live lists from secret seeds (admin, once).
    Setup(SetupArgs),
    /// Print a list: slots, blocks, arms, who took them (admin, unblinded_statistician).
    List(ListArgs),
    /// Print a patient's allocation: the number, and the arm if the actor may see it.
    Show(ShowArgs),
    /// Print the emergency unblindings of the study (who, when, why; no arm).
    Unblindings(StudyArgs),
    /// Simulate the protocol's design: balance, predictability, an SVG histogram.
    Simulate(SimulateArgs),
}

#[derive(Debug, Args)]
pub struct StudyArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// The allocation ratio you expect (e.g. 1:1): refused unless it is the protocol's.
    #[arg(long)]
    ratio: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The study's code.
    #[arg(long)]
    study: String,
    /// test or live.
    #[arg(long, default_value = "live")]
    list: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The patient's study code.
    patient: String,
    /// The study's code.
    #[arg(long)]
    study: String,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The protocol file with a [randomization] table.
    #[arg(long)]
    protocol: PathBuf,
    /// Patients per simulated trial.
    #[arg(long)]
    patients: u32,
    /// Simulated trials.
    #[arg(long)]
    runs: u32,
    /// The simulation's seed (not a study's secret seed).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write an SVG histogram of the final overall imbalance here.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub async fn run(db: &DbArgs, command: RandomizationCommand) -> anyhow::Result<ExitCode> {
    if let RandomizationCommand::Simulate(args) = &command {
        return simulate_design(args);
    }
    let store = db.open().await?;
    let actor = db.actor();
    match command {
        RandomizationCommand::Setup(args) => {
            let ratio = match &args.ratio {
                Some(r) => Some(accepted!(
                    AllocationRatio::parse(r).map_err(StoreError::from)
                )),
                None => None,
            };
            let study = accepted!(store.study(&args.study).await);
            let s = accepted!(
                store
                    .set_up_randomization(&actor, &study, ratio.as_ref())
                    .await
            );
            match s.slots_per_list {
                Some(n) => outln!(
                    "set up {}: {} over {} strata; test and live lists of {n} slots each",
                    study.code,
                    s.method,
                    s.strata
                ),
                None => outln!(
                    "set up {}: {} over {} strata; test and live seeds stored",
                    study.code,
                    s.method,
                    s.strata
                ),
            }
        }
        RandomizationCommand::List(args) => {
            let kind: ListKind = accepted!(args.list.parse().map_err(StoreError::from));
            let study = accepted!(store.study(&args.study).await);
            let list = accepted!(store.allocation_list(&actor, &study, kind).await);
            if args.json {
                let rows: Vec<Value> = list
                    .iter()
                    .map(|e| {
                        json!({
                            "stratum": e.stratum, "sequence_no": e.sequence_no, "arm": e.arm,
                            "block": e.block.map(|b| b.0), "block_size": e.block.map(|b| b.1),
                            "patient": e.allocated.as_ref().map(|a| a.0.clone()),
                            "number": e.allocated.as_ref().map(|a| a.1),
                        })
                    })
                    .collect();
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                outln!("stratum\tseq\tarm\tblock\tsize\tpatient\tnumber");
                for e in &list {
                    let (block, size) = e.block.map_or((String::new(), String::new()), |b| {
                        (b.0.to_string(), b.1.to_string())
                    });
                    let (patient, number) = e
                        .allocated
                        .as_ref()
                        .map_or((String::new(), String::new()), |a| {
                            (a.0.clone(), a.1.to_string())
                        });
                    outln!(
                        "{}\t{}\t{}\t{block}\t{size}\t{patient}\t{number}",
                        e.stratum,
                        e.sequence_no,
                        e.arm
                    );
                }
            }
        }
        RandomizationCommand::Show(args) => {
            let study = accepted!(store.study(&args.study).await);
            match accepted!(store.allocation(&actor, &study, &args.patient).await) {
                Some(a) => {
                    let arm = a.arm.map(|arm| format!(", arm {arm}")).unwrap_or_default();
                    outln!(
                        "{}: randomized, number {} ({} list, {}){arm}",
                        a.patient,
                        a.number,
                        a.list,
                        a.allocated_at
                    );
                }
                None => outln!("{}: not randomized", args.patient),
            }
        }
        RandomizationCommand::Unblindings(args) => {
            let study = accepted!(store.study(&args.study).await);
            for u in accepted!(store.unblindings(&actor, &study).await) {
                outln!(
                    "{}\t{}\t{}\t{}",
                    u.requested_at,
                    u.patient,
                    u.requested_by,
                    u.reason
                );
            }
        }
        RandomizationCommand::Simulate(_) => unreachable!("handled above"),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn simulate_design(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.protocol)
        .with_context(|| format!("cannot read {}", args.protocol.display()))?;
    let name = args.protocol.display().to_string();
    let protocol = accepted!(sledger_core::protocol::load(&name, &text).map_err(StoreError::from));
    let plan = accepted!(protocol.randomization().ok_or_else(|| StoreError::from(
        InputError::new(
            "protocol",
            &name,
            "has no [randomization] table (docs/randomization.md)",
        )
    )));
    let report = accepted!(
        simulate(
            &plan.simulation_design(),
            args.patients,
            args.runs,
            Seed::from_u64(args.seed)
        )
        .map_err(StoreError::from)
    );
    let design = match plan.method() {
        Method::PermutedBlocks(b) => format!(
            "permuted blocks {}, block sizes {}",
            b.ratio(),
            b.block_sizes()
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Method::Minimization(m) => format!("minimization {}", m.ratio()),
    };
    if let Some(path) = &args.svg {
        let title = format!(
            "{}: final imbalance, {} patients × {} runs",
            protocol.id(),
            args.patients,
            args.runs
        );
        let svg = histogram_svg::histogram(
            &title,
            "final imbalance |n_A/r_A − n_B/r_B| (range of ratio-scaled arm counts)",
            &report.overall.histogram,
        );
        std::fs::write(path, svg).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report_json(&design, args, &report))?
        );
    } else {
        print_table(&design, args, &report);
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_json(s: &BalanceSummary) -> Value {
    json!({
        "mean": s.mean, "max": s.max,
        "histogram": s.histogram.iter().map(|(v, n)| json!([v, n])).collect::<Vec<_>>(),
    })
}

fn report_json(design: &str, args: &SimulateArgs, r: &SimulationReport) -> Value {
    json!({
        "design": design, "patients": r.patients, "runs": r.runs, "seed": args.seed,
        "overall": summary_json(&r.overall),
        "per_stratum": r.per_stratum.iter().map(|(label, s)| {
            let mut v = summary_json(s);
            v["stratum"] = json!(label);
            v
        }).collect::<Vec<_>>(),
        "predictability": r.predictability,
    })
}

fn print_table(design: &str, args: &SimulateArgs, r: &SimulationReport) {
    outln!(
        "{design}: {} patients × {} runs (seed {})",
        r.patients,
        r.runs,
        args.seed
    );
    outln!("final imbalance = range of ratio-scaled arm counts (|n_A − n_B| for 1:1)");
    let width = r
        .per_stratum
        .iter()
        .map(|(l, _)| l.len())
        .max()
        .unwrap_or(0)
        .max(7);
    outln!("{:<width$}  {:>6}  {:>6}  P(0)", "", "mean", "max");
    let row = |label: &str, s: &BalanceSummary| {
        let runs: u32 = s.histogram.iter().map(|h| h.1).sum();
        let zero = s.histogram.iter().find(|h| h.0 == 0.0).map_or(0, |h| h.1);
        outln!(
            "{label:<width$}  {:>6.2}  {:>6.1}  {:.3}",
            s.mean,
            s.max,
            f64::from(zero) / f64::from(runs.max(1))
        );
    };
    row("overall", &r.overall);
    for (label, s) in &r.per_stratum {
        row(label, s);
    }
    match r.predictability {
        Some(p) => outln!(
            "predictability of the next assignment (guess the arm furthest behind): {p:.3} (0.5 = a coin for 1:1)"
        ),
        None => outln!("predictability: not computed for minimization (no list to guess from)"),
    }
}
