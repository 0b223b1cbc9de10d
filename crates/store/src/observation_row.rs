//! An observation as an `observation` row and back: the raw value, raw unit, code, reference
//! range, date, specimen and source are stored as reported (DESIGN §3 "units are kept as
//! reported"); reading a row parses it again through `Observation::parse`, so the canonical
//! value is always derived by sledger-core (renal.md §6 import rules).

use serde_json::Value;
use sledger_core::InputError;
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::units::urine_protein::UrineSpecimen;

use crate::column::{self, Columns, code_of, text_or_null};

/// The specimen codes of renal.md §2.1.
pub(crate) const SPECIMENS: &str = "24h_collection, first_morning_void, random_spot, unknown";

/// The row of `observation` for `patient_id` (and its visit).
pub(crate) fn values(patient_id: &str, visit_id: Option<&str>, o: &Observation) -> Columns {
    let (value_decimal, value_text, value_bool) = match o.value() {
        ObservationValue::Quantity(d) => (Some(d.to_string()), None, Value::Null),
        ObservationValue::Text(t) => (None, Some(t.clone()), Value::Null),
        ObservationValue::Boolean(b) => (None, None, Value::from(i64::from(*b))),
    };
    let (source, import_id) = match o.source() {
        ObservationSource::Form => ("form", None),
        ObservationSource::Fhir { import_id } => ("fhir", Some(import_id.clone())),
        ObservationSource::Csv { import_id } => ("csv", Some(import_id.clone())),
    };
    let (low, high) = o.reference_range();
    let mut v = Columns::new();
    v.insert("patient_id".into(), patient_id.into());
    v.insert("visit_id".into(), text_or_null(visit_id.map(str::to_owned)));
    v.insert("code_system".into(), o.system().uri().into());
    v.insert("code".into(), o.code().into());
    v.insert("value_decimal".into(), text_or_null(value_decimal));
    v.insert("value_text".into(), text_or_null(value_text));
    v.insert("value_bool".into(), value_bool);
    v.insert("raw_unit".into(), text_or_null(o.unit().map(str::to_owned)));
    v.insert(
        "reference_low".into(),
        text_or_null(low.map(|d| d.to_string())),
    );
    v.insert(
        "reference_high".into(),
        text_or_null(high.map(|d| d.to_string())),
    );
    v.insert("effective_date".into(), o.effective().to_string().into());
    v.insert(
        "specimen".into(),
        text_or_null(o.specimen().map(|s| code_of(&s))),
    );
    v.insert("source".into(), source.into());
    v.insert("import_id".into(), text_or_null(import_id));
    v
}

/// Parses a stored (or corrected) row through `Observation::parse`.
pub(crate) fn parse(values: &Columns) -> Result<Observation, InputError> {
    let value = match (
        column::decimal(values, "value_decimal")?,
        column::text(values, "value_text"),
        column::flag(values, "value_bool")?,
    ) {
        (Some(d), None, None) => ObservationValue::Quantity(d),
        (None, Some(t), None) => ObservationValue::Text(t.to_owned()),
        (None, None, Some(b)) => ObservationValue::Boolean(b),
        _ => {
            return Err(InputError::new(
                "value",
                "null",
                "exactly one of value_decimal, value_text and value_bool is recorded",
            ));
        }
    };
    let import_id = || column::required_text(values, "import_id").map(str::to_owned);
    let source = match column::required_text(values, "source")? {
        "form" => ObservationSource::Form,
        "fhir" => ObservationSource::Fhir {
            import_id: import_id()?,
        },
        "csv" => ObservationSource::Csv {
            import_id: import_id()?,
        },
        other => {
            return Err(InputError::new(
                "source",
                other,
                "must be form, fhir or csv (issue #3)",
            ));
        }
    };
    Observation::parse(ObservationReport {
        code_system: column::required_text(values, "code_system")?.to_owned(),
        code: column::required_text(values, "code")?.to_owned(),
        value,
        unit: column::text(values, "raw_unit").map(str::to_owned),
        reference_low: column::decimal(values, "reference_low")?,
        reference_high: column::decimal(values, "reference_high")?,
        effective: column::required_date(values, "effective_date")?,
        specimen: column::code::<UrineSpecimen>(values, "specimen", SPECIMENS)?,
        source,
    })
}
