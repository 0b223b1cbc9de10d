//! sledger-interop: data exchange with hospital systems and regulators (DESIGN §2, issue #6).
//!
//! In: FHIR R4 Bundles and bulk NDJSON ([`fhir_in`]) and lab-extract CSV with a mapping
//! ([`csv_in`]), translated into sledger-core types. Out: a study's facts and derived
//! measures as FHIR R4 NDJSON ([`fhir`]), CDISC ODM 1.3.2 XML ([`odm`]) and SDTM-shaped CSV
//! ([`sdtm`]).
//!
//! No SQL, no store and no files: the binary reads and writes them and hands over plain data
//! ([`model`]); each format has its own serializable types, never the domain types
//! (ARCHITECTURE invariant 5). Measures are not computed here: [`derived`] only reads what
//! `sledger_core::record::visit_measures` returned.

pub mod csv_in;
pub mod derived;
pub mod error;
pub mod fhir;
pub mod fhir_in;
pub mod model;
pub mod odm;
pub mod sdtm;
mod text;
pub mod ucum;

pub use error::InteropError;
