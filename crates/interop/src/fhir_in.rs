//! FHIR R4 in (issue #6 item 1): our own serde structs for the resources we read
//! (`resource.rs`, DESIGN §8: generated model crates compile for minutes and parse slower),
//! one line of a bulk NDJSON export or one Bundle parsed into them without a
//! `serde_json::Value` tree, and the mappings into sledger-core types
//! (`observation.rs`, `patient.rs`, `adverse_event.rs`, `medication.rs`, `infusion.rs`,
//! `condition.rs`; `mapped.rs` says what a mapping made of a resource it did not refuse).

pub mod adverse_event;
pub mod bundle;
pub mod calendar_date;
pub mod condition;
pub mod decimal;
pub mod infusion;
pub mod key;
pub mod mapped;
pub mod medication;
pub mod observation;
pub mod patient;
pub mod resource;

pub use bundle::parse_bundle;
pub use key::resource_key;
pub use resource::{Resource, ResourceType, parse_line};
