//! A FHIR Observation into sledger-core's `ObservationReport` (renal.md §6 import rules,
//! sle-activity §9.3 data dictionary): the LOINC coding is chosen, the value, raw unit (the
//! UCUM code when the quantity is UCUM-coded, else the unit text) and reference range kept as
//! reported. `Observation::parse` then checks the unit against the catalogue and the value
//! against the dictionary's range; a LOINC code outside the catalogue is kept raw.

use jiff::civil::Date;
use sledger_core::InputError;
use sledger_core::record::observation::{
    CodeSystem, LabCatalogue, LabItem, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_core::units::urine_protein::UrineSpecimen;

use super::resource::{Quantity, Reference, Resource};

const UCUM: &str = "http://unitsofmeasure.org";

/// A mapped Observation: the hospital identifier of its subject and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirObservation {
    /// `Patient/<id>` or `system|value`: the key of the subject linkage.
    pub subject: String,
    pub report: ObservationReport,
}

/// Maps an Observation resource; refusals name the FHIR element.
pub fn map_observation(r: &Resource, import_id: &str) -> Result<FhirObservation, InputError> {
    if matches!(
        r.status.as_deref(),
        Some("entered-in-error" | "cancelled" | "registered")
    ) {
        return Err(InputError::new(
            "status",
            r.status.as_deref().unwrap_or_default(),
            "only final, amended, corrected or preliminary results are imported",
        ));
    }
    let subject = subject_identifier(r.subject.as_ref())?;
    let (system, code) = coding(r)?;
    let value = value(r)?;
    let unit = r.value_quantity.as_ref().and_then(unit_of);
    let effective = effective_date(r)?;
    let (reference_low, reference_high) = r
        .reference_range
        .first()
        .map(|range| {
            (
                range.low.as_ref().and_then(|q| q.value),
                range.high.as_ref().and_then(|q| q.value),
            )
        })
        .unwrap_or_default();
    let specimen = specimen(r, system, &code);
    Ok(FhirObservation {
        subject,
        report: ObservationReport {
            code_system: system.uri().to_owned(),
            code,
            value,
            unit,
            reference_low,
            reference_high,
            effective,
            specimen,
            source: ObservationSource::Fhir {
                import_id: import_id.to_owned(),
            },
        },
    })
}

/// The linkage key of a subject reference: `Patient/<id>` or `system|value`.
pub fn subject_identifier(subject: Option<&Reference>) -> Result<String, InputError> {
    let missing = || {
        InputError::new(
            "subject",
            "null",
            "the resource names its subject (subject.reference Patient/<id> or subject.identifier)",
        )
    };
    let subject = subject.ok_or_else(missing)?;
    if let Some(reference) = subject.reference.as_deref().filter(|r| !r.is_empty()) {
        let local = reference
            .rsplit_once("/Patient/")
            .map_or(reference, |(_, id)| id);
        let id = local.strip_prefix("Patient/").unwrap_or(local);
        if reference.contains("Patient/") && !id.is_empty() && !id.contains('/') {
            return Ok(format!("Patient/{id}"));
        }
        return Err(InputError::new(
            "subject.reference",
            reference,
            "a reference to a Patient (Patient/<id>)",
        ));
    }
    match &subject.identifier {
        Some(i) => identifier_key(i.system.as_deref(), i.value.as_deref()).ok_or_else(missing),
        None => Err(missing()),
    }
}

/// `system|value` of an identifier with a value.
pub fn identifier_key(system: Option<&str>, value: Option<&str>) -> Option<String> {
    let value = value.filter(|v| !v.is_empty())?;
    Some(format!("{}|{value}", system.unwrap_or_default()))
}

