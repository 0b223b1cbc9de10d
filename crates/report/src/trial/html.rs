//! The trial report as one printable HTML page.

use std::fmt::Write as _;

use super::TrialReport;
use super::analysis::{RELATEDNESS, Rate, ResponderRow};
use crate::case_series::html::{p_phrase, p_text, round3};
use crate::html::{cell, escape, page};
use crate::svg::consort::consort_diagram;
use crate::svg::kaplan_meier::kaplan_meier_plot;

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

fn rate_text(r: &Rate) -> Option<String> {
    Some(format!(
        "{}/{} ({} %; {}\u{2013}{})",
        r.responders,
        r.n,
        pct(r.estimate?),
        pct(r.lower?),
        pct(r.upper?)
    ))
}

fn responder_table(names: &[String], rows: &[ResponderRow], first_col: &str) -> String {
    let mut out = String::from("<table>\n<tr>");
    let _ = write!(out, "<th class=\"l\">{}</th>", escape(first_col));
    for n in names {
        let _ = write!(
            out,
            "<th>{} responders/n (%, 95 % CI)</th><th>imputed</th>",
            escape(n)
        );
    }
    out.push_str(
        "<th>Difference, % (95 % CI)</th><th>Fisher p</th><th>Odds ratio (95 % CI)</th></tr>\n",
    );
    for row in rows {
        let label = if row.primary {
            format!("<b>{}</b> (primary)", escape(&row.visit))
        } else {
            escape(&row.visit)
        };
        let _ = write!(out, "<tr><td class=\"l\">{label}</td>");
        for r in &row.by_group {
            out.push_str(&cell(rate_text(r)));
            let _ = write!(out, "<td>{}</td>", r.imputed);
        }
        match &row.difference {
            Some(d) => {
                let _ = write!(
                    out,
                    "<td>{} ({} to {})</td><td>{}</td><td>{} ({}\u{2013}{})</td>",
                    pct(d.estimate),
                    pct(d.lower),
                    pct(d.upper),
                    p_text(d.fisher_p),
                    round3(d.odds_ratio),
                    round3(d.odds_ratio_lower),
                    round3(d.odds_ratio_upper)
                );
            }
            None => out.push_str(&cell(None).repeat(3)),
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

pub(crate) fn render(report: &TrialReport) -> String {
    let names: Vec<String> = report.groups.iter().map(|g| g.display()).collect();
    let mut body = String::new();
    if report.blinded {
        body.push_str(
            "<p class=\"blinded\"><b>Blinded version.</b> Groups are shown as A and B; which arm \
             each is stays concealed (the mapping is withheld from blinded roles).</p>\n",
        );
    } else {
        body.push_str("<p class=\"meta\">Unblinded version. Arms: ");
        let arms: Vec<String> = report
            .groups
            .iter()
            .filter_map(|g| {
                g.arm
                    .as_ref()
                    .map(|(id, name)| format!("<b>{}</b> = {}", escape(id), escape(name)))
            })
            .collect();
        body.push_str(&arms.join("; "));
        body.push_str(".</p>\n");
    }
    let e = &report.primary_endpoint;
    let _ = writeln!(
        body,
        "<h2>Primary endpoint</h2>\n<p>{} ({}) at {}; responder: {}. Imputation: <b>{}</b>.</p>",
        escape(e.measure),
        escape(&e.variant),
        escape(&e.visit),
        escape(e.responder),
        escape(e.imputation)
    );
    body.push_str(&responder_table(
        &names,
        std::slice::from_ref(&report.complete_response_at_primary),
        "Complete response",
    ));
    body.push_str("<h2>Renal response by time point</h2>\n");
    body.push_str(&responder_table(&names, &report.responders, "Visit"));
    body.push_str(
        "<p class=\"note\">Difference: first group minus second. \u{2014}: not computable (an \
         empty group, or other than two groups).</p>\n",
    );

    body.push_str("<h2>CONSORT flow</h2>\n<figure>\n");
    body.push_str(&consort_diagram(&report.consort, &names));
    body.push_str("\n</figure>\n");

    let f = &report.time_to_first_flare;
    body.push_str("<h2>Time to first flare</h2>\n<figure>\n");
    body.push_str(&kaplan_meier_plot(&f.by_group, &names));
    body.push_str("\n<figcaption>Ticks: censored patients.</figcaption></figure>\n<table>\n<tr><th class=\"l\">Group</th><th>n</th><th>Flares</th><th>Median days (95 % CI)</th></tr>\n");
    for (name, c) in names.iter().zip(&f.by_group) {
        let median = c.median.map(|m| {
            format!(
                "{} ({}\u{2013}{})",
                round3(m),
                c.median_lower.map_or_else(|| "NA".to_owned(), round3),
                c.median_upper.map_or_else(|| "NA".to_owned(), round3)
            )
        });
        let _ = writeln!(
            body,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td>{}</tr>",
            escape(name),
            c.n,
            c.events,
            cell(median)
        );
    }
    body.push_str("</table>\n");
    let _ = writeln!(
        body,
        "<p>Log-rank: {}. Excluded (no follow-up visit): {}.{}</p>",
        match (f.log_rank_chisq, f.log_rank_df, f.log_rank_p) {
            (Some(c), Some(df), Some(p)) =>
                format!("\u{3c7}² = {} on {df} df, {}", round3(c), p_phrase(p)),
            _ => "\u{2014}".to_owned(),
        },
        f.excluded,
        f.note
            .as_ref()
            .map(|n| format!(" {}", escape(n)))
            .unwrap_or_default()
    );

    body.push_str("<h2>Steroid reduction</h2>\n<table>\n<tr><th class=\"l\">Group</th><th>Visit</th><th>n (missing)</th><th>% reduction, median (IQR)</th><th>\u{2265} 50 %</th><th>Glucocorticoid-free</th></tr>\n");
    for (name, s) in names.iter().zip(&report.steroid_reduction) {
        let _ = writeln!(
            body,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{} ({})</td>{}<td>{}</td><td>{}</td></tr>",
            escape(name),
            escape(&s.visit),
            s.with_value,
            s.missing,
            cell(s.pct_reduction.map(|m| format!(
                "{} ({}\u{2013}{})",
                round3(m.median),
                round3(m.q1),
                round3(m.q3)
            ))),
            s.at_least_50_pct,
            s.glucocorticoid_free
        );
    }
    body.push_str("</table>\n");
    if let Some(r) = &report.steroid_comparison {
        let _ = writeln!(
            body,
            "<p>Wilcoxon rank-sum: {}</p>",
            match (r.statistic, r.p_value) {
                (Some(w), Some(p)) => format!(
                    "W = {}, {} ({})",
                    round3(w),
                    p_phrase(p),
                    r.method.unwrap_or_default()
                ),
                _ => escape(r.note.as_deref().unwrap_or("\u{2014}")),
            }
        );
    }

    body.push_str("<h2>Adverse events</h2>\n<table>\n<tr><th class=\"l\">Group</th><th>Patients</th><th>With \u{2265} 1 AE</th><th>With \u{2265} 1 serious AE</th><th>Events</th>");
    for g in 1..=5 {
        let _ = write!(body, "<th>Grade {g}</th>");
    }
    for r in RELATEDNESS {
        let _ = write!(body, "<th>{r}</th>");
    }
    body.push_str("</tr>\n");
    for (name, a) in names.iter().zip(&report.adverse_events) {
        let _ = write!(
            body,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(name),
            a.patients,
            a.patients_with_event,
            a.patients_with_serious_event,
            a.events
        );
        for n in a.by_grade.iter().chain(&a.by_relatedness) {
            let _ = write!(body, "<td>{n}</td>");
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</table>\n");
    let title = format!(
        "Trial analysis — {}{}",
        report.provenance.study_code,
        if report.blinded { " (blinded)" } else { "" }
    );
    page(&title, &report.provenance, &body, &report.rules)
}
