//! The output formats of every report.

use std::fmt;
use std::str::FromStr;

/// How a report is written: printable HTML (inline CSS and SVG), Markdown (tables; plots are
/// left to the HTML), or JSON (every number the report shows, for scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Json,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        match text {
            "html" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!("format {other:?}: one of html, md, json")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Json => "json",
        })
    }
}
