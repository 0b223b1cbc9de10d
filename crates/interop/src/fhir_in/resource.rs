//! The FHIR R4 resources we read, as one typed struct: the union of the elements we map,
//! every other element skipped by serde without being built. One pass over the text, no
//! `serde_json::Value` tree and no internally tagged enum (serde buffers those whole).

use rust_decimal::Decimal;
use serde::Deserialize;
use sledger_core::InputError;

/// The resource types the importer knows (issue #6 item 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceType {
    Patient,
    Observation,
    MedicationStatement,
    MedicationRequest,
    MedicationAdministration,
    Condition,
    Procedure,
    AdverseEvent,
}

impl ResourceType {
    /// Parses `resourceType`; any other type is refused naming the field.
    pub fn parse(name: &str) -> Result<ResourceType, InputError> {
        Ok(match name {
            "Patient" => ResourceType::Patient,
            "Observation" => ResourceType::Observation,
            "MedicationStatement" => ResourceType::MedicationStatement,
            "MedicationRequest" => ResourceType::MedicationRequest,
            "MedicationAdministration" => ResourceType::MedicationAdministration,
            "Condition" => ResourceType::Condition,
            "Procedure" => ResourceType::Procedure,
            "AdverseEvent" => ResourceType::AdverseEvent,
            _ => {
                return Err(InputError::new(
                    "resourceType",
                    name,
                    "not a resource type sledger imports: Patient, Observation, \
                     MedicationStatement, MedicationRequest, MedicationAdministration, \
                     Condition, Procedure or AdverseEvent",
                ));
            }
        })
    }

    pub const fn name(self) -> &'static str {
        match self {
            ResourceType::Patient => "Patient",
            ResourceType::Observation => "Observation",
            ResourceType::MedicationStatement => "MedicationStatement",
            ResourceType::MedicationRequest => "MedicationRequest",
            ResourceType::MedicationAdministration => "MedicationAdministration",
            ResourceType::Condition => "Condition",
            ResourceType::Procedure => "Procedure",
            ResourceType::AdverseEvent => "AdverseEvent",
        }
    }
}

/// One resource, as written (elements we do not map are skipped).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub resource_type: String,
    pub id: Option<String>,
    pub meta: Option<Meta>,
    // Patient
    #[serde(default)]
    pub identifier: Vec<Identifier>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    // Observation
    pub status: Option<String>,
    pub code: Option<CodeableConcept>,
    pub subject: Option<Reference>,
    pub effective_date_time: Option<String>,
    pub effective_period: Option<Period>,
    pub value_quantity: Option<Quantity>,
    pub value_string: Option<String>,
    pub value_boolean: Option<bool>,
    pub value_integer: Option<i64>,
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(default)]
    pub reference_range: Vec<ReferenceRange>,
    pub specimen: Option<Reference>,
    // AdverseEvent
    pub actuality: Option<String>,
    pub event: Option<CodeableConcept>,
    pub date: Option<String>,
    pub seriousness: Option<CodeableConcept>,
    pub severity: Option<CodeableConcept>,
    pub outcome: Option<CodeableConcept>,
    #[serde(default)]
    pub suspect_entity: Vec<SuspectEntity>,
    // MedicationStatement / MedicationRequest / MedicationAdministration
    pub medication_codeable_concept: Option<CodeableConcept>,
    pub medication_reference: Option<Reference>,
    /// A list on Statement and Request, one object on Administration.
    pub dosage: Option<Dosages>,
    /// MedicationRequest's dosage.
    #[serde(default)]
    pub dosage_instruction: Vec<Dosage>,
    #[serde(default)]
    pub reason_code: Vec<CodeableConcept>,
    pub authored_on: Option<String>,
    pub dispense_request: Option<DispenseRequest>,
    // Procedure
    pub performed_date_time: Option<String>,
    pub performed_period: Option<Period>,
    #[serde(default)]
    pub note: Vec<Annotation>,
    #[serde(default)]
    pub extension: Vec<Extension>,
    // Condition
    pub clinical_status: Option<CodeableConcept>,
    pub verification_status: Option<CodeableConcept>,
    pub onset_date_time: Option<String>,
    pub onset_period: Option<Period>,
    pub abatement_date_time: Option<String>,
    pub abatement_period: Option<Period>,
}

