//! The shell of every HTML report: one self-contained, printable page (inline CSS, inline
//! SVG, no script, no external asset), and text escaping.

use std::fmt::Write as _;

use crate::provenance::{Provenance, Rule};

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values (and SVG/XML).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
@page { size: A4 landscape; margin: 12mm; }
body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 12px; color: #1a1a1a; margin: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 22px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; }
h3 { font-size: 13px; margin: 14px 0 4px; }
p.meta { color: #555; margin: 2px 0; }
table { border-collapse: collapse; margin: 4px 0 10px; font-size: 11px; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: right; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.l, th.l { text-align: left; }
td.missing { color: #999; text-align: center; }
td.flag { color: #8a4b00; }
.resp-complete { background: #dff3e3; }
.resp-partial { background: #fdf4d7; }
.resp-none { background: #f8e0e0; }
.flare-yes { background: #f8e0e0; font-weight: 600; }
section.patient { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 6px 0 12px; break-inside: avoid; }
figcaption { font-size: 11px; color: #555; }
ul.rules { font-size: 11px; color: #333; padding-left: 18px; }
.note { font-size: 11px; color: #555; }
.blinded { border: 2px solid #8a4b00; padding: 6px 10px; background: #fff7ea; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
";

/// A whole page: title, provenance line, body, and the rules applied at the end.
pub(crate) fn page(title: &str, provenance: &Provenance, body: &str, rules: &[Rule]) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Study {} — {} (protocol {} version {})</p>",
        escape(&provenance.study_code),
        escape(&provenance.study_title),
        escape(&provenance.protocol_id),
        escape(&provenance.protocol_version)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">sledger engine {} · measure configuration {} · generated {}</p>",
        escape(&provenance.engine_version),
        escape(&provenance.config_id),
        escape(&provenance.generated_at)
    );
    out.push_str(body);
    out.push_str("<h2>Rules applied</h2>\n<ul class=\"rules\">\n");
    for rule in rules {
        let _ = writeln!(
            out,
            "<li><b>{}</b>: {}</li>",
            escape(rule.source),
            escape(&rule.text)
        );
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

/// A table cell: right-aligned text, or the missing mark in grey.
pub(crate) fn cell(value: Option<String>) -> String {
    match value {
        Some(v) => format!("<td>{}</td>", escape(&v)),
        None => "<td class=\"missing\">\u{2014}</td>".to_owned(),
    }
}
