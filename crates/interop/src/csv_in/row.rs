//! One row of a lab extract into an `ObservationReport`, through the mapping.
//!
//! The row's import key: the mapped `id` column when the extract has one (an accession or
//! result id: a corrected value under the same id is then recognized as already imported),
//! else the SHA-256 of the row's fields (the same row re-sent is skipped; any change makes a
//! new record). Documented in docs/interop.md.

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sledger_core::InputError;
use sledger_core::record::observation::{
    CodeSystem, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::units::urine_protein::UrineSpecimen;

use super::mapping::{ColumnIndex, CsvMapping};

/// A mapped row: the subject's linkage key (or study code) and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvObservation {
    /// `system|value` when the mapping names a patient system, else the study code.
    pub subject: String,
    pub report: ObservationReport,
}

/// The import key of a row: its `id` column, else the SHA-256 of its fields.
pub fn row_key(index: &ColumnIndex, fields: &[&str]) -> String {
    if let Some(id) = index
        .id
        .and_then(|i| fields.get(i))
        .filter(|v| !v.is_empty())
    {
        return format!("id:{id}");
    }
    let mut digest = Sha256::new();
    for f in fields {
        digest.update(f.len().to_string().as_bytes());
        digest.update(b":");
        digest.update(f.as_bytes());
    }
    let hex: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Maps one row; refusals name the extract's column.
pub fn map_row(
    mapping: &CsvMapping,
    index: &ColumnIndex,
    fields: &[&str],
    import_id: &str,
) -> Result<CsvObservation, InputError> {
    let c = &mapping.columns;
    let get = |i: usize, name: &str| {
        fields.get(i).map(|v| v.trim()).ok_or_else(|| {
            InputError::new(
                name.to_owned(),
                "",
                "the row has fewer fields than the header",
            )
        })
    };
    let optional = |i: Option<usize>| {
        i.and_then(|i| fields.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let patient = get(index.patient, &c.patient)?;
    if patient.is_empty() {
        return Err(InputError::new(
            c.patient.clone(),
            "",
            "every result names its patient",
        ));
    }
    let subject = match &mapping.patient.system {
        Some(system) => format!("{system}|{patient}"),
        None => patient.to_owned(),
    };
    let local = get(index.code, &c.code)?;
    let (code_system, code) = match mapping.codes.get(local) {
        Some(loinc) => (CodeSystem::Loinc, loinc.clone()),
        None => (CodeSystem::Loinc, local.to_owned()),
    };
    let raw_value = get(index.value, &c.value)?;
    let value = match raw_value {
        "" => return Err(InputError::new(c.value.clone(), "", "a value is required")),
        v => v
            .parse::<Decimal>()
            .map(ObservationValue::Quantity)
            .unwrap_or_else(|_| ObservationValue::Text(v.to_owned())),
    };
    let unit = optional(index.unit).map(|u| {
        mapping
            .units
            .get(u)
            .cloned()
            .unwrap_or_else(|| u.to_owned())
    });
    let date_text = get(index.effective_date, &c.effective_date)?;
    let effective = match &mapping.date_format {
        None => date_text.parse().ok(),
        Some(format) => jiff::civil::Date::strptime(format, date_text).ok(),
    }
    .ok_or_else(|| {
        InputError::new(
            c.effective_date.clone(),
            date_text,
            format!(
                "a date as {}",
                mapping.date_format.as_deref().unwrap_or("YYYY-MM-DD")
            ),
        )
    })?;
    let decimal = |i: Option<usize>, name: &Option<String>| {
        optional(i)
            .map(|v| {
                v.parse::<Decimal>().map_err(|_| {
                    InputError::new(name.clone().unwrap_or_default(), v, "a decimal number")
                })
            })
            .transpose()
    };
    let specimen = optional(index.specimen)
        .map(|s| match s {
            "24h_collection" => Ok(UrineSpecimen::Collection24h),
            "first_morning_void" => Ok(UrineSpecimen::FirstMorningVoid),
            "random_spot" => Ok(UrineSpecimen::RandomSpot),
            "unknown" => Ok(UrineSpecimen::Unknown),
            other => Err(InputError::new(
                c.specimen.clone().unwrap_or_default(),
                other,
                "24h_collection, first_morning_void, random_spot or unknown",
            )),
        })
        .transpose()?;
    Ok(CsvObservation {
        subject,
        report: ObservationReport {
            code_system: code_system.uri().to_owned(),
            code,
            value,
            unit,
            reference_low: decimal(index.reference_low, &c.reference_low)?,
            reference_high: decimal(index.reference_high, &c.reference_high)?,
            effective,
            specimen,
            source: ObservationSource::Csv {
                import_id: import_id.to_owned(),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use sledger_core::record::observation::Observation;

    use super::*;

    fn mapping() -> CsvMapping {
        CsvMapping::parse(
            r#"
            date_format = "%d/%m/%Y"
            [columns]
            patient = "MRN"
            code = "TEST"
            value = "RESULT"
            unit = "UNITS"
            effective_date = "COLLECTED"
            id = "ACC"
            [patient]
            system = "urn:mrn"
            [codes]
            CREA = "2160-0"
            [units]
            "mg/dl" = "mg/dL"
            "#,
        )
        .unwrap()
    }

    const HEADER: [&str; 6] = ["ACC", "MRN", "TEST", "RESULT", "UNITS", "COLLECTED"];

    #[test]
    fn local_codes_and_units_map_to_loinc_and_ucum() {
        let m = mapping();
        let i = m.index(&HEADER).unwrap();
        let row = ["A1", "77", "CREA", "1.10", "mg/dl", "01/03/2017"];
        let o = map_row(&m, &i, &row, "imp").unwrap();
        assert_eq!(o.subject, "urn:mrn|77");
        assert_eq!(o.report.code, "2160-0");
        assert_eq!(o.report.unit.as_deref(), Some("mg/dL"));
        assert_eq!(o.report.value, ObservationValue::Quantity(dec!(1.10)));
        assert_eq!(o.report.effective, jiff::civil::date(2017, 3, 1));
        assert!(Observation::parse(o.report).is_ok());
        assert_eq!(row_key(&i, &row), "id:A1");
    }

    #[test]
    fn bad_rows_are_refused_naming_the_column() {
        let m = mapping();
        let i = m.index(&HEADER).unwrap();
        let e = map_row(
            &m,
            &i,
            &["A1", "77", "CREA", "1.1", "mg/dl", "2017-03-01"],
            "imp",
        )
        .unwrap_err();
        assert_eq!(e.field, "COLLECTED");
        let e = map_row(
            &m,
            &i,
            &["A1", "", "CREA", "1.1", "mg/dl", "01/03/2017"],
            "imp",
        )
        .unwrap_err();
        assert_eq!(e.field, "MRN");
        let o = map_row(
            &m,
            &i,
            &["A1", "7", "CREA", "88", "umol/L", "01/03/2017"],
            "imp",
        )
        .unwrap();
        assert_eq!(Observation::parse(o.report).unwrap_err().field, "unit");
    }

    #[test]
    fn without_an_id_column_the_key_is_the_rows_hash() {
        let m = mapping();
        let i = m.index(&HEADER).unwrap();
        let a = row_key(&i, &["", "77", "CREA", "1.1", "mg/dl", "01/03/2017"]);
        let b = row_key(&i, &["", "77", "CREA", "1.2", "mg/dl", "01/03/2017"]);
        assert!(a.starts_with("sha256:"));
        assert_ne!(a, b);
        assert_eq!(
            a,
            row_key(&i, &["", "77", "CREA", "1.1", "mg/dl", "01/03/2017"])
        );
    }
}
