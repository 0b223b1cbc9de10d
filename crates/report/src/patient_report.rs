//! One patient's report (`sledger report patient CODE`): the visit table and the course plots.

use serde::Serialize;
use sledger_core::MeasureConfig;
use sledger_core::protocol::VisitCode;

use crate::error::ReportError;
use crate::format::Format;
use crate::patient_course::{PatientCourse, PatientInput};
use crate::provenance::{Provenance, Rule, measure_rules};

/// The report of one patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientReport {
    pub report: &'static str,
    pub provenance: Provenance,
    pub rules: Vec<Rule>,
    pub patient: PatientCourse,
    #[serde(skip)]
    pub schedule: Vec<VisitCode>,
}

impl PatientReport {
    /// The report of one patient; `schedule` is the protocol's visits (missing ones are shown).
    pub fn build(
        provenance: Provenance,
        schedule: &[VisitCode],
        patient: PatientInput<'_>,
        config: &MeasureConfig,
    ) -> PatientReport {
        PatientReport {
            report: "patient",
            provenance,
            rules: measure_rules(),
            patient: PatientCourse::of(patient, config).with_schedule(schedule),
            schedule: schedule.to_vec(),
        }
    }

    pub fn render(&self, format: Format) -> Result<String, ReportError> {
        let title = format!("Patient course — {}", self.patient.code);
        match format {
            Format::Html => {
                let mut body = String::new();
                body.push_str(&crate::case_series::html::patient_heading(&self.patient));
                body.push_str(&crate::case_series::html::visit_table(
                    &self.patient,
                    &self.schedule,
                ));
                body.push_str(&crate::case_series::html::patient_figure(&self.patient));
                Ok(crate::html::page(
                    &title,
                    &self.provenance,
                    &body,
                    &self.rules,
                ))
            }
            Format::Markdown => {
                let mut body = crate::case_series::markdown::patient_heading(&self.patient);
                body.push_str(&crate::case_series::markdown::visit_table(
                    &self.patient,
                    &self.schedule,
                ));
                Ok(crate::markdown::page(
                    &title,
                    &self.provenance,
                    &body,
                    &self.rules,
                ))
            }
            Format::Json => serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| ReportError::Json(e.to_string())),
        }
    }
}
