//! One patient's course as the reports show it: per visit, the facts the paper's table lists
//! (UPCR, 24-h protein, creatinine, eGFR, C3, C4, anti-dsDNA, SLEDAI-2K, PGA, steroid dose,
//! other immunosuppressants) and the measures sledger-core derived (renal response, flare,
//! % reduction). Nothing is computed here: measures are read from `VisitMeasures`, facts from
//! the visit's observations (its latest result of each item, as `record::derive` reads them).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use sledger_core::MeasureConfig;
use sledger_core::Tri;
use sledger_core::measures::renal_response::RenalResponse;
use sledger_core::protocol::VisitCode;
use sledger_core::record::derive::{CourseAtVisit, RenalResponseAtVisit, UpcrSource};
use sledger_core::record::medication::{MedicationAgent, glucocorticoid_history};
use sledger_core::record::observation::{LabItem, Measured};
use sledger_core::record::{PatientRecord, RecordedVisit, VisitMeasures};

/// What a report needs of a patient: the core record and the measures sledger-core derived
/// from it (`record::visit_measures(record, config)`, one per visit, in visit order).
#[derive(Debug, Clone, Copy)]
pub struct PatientInput<'a> {
    pub record: &'a PatientRecord,
    pub measures: &'a [VisitMeasures],
}

/// A renal response at a visit (KDIGO 2024, renal.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCell {
    /// The baseline visit: the reference, not evaluated.
    Baseline,
    Complete,
    Partial,
    None,
    NotEvaluable,
}

impl ResponseCell {
    pub fn label(self) -> &'static str {
        match self {
            ResponseCell::Baseline => "baseline",
            ResponseCell::Complete => "complete",
            ResponseCell::Partial => "partial",
            ResponseCell::None => "none",
            ResponseCell::NotEvaluable => "not evaluable",
        }
    }

    /// Complete or partial: the registry objective of the randomized trial (renal.md §7.1).
    pub fn is_responder(self) -> bool {
        matches!(self, ResponseCell::Complete | ResponseCell::Partial)
    }
}

/// A SLEDAI-2K flare at a visit (sle-activity §2.4): against the previous assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlareCell {
    Yes,
    No,
    /// The bounds of a partly missing SLEDAI-2K leave it undecided.
    Undetermined,
    /// No previous assessment (the baseline visit) or no course evaluated.
    NotApplicable,
}

impl FlareCell {
    pub fn label(self) -> &'static str {
        match self {
            FlareCell::Yes => "yes",
            FlareCell::No => "no",
            FlareCell::Undetermined => "undetermined",
            FlareCell::NotApplicable => "n/a",
        }
    }
}

/// SLEDAI-2K of a visit: the total when every descriptor is known, else its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SledaiCell {
    pub total: Option<u8>,
    pub lower: Option<u8>,
    pub upper: Option<u8>,
}

impl SledaiCell {
    /// "12", "8–14", or `None` when nothing was assessed.
    pub fn text(&self) -> Option<String> {
        match (self.total, self.lower, self.upper) {
            (Some(t), _, _) => Some(t.to_string()),
            (None, Some(lo), Some(hi)) => Some(format!("{lo}\u{2013}{hi}")),
            _ => None,
        }
    }
}

/// One visit's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitRow {
    pub visit: String,
    #[serde(skip)]
    pub code: VisitCode,
    pub date: String,
    /// Days since the infusion (day 0).
    pub study_day: Option<i32>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub upcr_mg_g: Option<Decimal>,
    pub upcr_source: Option<&'static str>,
    /// The UPCR source is one renal.md §2.3 flags.
    pub upcr_flagged: bool,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub protein_24h_g_day: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub creatinine_mg_dl: Option<Decimal>,
    pub egfr: Option<u16>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub c3_g_l: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub c4_g_l: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub anti_dsdna_iu_ml: Option<Decimal>,
    pub sledai2k: SledaiCell,
    /// Physician's global assessment, 0–3.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub pga: Option<Decimal>,
    /// Prednisone-equivalent maintenance dose, mg/day (sle-activity §8.4).
    #[serde(with = "rust_decimal::serde::float_option")]
    pub prednisone_mg_day: Option<Decimal>,
    /// % reduction from the baseline visit's dose (sle-activity §8.6).
    #[serde(with = "rust_decimal::serde::float_option")]
    pub pct_reduction: Option<Decimal>,
    /// Other immunosuppressants and antimalarials taken on the visit date.
    pub immunosuppressants: Vec<&'static str>,
    pub renal_response: ResponseCell,
    /// Inputs whose absence left the renal response not evaluable.
    pub renal_response_missing: Vec<String>,
    pub sledai_flare: FlareCell,
}

