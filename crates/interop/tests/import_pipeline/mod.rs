//! The pure part of `sledger import` for one input, as `crates/cli/src/commands/
//! import_fhir.rs` and `import_csv.rs` run it before the store (issue #6 "Robustness"):
//! shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs` include this file) and the
//! regression tests (`tests/fuzz_regressions.rs`), so both exercise the same path.
//!
//! Each entry takes the raw bytes of one fuzz input and returns the refusals. A panic is a
//! bug; so is a refusal that does not name its field and rule ([`check`]).

#![allow(dead_code)]

use sledger_core::InputError;
use sledger_core::record::observation::Observation;
use sledger_interop::csv_in::{CsvMapping, map_row, row_key};
use sledger_interop::fhir_in::adverse_event::map_adverse_event;
use sledger_interop::fhir_in::observation::map_observation;
use sledger_interop::fhir_in::patient::map_patient;
use sledger_interop::fhir_in::{Resource, ResourceType, parse_bundle, parse_line, resource_key};

const IMPORT_ID: &str = "fuzz-import";

/// The mapping of the fixed-mapping mode of `csv_lab_row`: local codes and units translated,
/// a day-first date format, an accession id column (crates/cli/tests/cli/csv_import.rs).
pub const LAB_MAPPING: &str = r#"
date_format = "%d/%m/%Y"
[columns]
patient = "PATIENT"
code = "TEST"
value = "RESULT"
unit = "UNITS"
effective_date = "COLLECTED"
id = "ACCESSION"
[codes]
CREA = "2160-0"
C3 = "4485-9"
UPCR = "2890-2"
[units]
"mg/dl" = "mg/dL"
"#;

/// The second fixed mapping: hospital identifiers, ISO dates, reference range and specimen.
pub const MRN_MAPPING: &str = r#"
[columns]
patient = "MRN"
code = "LOINC"
value = "VALUE"
unit = "UNIT"
effective_date = "DATE"
reference_low = "LOW"
reference_high = "HIGH"
specimen = "SPECIMEN"
[patient]
system = "urn:hospital:mrn"
"#;

/// The extract used when the mapping itself is fuzzed and the input names no body.
pub const LAB_EXTRACT: &str = "ACCESSION,PATIENT,TEST,RESULT,UNITS,COLLECTED\n\
    A1,IDX-01,CREA,0.9,mg/dl,01/03/2017\n\
    A2,IDX-01,C3,0.8,g/L,01/03/2017\n";

/// A refusal must say which field, which rule (the value may be empty: an empty cell).
pub fn check(e: &InputError) {
    assert!(
        !e.field.trim().is_empty(),
        "a refusal without its field: {e:?}"
    );
    assert!(
        !e.rule.trim().is_empty(),
        "a refusal without its rule: {e:?}"
    );
}

/// `fhir_ndjson_line`: a bulk-export file, split into lines as `BufRead::read_line` does.
pub fn fhir_ndjson_line(data: &[u8]) -> Vec<InputError> {
    let mut refused = Vec::new();
    for line in data.split_inclusive(|b| *b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            refused.push(InputError::new("line", "", "not UTF-8 text"));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(resource) => refused.extend(one_resource(&resource).err()),
            Err(e) => refused.push(e),
        }
    }
    refused.iter().for_each(check);
    refused
}

/// `fhir_bundle`: a Bundle file (not UTF-8: the importer cannot read it and stops).
pub fn fhir_bundle(data: &[u8]) -> Vec<InputError> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Vec::new();
    };
    let refused: Vec<InputError> = match parse_bundle(text) {
        Ok(resources) => resources
            .iter()
            .filter_map(|r| one_resource(r).err())
            .collect(),
        Err(e) => vec![e],
    };
    refused.iter().for_each(check);
    refused
}

/// One resource, dispatched by type as `import_fhir::one_resource` does, down to what the
/// store is handed (the AdverseEvent's store-side checks are the store's, not run here).
fn one_resource(resource: &Resource) -> Result<(), InputError> {
    let kind = ResourceType::parse(&resource.resource_type)?;
    let (_, id, _) = resource_key(kind, resource)?;
    match kind {
        ResourceType::Observation => {
            let mapped = map_observation(resource, IMPORT_ID)?;
            Observation::parse(mapped.report).map(drop)
        }
        ResourceType::Patient => map_patient(resource, &id).map(drop),
        ResourceType::AdverseEvent => map_adverse_event(resource).map(drop),
        _ => Ok(()),
    }
}

/// `csv_lab_row`: the first byte picks the mode. Even: one of the two fixed mappings (bit 1)
/// and the rest is the extract. Odd: the rest is the mapping text, then, after a NUL byte,
/// the extract (no NUL: [`LAB_EXTRACT`]). Not UTF-8 mapping text cannot be read: nothing.
pub fn csv_lab_row(data: &[u8]) -> Vec<InputError> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    let refused = if mode % 2 == 0 {
        let mapping = if mode & 2 == 0 {
            LAB_MAPPING
        } else {
            MRN_MAPPING
        };
        lab_extract(mapping, rest)
    } else {
        let (mapping, body) = match rest.iter().position(|b| *b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, LAB_EXTRACT.as_bytes()),
        };
        match std::str::from_utf8(mapping) {
            Ok(mapping) => lab_extract(mapping, body),
            Err(_) => Vec::new(),
        }
    };
    refused.iter().for_each(check);
    refused
}

