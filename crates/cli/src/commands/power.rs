//! `sledger power …` (issue #4 item 5): sample size and power for the randomized trial,
//! reproducing renal.md §7.3. The statistics live in sledger-stats; this module parses the
//! flags, maps a refused parameter back to its flag, and prints text or `--json`.

use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use sledger_stats::{
    AllocationRatio, ContinuityCorrection, ParameterError, TrialDesign, fisher_exact_power,
    monte_carlo_power, n_per_arm_two_proportions,
};

#[derive(Debug, Subcommand)]
pub enum PowerCommand {
    /// Patients per arm to compare two proportions: Fleiss normal approximation, two-sided.
    TwoProportions(TwoProportionsArgs),
    /// Exact power of the two-sided Fisher exact test, by enumerating every outcome.
    Fisher(FisherArgs),
    /// Monte Carlo power of a whole design (size, ratio, response rates, dropout), each
    /// simulated trial analysed with Fisher's exact test.
    Simulate(SimulateArgs),
}

#[derive(Debug, Args)]
pub struct TwoProportionsArgs {
    /// Response rate in the control arm (0–1).
    #[arg(long)]
    p1: f64,
    /// Response rate in the active arm (0–1).
    #[arg(long)]
    p2: f64,
    /// Power wanted (0–1), e.g. 0.8.
    #[arg(long)]
    power: f64,
    /// Two-sided significance level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Apply the continuity correction of Fleiss, Levin & Paik.
    #[arg(long)]
    continuity: bool,
    /// Print JSON (key `n_per_arm`).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct FisherArgs {
    /// Response rate in the control arm (0–1).
    #[arg(long)]
    p1: f64,
    /// Response rate in the active arm (0–1).
    #[arg(long)]
    p2: f64,
    /// Patients per arm.
    #[arg(long)]
    n: u32,
    /// Two-sided significance level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print JSON (key `power`).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Patients randomised in all (both arms); a multiple of the ratio's sum.
    #[arg(long)]
    n: u32,
    /// Response rate in the control arm (0–1).
    #[arg(long)]
    p1: f64,
    /// Response rate in the active arm (0–1).
    #[arg(long)]
    p2: f64,
    /// Allocation active:control, e.g. 1:1, 2:1, 3:2.
    #[arg(long, default_value = "1:1")]
    ratio: String,
    /// Probability that a patient drops out; dropouts count as non-responders.
    #[arg(long, default_value_t = 0.0)]
    dropout: f64,
    /// Simulated trials.
    #[arg(long, default_value_t = 100_000)]
    runs: u64,
    /// Seed of the ChaCha8 generator (the same seed gives the same result everywhere).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Two-sided significance level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print JSON (keys `power`, `standard_error`).
    #[arg(long)]
    json: bool,
}

pub fn run(command: &PowerCommand) -> anyhow::Result<ExitCode> {
    match command {
        PowerCommand::TwoProportions(args) => two_proportions(args),
        PowerCommand::Fisher(args) => fisher(args),
        PowerCommand::Simulate(args) => simulate(args),
    }
}

fn two_proportions(args: &TwoProportionsArgs) -> anyhow::Result<ExitCode> {
    let continuity = if args.continuity {
        ContinuityCorrection::FleissLevinPaik
    } else {
        ContinuityCorrection::Uncorrected
    };
    let n = n_per_arm_two_proportions(args.p1, args.p2, args.alpha, args.power, continuity)
        .map_err(flag_error)?;
    let method = if args.continuity {
        "with continuity correction (Fleiss, Levin & Paik)"
    } else {
        "without continuity correction"
    };
    let text = format!(
        "{n} per arm ({} in all): p1 = {} vs p2 = {}, two-sided alpha = {}, power = {}; \
         Fleiss normal approximation {method}",
        2 * n,
        args.p1,
        args.p2,
        args.alpha,
        args.power
    );
    let value = json!({
        "n_per_arm": n,
        "p1": args.p1,
        "p2": args.p2,
        "alpha": args.alpha,
        "power": args.power,
        "continuity_correction": args.continuity,
    });
    print_result(args.json, &text, &value)
}

fn fisher(args: &FisherArgs) -> anyhow::Result<ExitCode> {
    let power =
        fisher_exact_power(args.p1, args.p2, args.n, args.n, args.alpha).map_err(flag_error)?;
    let text = format!(
        "power {power:.4}: Fisher exact test (two-sided alpha = {}), p1 = {} vs p2 = {}, \
         {} per arm; exact, every outcome enumerated",
        args.alpha, args.p1, args.p2, args.n
    );
    let value = json!({
        "power": power,
        "p1": args.p1,
        "p2": args.p2,
        "n_per_arm": args.n,
        "alpha": args.alpha,
    });
    print_result(args.json, &text, &value)
}

fn simulate(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let ratio = AllocationRatio::parse(&args.ratio).map_err(flag_error)?;
    let design = TrialDesign {
        n: args.n,
        ratio,
        p_control: args.p1,
        p_active: args.p2,
        dropout: args.dropout,
    };
    let result =
        monte_carlo_power(&design, args.alpha, args.runs, args.seed).map_err(flag_error)?;
    let text = format!(
        "power {:.4} (Monte Carlo standard error {:.4}): {} trials of {} patients \
         ({} control at p1 = {}, {} active at p2 = {}), dropout {} counted as non-response, \
         Fisher exact test at two-sided alpha = {}, seed {}",
        result.power,
        result.standard_error,
        result.runs,
        args.n,
        result.n_control,
        args.p1,
        result.n_active,
        args.p2,
        args.dropout,
        args.alpha,
        args.seed
    );
    let value = json!({
        "power": result.power,
        "standard_error": result.standard_error,
        "runs": result.runs,
        "seed": args.seed,
        "n": args.n,
        "n_control": result.n_control,
        "n_active": result.n_active,
        "ratio": args.ratio,
        "p1": args.p1,
        "p2": args.p2,
        "dropout": args.dropout,
        "alpha": args.alpha,
    });
    print_result(args.json, &text, &value)
}

fn print_result(as_json: bool, text: &str, value: &Value) -> anyhow::Result<ExitCode> {
    if as_json {
        outln!("{}", serde_json::to_string_pretty(value)?);
    } else {
        outln!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The statistic's parameter, named by the flag that set it.
fn flag_error(err: ParameterError) -> anyhow::Error {
    let flag = match err.parameter.as_ref() {
        "p1" | "p_control" => "--p1",
        "p2" | "p_active" => "--p2",
        "n" | "n1" | "n2" => "--n",
        "alpha" => "--alpha",
        "power" => "--power",
        "ratio" => "--ratio",
        "dropout" => "--dropout",
        "runs" => "--runs",
        other => other,
    };
    anyhow!("{flag} {}: {}", err.value, err.rule)
}