/// `dosage`: `Dosage[]` on MedicationStatement/Request, one `MedicationAdministration.dosage`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Dosages {
    Many(Vec<Dosage>),
    One(Box<Dosage>),
}

impl Dosages {
    /// The first dosage (the one sledger reads).
    pub fn first(&self) -> Option<&Dosage> {
        match self {
            Dosages::Many(list) => list.first(),
            Dosages::One(one) => Some(one.as_ref()),
        }
    }
}

/// The union of R4 `Dosage` (Statement, Request) and `MedicationAdministration.dosage`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dosage {
    pub text: Option<String>,
    pub route: Option<CodeableConcept>,
    pub timing: Option<Timing>,
    #[serde(default)]
    pub dose_and_rate: Vec<DoseAndRate>,
    /// MedicationAdministration.dosage.dose
    pub dose: Option<Quantity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoseAndRate {
    pub dose_quantity: Option<Quantity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Timing {
    pub repeat: Option<TimingRepeat>,
}

/// `Timing.repeat`: the elements sledger's schedules are made of.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingRepeat {
    pub count: Option<u32>,
    pub frequency: Option<u32>,
    #[serde(default, deserialize_with = "super::decimal::optional")]
    pub period: Option<Decimal>,
    pub period_unit: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DispenseRequest {
    pub validity_period: Option<Period>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Annotation {
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub url: Option<String>,
    #[serde(default, deserialize_with = "super::decimal::optional")]
    pub value_decimal: Option<Decimal>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SuspectEntity {
    #[serde(default)]
    pub causality: Vec<Causality>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Causality {
    pub assessment: Option<CodeableConcept>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub version_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Identifier {
    pub system: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CodeableConcept {
    #[serde(default)]
    pub coding: Vec<Coding>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reference {
    pub reference: Option<String>,
    pub identifier: Option<Identifier>,
    pub display: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Quantity {
    #[serde(default, deserialize_with = "super::decimal::optional")]
    pub value: Option<Decimal>,
    pub unit: Option<String>,
    pub system: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferenceRange {
    pub low: Option<Quantity>,
    pub high: Option<Quantity>,
}

/// Parses one NDJSON line; a line that is not JSON or not a resource is refused naming
/// `json` with serde's message (which gives the column).
pub fn parse_line(line: &str) -> Result<Resource, InputError> {
    serde_json::from_str(line)
        .map_err(|e| InputError::new("json", shorten(line), format!("not a FHIR resource: {e}")))
}

/// The first characters of a refused line, for the error report (never the whole line).
pub(crate) fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_parses_into_the_elements_we_map_and_skips_the_rest() {
        let r = parse_line(
            r#"{"resourceType":"Observation","id":"o1","meta":{"versionId":"2","lastUpdated":"2020-01-01T00:00:00Z"},
            "text":{"status":"generated","div":"<div/>"},"extension":[{"url":"x","valueString":"y"}],
            "code":{"coding":[{"system":"http://loinc.org","code":"2160-0","display":"Creatinine"}]},
            "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2017-03-01T08:30:00+01:00",
            "valueQuantity":{"value":1.1,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}"#,
        )
        .unwrap();
        assert_eq!(r.resource_type, "Observation");
        assert_eq!(r.meta.unwrap().version_id.as_deref(), Some("2"));
        assert_eq!(r.code.unwrap().coding[0].code.as_deref(), Some("2160-0"));
        assert_eq!(
            r.value_quantity.unwrap().value,
            Some(rust_decimal_macros::dec!(1.1))
        );
    }

    #[test]
    fn malformed_lines_and_unknown_types_are_refused_naming_the_field() {
        let e = parse_line(r#"{"resourceType":"Observation","id":"#).unwrap_err();
        assert_eq!(e.field, "json");
        let e = parse_line(r#"{"id":"x"}"#).unwrap_err();
        assert!(e.rule.contains("resourceType"), "{e}");
        let e = ResourceType::parse("Encounter").unwrap_err();
        assert_eq!(e.field, "resourceType");
        assert_eq!(e.value, "Encounter");
    }
}
