//! The mapping file of a lab extract (`--mapping MAP.toml`, docs/interop.md "Import").
//!
//! ```toml
//! [columns]
//! patient = "MRN"              # the subject: a hospital identifier (see [patient]) or study code
//! code = "TEST"                # local code or LOINC
//! value = "RESULT"
//! unit = "UNITS"               # optional
//! effective_date = "COLLECTED"
//! reference_low = "REF_LO"     # optional
//! reference_high = "REF_HI"    # optional
//! specimen = "SPECIMEN"        # optional (UPCR: 24h_collection, first_morning_void, …)
//! id = "ACCESSION"             # optional: the row's identity for re-imports
//!
//! [patient]
//! system = "urn:hospital:mrn"  # linkage key system|value; absent: the column is the study code
//!
//! date_format = "%d/%m/%Y"     # optional (strftime); default ISO YYYY-MM-DD
//!
//! [codes]                      # local code → LOINC
//! CREA = "2160-0"
//!
//! [units]                      # local unit spelling → UCUM
//! "mg/dl" = "mg/dL"
//! ```

use std::collections::HashMap;

use serde::Deserialize;
use sledger_core::InputError;

/// A lab extract's mapping, as loaded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvMapping {
    pub columns: Columns,
    #[serde(default)]
    pub patient: PatientColumn,
    pub date_format: Option<String>,
    #[serde(default)]
    pub codes: HashMap<String, String>,
    #[serde(default)]
    pub units: HashMap<String, String>,
}

/// Column names of the extract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub patient: String,
    pub code: String,
    pub value: String,
    pub unit: Option<String>,
    pub effective_date: String,
    pub reference_low: Option<String>,
    pub reference_high: Option<String>,
    pub specimen: Option<String>,
    pub id: Option<String>,
}

/// How the patient column links to a patient.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientColumn {
    /// The identifier system: the linkage key is `system|value`. None: the column holds the
    /// study code.
    pub system: Option<String>,
}

/// The position of each mapped column in the header.
#[derive(Debug, Clone)]
pub struct ColumnIndex {
    pub patient: usize,
    pub code: usize,
    pub value: usize,
    pub unit: Option<usize>,
    pub effective_date: usize,
    pub reference_low: Option<usize>,
    pub reference_high: Option<usize>,
    pub specimen: Option<usize>,
    pub id: Option<usize>,
}

impl CsvMapping {
    /// Parses the mapping file's text; errors name the key.
    pub fn parse(text: &str) -> Result<CsvMapping, InputError> {
        toml::from_str(text).map_err(|e| {
            InputError::new(
                "mapping",
                e.message().to_owned(),
                "a valid import mapping (docs/interop.md)",
            )
        })
    }

    /// Finds the mapped columns in the extract's header; a missing one is refused naming it.
    pub fn index(&self, header: &[&str]) -> Result<ColumnIndex, InputError> {
        let find = |name: &str| {
            header.iter().position(|h| h.trim() == name).ok_or_else(|| {
                InputError::new(
                    "header",
                    name,
                    "a column the mapping names is missing from the extract",
                )
            })
        };
        let optional = |name: &Option<String>| name.as_deref().map(find).transpose();
        let c = &self.columns;
        Ok(ColumnIndex {
            patient: find(&c.patient)?,
            code: find(&c.code)?,
            value: find(&c.value)?,
            unit: optional(&c.unit)?,
            effective_date: find(&c.effective_date)?,
            reference_low: optional(&c.reference_low)?,
            reference_high: optional(&c.reference_high)?,
            specimen: optional(&c.specimen)?,
            id: optional(&c.id)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_loads_and_finds_its_columns() {
        let m = CsvMapping::parse(
            r#"
            date_format = "%d/%m/%Y"
            [columns]
            patient = "MRN"
            code = "TEST"
            value = "RESULT"
            unit = "UNITS"
            effective_date = "COLLECTED"
            [patient]
            system = "urn:mrn"
            [codes]
            CREA = "2160-0"
            "#,
        )
        .unwrap();
        let i = m
            .index(&["COLLECTED", "MRN", "TEST", "RESULT", "UNITS"])
            .unwrap();
        assert_eq!((i.patient, i.code, i.unit), (1, 2, Some(4)));
        assert_eq!(m.index(&["MRN"]).unwrap_err().value, "TEST");
        assert!(CsvMapping::parse("[columns]\npatient = 1").is_err());
    }
}