/// The LOINC coding, else a sledger coding; an Observation coded only in other systems is
/// refused (sledger's store keeps LOINC and its own system).
fn coding(r: &Resource) -> Result<(CodeSystem, String), InputError> {
    let codings = r
        .code
        .as_ref()
        .map(|c| c.coding.as_slice())
        .unwrap_or_default();
    for system in [CodeSystem::Loinc, CodeSystem::Sledger] {
        if let Some(code) = codings
            .iter()
            .find(|c| c.system.as_deref() == Some(system.uri()))
            .and_then(|c| c.code.clone())
        {
            return Ok((system, code));
        }
    }
    let first = codings
        .first()
        .map(|c| {
            format!(
                "{}|{}",
                c.system.as_deref().unwrap_or_default(),
                c.code.as_deref().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "null".to_owned());
    Err(InputError::new(
        "code.coding",
        first,
        "an Observation needs a LOINC coding (system http://loinc.org) or a urn:sledger one",
    ))
}

fn value(r: &Resource) -> Result<ObservationValue, InputError> {
    if let Some(q) = &r.value_quantity {
        return q.value.map(ObservationValue::Quantity).ok_or_else(|| {
            InputError::new(
                "valueQuantity.value",
                "null",
                "a quantity carries its value",
            )
        });
    }
    if let Some(i) = r.value_integer {
        return Ok(ObservationValue::Quantity(i.into()));
    }
    if let Some(b) = r.value_boolean {
        return Ok(ObservationValue::Boolean(b));
    }
    if let Some(s) = r.value_string.as_ref().filter(|s| !s.is_empty()) {
        return Ok(ObservationValue::Text(s.clone()));
    }
    if let Some(c) = &r.value_codeable_concept {
        let text = c
            .coding
            .iter()
            .find_map(|c| c.code.clone())
            .or_else(|| c.text.clone());
        if let Some(text) = text {
            return Ok(ObservationValue::Text(text));
        }
    }
    Err(InputError::new(
        "value[x]",
        "null",
        "an Observation carries a valueQuantity, valueInteger, valueBoolean, valueString or valueCodeableConcept",
    ))
}

/// The unit as reported: the UCUM code when the quantity is UCUM-coded, else its text.
fn unit_of(q: &Quantity) -> Option<String> {
    let ucum = q.system.as_deref() == Some(UCUM);
    let code = q.code.as_deref().filter(|c| !c.is_empty() && ucum);
    code.or(q.unit.as_deref())
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
}

/// The collection date: the calendar date of `effectiveDateTime` (or `effectivePeriod.start`)
/// as written by the sender, without time-zone shifting (renal.md works in days).
fn effective_date(r: &Resource) -> Result<Date, InputError> {
    let (field, text) = match (&r.effective_date_time, &r.effective_period) {
        (Some(t), _) => ("effectiveDateTime", t.as_str()),
        (None, Some(p)) => (
            "effectivePeriod.start",
            p.start.as_deref().unwrap_or_default(),
        ),
        (None, None) => {
            return Err(InputError::new(
                "effective[x]",
                "null",
                "an Observation carries its collection date (effectiveDateTime)",
            ));
        }
    };
    text.get(..10)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| InputError::new(field, text, "a FHIR date or dateTime (YYYY-MM-DD…)"))
}

/// The urine specimen of a UPCR (renal.md §2.1): the specimen reference's display when it
/// names one of the four kinds, else `unknown`; none for other codes.
fn specimen(r: &Resource, system: CodeSystem, code: &str) -> Option<UrineSpecimen> {
    let entry = LabCatalogue::entry(system, code)?;
    if entry.item != LabItem::Upcr {
        return None;
    }
    let display = r.specimen.as_ref().and_then(|s| s.display.as_deref());
    Some(match display {
        Some("24h_collection") => UrineSpecimen::Collection24h,
        Some("first_morning_void") => UrineSpecimen::FirstMorningVoid,
        Some("random_spot") => UrineSpecimen::RandomSpot,
        _ => UrineSpecimen::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use sledger_core::record::observation::Observation;

    use super::*;
    use crate::fhir_in::parse_line;

    fn obs(code: &str, value: &str, unit: &str) -> String {
        format!(
            r#"{{"resourceType":"Observation","id":"o","status":"final",
            "code":{{"coding":[{{"system":"http://loinc.org","code":"{code}"}}]}},
            "subject":{{"reference":"Patient/p1"}},"effectiveDateTime":"2017-03-01T08:00:00Z",
            "valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}},
            "referenceRange":[{{"low":{{"value":0.5}},"high":{{"value":1.1}}}}]}}"#
        )
    }

    fn parse(line: &str) -> Result<Observation, InputError> {
        let m = map_observation(&parse_line(line)?, "imp")?;
        Observation::parse(m.report)
    }

    #[test]
    fn a_catalogue_lab_maps_with_its_raw_unit_range_and_date() {
        let line = obs("2160-0", "1.1", "mg/dL");
        let m = map_observation(&parse_line(&line).unwrap(), "imp").unwrap();
        assert_eq!(m.subject, "Patient/p1");
        assert_eq!(m.report.unit.as_deref(), Some("mg/dL"));
        assert_eq!(m.report.value, ObservationValue::Quantity(dec!(1.1)));
        assert_eq!(m.report.reference_high, Some(dec!(1.1)));
        assert_eq!(m.report.effective, jiff::civil::date(2017, 3, 1));
        assert!(Observation::parse(m.report).unwrap().measured().is_some());
    }

    #[test]
    fn bad_observations_are_refused_naming_the_element() {
        // Creatinine 2160-0 (mass/volume) in µmol/L (renal.md §6).
        let e = parse(&obs("2160-0", "88", "umol/L")).unwrap_err();
        assert_eq!(e.field, "unit");
        assert!(e.rule.contains("14682-9"), "{e}");
        // Outside the data dictionary's range (C3 0–5 g/L).
        assert_eq!(
            parse(&obs("4485-9", "80", "g/L")).unwrap_err().field,
            "value"
        );
        // An unknown unit.
        assert_eq!(
            parse(&obs("4485-9", "1", "furlong")).unwrap_err().field,
            "unit"
        );
        // No subject.
        let line =
            obs("4485-9", "1", "g/L").replace(r#""subject":{"reference":"Patient/p1"},"#, "");
        assert_eq!(parse(&line).unwrap_err().field, "subject");
        // A subject that is not a patient.
        let line = obs("4485-9", "1", "g/L").replace("Patient/p1", "Group/g1");
        assert_eq!(parse(&line).unwrap_err().field, "subject.reference");
        // No LOINC coding.
        let line = obs("4485-9", "1", "g/L").replace("http://loinc.org", "urn:local");
        assert_eq!(parse(&line).unwrap_err().field, "code.coding");
    }

    #[test]
    fn a_loinc_code_outside_the_catalogue_is_kept_raw() {
        let o = parse(&obs("1988-5", "3.2", "mg/L")).unwrap();
        assert!(o.measured().is_none());
        assert_eq!(o.unit(), Some("mg/L"));
    }

    #[test]
    fn subjects_by_reference_or_identifier() {
        let r = |reference: Option<&str>, system: Option<&str>, value: Option<&str>| Reference {
            reference: reference.map(str::to_owned),
            identifier: Some(crate::fhir_in::resource::Identifier {
                system: system.map(str::to_owned),
                value: value.map(str::to_owned),
            }),
            display: None,
        };
        assert_eq!(
            subject_identifier(Some(&r(
                Some("https://h.example/fhir/Patient/9"),
                None,
                None
            )))
            .unwrap(),
            "Patient/9"
        );
        assert_eq!(
            subject_identifier(Some(&r(None, Some("urn:mrn"), Some("77")))).unwrap(),
            "urn:mrn|77"
        );
        assert!(subject_identifier(Some(&r(None, Some("urn:mrn"), None))).is_err());
    }
}
