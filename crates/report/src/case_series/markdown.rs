//! The case series as Markdown: the same tables as the HTML (plots are in the HTML).

use std::fmt::Write as _;

use super::CaseSeries;
use super::html::{p_text, round3};
use crate::markdown::{escape, header, page, row};
use sledger_core::protocol::VisitCode;

use crate::patient_course::{PatientCourse, TableRow};
use crate::visit_table::{columns, shown};

const MISSING: &str = "\u{2014}";

pub(crate) fn visit_table(course: &PatientCourse, schedule: &[VisitCode]) -> String {
    let cols = columns();
    let mut out = header(&cols.iter().map(|c| c.header).collect::<Vec<_>>());
    for r in course.rows(schedule) {
        let v = match r {
            TableRow::Recorded(v) => v,
            TableRow::Missing(code) => {
                let mut cells = vec![code.to_string(), "visit not recorded".to_owned()];
                cells.resize(cols.len(), MISSING.to_owned());
                out.push_str(&row(&cells));
                continue;
            }
        };
        let cells: Vec<String> = cols
            .iter()
            .map(|c| (c.value)(v).map_or_else(|| MISSING.to_owned(), |t| escape(&t)))
            .collect();
        out.push_str(&row(&cells));
    }
    out
}

pub(crate) fn patient_heading(course: &PatientCourse) -> String {
    format!(
        "### {} — {}, {} at infusion, infusion {}; steroid reduction at the last visit ({}): {}\n\n",
        escape(&course.code),
        course.sex,
        course
            .age_at_infusion
            .map_or_else(|| "age —".to_owned(), |a| format!("{a} y")),
        course.infusion_date.as_deref().unwrap_or(MISSING),
        course.last_visit.as_deref().unwrap_or(MISSING),
        shown(course.pct_reduction_at_last_visit, 1)
            .map_or_else(|| MISSING.to_owned(), |p| format!("{p} %")),
    )
}

pub(crate) fn render(report: &CaseSeries) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "{} patients; missing visits and values show {MISSING}.\n",
        report.patients.len()
    );
    body.push_str("## Patients\n\n");
    for course in &report.patients {
        body.push_str(&patient_heading(course));
        body.push_str(&visit_table(course, &report.schedule));
        body.push('\n');
    }
    body.push_str("## Cohort summary\n\nMedian (Q1–Q3) n per scheduled visit; paired change last scheduled visit − baseline.\n\n");
    if let Some(first) = report.cohort_summary.first() {
        let mut head: Vec<String> = vec!["Variable".into(), "Unit".into()];
        head.extend(first.by_visit.iter().map(|v| v.visit.clone()));
        head.extend(["Pairs (excluded)", "Median change", "Wilcoxon V", "p"].map(String::from));
        body.push_str(&header(
            &head.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        for s in &report.cohort_summary {
            let mut cells = vec![escape(s.variable), escape(s.unit)];
            cells.extend(s.by_visit.iter().map(|v| {
                v.summary.map_or_else(
                    || MISSING.to_owned(),
                    |m| {
                        format!(
                            "{} ({}–{}) n={}",
                            round3(m.median),
                            round3(m.q1),
                            round3(m.q3),
                            m.n
                        )
                    },
                )
            }));
            let c = &s.change;
            cells.push(format!("{} ({})", c.pairs, c.excluded));
            cells.push(c.median_change.map_or_else(|| MISSING.to_owned(), round3));
            cells.push(c.statistic.map_or_else(|| MISSING.to_owned(), round3));
            cells.push(match (c.p_value, &c.note) {
                (Some(p), _) => format!("{} ({})", p_text(p), c.method.unwrap_or_default()),
                (None, Some(note)) => format!("{MISSING} ({})", escape(note)),
                (None, None) => MISSING.to_owned(),
            });
            body.push_str(&row(&cells));
        }
    }
    page(
        &format!("Case series — {}", report.provenance.study_code),
        &report.provenance,
        &body,
        &report.rules,
    )
}
