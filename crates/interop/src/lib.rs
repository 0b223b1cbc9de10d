//! sledger-interop: data exchange with hospital systems and regulators (issue #6, DESIGN §8).
//!
//! Pure translation between outside formats and sledger-core types: no database, no files.
//! The binary reads the files and writes the store.

pub mod csv_in;
pub mod fhir_in;
