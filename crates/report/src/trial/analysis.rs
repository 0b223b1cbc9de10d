//! The numbers of the trial report. Each statistic is sledger-stats' (R's defaults); each
//! measure is sledger-core's, read from `VisitMeasures`.

use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use sledger_core::MeasureConfig;
use sledger_core::measures::renal_response::{RenalResponse, ResponseVariant};
use sledger_core::protocol::{EndpointMeasure, Imputation, VisitCode};
use sledger_core::record::VisitMeasures;
use sledger_core::record::derive::RenalResponseAtVisit;
use sledger_stats::fisher_exact_test;
use sledger_stats::interval::{Proportion, newcombe_hybrid_score, wilson};
use sledger_stats::survival::{Status, SurvivalSample, kaplan_meier, log_rank};
use sledger_stats::wilcoxon::{Method, wilcoxon_rank_sum};

use super::{Screening, Subject, TrialInput, TrialReport};
use crate::error::ReportError;
use crate::patient_course::{FlareCell, PatientCourse};
use crate::provenance::{Rule, measure_rules};
use crate::quantile::MedianIqr;

/// The protocol's primary endpoint as the report applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub measure: &'static str,
    pub variant: String,
    pub visit: String,
    pub imputation: &'static str,
    pub responder: &'static str,
}

/// A responder rate in one group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub responders: u64,
    /// The denominator: every randomized patient of the group under non-responder imputation;
    /// the evaluable ones when only observed assessments are analysed.
    pub n: u64,
    /// Patients with an evaluable assessment at the time point.
    pub evaluable: u64,
    /// Patients counted as non-responders because the assessment is missing or not evaluable
    /// (non-responder imputation), else 0.
    pub imputed: u64,
    pub estimate: Option<f64>,
    /// Wilson score 95 % CI (R `prop.test(correct = FALSE)`).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// The difference of the first group's rate minus the second's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    pub estimate: f64,
    /// Newcombe's hybrid score 95 % CI (method 10).
    pub lower: f64,
    pub upper: f64,
    /// Fisher's exact test (R `fisher.test`), two-sided.
    pub fisher_p: f64,
    pub odds_ratio: f64,
    pub odds_ratio_lower: f64,
    pub odds_ratio_upper: f64,
}

/// Responder rates at one time point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponderRow {
    pub visit: String,
    pub primary: bool,
    pub by_group: Vec<Rate>,
    /// Only with exactly two groups and patients in both.
    pub difference: Option<Difference>,
}

/// One group's Kaplan–Meier curve of time to first flare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCurve {
    pub n: u64,
    pub events: u64,
    pub median: Option<f64>,
    pub median_lower: Option<f64>,
    pub median_upper: Option<f64>,
    pub time: Vec<f64>,
    pub surv: Vec<f64>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// Times of censored patients (tick marks).
    pub censored_at: Vec<f64>,
}

/// Time to first SLEDAI-2K flare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlareAnalysis {
    pub by_group: Vec<GroupCurve>,
    /// Randomized patients without any follow-up visit: not in the analysis.
    pub excluded: u64,
    pub log_rank_chisq: Option<f64>,
    pub log_rank_df: Option<u32>,
    pub log_rank_p: Option<f64>,
    pub note: Option<String>,
}

/// Steroid reduction at the primary endpoint visit, one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SteroidByGroup {
    pub visit: String,
    pub with_value: usize,
    pub missing: usize,
    pub pct_reduction: Option<MedianIqr>,
    /// Patients with a reduction of at least 50 % (sle-activity §8.6 `ge_50`).
    pub at_least_50_pct: usize,
    /// Patients free of glucocorticoids at the visit.
    pub glucocorticoid_free: usize,
}

/// Wilcoxon rank-sum of % reduction between two groups (R `wilcox.test(x, y)`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankSum {
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    pub method: Option<&'static str>,
    pub note: Option<String>,
}

/// Adverse events of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdverseEventSummary {
    pub patients: usize,
    pub patients_with_event: usize,
    pub patients_with_serious_event: usize,
    pub events: usize,
    /// Events by CTCAE grade 1–5.
    pub by_grade: [usize; 5],
    /// Events by relatedness, in the order of [`RELATEDNESS`].
    pub by_relatedness: [usize; 5],
}

