//! FHIR R4 bulk-data export (issue #6 item 2): one NDJSON file per resource type, one
//! resource per line, as the FHIR Bulk Data Access IG writes them.
//!
//! Patients carry the study code only (no hospital identifier exists to leak); labs keep their
//! code (LOINC or sledger's system), the value and unit as reported with the UCUM code, the
//! collection date and reference range; every derived measure of every visit is an
//! Observation too, coded by LOINC where one exists and always by sledger's measure code
//! system, naming the engine version and configuration in `method`.

mod datatypes;
mod resources;

use rust_decimal::Decimal;
use sledger_core::record::observation::{CodeSystem, LabCatalogue, ObservationValue};
use sledger_core::sex::RecordedSex;

use crate::derived::{DerivedMeasure, MEASURE_SYSTEM, MeasureValue, measures_of};
use crate::error::InteropError;
use crate::model::{
    AdverseEventFact, InfusionFact, LabFact, MedicationFact, StudyExport, Subject, VisitExport,
    safe_id,
};
use crate::text::{code_of, decimal};
use datatypes::{
    Annotation, CodeableConcept, Coding, Extension, Identifier, Period, Quantity, Range, Reference,
};
use resources::{
    AdverseEvent, Causality, Dosage, DoseAndRate, MedicationStatement, Observation, Patient,
    Procedure, ReferenceRange, ResearchStudy, ResearchSubject, SuspectEntity, Timing, TimingRepeat,
};

/// sledger's FHIR base for its own code systems, naming systems and extensions.
pub const BASE: &str = "https://sledger.example/fhir";
const STUDY_CODE_SYSTEM: &str = "https://sledger.example/fhir/NamingSystem/study-code";
const SUBJECT_CODE_SYSTEM: &str = "https://sledger.example/fhir/NamingSystem/subject-code";
pub(crate) const MEDICATION_SYSTEM: &str = "https://sledger.example/fhir/CodeSystem/med-agent";
pub(crate) const PROCEDURE_SYSTEM: &str = "https://sledger.example/fhir/CodeSystem/procedure";
const RELATEDNESS_SYSTEM: &str = "https://sledger.example/fhir/CodeSystem/ae-relatedness";
const CTCAE_GRADE_EXTENSION: &str = "https://sledger.example/fhir/StructureDefinition/ctcae-grade";
const RAW_UNIT_EXTENSION: &str = "https://sledger.example/fhir/StructureDefinition/raw-unit";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const DATA_ABSENT: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
const AE_SERIOUSNESS: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
const AE_SEVERITY: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-severity";
const AE_OUTCOME: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome";

/// One NDJSON file: the resource type (its file is `<type>.ndjson`) and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdjsonFile {
    pub resource_type: &'static str,
    pub lines: Vec<String>,
}

impl NdjsonFile {
    /// The file name of the bulk-data convention.
    pub fn file_name(&self) -> String {
        format!("{}.ndjson", self.resource_type)
    }

