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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Cohort, assert_well_formed, provenance, record, visit};
    use sledger_core::protocol::load;

    const PROTOCOL: &str = include_str!("../../../protocols/msc-ln-rct.toml");

    /// Group 0: PT-1 complete at m12, PT-2 without m12 (non-responder by imputation).
    /// Group 1: PT-3 no response, PT-4 partial. PT-5 screened out.
    fn cohort() -> Cohort {
        let full = |m12: i64| {
            vec![
                visit(0, Some(3000), Some(100), Some(60), 30),
                visit(1, Some(2000), Some(100), Some(70), 20),
                visit(3, Some(1500), Some(100), Some(75), 15),
                visit(6, Some(1000), Some(100), Some(80), 10),
                visit(12, Some(m12), Some(100), Some(90), 5),
            ]
        };
        Cohort::new(vec![
            record("PT-1", &full(300)),
            record("PT-2", &full(300)[..3]),
            record("PT-3", &full(2900)),
            record("PT-4", &full(1400)),
            record("PT-5", &full(1400)[..1]),
        ])
    }

    fn groups(blinded: bool) -> Vec<Group> {
        if blinded {
            vec![
                Group {
                    label: "A".into(),
                    arm: None,
                },
                Group {
                    label: "B".into(),
                    arm: None,
                },
            ]
        } else {
            vec![
                Group {
                    label: "msc".into(),
                    arm: Some(("msc".into(), "Allogeneic BM-MSC".into())),
                },
                Group {
                    label: "placebo".into(),
                    arm: Some(("placebo".into(), "Saline placebo".into())),
                },
            ]
        }
    }

    fn report(blinded: bool) -> TrialReport {
        let protocol = load("msc-ln-rct.toml", PROTOCOL).unwrap();
        let cohort = cohort();
        let inputs = cohort.inputs();
        let assignment = [Some(0), Some(0), Some(1), Some(1), None];
        let subjects = inputs
            .iter()
            .zip(assignment)
            .enumerate()
            .map(|(i, (p, group))| Subject {
                patient: *p,
                screening: if i == 4 {
                    Screening::Ineligible(vec!["sledai".into()])
                } else {
                    Screening::Eligible
                },
                group,
                adverse_events: match i {
                    0 => vec![
                        AdverseEventRow {
                            grade: 1,
                            serious: false,
                            relatedness: "possible",
                        },
                        AdverseEventRow {
                            grade: 3,
                            serious: true,
                            relatedness: "unrelated",
                        },
                    ],
                    2 => vec![AdverseEventRow {
                        grade: 2,
                        serious: false,
                        relatedness: "definite",
                    }],
                    _ => Vec::new(),
                },
            })
            .collect();
        let input = TrialInput {
            provenance: provenance(),
            protocol: &protocol,
            blinded,
            groups: groups(blinded),
            subjects,
        };
        TrialReport::build(&input, &MeasureConfig::default()).unwrap()
    }

    #[test]
    fn primary_endpoint_with_non_responder_imputation() {
        let r = report(false);
        assert_eq!(r.primary_endpoint.visit, "m12");
        assert_eq!(r.primary_endpoint.imputation, "non_responder");
        let m12 = r.responders.iter().find(|row| row.primary).unwrap();
        assert_eq!(m12.visit, "m12");
        let (a, b) = (&m12.by_group[0], &m12.by_group[1]);
        // PT-1 complete, PT-2 missing → imputed; PT-3 none, PT-4 partial.
        assert_eq!((a.responders, a.n, a.evaluable, a.imputed), (1, 2, 1, 1));
        assert_eq!((b.responders, b.n, b.evaluable, b.imputed), (1, 2, 2, 0));
        // R: prop.test(1, 2, correct = FALSE)$conf.int → 0.09453121 0.90546879.
        assert!((a.lower.unwrap() - 0.094_531_21).abs() < 1e-8, "{a:?}");
        assert!((a.upper.unwrap() - 0.905_468_79).abs() < 1e-8, "{a:?}");
        let d = m12.difference.unwrap();
        assert_eq!(d.estimate, 0.0);
        assert!((d.fisher_p - 1.0).abs() < 1e-12);
        assert!(d.lower < 0.0 && d.upper > 0.0);
        // Complete response only: PT-1.
        assert_eq!(r.complete_response_at_primary.by_group[0].responders, 1);
        assert_eq!(r.complete_response_at_primary.by_group[1].responders, 0);
        // The protocol's m9 visit: nobody has it, every randomized patient is imputed.
        let m9 = r.responders.iter().find(|row| row.visit == "m9").unwrap();
        assert_eq!(m9.by_group[0].imputed, 2);
    }

    #[test]
    fn consort_steroids_adverse_events_and_flare() {
        let r = report(false);
        let c = &r.consort;
        assert_eq!(
            (c.assessed, c.excluded, c.not_eligible, c.randomized),
            (5, 1, 1, 4)
        );
        assert_eq!(c.groups[0].allocated, 2);
        assert_eq!(
            (c.groups[0].endpoint_visit, c.groups[0].no_endpoint_visit),
            (1, 1)
        );
        assert_eq!((c.groups[0].analysed, c.groups[0].evaluable), (2, 1));
        // Steroids at m12: 30 → 5 mg, an 83.3 % reduction for PT-1, PT-3, PT-4; PT-2 missing.
        let s = &r.steroid_reduction[0];
        assert_eq!((s.with_value, s.missing, s.at_least_50_pct), (1, 1, 1));
        let ae = &r.adverse_events[0];
        assert_eq!(
            (
                ae.patients,
                ae.patients_with_event,
                ae.patients_with_serious_event,
                ae.events
            ),
            (2, 1, 1, 2)
        );
        assert_eq!(ae.by_grade, [1, 0, 1, 0, 0]);
        assert_eq!(ae.by_relatedness, [1, 0, 1, 0, 0]);
        // No SLEDAI-2K flare in the fixture: every randomized patient censored.
        let f = &r.time_to_first_flare;
        assert_eq!(f.by_group.iter().map(|g| g.events).sum::<u64>(), 0);
        assert_eq!(f.by_group.iter().map(|g| g.n).sum::<u64>(), 4);
        assert!(
            f.log_rank_p.is_none() && f.note.is_some(),
            "R: survdiff has no test without events"
        );
    }

    #[test]
    fn blinded_version_names_groups_a_and_b_only() {
        let blinded = report(true);
        for format in [Format::Html, Format::Markdown, Format::Json] {
            let text = blinded.render(format).unwrap();
            for arm in [
                "Allogeneic BM-MSC",
                "Saline placebo",
                "Allocated to msc",
                "Allocated to placebo",
            ] {
                assert!(!text.contains(arm), "{format}: {arm}");
            }
            assert!(
                text.contains("Group A") || text.contains("\"label\": \"A\""),
                "{format}"
            );
        }
        let json: serde_json::Value =
            serde_json::from_str(&blinded.render(Format::Json).unwrap()).unwrap();
        assert!(
            json["groups"]
                .as_array()
                .unwrap()
                .iter()
                .all(|g| g["arm"].is_null())
        );
        assert_eq!(json["blinded"], true);
        // The unblinded version does name them: the check above can fail.
        let open = report(false).render(Format::Html).unwrap();
        assert!(open.contains("Allogeneic BM-MSC") && open.contains("Allocated to msc"));
    }

    /// The Markdown tables of both versions, reviewed like code.
    #[test]
    fn markdown_snapshots() {
        insta::assert_snapshot!("unblinded", report(false).render(Format::Markdown).unwrap());
        insta::assert_snapshot!("blinded", report(true).render(Format::Markdown).unwrap());
    }

    #[test]
    fn trial_html_svg_is_well_formed() {
        let html = report(false).render(Format::Html).unwrap();
        let svgs: Vec<&str> = html
            .match_indices("<svg")
            .map(|(s, _)| &html[s..s + html[s..].find("</svg>").unwrap() + 6])
            .collect();
        assert_eq!(svgs.len(), 2, "CONSORT and Kaplan–Meier");
        for svg in svgs {
            assert_well_formed(svg);
        }
        assert!(html.contains("Assessed for eligibility (n=5)"));
    }
}