/// The relatedness scale (WHO-UMC), in table order.
pub const RELATEDNESS: [&str; 5] = ["unrelated", "unlikely", "possible", "probable", "definite"];

/// The CONSORT 2010 flow counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consort {
    /// Enrolled patients: assessed for eligibility.
    pub assessed: usize,
    pub excluded: usize,
    /// Not meeting inclusion (or meeting exclusion) criteria.
    pub not_eligible: usize,
    /// Screening not completed (criteria unanswered or none recorded).
    pub screening_incomplete: usize,
    /// Eligible but not randomized.
    pub eligible_not_randomized: usize,
    pub randomized: usize,
    pub groups: Vec<ConsortGroup>,
}

/// One arm of the CONSORT flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsortGroup {
    pub allocated: usize,
    /// Infusion recorded.
    pub received: usize,
    pub not_received: usize,
    /// Primary endpoint visit recorded.
    pub endpoint_visit: usize,
    pub no_endpoint_visit: usize,
    /// Analysed for the primary endpoint (every allocated patient under non-responder
    /// imputation; the evaluable ones otherwise).
    pub analysed: usize,
    /// With an evaluable primary endpoint assessment.
    pub evaluable: usize,
}

/// The response of `variant` at a visit, `None` when not evaluable or the baseline visit.
fn response(m: &VisitMeasures, variant: ResponseVariant) -> Option<RenalResponse> {
    let RenalResponseAtVisit::Evaluated {
        kdigo_2024,
        eular_era_edta_2019,
    } = &m.renal_response
    else {
        return None;
    };
    let r = match variant {
        ResponseVariant::EularEraEdta2019 => eular_era_edta_2019.response,
        _ => kdigo_2024.response,
    };
    (r != RenalResponse::NotEvaluable).then_some(r)
}

fn measures_at<'a>(subject: &Subject<'a>, code: VisitCode) -> Option<&'a VisitMeasures> {
    subject
        .patient
        .measures
        .iter()
        .find(|m| m.visit_code == code)
}

fn rate(outcomes: &[Option<bool>], imputation: Imputation) -> Rate {
    let evaluable = outcomes.iter().filter(|o| o.is_some()).count() as u64;
    let responders = outcomes.iter().filter(|o| **o == Some(true)).count() as u64;
    let (n, imputed) = match imputation {
        Imputation::NonResponder => (outcomes.len() as u64, outcomes.len() as u64 - evaluable),
        Imputation::ObservedOnly => (evaluable, 0),
    };
    let ci = Proportion::new(responders, n).ok().map(wilson);
    Rate {
        responders,
        n,
        evaluable,
        imputed,
        estimate: (n > 0).then(|| responders as f64 / n as f64),
        lower: ci.map(|i| i.lower),
        upper: ci.map(|i| i.upper),
    }
}

fn difference(rates: &[Rate]) -> Option<Difference> {
    let [a, b] = rates else { return None };
    let first = Proportion::new(a.responders, a.n).ok()?;
    let second = Proportion::new(b.responders, b.n).ok()?;
    let ci = newcombe_hybrid_score(first, second);
    let fisher = fisher_exact_test([
        [a.responders, a.n - a.responders],
        [b.responders, b.n - b.responders],
    ])
    .ok()?;
    Some(Difference {
        estimate: first.estimate() - second.estimate(),
        lower: ci.lower,
        upper: ci.upper,
        fisher_p: fisher.p_value,
        odds_ratio: fisher.odds_ratio,
        odds_ratio_lower: fisher.conf_int.0,
        odds_ratio_upper: fisher.conf_int.1,
    })
}

