//! Every `sledger score` example in docs/measures.md and every `sledger stats` example in
//! docs/stats.md runs, so the user docs cannot drift from the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Shell commands in the document's code blocks (fenced or indented) that call
/// `sledger <subcommand>`, with backslash continuations and multi-line quotes joined.
fn examples(markdown: &str, subcommand: &str) -> Vec<String> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut fenced: Option<Vec<&str>> = None;
    let mut indented: Vec<&str> = Vec::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            match fenced.take() {
                Some(block) => blocks.push(block),
                None => fenced = Some(Vec::new()),
            }
            continue;
        }
        if let Some(block) = fenced.as_mut() {
            block.push(line);
            continue;
        }
        if let Some(code) = line.strip_prefix("    ") {
            indented.push(code);
        } else if !indented.is_empty() {
            blocks.push(std::mem::take(&mut indented));
        }
    }
    blocks.push(indented);
    let mut commands = Vec::new();
    for block in blocks {
        let mut current = String::new();
        for line in block {
            let line = line.trim_end();
            if current.is_empty() && (line.trim_start().starts_with('#') || line.trim().is_empty())
            {
                continue;
            }
            match line.strip_suffix('\\') {
                Some(continued) => {
                    current.push_str(continued);
                    current.push(' ');
                }
                None => {
                    current.push_str(line);
                    current.push('\n');
                }
            }
            let open_quotes = current.matches('\'').count() % 2 == 1;
            if line.ends_with('\\') || open_quotes {
                continue;
            }
            let command = std::mem::take(&mut current);
            let first = command.split_whitespace().next().unwrap_or_default();
            if (first == "echo" || first == "sledger") && command.contains(subcommand) {
                commands.push(command);
            }
        }
    }
    commands
}

#[test]
fn every_documented_example_runs() {
    let text =
        std::fs::read_to_string(root().join("docs/measures.md")).expect("docs/measures.md exists");
    let commands = examples(&text, "sledger score");
    assert!(
        commands.len() >= 15,
        "found only {} examples",
        commands.len()
    );
    run_all(commands, Expect::Success);
}

/// What a documented example must do.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Succeed (exit 0), except `--list`.
    Success,
    /// Succeed, except the one example of bad input, which exits 1 with its error slot.
    SuccessOrOneRefusal,
}

#[test]
fn every_documented_stats_example_runs() {
    let text = std::fs::read_to_string(root().join("docs/stats.md")).expect("docs/stats.md exists");
    let commands = examples(&text, "sledger stats");
    assert!(
        commands.len() >= 8,
        "found only {} examples",
        commands.len()
    );
    run_all(commands, Expect::SuccessOrOneRefusal);
}

fn run_all(commands: Vec<String>, expect: Expect) {
    let mut refusals = 0;
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_sledger"))
        .parent()
        .expect("binary directory")
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in commands {
        let output = Command::new("bash")
            .args(["-o", "pipefail", "-c", &command])
            .env("PATH", &path)
            .current_dir(root())
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.code() == Some(1) && stdout.contains("\"error\"") {
            refusals += 1;
        }
        let refused = expect == Expect::SuccessOrOneRefusal && output.status.code() == Some(1);
        assert!(
            output.status.success() || refused || command.contains("--list"),
            "documented example failed ({}):\n{command}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        if !command.contains("--schema") && !command.contains("--list") {
            let parsed: serde_json::Value =
                serde_json::from_str(&stdout).expect("examples print JSON");
            assert!(
                parsed.as_array().is_some_and(|a| !a.is_empty()),
                "{command}"
            );
        }
    }
    if expect == Expect::SuccessOrOneRefusal {
        assert_eq!(refusals, 1, "exactly the bad-input example is refused");
    }
}
