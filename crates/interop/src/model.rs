//! The plain data an export reads: what the binary took from the store, already parsed into
//! sledger-core types where core has one (observations, infusions, SLEDAI-2K answers, measures).
//! Nothing here is a wire format (ARCHITECTURE invariant 5); nothing here reads a database.

use jiff::civil::Date;
use rust_decimal::Decimal;
use sledger_core::infusion::Infusion;
use sledger_core::measures::sledai2k::{Descriptor, InvestigatorAnswer};
use sledger_core::protocol::VisitCode;
use sledger_core::record::derive::VisitMeasures;
use sledger_core::record::observation::Observation;
use sledger_core::sex::RecordedSex;

/// One study to export.
#[derive(Debug, Clone)]
pub struct StudyExport {
    pub code: String,
    pub title: String,
    pub protocol_id: String,
    pub protocol_version: String,
    /// The protocol's scheduled visits in schedule order (ODM StudyEventDefs).
    pub visits: Vec<ProtocolVisit>,
    /// The measure engine that derived the measures, for readers of the export
    /// (DESIGN §3: "a report records the engine version and configuration it used").
    pub engine: EngineInfo,
    pub subjects: Vec<Subject>,
}

/// A visit of the protocol's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolVisit {
    pub code: VisitCode,
    /// Day relative to the infusion (day 0); `None` for the baseline and unscheduled visits.
    pub target_day: Option<i32>,
}

/// The engine version and configuration behind every derived measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineInfo {
    pub version: String,
    /// A one-line description of the configuration, e.g. "MeasureConfig defaults".
    pub config: String,
}

impl EngineInfo {
    /// "sledger-core 0.1.0 (MeasureConfig defaults)".
    pub fn describe(&self) -> String {
        format!("sledger-core {} ({})", self.version, self.config)
    }
}

/// One enrolled patient, by pseudonymous study code only (no hospital identifier exists in the
/// clinical tables).
#[derive(Debug, Clone)]
pub struct Subject {
    pub code: String,
    pub site: String,
    pub sex: RecordedSex,
    pub birth_year: i16,
    pub birth_month: u8,
    pub enrollment_date: Date,
    /// The allocated arm, only when the exporting actor may see arms (ARCHITECTURE
    /// invariant 8); `None` otherwise or when not randomized.
    pub arm: Option<String>,
    pub infusions: Vec<InfusionFact>,
    pub visits: Vec<VisitExport>,
    pub medications: Vec<MedicationFact>,
    pub adverse_events: Vec<AdverseEventFact>,
}

/// Who wrote a fact version, when, where and why: the audit-chain entry that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditStamp {
    pub actor: String,
    /// The audit entry's timestamp (RFC 3339, UTC).
    pub at: String,
    /// The site of the patient (the location the fact belongs to).
    pub site: String,
    /// The store's audit action: create, supersede (a correction) or retract.
    pub action: String,
    pub reason: Option<String>,
    /// The audit entry's sequence number in the study's chain.
    pub seq: i64,
}

/// An infusion of the cell product.
#[derive(Debug, Clone)]
pub struct InfusionFact {
    pub id: String,
    pub infusion: Infusion,
    pub audit: Option<AuditStamp>,
}

/// A visit: its facts, and the measures sledger-core derived for it.
#[derive(Debug, Clone)]
pub struct VisitExport {
    pub visit_id: String,
    pub code: VisitCode,
    pub date: Date,
    pub study_day: Option<i64>,
    pub labs: Vec<LabFact>,
    pub sledai: Vec<SledaiItemFact>,
    pub measures: VisitMeasures,
}

/// A lab (or clinical) observation as recorded.
#[derive(Debug, Clone)]
pub struct LabFact {
    pub id: String,
    pub observation: Observation,
    pub audit: Option<AuditStamp>,
}

/// One SLEDAI-2K descriptor as the investigator answered it.
#[derive(Debug, Clone)]
pub struct SledaiItemFact {
    pub descriptor: Descriptor,
    pub answer: InvestigatorAnswer,
    pub audit: Option<AuditStamp>,
}

/// A medication exposure, with the vocabulary codes of sle-activity §9.6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicationFact {
    pub id: String,
    /// `med_agent` code (`prednisone`, `mycophenolate`, …).
    pub agent: String,
    pub dose_mg: Decimal,
    /// `med_route` code.
    pub route: String,
    /// `med_schedule` code.
    pub schedule: String,
    pub start: Date,
    pub end: Option<Date>,
    /// `med_indication` code.
    pub indication: String,
    pub audit: Option<AuditStamp>,
}

/// An adverse event (CTCAE grade, ICH E2A seriousness, relatedness to the cell product).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdverseEventFact {
    pub id: String,
    pub term: String,
    pub ctcae_grade: u8,
    pub serious: bool,
    /// unrelated, unlikely, possible, probable, definite.
    pub relatedness: String,
    pub onset: Date,
    pub resolution: Option<Date>,
    /// recovered, recovering, not_recovered, recovered_with_sequelae, fatal, unknown.
    pub outcome: Option<String>,
    pub audit: Option<AuditStamp>,
}

/// The FHIR/ODM/SDTM-safe form of a study or patient code (letters, digits, '-' and '.').
pub(crate) fn safe_id(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