/// A lab extract read as `import_csv::import` reads it: a refused mapping or header stops
/// the import (one refusal); a refused row is reported and the next row read.
pub fn lab_extract(mapping_text: &str, body: &[u8]) -> Vec<InputError> {
    let mapping = match CsvMapping::parse(mapping_text) {
        Ok(m) => m,
        Err(e) => return vec![e],
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return vec![InputError::new(
                "header",
                "",
                format!("not a CSV header: {e}"),
            )];
        }
    };
    let header: Vec<&str> = header.iter().collect();
    let index = match mapping.index(&header) {
        Ok(i) => i,
        Err(e) => return vec![e],
    };
    let mut refused = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let _line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                refused.push(InputError::new("line", "", format!("not a CSV row: {e}")));
                continue;
            }
        }
        let fields: Vec<&str> = record.iter().collect();
        let _key = row_key(&index, &fields);
        let _id = index.id.and_then(|i| fields.get(i));
        let outcome = map_row(&mapping, &index, &fields, IMPORT_ID)
            .and_then(|row| Observation::parse(row.report).map(drop));
        refused.extend(outcome.err());
    }
    refused
}

/// Values tried where a number goes: ordinary ones, the data dictionary's boundaries and the
/// edges of Decimal, f64 and the integer types (a byte fuzzer rarely writes these itself).
const NUMBERS: [&str; 20] = [
    "0",
    "1",
    "-1",
    "0.5",
    "1.1",
    "5",
    "30",
    "88.4",
    "2000",
    "100000",
    "65535",
    "4294967296",
    "1e15",
    "0.001",
    "1e-28",
    "7.9e28",
    "-7.9e28",
    "79228162514264337593543950335",
    "1e308",
    "-0.0",
];

const DATES: [&str; 6] = [
    "2017-03-01",
    "2017-03-01T08:30:00+01:00",
    "0001-01-01",
    "9999-12-31",
    "2017-02-30",
    "2017-3-1",
];

const SPECIMENS: [&str; 5] = [
    "24h_collection",
    "first_morning_void",
    "random_spot",
    "unknown",
    "",
];

/// `fhir_fields`: Observations built from the lab catalogue (every catalogue code, its
/// allowed units and a few others, numbers at the edges, dates, specimens, reference ranges)
/// chosen by the bytes, one NDJSON line each, through [`fhir_ndjson_line`]: the structure the
/// byte fuzzer rarely assembles around a 29-digit number.
pub fn fhir_fields(data: &[u8]) -> Vec<InputError> {
    use serde_json::{Value, json};
    use sledger_core::record::observation::LAB_CATALOGUE;
    let mut bytes = data.iter().copied();
    let mut lines = Vec::new();
    while bytes.len() > 0 && lines.len() < 8 {
        let mut next = || usize::from(bytes.next().unwrap_or(0));
        let entry = &LAB_CATALOGUE[next() % LAB_CATALOGUE.len()];
        let mut units: Vec<&str> = entry.units.to_vec();
        units.extend(["", "furlong", "mg/dl", "m", "[in_i]", "cm"]);
        let unit = units[next() % units.len()];
        let mut number = || {
            let text = NUMBERS[next() % NUMBERS.len()];
            // Odd picks: the number as JSON text; even: as a string (FHIR decimals as text).
            if next() % 2 == 1 {
                serde_json::from_str(text).unwrap_or(Value::Null)
            } else {
                Value::String(text.to_owned())
            }
        };
        let mut resource = json!({
            "resourceType": "Observation",
            "id": format!("o{}", lines.len()),
            "status": "final",
            "code": {"coding": [{"system": entry.system.uri(), "code": entry.code}]},
            "subject": {"reference": "Patient/p1"},
        });
        let value = number();
        let low = number();
        let high = number();
        let shape = next();
        let date = DATES[next() % DATES.len()];
        let specimen = SPECIMENS[next() % SPECIMENS.len()];
        let fields = [
            (
                "valueQuantity",
                json!({"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}),
            ),
            ("valueInteger", json!(value)),
            ("valueBoolean", json!(shape % 2 == 0)),
            ("valueString", json!(unit)),
            ("effectiveDateTime", json!(date)),
            ("specimen", json!({"display": specimen})),
            (
                "referenceRange",
                json!([{"low": {"value": low}, "high": {"value": high}}]),
            ),
        ];
        // The value kind by `shape % 4`; date, specimen and range present by its higher bits.
        let (value_field, value_json) = &fields[shape % 4];
        resource[*value_field] = value_json.clone();
        for (bit, (name, field)) in fields[4..].iter().enumerate() {
            if (shape >> (2 + bit)) & 1 == 0 {
                resource[*name] = field.clone();
            }
        }
        lines.push(resource.to_string());
    }
    fhir_ndjson_line(lines.join("\n").as_bytes())
}
