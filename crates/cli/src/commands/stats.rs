//! `sledger stats <test> [FILE]` (issue #5 item 2): the statistics of sledger-stats under the
//! contract of `sledger score` — a JSON array of inputs (or one object) from FILE or stdin, a
//! JSON array of results on stdout in the same order; a refused input gets
//! `{"error": {"field", "value", "rule"}}` in its slot and the exit code is 1.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::{Value, json};
use sledger_score::statistic::{self, Statistic, compute_batch};

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The test (see --list).
    #[arg(required_unless_present = "list")]
    test: Option<String>,
    /// Input file; standard input when absent or "-".
    file: Option<PathBuf>,
    /// List the tests and exit.
    #[arg(long, conflicts_with_all = ["schema", "file"])]
    list: bool,
    /// Print the test's input and output JSON Schema and exit.
    #[arg(long)]
    schema: bool,
    /// Print compact JSON (one line) instead of indented JSON: for large survival inputs.
    #[arg(long)]
    compact: bool,
}

pub fn run(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        list();
        return Ok(ExitCode::SUCCESS);
    }
    let name = args.test.as_deref().unwrap_or_default();
    let Some(test) = statistic::find(name) else {
        let known: Vec<_> = statistic::all().iter().map(|s| s.name()).collect();
        bail!("unknown test {name:?}; known tests: {}", known.join(", "));
    };
    if args.schema {
        super::emit_json(&schema(test), false)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = super::read_input(args.file.as_deref())?;
    let inputs: Value = serde_json::from_str(&text).context("the input is not valid JSON")?;
    drop(text);
    let outcome = compute_batch(test, &inputs);
    super::emit_json(&Value::Array(outcome.results), args.compact)?;
    if outcome.refused > 0 {
        eprintln!(
            "sledger: {} of the inputs were refused; see their \"error\" slots",
            outcome.refused
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn list() {
    let tests = statistic::all();
    let width = tests.iter().map(|t| t.name().len()).max().unwrap_or(0);
    for t in tests {
        outln!(
            "{:width$}  {}  [R: {}]",
            t.name(),
            t.summary(),
            t.r_function()
        );
    }
}

fn schema(test: &dyn Statistic) -> Value {
    json!({
        "statistic": test.name(),
        "r_function": test.r_function(),
        "input": test.input_schema(),
        "output": test.output_schema(),
    })
}
