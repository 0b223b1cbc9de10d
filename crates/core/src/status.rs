//! The result status every measure carries (sle-activity §0.1; renal.md §0.2.3; DESIGN §4).

use serde::Serialize;

/// How far a measure could be computed from the inputs it was given.
///
/// sle-activity §0.1: `complete` (all inputs present, value exact), `incomplete` (some inputs
/// missing but bounds reported), `not_evaluable` (a required input is missing and the outcome
/// cannot be decided), `not_applicable` (the measure is undefined for this patient or visit).
/// A measure never returns a bare number and never defaults a missing input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    /// Every needed input was present; the value is exact.
    Complete,
    /// Some inputs are missing; the result reports bounds. `missing` names those inputs.
    Incomplete { missing: Vec<String> },
    /// A required input or comparator is missing, so the outcome cannot be decided.
    NotEvaluable { missing: Vec<String> },
    /// The measure is undefined here; `reason` is a stable snake_case code.
    NotApplicable { reason: String },
}

impl Status {
    /// `not_evaluable` naming the missing fields.
    pub fn not_evaluable<S: Into<String>>(missing: impl IntoIterator<Item = S>) -> Status {
        Status::NotEvaluable {
            missing: missing.into_iter().map(Into::into).collect(),
        }
    }

    /// `incomplete` naming the missing fields.
    pub fn incomplete<S: Into<String>>(missing: impl IntoIterator<Item = S>) -> Status {
        Status::Incomplete {
            missing: missing.into_iter().map(Into::into).collect(),
        }
    }

    /// `not_applicable` with a stable reason code.
    pub fn not_applicable(reason: impl Into<String>) -> Status {
        Status::NotApplicable {
            reason: reason.into(),
        }
    }

    /// The snake_case name of the status, as it appears in JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Incomplete { .. } => "incomplete",
            Status::NotEvaluable { .. } => "not_evaluable",
            Status::NotApplicable { .. } => "not_applicable",
        }
    }

    /// The inputs whose absence produced this status (empty when complete).
    pub fn missing(&self) -> &[String] {
        match self {
            Status::Incomplete { missing } | Status::NotEvaluable { missing } => missing,
            Status::Complete | Status::NotApplicable { .. } => &[],
        }
    }

    /// True when the status is `complete`.
    pub fn is_complete(&self) -> bool {
        matches!(self, Status::Complete)
    }
}
