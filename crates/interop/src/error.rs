//! The one error of the exports.

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// A resource could not be serialized (a bug, not bad input: our types always serialize).
    #[error("cannot serialize {what}: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
    /// The XML writer failed.
    #[error("cannot write the ODM document: {0}")]
    Xml(String),
    /// The CSV writer failed.
    #[error("cannot write the SDTM domain {domain}: {source}")]
    Csv {
        domain: &'static str,
        source: csv::Error,
    },
}
