//! The FHIR R4 resources we export (http://hl7.org/fhir/R4/), our own serde structs (DESIGN
//! §8: no generated model crate), with only the elements we fill.

use serde::Serialize;

use super::datatypes::{
    Annotation, CodeableConcept, Extension, Identifier, Period, Quantity, Range, Reference,
};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Patient {
    pub resource_type: &'static str,
    pub id: String,
    pub identifier: Vec<Identifier>,
    /// male | female | other | unknown (AdministrativeGender).
    pub gender: &'static str,
    /// YYYY-MM: the record keeps the birth month only.
    pub birth_date: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReferenceRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Observation {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub status: &'static str,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    pub effective_date_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_range: Option<Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_absent_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_range: Vec<ReferenceRange>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DoseAndRate {
    pub dose_quantity: Quantity,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Dosage {
    pub text: String,
    pub timing: Timing,
    pub route: CodeableConcept,
    pub dose_and_rate: Vec<DoseAndRate>,
}

/// `Timing` with its `repeat` only.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Timing {
    pub repeat: TimingRepeat,
}

/// `Timing.repeat`: a single administration (`count` 1) or `frequency` per `period`
/// `periodUnit`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TimingRepeat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MedicationStatement {
    pub resource_type: &'static str,
    pub id: String,
    /// active | completed (an end date in the record).
    pub status: &'static str,
    pub medication_codeable_concept: CodeableConcept,
    pub subject: Reference,
    pub effective_period: Period,
    pub reason_code: Vec<CodeableConcept>,
    pub dosage: Vec<Dosage>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Procedure {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub status: &'static str,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub performed_date_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Causality {
    pub assessment: CodeableConcept,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SuspectEntity {
    pub instance: Reference,
    pub causality: Vec<Causality>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdverseEvent {
    pub resource_type: &'static str,
    pub id: String,
    pub extension: Vec<Extension>,
    pub actuality: &'static str,
    pub event: CodeableConcept,
    pub subject: Reference,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seriousness: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspect_entity: Vec<SuspectEntity>,
    pub study: Vec<Reference>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResearchStudy {
    pub resource_type: &'static str,
    pub id: String,
    pub identifier: Vec<Identifier>,
    pub title: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResearchSubject {
    pub resource_type: &'static str,
    pub id: String,
    pub status: &'static str,
    pub period: Period,
    pub study: Reference,
    pub individual: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_arm: Option<String>,
}
