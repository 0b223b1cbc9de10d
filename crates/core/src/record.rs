//! The patient record as domain facts, and every measure derived from it (DESIGN §3: facts
//! are stored, measures are derived; issue #3).
//!
//! The store reads its rows into these types — [`PatientRecord`] with its [`RecordedVisit`]s,
//! their [`Observation`]s and the [`MedicationExposure`]s — parsing every value once, at the
//! edge (units and ranges of renal.md §0.1, §6 and sle-activity §9). [`visit_measures`] is
//! then the one place that maps facts to measure inputs (DESIGN invariant 3): it only calls
//! the measures of [`crate::measures`], and nothing it returns is ever stored.
pub mod derive;
pub mod medication;
pub mod observation;
pub mod patient;
pub mod visit;

pub use derive::{VisitMeasures, visit_measures};
pub use medication::MedicationExposure;
pub use observation::{LabCatalogue, Observation};
pub use patient::PatientRecord;
pub use visit::RecordedVisit;