    /// The file's text: each line followed by a newline.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.len() + 1).sum());
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

struct Files {
    files: Vec<NdjsonFile>,
}

impl Files {
    fn push<T: serde::Serialize>(
        &mut self,
        resource_type: &'static str,
        resource: &T,
    ) -> Result<(), InteropError> {
        let line = serde_json::to_string(resource).map_err(|source| InteropError::Json {
            what: resource_type,
            source,
        })?;
        match self
            .files
            .iter_mut()
            .find(|f| f.resource_type == resource_type)
        {
            Some(f) => f.lines.push(line),
            None => self.files.push(NdjsonFile {
                resource_type,
                lines: vec![line],
            }),
        }
        Ok(())
    }
}

/// The study as FHIR R4 NDJSON, one file per resource type in a fixed order (ResearchStudy,
/// Patient, ResearchSubject, Procedure, Observation, MedicationStatement, AdverseEvent);
/// types without resources have no file.
pub fn export(study: &StudyExport) -> Result<Vec<NdjsonFile>, InteropError> {
    let order = [
        "ResearchStudy",
        "Patient",
        "ResearchSubject",
        "Procedure",
        "Observation",
        "MedicationStatement",
        "AdverseEvent",
    ];
    let mut files = Files {
        files: order
            .iter()
            .map(|t| NdjsonFile {
                resource_type: t,
                lines: Vec::new(),
            })
            .collect(),
    };
    let study_id = safe_id(&study.code);
    files.push("ResearchStudy", &research_study(study, &study_id))?;
    for subject in &study.subjects {
        // The study code (1–32 characters) is unique within the export and fits FHIR's 64.
        let patient_id = safe_id(&subject.code);
        files.push("Patient", &patient(study, subject, &patient_id))?;
        files.push(
            "ResearchSubject",
            &research_subject(subject, &study_id, &patient_id),
        )?;
        for infusion in &subject.infusions {
            files.push("Procedure", &procedure(infusion, &patient_id))?;
        }
        for visit in &subject.visits {
            for lab in &visit.labs {
                files.push("Observation", &lab_observation(lab, &patient_id))?;
            }
            for (n, m) in measures_of(&visit.measures).iter().enumerate() {
                files.push(
                    "Observation",
                    &measure_observation(study, m, visit, n, &patient_id),
                )?;
            }
        }
        for medication in &subject.medications {
            files.push(
                "MedicationStatement",
                &medication_statement(medication, &patient_id),
            )?;
        }
        for ae in &subject.adverse_events {
            files.push(
                "AdverseEvent",
                &adverse_event(ae, subject, &study_id, &patient_id),
            )?;
        }
    }
    let mut out = files.files;
    out.retain(|f| !f.lines.is_empty());
    Ok(out)
}

fn research_study(study: &StudyExport, id: &str) -> ResearchStudy {
    ResearchStudy {
        resource_type: "ResearchStudy",
        id: id.to_owned(),
        identifier: vec![Identifier {
            system: STUDY_CODE_SYSTEM.to_owned(),
            value: study.code.clone(),
        }],
        title: study.title.clone(),
        status: "active",
        description: Some(format!(
            "Protocol {} version {}",
            study.protocol_id, study.protocol_version
        )),
    }
}

/// AdministrativeGender: intersex, not-recorded and unknown have no FHIR gender of their own;
/// intersex → other, not recorded → unknown [DECISION, docs/interop.md].
fn gender(sex: RecordedSex) -> &'static str {
    match sex {
        RecordedSex::Female => "female",
        RecordedSex::Male => "male",
        RecordedSex::Other | RecordedSex::Intersex => "other",
        RecordedSex::Unknown | RecordedSex::NotRecorded => "unknown",
    }
}

fn patient(study: &StudyExport, subject: &Subject, id: &str) -> Patient {
    Patient {
        resource_type: "Patient",
        id: id.to_owned(),
        identifier: vec![Identifier {
            system: format!("{SUBJECT_CODE_SYSTEM}/{}", safe_id(&study.code)),
            value: subject.code.clone(),
        }],
        gender: gender(subject.sex),
        birth_date: format!("{:04}-{:02}", subject.birth_year, subject.birth_month),
    }
}

fn research_subject(subject: &Subject, study_id: &str, patient_id: &str) -> ResearchSubject {
    ResearchSubject {
        resource_type: "ResearchSubject",
        id: patient_id.to_owned(),
        status: "on-study",
        period: Period {
            start: subject.enrollment_date.to_string(),
            end: None,
        },
        study: Reference::to("ResearchStudy", study_id),
        individual: Reference::to("Patient", patient_id),
        assigned_arm: subject.arm.clone(),
    }
}

fn procedure(fact: &InfusionFact, patient_id: &str) -> Procedure {
    let i = &fact.infusion;
    let mut note = vec![Annotation {
        text: format!(
            "{} {} cell product, route {}, {} total cells",
            code_of(&i.source),
            code_of(&i.donor),
            code_of(&i.route),
            i.total_cells
        ),
    }];
    if let Some(lot) = &i.lot {
        note.push(Annotation {
            text: format!("lot {lot}"),
        });
    }
    if let Some(v) = i.viability_pct {
        note.push(Annotation {
            text: format!("viability {} %", decimal(v)),
        });
    }
    // The weight at infusion itself (cells/kg below is rounded), so that an import of this
    // export gives the same infusion back (fhir_in/infusion.rs).
    if let Some(w) = i.weight_kg {
        note.push(Annotation {
            text: format!("weight {} kg", decimal(w)),
        });
    }
    if let Some(p) = &i.premedication {
        note.push(Annotation {
            text: format!("premedication {p}"),
        });
    }
    let mut extension = Vec::new();
    if let Some(per_kg) = i.cells_per_kg() {
        extension.push(Extension {
            url: format!("{BASE}/StructureDefinition/cells-per-kg"),
            value_integer: None,
            value_string: None,
            value_decimal: Some(datatypes::number(per_kg.round_dp(0))),
        });
    }
    Procedure {
        resource_type: "Procedure",
        id: safe_id(&fact.id),
        extension,
        status: "completed",
        code: CodeableConcept::coded(Coding::new(
            PROCEDURE_SYSTEM,
            "cell-product-infusion",
            Some("Infusion of the study cell product"),
        )),
        subject: Reference::to("Patient", patient_id),
        performed_date_time: i.date.to_string(),
        note,
    }
}