/// Responder rates at `code` by group, `responder` deciding from a response.
fn responder_row(
    groups: &[Vec<&Subject<'_>>],
    code: VisitCode,
    primary: bool,
    variant: ResponseVariant,
    imputation: Imputation,
    responder: fn(RenalResponse) -> bool,
) -> ResponderRow {
    let by_group: Vec<Rate> = groups
        .iter()
        .map(|members| {
            let outcomes: Vec<Option<bool>> = members
                .iter()
                .map(|s| {
                    measures_at(s, code)
                        .and_then(|m| response(m, variant))
                        .map(responder)
                })
                .collect();
            rate(&outcomes, imputation)
        })
        .collect();
    ResponderRow {
        visit: code.to_string(),
        primary,
        difference: difference(&by_group),
        by_group,
    }
}

fn flare_analysis(courses: &[Vec<PatientCourse>]) -> FlareAnalysis {
    let (mut time, mut status, mut group) = (Vec::new(), Vec::new(), Vec::new());
    let mut excluded = 0;
    for (g, members) in courses.iter().enumerate() {
        for course in members {
            let followed: Vec<_> = course
                .visits
                .iter()
                .filter(|v| {
                    v.sledai_flare != FlareCell::NotApplicable && v.study_day.is_some_and(|d| d > 0)
                })
                .collect();
            let first = followed.iter().find(|v| v.sledai_flare == FlareCell::Yes);
            let (t, s) = match (first, followed.last()) {
                (Some(v), _) => (v.study_day, Status::Event),
                (None, Some(v)) => (v.study_day, Status::Censored),
                (None, None) => (None, Status::Censored),
            };
            match t {
                Some(t) => {
                    time.push(f64::from(t));
                    status.push(s);
                    group.push(g as u32);
                }
                None => excluded += 1,
            }
        }
    }
    let mut out = FlareAnalysis {
        by_group: Vec::new(),
        excluded,
        log_rank_chisq: None,
        log_rank_df: None,
        log_rank_p: None,
        note: None,
    };
    if time.is_empty() {
        out.note = Some("no randomized patient has a follow-up visit".to_owned());
        return out;
    }
    let sample = match SurvivalSample::new(&time, &status, &group) {
        Ok(s) => s,
        Err(e) => {
            out.note = Some(e.to_string());
            return out;
        }
    };
    for (g, km) in kaplan_meier(&sample).into_iter().enumerate() {
        let censored_at = time
            .iter()
            .zip(&status)
            .zip(&group)
            .filter(|((_, s), gg)| **s == Status::Censored && **gg as usize == g)
            .map(|((t, _), _)| *t)
            .collect();
        out.by_group.push(GroupCurve {
            n: km.n,
            events: km.events,
            median: km.median.median,
            median_lower: km.median.lower,
            median_upper: km.median.upper,
            time: km.time,
            surv: km.surv,
            lower: km.lower,
            upper: km.upper,
            censored_at,
        });
    }
    match log_rank(&sample) {
        Ok(lr) => {
            out.log_rank_chisq = Some(lr.chisq);
            out.log_rank_df = Some(lr.df);
            out.log_rank_p = Some(lr.p_value);
        }
        Err(e) => out.note = Some(format!("no log-rank test: {e}")),
    }
    out
}

fn steroid(groups: &[Vec<&Subject<'_>>], code: VisitCode) -> (Vec<SteroidByGroup>, Vec<Vec<f64>>) {
    let mut values = Vec::new();
    let rows = groups
        .iter()
        .map(|members| {
            let reductions: Vec<_> = members
                .iter()
                .filter_map(|s| measures_at(s, code))
                .filter_map(|m| m.glucocorticoid.as_ref().ok())
                .map(|g| &g.reduction)
                .collect();
            let pct: Vec<f64> = reductions
                .iter()
                .filter_map(|r| r.pct_reduction.and_then(|p| p.to_f64()))
                .collect();
            let row = SteroidByGroup {
                visit: code.to_string(),
                with_value: pct.len(),
                missing: members.len() - pct.len(),
                pct_reduction: MedianIqr::of(&pct),
                at_least_50_pct: reductions.iter().filter(|r| r.ge_50 == Some(true)).count(),
                glucocorticoid_free: reductions
                    .iter()
                    .filter(|r| r.gc_free == Some(true))
                    .count(),
            };
            values.push(pct);
            row
        })
        .collect();
    (rows, values)
}

fn rank_sum(values: &[Vec<f64>]) -> Option<RankSum> {
    let [x, y] = values else { return None };
    Some(match wilcoxon_rank_sum(x, y) {
        Ok(t) => RankSum {
            statistic: Some(t.statistic),
            p_value: Some(t.p_value),
            method: Some(match t.method {
                Method::Exact => "exact",
                Method::NormalApproximation => "normal",
            }),
            note: None,
        },
        Err(e) => RankSum {
            statistic: None,
            p_value: None,
            method: None,
            note: Some(format!("no test: {e}")),
        },
    })
}

fn adverse_events(groups: &[Vec<&Subject<'_>>]) -> Vec<AdverseEventSummary> {
    groups
        .iter()
        .map(|members| {
            let mut s = AdverseEventSummary {
                patients: members.len(),
                patients_with_event: 0,
                patients_with_serious_event: 0,
                events: 0,
                by_grade: [0; 5],
                by_relatedness: [0; 5],
            };
            for m in members {
                if !m.adverse_events.is_empty() {
                    s.patients_with_event += 1;
                }
                if m.adverse_events.iter().any(|a| a.serious) {
                    s.patients_with_serious_event += 1;
                }
                for a in &m.adverse_events {
                    s.events += 1;
                    if let Some(slot) = usize::from(a.grade)
                        .checked_sub(1)
                        .and_then(|i| s.by_grade.get_mut(i))
                    {
                        *slot += 1;
                    }
                    if let Some(i) = RELATEDNESS.iter().position(|r| *r == a.relatedness) {
                        s.by_relatedness[i] += 1;
                    }
                }
            }
            s
        })
        .collect()
}

fn consort(
    input: &TrialInput<'_>,
    groups: &[Vec<&Subject<'_>>],
    primary: &ResponderRow,
    endpoint: VisitCode,
) -> Consort {
    let not_randomized: Vec<&Subject<'_>> = input
        .subjects
        .iter()
        .filter(|s| s.group.is_none())
        .collect();
    let count =
        |f: fn(&Screening) -> bool| not_randomized.iter().filter(|s| f(&s.screening)).count();
    Consort {
        assessed: input.subjects.len(),
        excluded: not_randomized.len(),
        not_eligible: count(|s| matches!(s, Screening::Ineligible(_))),
        screening_incomplete: count(|s| {
            matches!(s, Screening::Incomplete(_) | Screening::NotScreened)
        }),
        eligible_not_randomized: count(|s| matches!(s, Screening::Eligible)),
        randomized: input.subjects.len() - not_randomized.len(),
        groups: groups
            .iter()
            .zip(&primary.by_group)
            .map(|(members, rate)| {
                let received = members
                    .iter()
                    .filter(|s| s.patient.record.infusion_date().is_some())
                    .count();
                let endpoint_visit = members
                    .iter()
                    .filter(|s| measures_at(s, endpoint).is_some())
                    .count();
                ConsortGroup {
                    allocated: members.len(),
                    received,
                    not_received: members.len() - received,
                    endpoint_visit,
                    no_endpoint_visit: members.len() - endpoint_visit,
                    analysed: rate.n as usize,
                    evaluable: rate.evaluable as usize,
                }
            })
            .collect(),
    }
}

fn trial_rules(endpoint: &Endpoint) -> Vec<Rule> {
    vec![
        Rule::new(
            "protocol [primary_endpoint]",
            format!(
                "Primary endpoint: {} ({}) at {}; a responder has a {}. Imputation: {} — {}.",
                endpoint.measure,
                endpoint.variant,
                endpoint.visit,
                endpoint.responder,
                endpoint.imputation,
                if endpoint.imputation == "non_responder" {
                    "a randomized patient without an evaluable assessment at the visit (missing visit, missing input, after withdrawal) counts as a non-responder in the denominator of every randomized patient of the arm"
                } else {
                    "only evaluable assessments are analysed; missing ones are counted and reported"
                }
            ),
        ),
        Rule::new(
            "renal.md §3.1",
            "Rescue therapy or treatment failure before the assessment makes the response 'none' (sledger-core), so such patients are non-responders.",
        ),
        Rule::new(
            "ITT (CONSORT 2010 item 16)",
            "Patients are analysed in the group they were randomized to (live list), whatever they received.",
        ),
        Rule::new(
            "R prop.test / Newcombe 1998 / fisher.test",
            "Rates with Wilson score 95 % CIs; the difference (first group − second) with Newcombe's hybrid score 95 % CI (method 10); Fisher's exact test, two-sided, with the conditional MLE odds ratio and its exact CI (sledger-stats).",
        ),
        Rule::new(
            "sle-activity §2.4; R survfit / survdiff",
            "Time to first flare: days from the infusion to the first visit with a SLEDAI-2K flare (increase ≥ 4 over the previous assessment); otherwise censored at the last follow-up visit. An undetermined flare (missing descriptors) is not counted as an event. Randomized patients without a follow-up visit are excluded and counted. Kaplan–Meier with Greenwood SE and log-transformed 95 % CI; log-rank test.",
        ),
        Rule::new(
            "sle-activity §8.6; R wilcox.test",
            "Steroid reduction at the primary endpoint visit: % reduction of the prednisone-equivalent maintenance dose from baseline, observed values only (missing counted); groups compared with the Wilcoxon rank-sum test.",
        ),
        Rule::new(
            "CTCAE v5; WHO-UMC",
            "Adverse events counted per event by CTCAE grade and by relatedness to the product; patients counted once.",
        ),
    ]
}

pub(crate) fn build(
    input: &TrialInput<'_>,
    config: &MeasureConfig,
) -> Result<TrialReport, ReportError> {
    let protocol = input.protocol;
    let Some(primary) = protocol.primary_endpoint() else {
        return Err(ReportError::NoPrimaryEndpoint {
            protocol: protocol.id().to_owned(),
        });
    };
    let EndpointMeasure::RenalResponse(variant) = primary.measure;
    if !matches!(
        variant,
        ResponseVariant::Kdigo2024 | ResponseVariant::EularEraEdta2019
    ) {
        return Err(ReportError::UnsupportedEndpoint {
            protocol: protocol.id().to_owned(),
            variant: serde_json::to_value(variant)
                .map(|v| v.to_string())
                .unwrap_or_default(),
        });
    }
    if input.subjects.is_empty() {
        return Err(ReportError::NoPatients {
            study: input.provenance.study_code.clone(),
        });
    }
    let endpoint = Endpoint {
        measure: primary.measure.name(),
        variant: serde_json::to_value(variant)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        visit: primary.visit.to_string(),
        imputation: match primary.imputation {
            Imputation::NonResponder => "non_responder",
            Imputation::ObservedOnly => "observed_only",
        },
        responder: "complete or partial renal response (renal.md §7.1: the registry objective)",
    };
    let groups: Vec<Vec<&Subject<'_>>> = (0..input.groups.len())
        .map(|g| {
            input
                .subjects
                .iter()
                .filter(|s| s.group == Some(g))
                .collect()
        })
        .collect();
    let courses: Vec<Vec<PatientCourse>> = groups
        .iter()
        .map(|members| {
            members
                .iter()
                .map(|s| PatientCourse::of(s.patient, config))
                .collect()
        })
        .collect();
    let time_points: Vec<VisitCode> = protocol
        .schedule()
        .visits()
        .iter()
        .map(|v| v.code())
        .filter(|c| matches!(c, VisitCode::Month(_)))
        .collect();
    let responders: Vec<ResponderRow> = time_points
        .iter()
        .map(|code| {
            responder_row(
                &groups,
                *code,
                *code == primary.visit,
                variant,
                primary.imputation,
                |r| matches!(r, RenalResponse::Complete | RenalResponse::Partial),
            )
        })
        .collect();
    let complete = responder_row(
        &groups,
        primary.visit,
        true,
        variant,
        primary.imputation,
        |r| r == RenalResponse::Complete,
    );
    let primary_row = responders
        .iter()
        .find(|r| r.primary)
        .cloned()
        .unwrap_or_else(|| complete.clone());
    let (steroid_reduction, values) = steroid(&groups, primary.visit);
    let mut rules = measure_rules();
    rules.extend(trial_rules(&endpoint));
    if input.blinded {
        rules.push(Rule::new(
            "ICH E9 §2.3.2; authorization.rs",
            "Blinded version: groups are labelled A, B in an order keyed to the concealed randomization seed; the mapping to arms is withheld.",
        ));
    }
    Ok(TrialReport {
        report: "trial",
        provenance: input.provenance.clone(),
        blinded: input.blinded,
        rules,
        groups: input.groups.clone(),
        consort: consort(input, &groups, &primary_row, primary.visit),
        primary_endpoint: endpoint,
        responders,
        complete_response_at_primary: complete,
        time_to_first_flare: flare_analysis(&courses),
        steroid_comparison: rank_sum(&values),
        steroid_reduction,
        adverse_events: adverse_events(&groups),
    })
}
