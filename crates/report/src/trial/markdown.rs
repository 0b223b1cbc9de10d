//! The trial report as Markdown tables (the plots are in the HTML).

use std::fmt::Write as _;

use super::TrialReport;
use super::analysis::{RELATEDNESS, Rate, ResponderRow};
use crate::case_series::html::{p_phrase, p_text, round3};
use crate::markdown::{escape, header, page, row};

const MISSING: &str = "\u{2014}";

fn rate_text(r: &Rate) -> String {
    match (r.estimate, r.lower, r.upper) {
        (Some(e), Some(l), Some(u)) => format!(
            "{}/{} ({:.1} %; {:.1}–{:.1})",
            r.responders,
            r.n,
            100.0 * e,
            100.0 * l,
            100.0 * u
        ),
        _ => MISSING.to_owned(),
    }
}

fn responder_table(names: &[String], rows: &[ResponderRow], first: &str) -> String {
    let mut head = vec![first.to_owned()];
    for n in names {
        head.push(format!("{n} responders/n (%, 95 % CI)"));
        head.push(format!("{n} imputed"));
    }
    head.extend(
        [
            "Difference, % (95 % CI)",
            "Fisher p",
            "Odds ratio (95 % CI)",
        ]
        .map(String::from),
    );
    let mut out = header(&head.iter().map(String::as_str).collect::<Vec<_>>());
    for r in rows {
        let mut cells = vec![if r.primary {
            format!("**{}** (primary)", r.visit)
        } else {
            r.visit.clone()
        }];
        for g in &r.by_group {
            cells.push(rate_text(g));
            cells.push(g.imputed.to_string());
        }
        match &r.difference {
            Some(d) => {
                cells.push(format!(
                    "{:.1} ({:.1} to {:.1})",
                    100.0 * d.estimate,
                    100.0 * d.lower,
                    100.0 * d.upper
                ));
                cells.push(p_text(d.fisher_p));
                cells.push(format!(
                    "{} ({}–{})",
                    round3(d.odds_ratio),
                    round3(d.odds_ratio_lower),
                    round3(d.odds_ratio_upper)
                ));
            }
            None => cells.extend([MISSING, MISSING, MISSING].map(String::from)),
        }
        out.push_str(&row(&cells));
    }
    out
}

pub(crate) fn render(report: &TrialReport) -> String {
    let names: Vec<String> = report.groups.iter().map(|g| escape(&g.display())).collect();
    let mut body = String::new();
    if report.blinded {
        body.push_str("**Blinded version.** Groups are shown as A and B; the mapping to arms is withheld.\n\n");
    } else {
        for g in &report.groups {
            if let Some((id, name)) = &g.arm {
                let _ = writeln!(body, "- **{}**: {}", escape(id), escape(name));
            }
        }
        body.push('\n');
    }
    let e = &report.primary_endpoint;
    let _ = writeln!(
        body,
        "## Primary endpoint\n\n{} ({}) at {}; responder: {}. Imputation: **{}**.\n",
        e.measure,
        escape(&e.variant),
        e.visit,
        e.responder,
        escape(e.imputation)
    );
    body.push_str(&responder_table(
        &names,
        std::slice::from_ref(&report.complete_response_at_primary),
        "Complete response",
    ));
    body.push_str("\n## Renal response by time point\n\n");
    body.push_str(&responder_table(&names, &report.responders, "Visit"));

    let c = &report.consort;
    let _ = writeln!(
        body,
        "\n## CONSORT flow\n\nAssessed {}; excluded {} (not meeting criteria {}, screening incomplete {}, eligible not randomized {}); randomized {}.\n",
        c.assessed,
        c.excluded,
        c.not_eligible,
        c.screening_incomplete,
        c.eligible_not_randomized,
        c.randomized
    );
    body.push_str(&header(&[
        "Group",
        "Allocated",
        "Received",
        "Not received",
        "Endpoint visit",
        "No endpoint visit",
        "Analysed",
        "Evaluable",
    ]));
    for (name, g) in names.iter().zip(&c.groups) {
        body.push_str(&row(&[
            name.clone(),
            g.allocated.to_string(),
            g.received.to_string(),
            g.not_received.to_string(),
            g.endpoint_visit.to_string(),
            g.no_endpoint_visit.to_string(),
            g.analysed.to_string(),
            g.evaluable.to_string(),
        ]));
    }

    let f = &report.time_to_first_flare;
    body.push_str("\n## Time to first flare\n\n");
    body.push_str(&header(&["Group", "n", "Flares", "Median days (95 % CI)"]));
    for (name, k) in names.iter().zip(&f.by_group) {
        body.push_str(&row(&[
            name.clone(),
            k.n.to_string(),
            k.events.to_string(),
            k.median.map_or_else(
                || MISSING.to_owned(),
                |m| {
                    format!(
                        "{} ({}–{})",
                        round3(m),
                        k.median_lower.map_or_else(|| "NA".to_owned(), round3),
                        k.median_upper.map_or_else(|| "NA".to_owned(), round3)
                    )
                },
            ),
        ]));
    }
    let _ = writeln!(
        body,
        "\nLog-rank: {}. Excluded (no follow-up visit): {}.{}",
        match (f.log_rank_chisq, f.log_rank_df, f.log_rank_p) {
            (Some(c), Some(df), Some(p)) =>
                format!("χ² = {} on {df} df, {}", round3(c), p_phrase(p)),
            _ => MISSING.to_owned(),
        },
        f.excluded,
        f.note
            .as_ref()
            .map(|n| format!(" {}", escape(n)))
            .unwrap_or_default()
    );

    body.push_str("\n## Steroid reduction\n\n");
    body.push_str(&header(&[
        "Group",
        "Visit",
        "n (missing)",
        "% reduction, median (IQR)",
        "≥ 50 %",
        "Glucocorticoid-free",
    ]));
    for (name, s) in names.iter().zip(&report.steroid_reduction) {
        body.push_str(&row(&[
            name.clone(),
            s.visit.clone(),
            format!("{} ({})", s.with_value, s.missing),
            s.pct_reduction.map_or_else(
                || MISSING.to_owned(),
                |m| format!("{} ({}–{})", round3(m.median), round3(m.q1), round3(m.q3)),
            ),
            s.at_least_50_pct.to_string(),
            s.glucocorticoid_free.to_string(),
        ]));
    }

    body.push_str("\n## Adverse events\n\n");
    let mut head = vec![
        "Group",
        "Patients",
        "With ≥ 1 AE",
        "With ≥ 1 serious AE",
        "Events",
        "Grade 1",
        "Grade 2",
        "Grade 3",
        "Grade 4",
        "Grade 5",
    ];
    head.extend(RELATEDNESS);
    body.push_str(&header(&head));
    for (name, a) in names.iter().zip(&report.adverse_events) {
        let mut cells = vec![
            name.clone(),
            a.patients.to_string(),
            a.patients_with_event.to_string(),
            a.patients_with_serious_event.to_string(),
            a.events.to_string(),
        ];
        cells.extend(
            a.by_grade
                .iter()
                .chain(&a.by_relatedness)
                .map(ToString::to_string),
        );
        body.push_str(&row(&cells));
    }
    let title = format!(
        "Trial analysis — {}{}",
        report.provenance.study_code,
        if report.blinded { " (blinded)" } else { "" }
    );
    page(&title, &report.provenance, &body, &report.rules)
}