fn category(code: &str) -> Vec<CodeableConcept> {
    vec![CodeableConcept::coded(Coding::new(
        OBSERVATION_CATEGORY,
        code,
        None,
    ))]
}

fn lab_observation(lab: &LabFact, patient_id: &str) -> Observation {
    let o = &lab.observation;
    let display = LabCatalogue::entry(o.system(), o.code()).map(|e| e.description);
    let system = match o.system() {
        CodeSystem::Loinc => CodeSystem::Loinc.uri(),
        CodeSystem::Sledger => "https://sledger.example/fhir/CodeSystem/observation",
    };
    let mut obs = blank_observation(
        safe_id(&lab.id),
        "laboratory",
        CodeableConcept {
            coding: vec![Coding::new(system, o.code(), display)],
            text: display.map(str::to_owned),
        },
        patient_id,
        o.effective().to_string(),
    );
    match o.value() {
        ObservationValue::Quantity(v) => {
            obs.value_quantity = Some(Quantity::reported(*v, o.unit()))
        }
        ObservationValue::Text(t) => obs.value_string = Some(t.clone()),
        ObservationValue::Boolean(b) => obs.value_boolean = Some(*b),
    }
    if let Some(unit) = o.unit() {
        obs.extension.push(Extension {
            url: RAW_UNIT_EXTENSION.to_owned(),
            value_integer: None,
            value_string: Some(unit.to_owned()),
            value_decimal: None,
        });
    }
    let (low, high) = o.reference_range();
    if low.is_some() || high.is_some() {
        let q = |d: Decimal| Quantity::reported(d, o.unit());
        obs.reference_range.push(ReferenceRange {
            low: low.map(q),
            high: high.map(q),
        });
    }
    if let Some(specimen) = o.specimen() {
        obs.note.push(Annotation {
            text: format!("specimen: {}", code_of(&specimen)),
        });
    }
    obs
}

fn blank_observation(
    id: String,
    category_code: &str,
    code: CodeableConcept,
    patient_id: &str,
    effective: String,
) -> Observation {
    Observation {
        resource_type: "Observation",
        id,
        extension: Vec::new(),
        status: "final",
        category: category(category_code),
        code,
        subject: Reference::to("Patient", patient_id),
        encounter: None,
        effective_date_time: effective,
        value_quantity: None,
        value_string: None,
        value_boolean: None,
        value_integer: None,
        value_range: None,
        value_codeable_concept: None,
        data_absent_reason: None,
        note: Vec::new(),
        method: None,
        reference_range: Vec::new(),
    }
}

fn measure_observation(
    study: &StudyExport,
    m: &DerivedMeasure,
    visit: &VisitExport,
    n: usize,
    patient_id: &str,
) -> Observation {
    let mut coding = Vec::with_capacity(2);
    if let Some(loinc) = m.loinc {
        coding.push(Coding::new(CodeSystem::Loinc.uri(), loinc, Some(m.display)));
    }
    coding.push(Coding::new(MEASURE_SYSTEM, m.code, Some(m.display)));
    let mut obs = blank_observation(
        format!("{}.measure{n}", safe_id(&visit.visit_id)),
        "survey",
        CodeableConcept {
            coding,
            text: Some(m.display.to_owned()),
        },
        patient_id,
        visit.date.to_string(),
    );
    match &m.value {
        MeasureValue::Quantity { value, ucum } => {
            obs.value_quantity = Some(Quantity::ucum(*value, ucum))
        }
        MeasureValue::Integer(v) => obs.value_integer = Some(*v),
        MeasureValue::Range { low, high } => {
            obs.value_range = Some(Range {
                low: Some(Quantity::ucum(Decimal::from(*low), "{score}")),
                high: Some(Quantity::ucum(Decimal::from(*high), "{score}")),
            });
        }
        MeasureValue::Code(code) => {
            obs.value_codeable_concept = Some(CodeableConcept::coded(Coding::new(
                MEASURE_SYSTEM,
                &format!("{}.{code}", m.code),
                Some(code),
            )));
        }
        MeasureValue::Absent { reason } => {
            obs.data_absent_reason = Some(CodeableConcept {
                coding: vec![Coding::new(DATA_ABSENT, "not-performed", None)],
                text: Some(reason.clone()),
            });
        }
    }
    obs.method = Some(CodeableConcept::text(&format!(
        "derived by {}",
        study.engine.describe()
    )));
    obs.note.push(Annotation {
        text: format!("status: {}; visit {}", m.status, visit.code),
    });
    obs
}