/// A change of the maintenance steroid dose: from `study_day` on, `mg_per_day`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DoseStep {
    pub study_day: i32,
    #[serde(with = "rust_decimal::serde::float")]
    pub mg_per_day: Decimal,
}

/// A patient's course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientCourse {
    pub code: String,
    pub sex: String,
    pub age_at_infusion: Option<u8>,
    pub infusion_date: Option<String>,
    pub visits: Vec<VisitRow>,
    /// The last visit's % steroid reduction from baseline (issue #5: "% medication reduction
    /// at the last visit"); missing when that visit's reduction is.
    pub last_visit: Option<String>,
    #[serde(with = "rust_decimal::serde::float_option")]
    pub pct_reduction_at_last_visit: Option<Decimal>,
    /// The maintenance prednisone-equivalent dose as a step function over the follow-up, from
    /// sledger-core's glucocorticoid history (for the step-line plot).
    pub prednisone_steps: Vec<DoseStep>,
    /// Scheduled visits of the protocol that the patient has no record of: shown as missing
    /// rows, never filled in.
    pub missing_visits: Vec<String>,
}

/// A row of a patient's visit table: a recorded visit, or a scheduled one never recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TableRow<'a> {
    Recorded(&'a VisitRow),
    Missing(VisitCode),
}

/// The name of an agent as sle-activity §9.6 codes it.
pub fn agent_name(agent: MedicationAgent) -> &'static str {
    use MedicationAgent as M;
    match agent {
        M::Prednisone => "prednisone",
        M::Prednisolone => "prednisolone",
        M::Methylprednisolone => "methylprednisolone",
        M::Dexamethasone => "dexamethasone",
        M::Hydrocortisone => "hydrocortisone",
        M::Betamethasone => "betamethasone",
        M::Deflazacort => "deflazacort",
        M::Triamcinolone => "triamcinolone",
        M::Cortisone => "cortisone",
        M::Hydroxychloroquine => "hydroxychloroquine",
        M::Chloroquine => "chloroquine",
        M::Mycophenolate => "mycophenolate",
        M::Azathioprine => "azathioprine",
        M::Methotrexate => "methotrexate",
        M::Cyclophosphamide => "cyclophosphamide",
        M::Tacrolimus => "tacrolimus",
        M::Cyclosporine => "cyclosporine",
        M::Belimumab => "belimumab",
        M::Anifrolumab => "anifrolumab",
        M::Rituximab => "rituximab",
        M::Other => "other",
    }
}

fn upcr_source(source: UpcrSource) -> &'static str {
    match source {
        UpcrSource::Collection24hRatio => "24h_collection_ratio",
        UpcrSource::Protein24hAsRatio => "24h_protein_as_ratio",
        UpcrSource::FirstMorningVoid => "first_morning_void",
        UpcrSource::RandomSpot => "random_spot",
        UpcrSource::UnknownSpecimen => "unknown_specimen",
    }
}

/// The visit's latest result of `item`, by collection date.
fn latest(visit: &RecordedVisit, item: LabItem) -> Option<Measured> {
    visit
        .observations()
        .iter()
        .filter_map(|o| o.measured_as(item).map(|m| (m, o.effective())))
        .max_by_key(|(_, date)| *date)
        .map(|(m, _)| m)
}

fn level(visit: &RecordedVisit, item: LabItem) -> Option<Decimal> {
    match latest(visit, item)? {
        Measured::Level { value, .. } => Some(value),
        _ => None,
    }
}

