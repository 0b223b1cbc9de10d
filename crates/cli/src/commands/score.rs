//! `sledger score <measure> [FILE]` (DESIGN §4): a JSON array of flat inputs (or one object)
//! from FILE or stdin; a JSON array of results on stdout, in the same order. A refused input
//! gets `{"error": {"field", "value", "rule"}}` in its slot and the exit code is 1; the others
//! are still computed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::{Value, json};
use sledger_core::MeasureConfig;
use sledger_score::{Measure, score_batch};

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The measure (see --list).
    #[arg(required_unless_present = "list")]
    measure: Option<String>,
    /// Input file; standard input when absent or "-".
    file: Option<PathBuf>,
    /// List the measures and exit.
    #[arg(long, conflicts_with_all = ["schema", "file"])]
    list: bool,
    /// Print the measure's input and output JSON Schema and exit.
    #[arg(long)]
    schema: bool,
    /// Measure configuration (TOML; sle-activity §0.6 parameter names). Defaults to the spec's.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the configuration in force (TOML) and exit.
    #[arg(long)]
    print_config: bool,
}

pub fn run(args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    if args.print_config {
        super::emit(&config.canonical());
        return Ok(ExitCode::SUCCESS);
    }
    if args.list {
        list();
        return Ok(ExitCode::SUCCESS);
    }
    let name = args.measure.as_deref().unwrap_or_default();
    let Some(measure) = sledger_score::find(name) else {
        let known: Vec<_> = sledger_score::all().iter().map(|m| m.name()).collect();
        bail!(
            "unknown measure {name:?}; known measures: {}",
            known.join(", ")
        );
    };
    if args.schema {
        super::emit_json(&schema(measure), false)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = super::read_input(args.file.as_deref())?;
    let inputs: Value = serde_json::from_str(&text).context("the input is not valid JSON")?;
    let outcome = score_batch(measure, &inputs, &config);
    super::emit_json(&Value::Array(outcome.results), false)?;
    if outcome.refused > 0 {
        eprintln!(
            "sledger: {} of the inputs were refused; see their \"error\" slots",
            outcome.refused
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<MeasureConfig> {
    let Some(path) = path else {
        return Ok(MeasureConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    MeasureConfig::from_toml(&text)
        .with_context(|| format!("invalid configuration {}", path.display()))
}

fn list() {
    let measures = sledger_score::all();
    let width = measures.iter().map(|m| m.name().len()).max().unwrap_or(0);
    for m in measures {
        outln!(
            "{:width$}  {}  [{}]",
            m.name(),
            m.summary(),
            m.spec_section()
        );
    }
}

fn schema(measure: &dyn Measure) -> Value {
    json!({
        "measure": measure.name(),
        "spec": measure.spec_section(),
        "input": measure.input_schema(),
        "output": measure.output_schema(),
    })
}
