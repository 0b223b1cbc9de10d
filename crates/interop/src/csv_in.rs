//! Lab extracts in CSV (issue #6 item 5): a TOML mapping names the extract's columns and
//! optionally translates local codes to LOINC and local unit spellings to UCUM
//! (`mapping.rs`); each row becomes an `ObservationReport` and its import key (`row.rs`).

pub mod mapping;
pub mod row;

pub use mapping::CsvMapping;
pub use row::{CsvObservation, map_row, row_key};