fn flare(m: &VisitMeasures) -> FlareCell {
    match &m.course {
        CourseAtVisit::Evaluated(r) => {
            if r.sledai_flare.status.code() == "not_applicable" {
                return FlareCell::NotApplicable;
            }
            match r.sledai_flare.flare {
                Tri::True => FlareCell::Yes,
                Tri::False => FlareCell::No,
                Tri::Unknown => FlareCell::Undetermined,
            }
        }
        CourseAtVisit::NoBaselineVisit | CourseAtVisit::Refused(_) => FlareCell::NotApplicable,
    }
}

fn response(m: &VisitMeasures) -> (ResponseCell, Vec<String>) {
    match &m.renal_response {
        RenalResponseAtVisit::BaselineVisit => (ResponseCell::Baseline, Vec::new()),
        RenalResponseAtVisit::Evaluated { kdigo_2024, .. } => (
            match kdigo_2024.response {
                RenalResponse::Complete => ResponseCell::Complete,
                RenalResponse::Partial => ResponseCell::Partial,
                RenalResponse::None => ResponseCell::None,
                RenalResponse::NotEvaluable => ResponseCell::NotEvaluable,
            },
            kdigo_2024.status.missing().to_vec(),
        ),
    }
}

/// The maintenance dose's change points over `[first, last]`: evaluated by sledger-core's
/// history at every visit date and at every day a glucocorticoid exposure starts or ends.
fn prednisone_steps(
    record: &PatientRecord,
    config: &MeasureConfig,
    first: Date,
    last: Date,
) -> Vec<DoseStep> {
    let Some(day0) = record.infusion_date() else {
        return Vec::new();
    };
    let Ok(history) = glucocorticoid_history(record.medications(), None, config) else {
        return Vec::new();
    };
    let mut dates: Vec<Date> = record.visits().iter().map(RecordedVisit::date).collect();
    for m in record.medications() {
        if m.agent.glucocorticoid().is_none() {
            continue;
        }
        dates.push(m.period.start());
        if let Some(next) = m.period.end().and_then(|e| e.tomorrow().ok()) {
            dates.push(next);
        }
    }
    dates.retain(|d| *d >= first && *d <= last);
    dates.sort();
    dates.dedup();
    let mut steps: Vec<DoseStep> = Vec::new();
    for date in dates {
        let mg = history.maintenance_on(date).mg();
        if steps.last().is_some_and(|s| s.mg_per_day == mg) {
            continue;
        }
        steps.push(DoseStep {
            study_day: (date - day0).get_days(),
            mg_per_day: mg,
        });
    }
    steps
}

impl PatientCourse {
    /// The course of one patient. `config` is the configuration the measures were derived
    /// with (for the dose history of the step plot).
    pub fn of(input: PatientInput<'_>, config: &MeasureConfig) -> PatientCourse {
        let record = input.record;
        let day0 = record.infusion_date();
        let visits: Vec<VisitRow> = record
            .visits()
            .iter()
            .zip(input.measures)
            .map(|(visit, m)| {
                let (renal_response, renal_response_missing) = response(m);
                let gc = m.glucocorticoid.as_ref().ok();
                let date = visit.date();
                let mut immunosuppressants: Vec<&'static str> = record
                    .medications()
                    .iter()
                    .filter(|e| {
                        e.agent.glucocorticoid().is_none()
                            && e.period.start() <= date
                            && e.period.end().is_none_or(|end| end >= date)
                    })
                    .map(|e| agent_name(e.agent))
                    .collect();
                immunosuppressants.sort_unstable();
                immunosuppressants.dedup();
                let score = m.sledai2k.as_ref().ok();
                VisitRow {
                    visit: m.visit_code.to_string(),
                    code: m.visit_code,
                    date: date.to_string(),
                    study_day: m.study_day,
                    upcr_mg_g: m.upcr.mg_per_g,
                    upcr_source: m.upcr.source.map(upcr_source),
                    upcr_flagged: m.upcr.source.is_some_and(UpcrSource::is_flagged),
                    protein_24h_g_day: match latest(visit, LabItem::UrineProtein24h) {
                        Some(Measured::UrineProtein24h(p)) => Some(p.g_per_day()),
                        _ => None,
                    },
                    creatinine_mg_dl: m.egfr.creatinine.map(|c| c.mg_dl()),
                    egfr: m.egfr.estimate.reported,
                    c3_g_l: level(visit, LabItem::ComplementC3),
                    c4_g_l: level(visit, LabItem::ComplementC4),
                    anti_dsdna_iu_ml: level(visit, LabItem::AntiDsdna),
                    sledai2k: SledaiCell {
                        total: score.and_then(|s| s.total()),
                        lower: score.map(|s| s.bounds().0),
                        upper: score.map(|s| s.bounds().1),
                    },
                    pga: visit.pga().map(|p| p.points()),
                    prednisone_mg_day: gc.map(|g| g.maintenance_pe.mg()),
                    pct_reduction: gc.and_then(|g| g.reduction.pct_reduction),
                    immunosuppressants,
                    renal_response,
                    renal_response_missing,
                    sledai_flare: flare(m),
                }
            })
            .collect();
        let last = visits.last();
        let steps = match (record.visits().first(), record.visits().last()) {
            (Some(f), Some(l)) => prednisone_steps(record, config, f.date(), l.date()),
            _ => Vec::new(),
        };
        PatientCourse {
            code: record.study_code().as_str().to_owned(),
            sex: serde_json::to_value(record.sex())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            age_at_infusion: day0.and_then(|d| record.age_on(d)),
            infusion_date: day0.map(|d| d.to_string()),
            last_visit: last.map(|v| v.visit.clone()),
            pct_reduction_at_last_visit: last.and_then(|v| v.pct_reduction),
            visits,
            prednisone_steps: steps,
            missing_visits: Vec::new(),
        }
    }

