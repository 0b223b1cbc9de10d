//! The one error of sledger-report.

/// Why a report could not be made. Missing data is never an error (it is shown as missing);
/// these are inputs the report cannot be about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The cohort is empty: a report about nobody would state nothing.
    #[error("the study {study} has no patients to report")]
    NoPatients { study: String },
    /// The protocol declares no primary endpoint, which the trial analysis is built around.
    #[error("protocol {protocol}: no [primary_endpoint] declared; the trial analysis needs one")]
    NoPrimaryEndpoint { protocol: String },
    /// The primary endpoint's response variant is not one sledger-core derives per visit.
    #[error(
        "protocol {protocol}: primary endpoint variant {variant} is not derived per visit (kdigo_2024, eular_era_edta_2019)"
    )]
    UnsupportedEndpoint { protocol: String, variant: String },
    /// A JSON rendering failed (a bug: every report type serializes).
    #[error("cannot write the report as JSON: {0}")]
    Json(String),
}
