//! sledger-report: the study's reports — the case series, each patient's course, the trial
//! analysis by arm, the CONSORT flow — as self-contained HTML (inline CSS and SVG), Markdown
//! and JSON (issue #5 items 3–4; DESIGN §2).
//!
//! Data in, strings out: the caller (the CLI) reads the store and hands over the core records
//! with the measures sledger-core derived from them (`record::visit_measures`); this crate
//! never computes a measure (DESIGN invariant 3), never reads a file or a database, and never
//! fills a missing value: a missing visit or value is shown as "—" and counted as missing.
//! Statistics come from sledger-stats (R's defaults).

pub mod case_series;
pub mod cohort_summary;
pub mod error;
#[cfg(test)]
pub(crate) mod fixture;
pub mod format;
pub(crate) mod html;
pub(crate) mod markdown;
pub mod patient_course;
pub mod patient_report;
pub mod provenance;
pub mod quantile;
pub mod svg;
pub mod trial;
pub(crate) mod visit_table;

pub use case_series::CaseSeries;
pub use error::ReportError;
pub use format::Format;
pub use patient_course::{PatientCourse, PatientInput};
pub use provenance::Provenance;
pub use trial::TrialReport;
