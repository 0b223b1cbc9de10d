//! The cohort summary of the case series (issue #5 item 3): median and IQR of each variable
//! per scheduled visit, and the paired change from the baseline visit to each patient's last
//! scheduled visit with the Wilcoxon signed-rank test (R `wilcox.test(last, baseline,
//! paired = TRUE)`, sledger-stats). Missing values are left out and counted; pairs with a
//! missing end are excluded and counted — never imputed.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use sledger_core::protocol::VisitCode;
use sledger_stats::wilcoxon::{Method, wilcoxon_signed_rank};

use crate::patient_course::{PatientCourse, VisitRow};
use crate::quantile::MedianIqr;

/// A variable of the case-series table that the summary describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variable {
    Upcr,
    Protein24h,
    Creatinine,
    Egfr,
    C3,
    C4,
    AntiDsdna,
    Sledai2k,
    Pga,
    Prednisone,
}

impl Variable {
    pub const ALL: [Variable; 10] = [
        Variable::Upcr,
        Variable::Protein24h,
        Variable::Creatinine,
        Variable::Egfr,
        Variable::C3,
        Variable::C4,
        Variable::AntiDsdna,
        Variable::Sledai2k,
        Variable::Pga,
        Variable::Prednisone,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Variable::Upcr => "UPCR",
            Variable::Protein24h => "24-h protein",
            Variable::Creatinine => "Creatinine",
            Variable::Egfr => "eGFR",
            Variable::C3 => "C3",
            Variable::C4 => "C4",
            Variable::AntiDsdna => "anti-dsDNA",
            Variable::Sledai2k => "SLEDAI-2K",
            Variable::Pga => "PGA",
            Variable::Prednisone => "Prednisone eq.",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Variable::Upcr => "mg/g",
            Variable::Protein24h => "g/day",
            Variable::Creatinine => "mg/dL",
            Variable::Egfr => "mL/min/1.73 m²",
            Variable::C3 | Variable::C4 => "g/L",
            Variable::AntiDsdna => "IU/mL",
            Variable::Sledai2k | Variable::Pga => "points",
            Variable::Prednisone => "mg/day",
        }
    }

    /// The visit's value; SLEDAI-2K only when complete (a range is not a value).
    pub fn value(self, row: &VisitRow) -> Option<f64> {
        let d = |v: Option<Decimal>| v.and_then(|v| v.to_f64());
        match self {
            Variable::Upcr => d(row.upcr_mg_g),
            Variable::Protein24h => d(row.protein_24h_g_day),
            Variable::Creatinine => d(row.creatinine_mg_dl),
            Variable::Egfr => row.egfr.map(f64::from),
            Variable::C3 => d(row.c3_g_l),
            Variable::C4 => d(row.c4_g_l),
            Variable::AntiDsdna => d(row.anti_dsdna_iu_ml),
            Variable::Sledai2k => row.sledai2k.total.map(f64::from),
            Variable::Pga => d(row.pga),
            Variable::Prednisone => d(row.prednisone_mg_day),
        }
    }
}

/// One variable at one visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtVisit {
    pub visit: String,
    /// Patients without the visit or without the value there.
    pub missing: usize,
    /// `None` when no patient has a value.
    pub summary: Option<MedianIqr>,
}

/// Baseline → last scheduled visit, paired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedChange {
    pub pairs: usize,
    /// Patients left out because the baseline or the last value is missing.
    pub excluded: usize,
    pub baseline: Option<MedianIqr>,
    pub last: Option<MedianIqr>,
    /// Median of the paired differences (last − baseline).
    pub median_change: Option<f64>,
    /// Wilcoxon signed-rank V and p (two-sided, R's defaults), when computable.
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    /// `exact` or `normal` (continuity and tie correction), as R chooses.
    pub method: Option<&'static str>,
    /// Why there is no test (too few pairs, every difference zero…), in sledger-stats' words.
    pub note: Option<String>,
}

/// The summary of one variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableSummary {
    pub variable: &'static str,
    pub unit: &'static str,
    pub by_visit: Vec<AtVisit>,
    pub change: PairedChange,
}

/// The scheduled visits any patient had, in schedule order (unscheduled visits are not time
/// points of the summary).
pub fn scheduled_visits(patients: &[PatientCourse]) -> Vec<VisitCode> {
    let mut codes: Vec<VisitCode> = patients
        .iter()
        .flat_map(|p| p.visits.iter().map(|v| v.code))
        .filter(|c| *c != VisitCode::Unscheduled)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The cohort summary of every variable at the time points `visits`.
pub fn summarize(patients: &[PatientCourse], visits: &[VisitCode]) -> Vec<VariableSummary> {
    Variable::ALL
        .into_iter()
        .map(|variable| {
            let by_visit = visits
                .iter()
                .map(|code| {
                    let values: Vec<f64> = patients
                        .iter()
                        .filter_map(|p| p.visit(*code).and_then(|r| variable.value(r)))
                        .collect();
                    AtVisit {
                        visit: code.to_string(),
                        missing: patients.len() - values.len(),
                        summary: MedianIqr::of(&values),
                    }
                })
                .collect();
            VariableSummary {
                variable: variable.name(),
                unit: variable.unit(),
                by_visit,
                change: paired_change(patients, variable),
            }
        })
        .collect()
}

fn paired_change(patients: &[PatientCourse], variable: Variable) -> PairedChange {
    let (mut base, mut last) = (Vec::new(), Vec::new());
    for p in patients {
        let b = p.visit(VisitCode::Baseline).and_then(|r| variable.value(r));
        let l = p.last_scheduled().and_then(|r| variable.value(r));
        if let (Some(b), Some(l)) = (b, l) {
            base.push(b);
            last.push(l);
        }
    }
    let diffs: Vec<f64> = last.iter().zip(&base).map(|(l, b)| l - b).collect();
    let mut change = PairedChange {
        pairs: base.len(),
        excluded: patients.len() - base.len(),
        baseline: MedianIqr::of(&base),
        last: MedianIqr::of(&last),
        median_change: MedianIqr::of(&diffs).map(|s| s.median),
        statistic: None,
        p_value: None,
        method: None,
        note: None,
    };
    match wilcoxon_signed_rank(&last, &base) {
        Ok(test) => {
            change.statistic = Some(test.statistic);
            change.p_value = Some(test.p_value);
            change.method = Some(match test.method {
                Method::Exact => "exact",
                Method::NormalApproximation => "normal",
            });
        }
        Err(e) => change.note = Some(format!("no test: {e}")),
    }
    change
}
