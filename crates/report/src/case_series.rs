//! The case series, in the paper's shape (issue #5 item 3; Barbado et al., *Lupus*
//! 2018;27:2161): per patient, the visit table and the course plots; then the cohort
//! summary (median and IQR per visit, paired baseline → last change with the Wilcoxon
//! signed-rank test) and the cohort's spaghetti plots.

pub(crate) mod html;
pub(crate) mod markdown;

use serde::Serialize;
use sledger_core::MeasureConfig;

use crate::cohort_summary::{VariableSummary, summarize};
use crate::error::ReportError;
use crate::format::Format;
use crate::patient_course::{PatientCourse, PatientInput};
use crate::provenance::{Provenance, Rule, measure_rules};

/// The case series of a cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSeries {
    pub report: &'static str,
    pub provenance: Provenance,
    pub rules: Vec<Rule>,
    pub patients: Vec<PatientCourse>,
    pub cohort_summary: Vec<VariableSummary>,
}

/// The rules of the cohort summary.
fn summary_rules() -> Vec<Rule> {
    vec![
        Rule::new(
            "R quantile(type = 7)",
            "Median and interquartile range per scheduled visit over the patients with a value \
             there; patients without the visit or the value are counted as missing.",
        ),
        Rule::new(
            "R wilcox.test(paired = TRUE)",
            "Paired change from the baseline visit to each patient's last scheduled visit; a \
             patient missing either value is excluded and counted, never imputed. Two-sided \
             Wilcoxon signed-rank test, exact below 50 pairs without ties or zero differences, \
             otherwise normal with continuity and tie correction (sledger-stats).",
        ),
        Rule::new(
            "sle-activity §1",
            "SLEDAI-2K enters the summary only when complete (a range a\u{2013}b is missing there).",
        ),
    ]
}

impl CaseSeries {
    /// The case series of `patients` (the measures derived under `config`).
    pub fn build(
        provenance: Provenance,
        patients: &[PatientInput<'_>],
        config: &MeasureConfig,
    ) -> Result<CaseSeries, ReportError> {
        if patients.is_empty() {
            return Err(ReportError::NoPatients {
                study: provenance.study_code,
            });
        }
        let courses: Vec<PatientCourse> = patients
            .iter()
            .map(|p| PatientCourse::of(*p, config))
            .collect();
        let mut rules = measure_rules();
        rules.extend(summary_rules());
        Ok(CaseSeries {
            report: "case_series",
            provenance,
            rules,
            cohort_summary: summarize(&courses),
            patients: courses,
        })
    }

    /// The report in `format`.
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
