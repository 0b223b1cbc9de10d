//! The case series as one printable HTML page.

use std::fmt::Write as _;

use super::CaseSeries;
use crate::cohort_summary::VariableSummary;
use crate::html::{cell, escape, page};
use sledger_core::protocol::VisitCode;

use crate::patient_course::{PatientCourse, TableRow};
use crate::quantile::MedianIqr;
use crate::svg::patient_plots::patient_panels;
use crate::svg::spaghetti::cohort_spaghetti;
use crate::visit_table::{columns, shown};

/// The visit table of one patient.
pub(crate) fn visit_table(course: &PatientCourse, schedule: &[VisitCode]) -> String {
    let cols = columns();
    let mut out = String::from("<table>\n<tr>");
    for c in &cols {
        let _ = write!(out, "<th>{}</th>", escape(c.header));
    }
    out.push_str("</tr>\n");
    for row in course.rows(schedule) {
        let v = match row {
            TableRow::Recorded(v) => v,
            TableRow::Missing(code) => {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"l\">{code}</td><td class=\"missing\" colspan=\"{}\">\u{2014} visit not recorded \u{2014}</td></tr>",
                    cols.len() - 1
                );
                continue;
            }
        };
        out.push_str("<tr>");
        for c in &cols {
            match ((c.value)(v), (c.class)(v)) {
                (Some(text), Some(class)) => {
                    let _ = write!(out, "<td class=\"{class}\">{}</td>", escape(&text));
                }
                (value, _) => out.push_str(&cell(value)),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    if course.visits.iter().any(|v| v.upcr_flagged) {
        out.push_str(
            "<p class=\"note\">* UPCR from a source renal.md §2.3 flags (24-h protein read as \
             g/g, random spot or unknown specimen).</p>\n",
        );
    }
    out
}

/// The heading line of a patient.
pub(crate) fn patient_heading(course: &PatientCourse) -> String {
    format!(
        "<h3>{} — {}, {} at infusion, infusion {}; steroid reduction at the last visit ({}): {}</h3>\n",
        escape(&course.code),
        escape(&course.sex),
        course
            .age_at_infusion
            .map_or_else(|| "age —".to_owned(), |a| format!("{a} y")),
        course.infusion_date.as_deref().unwrap_or("\u{2014}"),
        course.last_visit.as_deref().unwrap_or("\u{2014}"),
        shown(course.pct_reduction_at_last_visit, 1)
            .map_or_else(|| "\u{2014}".to_owned(), |p| format!("{p} %")),
    )
}

/// The patient's course plots in a figure.
pub(crate) fn patient_figure(course: &PatientCourse) -> String {
    let mut out = String::from("<figure>\n");
    for svg in patient_panels(course) {
        out.push_str(&svg);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<figcaption>Course of {} against days since the infusion (dashed line, day 0). \
         Gaps are missing values.</figcaption>\n</figure>",
        escape(&course.code)
    );
    out
}

fn median_iqr(s: Option<&MedianIqr>) -> Option<String> {
    s.map(|s| {
        format!(
            "{} ({}\u{2013}{}) n={}",
            round3(s.median),
            round3(s.q1),
            round3(s.q3),
            s.n
        )
    })
}

/// A summary number with at most three significant decimals.
pub(crate) fn round3(x: f64) -> String {
    if x.is_infinite() {
        // As R prints it (an odds ratio at the end of its support).
        return if x > 0.0 { "Inf" } else { "-Inf" }.to_owned();
    }
    // + 0.0 turns −0 (a sum of no positive ranks) into 0.
    let x = x + 0.0;
    let s = if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// "p = 0.105" or "p < 0.001".
pub(crate) fn p_phrase(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {p:.3}")
    }
}

/// A p-value as journals print it.
pub(crate) fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

fn summary_table(summary: &[VariableSummary]) -> String {
    let Some(first) = summary.first() else {
        return String::new();
    };
    let mut out =
        String::from("<table>\n<tr><th class=\"l\">Variable</th><th class=\"l\">Unit</th>");
    for v in &first.by_visit {
        let _ = write!(out, "<th>{}</th>", escape(&v.visit));
    }
    out.push_str(
        "<th>Pairs (excluded)</th><th>Median change</th><th>Wilcoxon V</th><th>p</th></tr>\n",
    );
    for s in summary {
        let _ = write!(
            out,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td>",
            escape(s.variable),
            escape(s.unit)
        );
        for v in &s.by_visit {
            out.push_str(&cell(median_iqr(v.summary.as_ref())));
        }
        let c = &s.change;
        let _ = write!(out, "<td>{} ({})</td>", c.pairs, c.excluded);
        out.push_str(&cell(c.median_change.map(round3)));
        out.push_str(&cell(c.statistic.map(round3)));
        match (c.p_value, &c.note) {
            (Some(p), _) => {
                let _ = write!(
                    out,
                    "<td>{} ({})</td>",
                    p_text(p),
                    c.method.unwrap_or_default()
                );
            }
            (None, Some(note)) => {
                let _ = write!(
                    out,
                    "<td class=\"missing\" title=\"{}\">\u{2014}</td>",
                    escape(note)
                );
            }
            (None, None) => out.push_str(&cell(None)),
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out.push_str(
        "<p class=\"note\">Cells: median (Q1\u{2013}Q3) n = patients with a value. Change: last \
         scheduled visit minus baseline, paired; \u{2014} where no test is possible (fewer than \
         one pair or every difference zero; hover for the reason).</p>\n",
    );
    out
}

pub(crate) fn render(report: &CaseSeries) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<p class=\"meta\">{} patients. Visits are listed as recorded; a visit or value that \
         is missing shows \u{2014}.</p>",
        report.patients.len()
    );
    body.push_str("<h2>Patients</h2>\n");
    for course in &report.patients {
        body.push_str("<section class=\"patient\">\n");
        body.push_str(&patient_heading(course));
        body.push_str(&visit_table(course, &report.schedule));
        body.push_str(&patient_figure(course));
        body.push_str("</section>\n");
    }
    body.push_str("<h2>Cohort summary</h2>\n");
    body.push_str(&summary_table(&report.cohort_summary));
    body.push_str("<h2>Cohort courses</h2>\n<figure>\n");
    for svg in cohort_spaghetti(&report.patients) {
        body.push_str(&svg);
        body.push('\n');
    }
    body.push_str(
        "<figcaption>One line per patient against days since the infusion (dashed line). \
         Steroid dose as a step line.</figcaption>\n</figure>\n",
    );
    page(
        &format!("Case series — {}", report.provenance.study_code),
        &report.provenance,
        &body,
        &report.rules,
    )
}
