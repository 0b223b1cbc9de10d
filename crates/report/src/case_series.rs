//! The case series, in the paper's shape (issue #5 item 3; Barbado et al., *Lupus*
//! 2018;27:2161): per patient, the visit table and the course plots; then the cohort
//! summary (median and IQR per visit, paired baseline → last change with the Wilcoxon
//! signed-rank test) and the cohort's spaghetti plots.

pub(crate) mod html;
pub(crate) mod markdown;

use serde::Serialize;
use sledger_core::MeasureConfig;

use sledger_core::protocol::VisitCode;

use crate::cohort_summary::{VariableSummary, scheduled_visits, summarize};
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
    /// The protocol's scheduled visits and any other month visit recorded: the time points
    /// of the tables and the summary.
    pub time_points: Vec<String>,
    #[serde(skip)]
    pub schedule: Vec<VisitCode>,
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
        schedule: &[VisitCode],
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
            .map(|p| PatientCourse::of(*p, config).with_schedule(schedule))
            .collect();
        let mut time_points: Vec<VisitCode> = schedule
            .iter()
            .copied()
            .chain(scheduled_visits(&courses))
            .filter(|c| *c != VisitCode::Unscheduled)
            .collect();
        time_points.sort();
        time_points.dedup();
        let mut rules = measure_rules();
        rules.extend(summary_rules());
        Ok(CaseSeries {
            report: "case_series",
            provenance,
            rules,
            cohort_summary: summarize(&courses, &time_points),
            time_points: time_points.iter().map(ToString::to_string).collect(),
            schedule: time_points,
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

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    use crate::fixture::{assert_well_formed, provenance, two_patients};

    fn schedule() -> Vec<VisitCode> {
        vec![
            VisitCode::Baseline,
            VisitCode::Month(1),
            VisitCode::Month(3),
            VisitCode::Month(6),
        ]
    }

    fn report() -> CaseSeries {
        let cohort = two_patients();
        CaseSeries::build(
            provenance(),
            &schedule(),
            &cohort.inputs(),
            &MeasureConfig::default(),
        )
        .unwrap()
    }

    fn svgs(html: &str) -> Vec<&str> {
        html.match_indices("<svg")
            .map(|(start, _)| {
                let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
                &html[start..end]
            })
            .collect()
    }

    #[test]
    fn missing_visits_and_values_stay_missing() {
        let r = report();
        let b = &r.patients[1];
        assert_eq!(b.code, "PT-B");
        assert_eq!(b.missing_visits, ["m1", "m6"]);
        let m3 = b.visit(VisitCode::Month(3)).unwrap();
        assert_eq!(
            (m3.creatinine_mg_dl, m3.c3_g_l, m3.egfr),
            (None, None, None)
        );
        assert_eq!(m3.upcr_mg_g, Some(Decimal::from(1800)));
        // Without the m3 eGFR, KDIGO 2024 cannot be decided: not evaluable, naming eGFR.
        assert_eq!(
            m3.renal_response,
            crate::patient_course::ResponseCell::NotEvaluable
        );
        assert!(
            m3.renal_response_missing.iter().any(|m| m.contains("egfr")),
            "{:?}",
            m3.renal_response_missing
        );

        let json: serde_json::Value =
            serde_json::from_str(&r.render(Format::Json).unwrap()).unwrap();
        let m3 = &json["patients"][1]["visits"][1];
        assert_eq!(m3["visit"], "m3");
        assert!(m3["creatinine_mg_dl"].is_null() && m3["c3_g_l"].is_null() && m3["egfr"].is_null());
        assert_eq!(
            json["patients"][1]["missing_visits"],
            serde_json::json!(["m1", "m6"])
        );
        assert_eq!(
            json["time_points"],
            serde_json::json!(["baseline", "m1", "m3", "m6"])
        );

        let html = r.render(Format::Html).unwrap();
        // PT-B's table: m1 before m3 as a missing row, m6 at the end.
        let pt_b = &html[html.find("PT-B —").unwrap()..];
        let m1 = pt_b
            .find("<td class=\"l\">m1</td><td class=\"missing\" colspan=\"15\">")
            .unwrap();
        let m3 = pt_b.find("<td class=\"l\">m3</td>").unwrap();
        assert!(m1 < m3);
        let m3_row = &pt_b[m3..m3 + pt_b[m3..].find("</tr>").unwrap()];
        assert_eq!(
            m3_row
                .matches("<td class=\"missing\">\u{2014}</td>")
                .count(),
            6,
            "{m3_row}"
        );
        let md = r.render(Format::Markdown).unwrap();
        assert!(
            md.contains("| m1 | visit not recorded | \u{2014} |"),
            "{md}"
        );
    }

    #[test]
    fn table_shows_the_papers_columns_and_measures() {
        let r = report();
        let a = &r.patients[0];
        assert_eq!(a.visits.len(), 3);
        let m3 = &a.visits[2];
        assert_eq!(m3.upcr_mg_g, Some(Decimal::from(400)));
        assert_eq!(m3.c3_g_l, Some(Decimal::new(85, 2)));
        assert!(m3.egfr.is_some());
        assert_eq!(
            m3.renal_response,
            crate::patient_course::ResponseCell::Complete
        );
        assert_eq!(m3.prednisone_mg_day, Some(Decimal::from(10)));
        assert_eq!(
            m3.pct_reduction.map(|d| d.round_dp(1)),
            Some(Decimal::new(667, 1))
        );
        assert_eq!(m3.immunosuppressants, ["mycophenolate"]);
        assert_eq!(a.pct_reduction_at_last_visit, m3.pct_reduction);
        // The dose as steps: 30 from the baseline, 20 from m1, 10 from m3.
        let steps: Vec<(i32, Decimal)> = a
            .prednisone_steps
            .iter()
            .map(|s| (s.study_day, s.mg_per_day))
            .collect();
        assert_eq!(
            steps,
            [
                (-3, Decimal::from(30)),
                (30, Decimal::from(20)),
                (91, Decimal::from(10))
            ]
        );
        let md = r.render(Format::Markdown).unwrap();
        assert!(md.contains("| m3 | 91 | 400 |"), "{md}");
        assert!(md.contains("| complete |"), "{md}");
    }

    #[test]
    fn cohort_summary_medians_and_paired_wilcoxon() {
        let r = report();
        let upcr = &r.cohort_summary[0];
        assert_eq!(upcr.variable, "UPCR");
        let baseline = upcr.by_visit[0].summary.unwrap();
        assert_eq!(
            (baseline.n, baseline.median, baseline.q1, baseline.q3),
            (2, 2750.0, 2625.0, 2875.0)
        );
        assert_eq!(upcr.by_visit[1].missing, 1); // m1: PT-B has no visit
        assert_eq!(upcr.by_visit[3].summary, None); // m6: nobody
        // Last scheduled (m3) − baseline: −2600 and −700; R: wilcox.test(c(400, 1800),
        // c(3000, 2500), paired = TRUE) → V = 0, p = 0.5 (exact).
        assert_eq!(upcr.change.pairs, 2);
        assert_eq!(upcr.change.median_change, Some(-1650.0));
        assert_eq!(upcr.change.statistic, Some(0.0));
        assert_eq!(upcr.change.p_value, Some(0.5));
        assert_eq!(upcr.change.method, Some("exact"));
        let creatinine = &r.cohort_summary[2];
        assert_eq!(
            (creatinine.change.pairs, creatinine.change.excluded),
            (1, 1)
        );
        let protein = &r.cohort_summary[1];
        assert_eq!(protein.change.pairs, 0);
        assert!(
            protein
                .change
                .note
                .as_deref()
                .unwrap()
                .starts_with("no test"),
            "{:?}",
            protein.change.note
        );
    }

    #[test]
    fn html_is_self_contained_escaped_and_its_svg_well_formed() {
        let html = report().render(Format::Html).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("A test study &lt;with markup&gt;"));
        assert!(!html.contains("<with markup>"));
        for external in ["<script", "<link", "src=\"http", "href=\"http", "@import"] {
            assert!(!html.contains(external), "{external}");
        }
        let plots = svgs(&html);
        // Six panels per patient and four spaghetti plots.
        assert_eq!(plots.len(), 2 * 6 + 4);
        for svg in plots {
            assert_well_formed(svg);
            assert!(svg.contains("infusion"), "day 0 is marked");
        }
        assert!(html.contains("Rules applied"));
        assert!(html.contains("0123456789abcdef") && html.contains(sledger_core::ENGINE_VERSION));
    }

    /// The Markdown tables, reviewed like code (STYLE.md: snapshot tests for reports).
    #[test]
    fn markdown_snapshot() {
        insta::assert_snapshot!(report().render(Format::Markdown).unwrap());
    }

    #[test]
    fn an_empty_cohort_is_refused() {
        let e = CaseSeries::build(provenance(), &schedule(), &[], &MeasureConfig::default())
            .unwrap_err();
        assert_eq!(
            e,
            ReportError::NoPatients {
                study: "TEST".to_owned()
            }
        );
    }
}
