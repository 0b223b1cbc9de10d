//! The primary endpoint of a protocol: a measure, its variant, the visit at which it is
//! assessed and how missing assessments are imputed (issue #3 item 2).

use serde::{Deserialize, Serialize};

use super::visit_code::VisitCode;
use crate::measures::renal_response::ResponseVariant;

/// The primary endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrimaryEndpoint {
    pub measure: EndpointMeasure,
    pub visit: VisitCode,
    pub imputation: Imputation,
}

/// The measure assessed, with its variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointMeasure {
    /// Lupus nephritis renal response under a named variant (renal.md §3.2); responders are
    /// `complete` (and `partial` when the protocol's analysis counts it — declared there).
    RenalResponse(ResponseVariant),
}

impl EndpointMeasure {
    /// The measure's name as written in protocol files (`renal_response`).
    pub const fn name(&self) -> &'static str {
        match self {
            EndpointMeasure::RenalResponse(_) => "renal_response",
        }
    }
}

/// How a patient without an evaluable endpoint assessment is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Imputation {
    /// Missing, not evaluable, after rescue therapy or after withdrawal ⇒ non-responder (the
    /// usual LN-trial convention, e.g. AURORA 1, BLISS-LN; renal.md §3.1 rescue precedence).
    NonResponder,
    /// Only observed assessments are analysed; missing ones are reported as missing.
    ObservedOnly,
}
