//! sledger-interop: a study's facts and derived measures in the formats others read
//! (DESIGN §2, issue #6 items 2–4): FHIR R4 NDJSON ([`fhir`]), CDISC ODM 1.3.2 XML ([`odm`])
//! and SDTM-shaped CSV ([`sdtm`]).
//!
//! No SQL and no store: the binary reads the store and hands over plain data ([`model`]);
//! each format has its own serializable types, never the domain types (ARCHITECTURE
//! invariant 5). Measures are not computed here: [`derived`] only reads what
//! `sledger_core::record::visit_measures` returned.

pub mod derived;
pub mod error;
pub mod fhir;
pub mod model;
pub mod odm;
pub mod sdtm;
mod text;
pub mod ucum;

pub use error::InteropError;
