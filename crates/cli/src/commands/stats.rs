//! `sledger stats <test> [FILE]` (issue #5 item 2): the statistics of sledger-stats under the
//! contract of `sledger score` — a JSON array of inputs (or one object) from FILE or stdin, a
//! JSON array of results on stdout in the same order; a refused input gets
//! `{"error": {"field", "value", "rule"}}` in its slot and the exit code is 1.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
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
        print_json(&schema(test), false)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = read_input(args.file.as_deref())?;
    let inputs: Value = serde_json::from_str(&text).context("the input is not valid JSON")?;
    drop(text);
    let outcome = compute_batch(test, &inputs);
    print_json(&Value::Array(outcome.results), args.compact)?;
    if outcome.refused > 0 {
        eprintln!(
            "sledger: {} of the inputs were refused; see their \"error\" slots",
            outcome.refused
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: Option<&Path>) -> anyhow::Result<String> {
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

fn list() {
    let tests = statistic::all();
    let width = tests.iter().map(|t| t.name().len()).max().unwrap_or(0);
    for t in tests {
        println!(
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

fn print_json(value: &Value, compact: bool) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if compact {
        serde_json::to_writer(&mut out, value)?;
    } else {
        serde_json::to_writer_pretty(&mut out, value)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
