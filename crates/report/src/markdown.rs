//! The shell of every Markdown report: title, provenance, body, rules applied.

use std::fmt::Write as _;

use crate::provenance::{Provenance, Rule};

/// Escapes the characters that would break a table cell or start markup.
pub(crate) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

pub(crate) fn page(title: &str, provenance: &Provenance, body: &str, rules: &[Rule]) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = writeln!(out, "# {}\n", escape(title));
    let _ = writeln!(
        out,
        "Study {} — {} (protocol {} version {}).  ",
        escape(&provenance.study_code),
        escape(&provenance.study_title),
        escape(&provenance.protocol_id),
        escape(&provenance.protocol_version)
    );
    let _ = writeln!(
        out,
        "sledger engine {} · measure configuration {} · generated {}\n",
        provenance.engine_version, provenance.config_id, provenance.generated_at
    );
    out.push_str(body);
    out.push_str("\n## Rules applied\n\n");
    for rule in rules {
        let _ = writeln!(out, "- **{}**: {}", escape(rule.source), escape(&rule.text));
    }
    out
}

/// A table row from cells (already escaped or plain).
pub(crate) fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// The header row and its separator.
pub(crate) fn header(cells: &[&str]) -> String {
    let mut out = row(&cells.iter().map(|c| escape(c)).collect::<Vec<_>>());
    out.push_str(&row(&vec!["---".to_owned(); cells.len()]));
    out
}