    /// Notes the scheduled visits (`schedule`, the protocol's) the patient has no record of.
    pub fn with_schedule(mut self, schedule: &[VisitCode]) -> PatientCourse {
        self.missing_visits = self
            .missing_codes(schedule)
            .iter()
            .map(ToString::to_string)
            .collect();
        self
    }

    fn missing_codes(&self, schedule: &[VisitCode]) -> Vec<VisitCode> {
        let mut missing: Vec<VisitCode> = schedule
            .iter()
            .copied()
            .filter(|c| *c != VisitCode::Unscheduled && self.visit(*c).is_none())
            .collect();
        missing.sort();
        missing
    }

    /// The table's rows: recorded visits in date order, with each missing scheduled visit
    /// placed before the first recorded visit that comes after it in the schedule.
    pub fn rows(&self, schedule: &[VisitCode]) -> Vec<TableRow<'_>> {
        let mut missing = self.missing_codes(schedule).into_iter().peekable();
        let mut rows = Vec::with_capacity(self.visits.len() + schedule.len());
        for v in &self.visits {
            if v.code != VisitCode::Unscheduled {
                while let Some(m) = missing.next_if(|m| *m < v.code) {
                    rows.push(TableRow::Missing(m));
                }
            }
            rows.push(TableRow::Recorded(v));
        }
        rows.extend(missing.map(TableRow::Missing));
        rows
    }

    /// The visit with `code`, if the patient had it.
    pub fn visit(&self, code: VisitCode) -> Option<&VisitRow> {
        self.visits.iter().find(|v| v.code == code)
    }

    /// The last scheduled visit after the baseline (unscheduled visits are not time points).
    pub fn last_scheduled(&self) -> Option<&VisitRow> {
        self.visits
            .iter()
            .rev()
            .find(|v| matches!(v.code, VisitCode::Month(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::two_patients;

    #[test]
    fn missing_rows_sit_in_schedule_order() {
        let cohort = two_patients();
        let course = PatientCourse::of(cohort.inputs()[1], &MeasureConfig::default());
        let schedule = [
            VisitCode::Baseline,
            VisitCode::Month(1),
            VisitCode::Month(3),
            VisitCode::Month(6),
        ];
        let rows: Vec<String> = course
            .rows(&schedule)
            .iter()
            .map(|r| match r {
                TableRow::Recorded(v) => v.visit.clone(),
                TableRow::Missing(c) => format!("({c})"),
            })
            .collect();
        assert_eq!(rows, ["baseline", "(m1)", "m3", "(m6)"]);
    }
}