fn medication_statement(m: &MedicationFact, patient_id: &str) -> MedicationStatement {
    MedicationStatement {
        resource_type: "MedicationStatement",
        id: safe_id(&m.id),
        status: if m.end.is_some() {
            "completed"
        } else {
            "active"
        },
        medication_codeable_concept: CodeableConcept::coded(Coding::new(
            MEDICATION_SYSTEM,
            &m.agent,
            Some(&m.agent),
        )),
        subject: Reference::to("Patient", patient_id),
        effective_period: Period {
            start: m.start.to_string(),
            end: m.end.map(|d| d.to_string()),
        },
        reason_code: vec![CodeableConcept::text(&m.indication)],
        dosage: vec![Dosage {
            text: format!("{} mg {} {}", decimal(m.dose_mg), m.route, m.schedule),
            timing: timing(&m.schedule),
            route: CodeableConcept::text(&m.route),
            dose_and_rate: vec![DoseAndRate {
                dose_quantity: Quantity::ucum(m.dose_mg, "mg"),
            }],
        }],
    }
}

/// `med_schedule` → `Timing.repeat` (read back by fhir_in/medication.rs): single → count 1,
/// else frequency per period (daily 1/1 d, bid 2/1 d, tid 3/1 d, alternate_day 1/2 d,
/// weekly 1/1 wk).
fn timing(schedule: &str) -> Timing {
    let per = |frequency, period, unit| TimingRepeat {
        count: None,
        frequency: Some(frequency),
        period: Some(period),
        period_unit: Some(unit),
    };
    Timing {
        repeat: match schedule {
            "bid" => per(2, 1, "d"),
            "tid" => per(3, 1, "d"),
            "alternate_day" => per(1, 2, "d"),
            "weekly" => per(1, 1, "wk"),
            "single" => TimingRepeat {
                count: Some(1),
                frequency: None,
                period: None,
                period_unit: None,
            },
            // daily: the model holds the six med_schedule codes of §9.6.
            _ => per(1, 1, "d"),
        },
    }
}

/// CTCAE grade → AdverseEvent.severity (mild 1, moderate 2, severe 3–5) [DECISION]; the grade
/// itself travels in the ctcae-grade extension.
fn severity(grade: u8) -> &'static str {
    match grade {
        0 | 1 => "mild",
        2 => "moderate",
        _ => "severe",
    }
}

/// SDTM AEOUT codes → FHIR R4 adverse-event-outcome.
fn outcome(code: &str) -> &'static str {
    match code {
        "recovered" => "resolved",
        "recovering" => "recovering",
        "not_recovered" => "ongoing",
        "recovered_with_sequelae" => "resolvedWithSequelae",
        "fatal" => "fatal",
        _ => "unknown",
    }
}

fn adverse_event(
    ae: &AdverseEventFact,
    subject: &Subject,
    study_id: &str,
    patient_id: &str,
) -> AdverseEvent {
    let suspect_entity = subject
        .infusions
        .iter()
        .map(|i| SuspectEntity {
            instance: Reference::to("Procedure", &safe_id(&i.id)),
            causality: vec![Causality {
                assessment: CodeableConcept::coded(Coding::new(
                    RELATEDNESS_SYSTEM,
                    &ae.relatedness,
                    Some(&ae.relatedness),
                )),
            }],
        })
        .collect();
    AdverseEvent {
        resource_type: "AdverseEvent",
        id: safe_id(&ae.id),
        extension: vec![Extension {
            url: CTCAE_GRADE_EXTENSION.to_owned(),
            value_integer: Some(i64::from(ae.ctcae_grade)),
            value_string: None,
            value_decimal: None,
        }],
        actuality: "actual",
        event: CodeableConcept::text(&ae.term),
        subject: Reference::to("Patient", patient_id),
        date: ae.onset.to_string(),
        seriousness: Some(CodeableConcept::coded(if ae.serious {
            Coding::new(AE_SERIOUSNESS, "serious", Some("Serious"))
        } else {
            Coding::new(AE_SERIOUSNESS, "non-serious", Some("Non-serious"))
        })),
        severity: Some(CodeableConcept::coded(Coding::new(
            AE_SEVERITY,
            severity(ae.ctcae_grade),
            None,
        ))),
        outcome: ae
            .outcome
            .as_deref()
            .map(|o| CodeableConcept::coded(Coding::new(AE_OUTCOME, outcome(o), None))),
        suspect_entity,
        study: vec![Reference::to("ResearchStudy", study_id)],
    }
}
