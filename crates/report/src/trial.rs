//! The trial analysis by arm (issue #5 item 3): responder rate per time point with Wilson
//! CIs, the difference with Newcombe's CI and Fisher's p for the protocol's primary endpoint
//! under its imputation rule; time to first flare (Kaplan–Meier, log-rank); steroid
//! reduction; adverse events by grade and relatedness; the CONSORT flow. A blinded reader's
//! version names groups A/B only: this module receives no arm for them (the store masks it),
//! so it cannot print one.

pub(crate) mod analysis;
pub(crate) mod html;
pub(crate) mod markdown;

use serde::Serialize;
use sledger_core::MeasureConfig;
use sledger_core::protocol::Protocol;

pub use analysis::{
    AdverseEventSummary, Consort, Difference, FlareAnalysis, GroupCurve, Rate, ResponderRow,
    SteroidByGroup,
};

use crate::error::ReportError;
use crate::format::Format;
use crate::patient_course::PatientInput;
use crate::provenance::{Provenance, Rule};

/// A group of the analysis as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// "MSC" style arm id, or "A"/"B" when blinded.
    pub label: String,
    /// The protocol arm (id, name) — `None` in the blinded version.
    pub arm: Option<(String, String)>,
}

impl Group {
    /// How tables and legends name the group.
    pub fn display(&self) -> String {
        match &self.arm {
            Some((id, _)) => id.clone(),
            None => format!("Group {}", self.label),
        }
    }
}

/// A patient's screening outcome (from the eligibility answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Screening {
    NotScreened,
    Eligible,
    Ineligible(Vec<String>),
    Incomplete(Vec<String>),
}

/// An adverse event as the safety table counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AdverseEventRow {
    /// CTCAE grade 1–5.
    pub grade: u8,
    pub serious: bool,
    /// unrelated, unlikely, possible, probable, definite.
    pub relatedness: &'static str,
}

/// One enrolled patient.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub patient: PatientInput<'a>,
    pub screening: Screening,
    /// Index into the groups, once randomized.
    pub group: Option<usize>,
    pub adverse_events: Vec<AdverseEventRow>,
}

/// What the trial report is made from.
#[derive(Debug, Clone)]
pub struct TrialInput<'a> {
    pub provenance: Provenance,
    pub protocol: &'a Protocol,
    /// Whether the reader is blinded (groups masked).
    pub blinded: bool,
    pub groups: Vec<Group>,
    pub subjects: Vec<Subject<'a>>,
}

/// The trial report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialReport {
    pub report: &'static str,
    pub provenance: Provenance,
    pub blinded: bool,
    pub rules: Vec<Rule>,
    pub groups: Vec<Group>,
    pub primary_endpoint: analysis::Endpoint,
    pub responders: Vec<ResponderRow>,
    pub complete_response_at_primary: ResponderRow,
    pub time_to_first_flare: FlareAnalysis,
    pub steroid_reduction: Vec<SteroidByGroup>,
    pub steroid_comparison: Option<analysis::RankSum>,
    pub adverse_events: Vec<AdverseEventSummary>,
    pub consort: Consort,
}

impl TrialReport {
    /// The analysis of `input` (measures derived under `config`).
    pub fn build(
        input: &TrialInput<'_>,
        config: &MeasureConfig,
    ) -> Result<TrialReport, ReportError> {
        analysis::build(input, config)
    }

    pub fn render(&self, format: Format) -> Result<String, ReportError> {
        match format {
            Format::Html => Ok(html::render(self)),
            Format::Markdown => Ok(markdown::render(self)),
            Format::Json => serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| ReportError::Json(e.to_string())),
        }
    }
}
