//! Every measure of every visit, derived from the record's facts (DESIGN §3, invariant 3).
//!
//! The one place that maps facts to measure inputs. Each value is computed by the measure that
//! owns it — SLEDAI-2K (`sledai2k`), eGFR (`egfr`), UPCR units (`units::urine_protein`), renal
//! response (`renal_response`), glucocorticoids (`glucocorticoid`, `dose_reduction`) and the
//! longitudinal measures (`course`) — and nothing here is stored.

use std::cmp::{Ordering, Reverse};

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::measures::course::{self, Visit, VisitResult, VisitType};
use crate::measures::dose_reduction::{DoseReduction, dose_reduction};
use crate::measures::egfr::{self, AgeYears, EgfrEquation, EgfrEstimate, EgfrInputs, HeightCm};
use crate::measures::glucocorticoid::{GlucocorticoidHistory, PrednisoneEquivalent};
use crate::measures::renal_response::{self, ResponseInput, ResponseResult, ResponseVariant};
use crate::measures::sfi::ChangeIndication;
use crate::measures::sledai2k::{
    self, LabWithLimit, Sledai2kAssessment, Sledai2kScore, SledaiLabs,
};
use crate::measures::sri::BASELINE_VISIT;
use crate::protocol::VisitCode;
use crate::record::medication::{MedicationExposure, glucocorticoid_history};
use crate::record::observation::{LabItem, Measured};
use crate::record::patient::PatientRecord;
use crate::record::visit::RecordedVisit;
use crate::units::creatinine::SerumCreatinine;
use crate::units::urine_protein::UrineSpecimen;
use crate::{InputError, MeasureConfig, Status, Tri};

/// Which measurement a visit's UPCR came from, in the preference order of renal.md §2.3
/// (highest first) [DECISION, following KDIGO 2024's PCR on a 24-h collection].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UpcrSource {
    /// UPCR measured on an aliquot of a 24-h collection.
    Collection24hRatio,
    /// 24-h urine protein in g/day, read numerically as g/g (flagged, §2.3).
    Protein24hAsRatio,
    /// First-morning-void UPCR (the AURORA convention).
    FirstMorningVoid,
    /// Random spot UPCR (allowed, flagged).
    RandomSpot,
    /// UPCR on an unrecorded specimen: used last and flagged [DECISION: §2.3 does not rank it;
    /// it cannot be better than a random spot].
    UnknownSpecimen,
}

impl UpcrSource {
    /// Sources renal.md §2.3 says to flag when they decide a response.
    pub fn is_flagged(self) -> bool {
        matches!(
            self,
            UpcrSource::Protein24hAsRatio | UpcrSource::RandomSpot | UpcrSource::UnknownSpecimen
        )
    }
}

/// The UPCR of a visit in mg/g and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcrAtVisit {
    /// `complete`, or `not_evaluable` naming `upcr` when the visit has no urine protein.
    pub status: Status,
    pub mg_per_g: Option<Decimal>,
    pub source: Option<UpcrSource>,
    /// Collection date of the measurement used.
    pub effective: Option<Date>,
}

/// The eGFR of a visit (renal.md §1.6).
#[derive(Debug, Clone, PartialEq)]
pub struct EgfrAtVisit {
    /// By the equation §1.6.1 selects at the patient's age on the sample date.
    pub estimate: EgfrEstimate,
    /// The serum creatinine used (raw value and unit kept, canonical mg/dL derived).
    pub creatinine: Option<SerumCreatinine>,
    /// Collection date of that creatinine.
    pub sample_date: Option<Date>,
    /// Age in completed years on the sample date (or the visit date without a sample).
    pub age_years: Option<u8>,
    /// By the baseline's equation, when that differs (§1.6.2: a patient who turns 18 keeps the
    /// baseline equation for response purposes; both values are shown).
    pub for_response: Option<EgfrEstimate>,
}

impl EgfrAtVisit {
    /// The estimate the renal response compares (§1.6.2).
    pub fn response_estimate(&self) -> &EgfrEstimate {
        self.for_response.as_ref().unwrap_or(&self.estimate)
    }
}

/// The renal response of a visit against the baseline visit (renal.md §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenalResponseAtVisit {
    /// This is the baseline visit: the reference of every later evaluation.
    BaselineVisit,
    Evaluated {
        kdigo_2024: ResponseResult,
        eular_era_edta_2019: ResponseResult,
    },
}

/// The glucocorticoid block of a visit (sle-activity §8.4–§8.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlucocorticoidAtVisit {
    /// Maintenance prednisone-equivalent mg/day on the visit date, pulses excluded (§8.4).
    pub maintenance_pe: PrednisoneEquivalent,
    /// A pulse within `pulse_lookback_days_for_states` before the visit (§8.5).
    pub pulse_in_lookback: bool,
    /// Reduction from the baseline visit's maintenance dose (§8.6); `not_applicable`
    /// (`baseline_visit`) on the baseline itself.
    pub reduction: DoseReduction,
}

/// The longitudinal measures of a visit (`measures::course`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseAtVisit {
    Evaluated(Box<VisitResult>),
    /// The record has no baseline visit yet: nothing to compare with (sle-activity §0.3).
    NoBaselineVisit,
    /// The course driver refused the visits (the error names the visit and field).
    Refused(InputError),
}

/// Every measure of one visit, derived from the record.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitMeasures {
    pub visit_code: VisitCode,
    pub visit_date: Date,
    /// Days since the infusion (day 0); negative before it.
    pub study_day: Option<i32>,
    pub sledai2k: Result<Sledai2kScore, InputError>,
    pub egfr: EgfrAtVisit,
    pub upcr: UpcrAtVisit,
    pub renal_response: RenalResponseAtVisit,
    /// `Err` only for a configuration whose equivalence table is invalid.
    pub glucocorticoid: Result<GlucocorticoidAtVisit, InputError>,
    pub course: CourseAtVisit,
}

/// Every measure of every visit of `record`, in visit order (DESIGN §3: derived at read time,
/// never stored).
pub fn visit_measures(record: &PatientRecord, config: &MeasureConfig) -> Vec<VisitMeasures> {
    let visits = record.visits();
    let baseline = visits
        .first()
        .filter(|v| v.code() == VisitCode::Baseline)
        .map(|_| 0);
    let history = glucocorticoid_history(record.medications(), None, config);
    let sle_history = glucocorticoid_history(
        record.medications(),
        Some(ChangeIndication::SleActivity),
        config,
    );

    let assessments: Vec<Sledai2kAssessment> = (0..visits.len())
        .map(|i| sledai_assessment(record, i, config))
        .collect();
    let rescue = cumulative_rescue(visits, baseline);
    let egfrs: Vec<EgfrAtVisit> = visits.iter().map(|v| egfr_at(record, v, None)).collect();
    let baseline_equation = baseline.and_then(|b| egfrs[b].estimate.equation);
    let upcrs: Vec<UpcrAtVisit> = visits.iter().map(upcr_at).collect();

    let courses = baseline.map(|_| {
        let course_visits: Vec<Visit> = (0..visits.len())
            .map(|i| {
                course_visit(
                    record,
                    i,
                    assessments[i].clone(),
                    rescue[i],
                    history.as_ref().ok(),
                    sle_history.as_ref().ok(),
                )
            })
            .collect();
        course::course(&course_visits, config)
    });

    let mut out = Vec::with_capacity(visits.len());
    for (i, visit) in visits.iter().enumerate() {
        let (sledai2k, course) = match &courses {
            Some(Ok(results)) => (
                Ok(results[i].sledai.clone()),
                CourseAtVisit::Evaluated(Box::new(results[i].clone())),
            ),
            Some(Err(e)) => (
                sledai2k::score(&assessments[i], config),
                CourseAtVisit::Refused(e.clone()),
            ),
            None => (
                sledai2k::score(&assessments[i], config),
                CourseAtVisit::NoBaselineVisit,
            ),
        };
        let mut egfr = egfrs[i].clone();
        if egfr.estimate.equation.is_some()
            && baseline_equation.is_some()
            && egfr.estimate.equation != baseline_equation
        {
            egfr.for_response = Some(egfr_at(record, visit, baseline_equation).estimate);
        }
        let renal_response = if baseline == Some(i) {
            RenalResponseAtVisit::BaselineVisit
        } else {
            renal_responses(
                visit,
                &upcrs[i],
                &egfr,
                baseline.map(|b| (&upcrs[b], &egfrs[b])),
                rescue[i],
                config,
            )
        };
        let glucocorticoid = history
            .as_ref()
            .map(|h| glucocorticoid_at(h, visits, i, baseline))
            .map_err(Clone::clone);
        out.push(VisitMeasures {
            visit_code: visit.code(),
            visit_date: visit.date(),
            study_day: record
                .infusion_date()
                .map(|day0| (visit.date() - day0).get_days()),
            sledai2k,
            egfr,
            upcr: upcrs[i].clone(),
            renal_response,
            glucocorticoid,
            course,
        });
    }
    out
}

/// The course driver's visit type (sle-activity §0.3); month visits outside the schedule of
/// `course::VisitType` are left untyped.
fn visit_type(code: VisitCode) -> Option<VisitType> {
    Some(match code {
        VisitCode::Baseline => VisitType::Baseline,
        VisitCode::Month(1) => VisitType::M1,
        VisitCode::Month(3) => VisitType::M3,
        VisitCode::Month(6) => VisitType::M6,
        VisitCode::Month(9) => VisitType::M9,
        VisitCode::Month(12) => VisitType::M12,
        VisitCode::Unscheduled => VisitType::Unscheduled,
        VisitCode::Month(_) => return None,
    })
}

/// Rescue therapy or treatment failure up to each visit (renal.md §3.1 "before or at the
/// assessment"; sle-activity §3.2): any recorded `true` since the baseline makes it TRUE; it is
/// FALSE only when every visit since the baseline recorded `false`; otherwise UNKNOWN, which
/// the measures report as missing (never a silent "no").
fn cumulative_rescue(visits: &[RecordedVisit], baseline: Option<usize>) -> Vec<Option<bool>> {
    let mut running = Tri::False;
    visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let recorded = Tri::from_option(v.facts().rescue_or_treatment_failure);
            if baseline == Some(i) {
                return recorded.known();
            }
            running = running.or(recorded);
            running.known()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// SLEDAI-2K inputs: the most abnormal value in the look-back window (sle-activity §1.5)
// ---------------------------------------------------------------------------------------

/// Visit `i`'s SLEDAI-2K inputs: the investigator's answers, and the labs of every
/// observation of the record collected in `[visit − W, visit]` (sle-activity §0.3, §1.5 step
/// 2), the most abnormal value of each.
fn sledai_assessment(
    record: &PatientRecord,
    i: usize,
    config: &MeasureConfig,
) -> Sledai2kAssessment {
    let visit = &record.visits()[i];
    let date = visit.date();
    let start = date
        .checked_sub(i64::from(config.sledai_window_days).days())
        .unwrap_or(Date::MIN);
    let window: Vec<(LabItem, Measured)> = record
        .observations_between(start, date)
        .filter_map(|o| o.measured())
        .collect();
    let levels = |item: LabItem| {
        window.iter().filter_map(move |(i, m)| match m {
            Measured::Level {
                value,
                reference_low,
                reference_high,
            } if *i == item => Some((*value, *reference_low, *reference_high)),
            _ => None,
        })
    };
    let counts = |item: LabItem| {
        window.iter().filter_map(move |(i, m)| match m {
            Measured::Count(n) if *i == item => Some(*n),
            _ => None,
        })
    };
    let finding = |item: LabItem| {
        let mut any = window.iter().filter_map(|(i, m)| match m {
            Measured::Finding(b) if *i == item => Some(Tri::from(*b)),
            _ => None,
        });
        let first = any.next()?;
        Tri::any(std::iter::once(first).chain(any)).known()
    };
    let attributions = visit.facts().attributions;
    let labs = SledaiLabs {
        inflamed_joint_count: counts(LabItem::InflamedJointCount).max(),
        urine_rbc_per_hpf: counts(LabItem::UrineRbcPerHpf).max(),
        hematuria_other_cause: attributions.hematuria_other_cause,
        urine_wbc_per_hpf: counts(LabItem::UrineWbcPerHpf).max(),
        pyuria_infection: attributions.pyuria_infection,
        urine_rbc_or_heme_granular_casts: finding(LabItem::UrineRbcOrHemeGranularCasts),
        urine_protein_24h_g: window
            .iter()
            .filter_map(|(_, m)| match m {
                Measured::UrineProtein24h(p) => Some(p.g_per_day()),
                _ => None,
            })
            .max(),
        urine_protein_creatinine_ratio: window
            .iter()
            .filter_map(|(_, m)| match m {
                Measured::Upcr(r, _) => Some(r.g_per_g()),
                _ => None,
            })
            .max(),
        c3: most_below_lln(levels(LabItem::ComplementC3)),
        c4: most_below_lln(levels(LabItem::ComplementC4)),
        ch50: most_below_lln(levels(LabItem::Ch50)),
        anti_dsdna: most_above_uln(levels(LabItem::AntiDsdna)),
        anti_dsdna_positive: finding(LabItem::AntiDsdnaPositive),
        body_temperature_max_c: levels(LabItem::BodyTemperature).map(|l| l.0).max(),
        fever_infection: attributions.fever_infection,
        platelets: levels(LabItem::Platelets).map(|l| l.0).min(),
        thrombocytopenia_drug: attributions.thrombocytopenia_drug,
        wbc: levels(LabItem::Leukocytes).map(|l| l.0).min(),
        leukopenia_drug: attributions.leukopenia_drug,
    };
    Sledai2kAssessment {
        visit_date: date,
        answers: *visit.sledai_answers(),
        labs,
    }
}

type Level = (Decimal, Option<Decimal>, Option<Decimal>);

/// The most abnormal low result with the LLN of its own report (sle-activity §0.2, §1.5):
/// the lowest `value / LLN`, compared by cross-multiplication. Results without an LLN are
/// used only when none has one (then the descriptor cannot be proposed from it).
fn most_below_lln(levels: impl Iterator<Item = Level>) -> LabWithLimit {
    most_abnormal(
        levels,
        |l| l.1.filter(|lln| *lln > Decimal::ZERO),
        Ordering::Less,
    )
}

/// The most abnormal high result with the ULN of its own report: the highest `value / ULN`.
fn most_above_uln(levels: impl Iterator<Item = Level>) -> LabWithLimit {
    most_abnormal(levels, |l| l.2, Ordering::Greater)
}

fn most_abnormal(
    levels: impl Iterator<Item = Level>,
    limit: impl Fn(&Level) -> Option<Decimal>,
    worse: Ordering,
) -> LabWithLimit {
    let mut best: Option<(Decimal, Option<Decimal>)> = None;
    for level in levels {
        let candidate = (level.0, limit(&level));
        let replace = match (best, candidate) {
            (None, _) | (Some((_, None)), (_, Some(_))) => true,
            (Some((_, Some(_))), (_, None)) => false,
            // a/la vs b/lb ⇔ a·lb vs b·la (limits > 0).
            (Some((b, Some(lb))), (a, Some(la))) => (a * lb).cmp(&(b * la)) == worse,
            (Some((b, None)), (a, None)) => a.cmp(&b) == worse,
        };
        if replace {
            best = Some(candidate);
        }
    }
    best.map_or_else(LabWithLimit::default, |(value, limit)| LabWithLimit {
        value: Some(value),
        limit,
    })
}

// ---------------------------------------------------------------------------------------
// Renal: eGFR, UPCR, response (renal.md §1.6, §2.3, §3)
// ---------------------------------------------------------------------------------------

/// The latest observation of the visit that is `item`, with its date.
fn latest(visit: &RecordedVisit, item: LabItem) -> Option<(Measured, Date)> {
    visit
        .observations()
        .iter()
        .filter_map(|o| o.measured_as(item).map(|m| (m, o.effective())))
        .max_by_key(|(_, date)| *date)
}

/// Height within ± 30 days of the creatinine sample, the closest (renal.md §1.5).
fn height_near(record: &PatientRecord, sample: Date) -> Option<HeightCm> {
    let first = sample.checked_sub(30.days()).unwrap_or(Date::MIN);
    let last = sample.checked_add(30.days()).unwrap_or(Date::MAX);
    record
        .observations_between(first, last)
        .filter_map(|o| match o.measured_as(LabItem::BodyHeight) {
            Some(Measured::Height(h)) => Some((h, o.effective())),
            _ => None,
        })
        .min_by_key(|(_, d)| (*d - sample).get_days().abs())
        .map(|(h, _)| h)
}

/// The visit's eGFR (renal.md §1.6.1) from its latest serum creatinine, the patient's sex and
/// age on the sample date; `equation` forces one (the baseline's, §1.6.2).
fn egfr_at(
    record: &PatientRecord,
    visit: &RecordedVisit,
    equation: Option<EgfrEquation>,
) -> EgfrAtVisit {
    let creatinine = latest(visit, LabItem::SerumCreatinine).and_then(|(m, date)| match m {
        Measured::SerumCreatinine(scr) => Some((scr, date)),
        _ => None,
    });
    let sample = creatinine.map_or(visit.date(), |(_, d)| d);
    let age_years = record.age_on(sample);
    let estimate = egfr::estimate(&EgfrInputs {
        equation,
        sex: record.sex().for_equations(),
        age: age_years.and_then(AgeYears::from_completed_years),
        creatinine: creatinine.map(|(scr, _)| scr),
        height: height_near(record, sample),
        cystatin_c: None,
        race: None,
    });
    EgfrAtVisit {
        estimate,
        creatinine: creatinine.map(|(scr, _)| scr),
        sample_date: creatinine.map(|(_, d)| d),
        age_years,
        for_response: None,
    }
}

/// The visit's UPCR by the preference order of renal.md §2.3; within one kind, the latest.
fn upcr_at(visit: &RecordedVisit) -> UpcrAtVisit {
    let best = visit
        .observations()
        .iter()
        .filter_map(|o| {
            let (source, mg_per_g) = match o.measured()? {
                (_, Measured::Upcr(ratio, specimen)) => {
                    let source = match specimen {
                        UrineSpecimen::Collection24h => UpcrSource::Collection24hRatio,
                        UrineSpecimen::FirstMorningVoid => UpcrSource::FirstMorningVoid,
                        UrineSpecimen::RandomSpot => UpcrSource::RandomSpot,
                        UrineSpecimen::Unknown => UpcrSource::UnknownSpecimen,
                    };
                    (source, ratio.mg_per_g())
                }
                // §2.3: g/day treated numerically as g/g, i.e. × 1000 mg/g.
                (_, Measured::UrineProtein24h(p)) => (
                    UpcrSource::Protein24hAsRatio,
                    p.g_per_day() * Decimal::ONE_THOUSAND,
                ),
                _ => return None,
            };
            Some((source, o.effective(), mg_per_g))
        })
        .min_by_key(|(source, date, _)| (*source, Reverse(*date)));
    match best {
        Some((source, effective, mg_per_g)) => UpcrAtVisit {
            status: Status::Complete,
            mg_per_g: Some(mg_per_g),
            source: Some(source),
            effective: Some(effective),
        },
        None => UpcrAtVisit {
            status: Status::not_evaluable(["upcr"]),
            mg_per_g: None,
            source: None,
            effective: None,
        },
    }
}

/// KDIGO 2024 and EULAR/ERA-EDTA 2019 against the baseline visit (renal.md §3.1–§3.2): UPCR
/// and eGFR of the baseline visit, `rescue` cumulative since the baseline, months from the
/// visit code for the EULAR time targets.
fn renal_responses(
    visit: &RecordedVisit,
    upcr: &UpcrAtVisit,
    egfr: &EgfrAtVisit,
    baseline: Option<(&UpcrAtVisit, &EgfrAtVisit)>,
    rescue: Option<bool>,
    config: &MeasureConfig,
) -> RenalResponseAtVisit {
    let input = ResponseInput {
        upcr_base: baseline.and_then(|(u, _)| u.mg_per_g),
        upcr_cur: upcr.mg_per_g,
        egfr_base: baseline.and_then(|(_, e)| e.estimate.reported),
        egfr_cur: egfr.response_estimate().reported,
        rescue,
        months_since_baseline: match visit.code() {
            VisitCode::Month(m) => Some(u16::from(m)),
            VisitCode::Baseline | VisitCode::Unscheduled => None,
        },
        kidney_failure: visit.facts().kidney_failure,
        ..ResponseInput::default()
    };
    RenalResponseAtVisit::Evaluated {
        kdigo_2024: renal_response::evaluate(ResponseVariant::Kdigo2024, &input, config),
        eular_era_edta_2019: renal_response::evaluate(
            ResponseVariant::EularEraEdta2019,
            &input,
            config,
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Glucocorticoids (sle-activity §8.4–§8.6) and the course driver's visit
// ---------------------------------------------------------------------------------------

fn glucocorticoid_at(
    history: &GlucocorticoidHistory,
    visits: &[RecordedVisit],
    i: usize,
    baseline: Option<usize>,
) -> GlucocorticoidAtVisit {
    let date = visits[i].date();
    let maintenance_pe = history.maintenance_on(date);
    let reduction = if baseline == Some(i) {
        DoseReduction {
            status: Status::not_applicable(BASELINE_VISIT),
            pct_reduction: None,
            ge_50: None,
            ge_90: None,
            gc_free: Some(maintenance_pe.is_zero()),
        }
    } else {
        dose_reduction(
            baseline.map(|b| history.maintenance_on(visits[b].date())),
            Some(maintenance_pe),
        )
    };
    GlucocorticoidAtVisit {
        maintenance_pe,
        pulse_in_lookback: history.pulse_within_lookback(date),
        reduction,
    }
}

/// The reason for a prednisone change since the previous visit (README erratum 16; SFI §2.3
/// step 3): the indication of the systemic glucocorticoid exposures started after the
/// previous visit and up to this one — `sle_activity` if any of them was for SLE activity,
/// else the first one's; `None` when none started.
fn prednisone_change_indication(
    medications: &[MedicationExposure],
    previous: Date,
    date: Date,
) -> Option<ChangeIndication> {
    let mut started = medications.iter().filter(|m| {
        m.agent.glucocorticoid().is_some()
            && m.route.counts_toward_daily_dose()
            && m.period.start() > previous
            && m.period.start() <= date
    });
    let first = started.next()?.indication;
    if first == ChangeIndication::SleActivity
        || started.any(|m| m.indication == ChangeIndication::SleActivity)
    {
        return Some(ChangeIndication::SleActivity);
    }
    Some(first)
}

/// The course driver's visit `i`: the SLEDAI-2K assessment, the visit facts, weight and
/// haemoglobin from the observations, and the glucocorticoid inputs from the medication
/// records (maintenance dose, pulses, reason for a change).
fn course_visit(
    record: &PatientRecord,
    i: usize,
    assessment: Sledai2kAssessment,
    rescue: Option<bool>,
    history: Option<&GlucocorticoidHistory>,
    sle_history: Option<&GlucocorticoidHistory>,
) -> Visit {
    let visits = record.visits();
    let visit = &visits[i];
    let date = visit.date();
    let facts = visit.facts();
    let previous = i.checked_sub(1).map(|p| visits[p].date());
    let mut v = Visit::new(assessment);
    v.visit_type = visit_type(visit.code());
    v.body_weight_kg = latest(visit, LabItem::BodyWeight).and_then(|(m, _)| level_value(m));
    v.hemoglobin_g_dl = visit
        .observations()
        .iter()
        .filter_map(|o| o.measured_as(LabItem::Hemoglobin).and_then(level_value))
        .min();
    v.pga = visit.pga();
    v.prednisone_mg_per_day = history.map(|h| h.maintenance_on(date));
    v.pulse_in_lookback = history.map(|h| h.pulse_within_lookback(date));
    v.pulse_since_previous_for_sle = match (previous, sle_history) {
        (Some(prev), Some(h)) => Some(
            prev.checked_add(1.day())
                .ok()
                .and_then(|first| h.exposure(first, date))
                .is_some_and(|e| e.had_pulse()),
        ),
        _ => None,
    };
    v.prednisone_change_indication =
        previous.and_then(|prev| prednisone_change_indication(record.medications(), prev, date));
    v.sfi_mm2 = facts.sfi_mm2;
    v.sfi_sv2 = facts.sfi_sv2;
    v.nsaid_added_for_sle = facts.nsaid_added_for_sle;
    v.hcq_added_for_sle = facts.hcq_added_for_sle;
    v.new_immunosuppressant_for_sle = facts.new_immunosuppressant_for_sle;
    v.hospitalised_for_sle = facts.hospitalised_for_sle;
    v.bilag = facts.bilag;
    v.hemolytic_anemia_active = facts.hemolytic_anemia_active;
    v.gi_lupus_activity = facts.gi_lupus_activity;
    v.on_investigational_drug = facts.on_investigational_drug;
    v.immunosuppressant_regimen_standard_maintenance =
        facts.immunosuppressant_regimen_standard_maintenance;
    v.immunosuppressant_well_tolerated = facts.immunosuppressant_well_tolerated;
    v.immunosuppressant_started_or_increased_for_sle =
        facts.immunosuppressant_started_or_increased_for_sle;
    v.study_product_received = facts.study_product_received;
    v.treatment_stable = facts.treatment_stable;
    v.treatment_failure = rescue;
    v
}

fn level_value(m: Measured) -> Option<Decimal> {
    match m {
        Measured::Level { value, .. } => Some(value),
        _ => None,
    }
}

/// A synthetic patient with five years of monthly visits, ~30 observations each (issue #3
/// performance case): for the size test and the criterion bench. Not clinical data.
#[doc(hidden)]
pub fn sixty_visit_record() -> PatientRecord {
    use crate::measures::glucocorticoid::{Route, Schedule};
    use crate::measures::sledai2k::{InvestigatorAnswer, ItemState};
    use crate::record::medication::{ExposurePeriod, MedIndication, MedicationAgent, parse_dose};
    use crate::record::observation::{
        Observation, ObservationReport, ObservationSource, ObservationValue,
    };
    use crate::record::patient::{BirthMonth, StudyCode};
    use crate::record::visit::VisitFacts;
    use crate::sex::RecordedSex;

    let day0 = Date::constant(2020, 1, 6);
    let labs: [(&str, &str, i64, Option<UrineSpecimen>); 10] = [
        ("2160-0", "mg/dL", 90, None),
        (
            "2890-2",
            "mg/g",
            300_000,
            Some(UrineSpecimen::FirstMorningVoid),
        ),
        ("2889-4", "g/(24.h)", 200, None),
        ("4485-9", "g/L", 80, None),
        ("4498-2", "g/L", 15, None),
        ("5130-0", "[IU]/mL", 4000, None),
        ("777-3", "10*9/L", 20_000, None),
        ("6690-2", "10*9/L", 500, None),
        ("718-7", "g/dL", 1200, None),
        ("29463-7", "kg", 6500, None),
    ];
    let visits = (0..60u8)
        .map(|m| {
            let date = day0
                .checked_add(jiff::Span::new().months(i64::from(m)))
                .expect("in range");
            let observations = (0..30)
                .map(|k| {
                    let (code, unit, hundredths, specimen) = labs[k % labs.len()];
                    let value = Decimal::new(hundredths + i64::from(m) + k as i64, 2);
                    let effective = date
                        .checked_sub(jiff::Span::new().days((k / 10) as i64))
                        .expect("in range");
                    Observation::parse(ObservationReport {
                        code_system: "http://loinc.org".to_owned(),
                        code: code.to_owned(),
                        value: ObservationValue::Quantity(value),
                        unit: Some(unit.to_owned()),
                        reference_low: Some(Decimal::new(hundredths / 2, 2)),
                        reference_high: Some(Decimal::new(hundredths * 2, 2)),
                        effective,
                        specimen,
                        source: ObservationSource::Form,
                    })
                    .expect("valid synthetic observation")
                })
                .collect();
            let mut answers = [InvestigatorAnswer::default(); 24];
            for a in &mut answers {
                a.state = Some(ItemState::Absent);
            }
            let code = if m == 0 {
                VisitCode::Baseline
            } else {
                VisitCode::Month(m)
            };
            RecordedVisit::new(
                code,
                date,
                observations,
                answers,
                None,
                VisitFacts {
                    rescue_or_treatment_failure: Some(false),
                    ..VisitFacts::default()
                },
            )
            .expect("valid synthetic visit")
        })
        .collect();
    let medications = (0..12)
        .map(|k| MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(Decimal::from(20 - k), "mg").expect("valid"),
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(
                day0.checked_add(jiff::Span::new().months(5 * k))
                    .expect("in range"),
                day0.checked_add(jiff::Span::new().months(5 * k + 5))
                    .and_then(|next| next.checked_sub(jiff::Span::new().days(1)))
                    .ok(),
            )
            .expect("valid period"),
            indication: MedIndication::Protocol,
        })
        .collect();
    PatientRecord::new(
        StudyCode::parse("PERF-060").expect("valid"),
        RecordedSex::Female,
        BirthMonth::new(1985, 6).expect("valid"),
        day0,
        Some(day0),
        visits,
        medications,
    )
    .expect("valid synthetic record")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::glucocorticoid::{Route, Schedule};
    use crate::measures::pga::Pga;
    use crate::measures::renal_response::RenalResponse;
    use crate::measures::sledai2k::{Descriptor, InvestigatorAnswer, ItemState};
    use crate::record::medication::{ExposurePeriod, MedIndication, MedicationAgent, parse_dose};
    use crate::record::observation::{
        Observation, ObservationReport, ObservationSource, ObservationValue,
    };
    use crate::record::patient::{BirthMonth, StudyCode};
    use crate::record::visit::VisitFacts;
    use crate::sex::RecordedSex;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn obs(
        code: &str,
        value: Decimal,
        unit: &str,
        on: Date,
        range: (Option<Decimal>, Option<Decimal>),
        specimen: Option<UrineSpecimen>,
    ) -> Observation {
        Observation::parse(ObservationReport {
            code_system: "http://loinc.org".to_owned(),
            code: code.to_owned(),
            value: ObservationValue::Quantity(value),
            unit: Some(unit.to_owned()),
            reference_low: range.0,
            reference_high: range.1,
            effective: on,
            specimen,
            source: ObservationSource::Form,
        })
        .expect("valid test observation")
    }

    fn lab(code: &str, value: Decimal, unit: &str, on: Date) -> Observation {
        obs(code, value, unit, on, (None, None), None)
    }

    fn upcr(mg_g: Decimal, specimen: UrineSpecimen, on: Date) -> Observation {
        obs("2890-2", mg_g, "mg/g", on, (None, None), Some(specimen))
    }

    fn joints(n: u16, on: Date) -> Observation {
        Observation::parse(ObservationReport {
            code_system: "urn:sledger".to_owned(),
            code: "inflamed_joint_count".to_owned(),
            value: ObservationValue::Quantity(Decimal::from(n)),
            unit: None,
            reference_low: None,
            reference_high: None,
            effective: on,
            specimen: None,
            source: ObservationSource::Form,
        })
        .expect("valid joint count")
    }

    /// Every descriptor answered absent except those the labs decide (§1.8 "any descriptor
    /// not listed is absent").
    fn answers_absent_except(lab_decided: &[Descriptor]) -> [InvestigatorAnswer; 24] {
        let mut answers = [InvestigatorAnswer::default(); 24];
        for d in Descriptor::ALL {
            if !lab_decided.contains(&d) {
                answers[d.index()].state = Some(ItemState::Absent);
            }
        }
        answers
    }

    fn facts(rescue: bool) -> VisitFacts {
        VisitFacts {
            rescue_or_treatment_failure: Some(rescue),
            ..VisitFacts::default()
        }
    }

    fn visit(code: VisitCode, on: Date, observations: Vec<Observation>) -> RecordedVisit {
        RecordedVisit::new(
            code,
            on,
            observations,
            answers_absent_except(&[
                Descriptor::Arthritis,
                Descriptor::Proteinuria,
                Descriptor::LowComplement,
                Descriptor::IncreasedDnaBinding,
            ]),
            Some(Pga::from_hundredths(100).expect("valid")),
            facts(false),
        )
        .expect("valid visit")
    }

    fn prednisone(mg: Decimal, start: Date, end: Option<Date>) -> MedicationExposure {
        MedicationExposure {
            agent: MedicationAgent::Prednisone,
            dose: parse_dose(mg, "mg").expect("valid dose"),
            route: Route::Oral,
            schedule: Schedule::Daily,
            period: ExposurePeriod::new(start, end).expect("valid period"),
            indication: MedIndication::Protocol,
        }
    }

    fn record(
        sex: RecordedSex,
        birth: (i16, i8),
        visits: Vec<RecordedVisit>,
        medications: Vec<MedicationExposure>,
    ) -> PatientRecord {
        let first = visits
            .iter()
            .map(RecordedVisit::date)
            .min()
            .unwrap_or(date(2025, 1, 1));
        PatientRecord::new(
            StudyCode::parse("VLL-001").expect("valid"),
            sex,
            BirthMonth::new(birth.0, birth.1).expect("valid"),
            first,
            Some(first),
            visits,
            medications,
        )
        .expect("valid record")
    }

    const BASE: Date = date(2025, 1, 6);
    const M1: Date = date(2025, 2, 6);
    const M3: Date = date(2025, 4, 7);

    /// The three-visit patient, every number by hand from the spec's vectors:
    /// man born November 1969 (55 at every visit);
    /// baseline: Scr 1.04 mg/dL → CKD-EPI 2021 84.80 → 85; UPCR 3200 mg/g on a 24-h collection
    /// (with 24-h protein 3.20 g, lower in the §2.3 order); the SLEDAI labs of vector S3
    /// (3 joints, C3 0.62 < LLN 0.90 g/L, C4 0.08 < 0.10, anti-dsDNA 120 > ULN 30, proteinuria)
    /// → 12; prednisone 20 mg/day;
    /// m1: Scr 106.08 µmol/L (14682-9) = 1.2 mg/dL → 71 (E1, E8); random spot UPCR 1500;
    /// 71 < 0.85 × 85 → KDIGO none, 71 < 76.5 → EULAR none;
    /// m3: Scr 1.01 mg/dL → 87.83 → 88; first-morning UPCR 400: vector R1 (3200 → 400,
    /// 85 → 88) → KDIGO complete, EULAR complete; C3 95 mg/dL (LLN 90), C4 20 (LLN 10),
    /// anti-dsDNA 20 (ULN 30), 0 joints, no CH50 → SLEDAI-2K 0–2 (erratum 5); prednisone 4 mg/day from m1+1 → 80 %
    /// (G8: ge_50, not ge_90).
    fn three_visit_patient() -> PatientRecord {
        let baseline = visit(
            VisitCode::Baseline,
            BASE,
            vec![
                lab("2160-0", dec!(1.04), "mg/dL", BASE),
                upcr(dec!(3200), UrineSpecimen::Collection24h, BASE),
                lab("2889-4", dec!(3.20), "g/(24.h)", BASE),
                joints(3, BASE),
                obs(
                    "4485-9",
                    dec!(0.62),
                    "g/L",
                    BASE,
                    (Some(dec!(0.90)), None),
                    None,
                ),
                obs(
                    "4498-2",
                    dec!(0.08),
                    "g/L",
                    BASE,
                    (Some(dec!(0.10)), None),
                    None,
                ),
                obs(
                    "5130-0",
                    dec!(120),
                    "[IU]/mL",
                    BASE,
                    (None, Some(dec!(30))),
                    None,
                ),
            ],
        );
        let m1 = visit(
            VisitCode::Month(1),
            M1,
            vec![
                lab("14682-9", dec!(106.08), "umol/L", M1),
                upcr(dec!(1500), UrineSpecimen::RandomSpot, M1),
            ],
        );
        let m3 = visit(
            VisitCode::Month(3),
            M3,
            vec![
                lab("2160-0", dec!(1.01), "mg/dL", M3),
                upcr(dec!(400), UrineSpecimen::FirstMorningVoid, M3),
                joints(0, M3),
                obs(
                    "4485-9",
                    dec!(95),
                    "mg/dL",
                    M3,
                    (Some(dec!(90)), None),
                    None,
                ),
                obs(
                    "4498-2",
                    dec!(20),
                    "mg/dL",
                    M3,
                    (Some(dec!(10)), None),
                    None,
                ),
                obs(
                    "5130-0",
                    dec!(20),
                    "[IU]/mL",
                    M3,
                    (None, Some(dec!(30))),
                    None,
                ),
            ],
        );
        record(
            RecordedSex::Male,
            (1969, 11),
            vec![m3, baseline, m1],
            vec![
                prednisone(dec!(20), date(2024, 12, 1), Some(M1)),
                prednisone(dec!(4), date(2025, 2, 7), None),
            ],
        )
    }

    fn responses(m: &VisitMeasures) -> (&ResponseResult, &ResponseResult) {
        match &m.renal_response {
            RenalResponseAtVisit::Evaluated {
                kdigo_2024,
                eular_era_edta_2019,
            } => (kdigo_2024, eular_era_edta_2019),
            RenalResponseAtVisit::BaselineVisit => panic!("{:?} is the baseline", m.visit_code),
        }
    }

    #[test]
    fn three_visit_patient_by_hand() {
        let config = MeasureConfig::default();
        let out = visit_measures(&three_visit_patient(), &config);
        assert_eq!(out.len(), 3);
        let [base, m1, m3] = [&out[0], &out[1], &out[2]];
        assert_eq!(
            [base.visit_code, m1.visit_code, m3.visit_code],
            [
                VisitCode::Baseline,
                VisitCode::Month(1),
                VisitCode::Month(3)
            ],
            "visits in date order"
        );
        assert_eq!([base.study_day, m3.study_day], [Some(0), Some(91)]);

        // eGFR (renal.md §1.2): E1/E8 at m1.
        let egfr = |m: &VisitMeasures| m.egfr.estimate.reported;
        assert_eq!(
            [egfr(base), egfr(m1), egfr(m3)],
            [Some(85), Some(71), Some(88)]
        );
        assert_eq!(m1.egfr.age_years, Some(55));
        assert_eq!(m1.egfr.creatinine.map(|s| s.mg_dl()), Some(dec!(1.2)));
        assert_eq!(m1.egfr.estimate.equation, Some(EgfrEquation::CkdEpi2021Cr));
        assert_eq!(m1.egfr.for_response, None, "same equation as the baseline");

        // UPCR (renal.md §2.3): the 24-h collection ratio beats the 24-h protein.
        assert_eq!(base.upcr.mg_per_g, Some(dec!(3200)));
        assert_eq!(base.upcr.source, Some(UpcrSource::Collection24hRatio));
        assert_eq!(m1.upcr.source, Some(UpcrSource::RandomSpot));
        assert!(m1.upcr.source.is_some_and(UpcrSource::is_flagged));
        assert_eq!(m3.upcr.mg_per_g, Some(dec!(400)));

        // Renal response (renal.md §3.5 R1 at m3).
        assert_eq!(base.renal_response, RenalResponseAtVisit::BaselineVisit);
        let (kdigo, eular) = responses(m1);
        assert_eq!(
            (kdigo.response, eular.response),
            (RenalResponse::None, RenalResponse::None),
            "m1: 71 < 72.25 and < 76.5"
        );
        let (kdigo, eular) = responses(m3);
        assert_eq!(kdigo.response, RenalResponse::Complete, "R1 KDIGO");
        assert_eq!(kdigo.status, Status::Complete);
        assert_eq!(eular.response, RenalResponse::Complete, "R1 EULAR");

        // SLEDAI-2K (sle-activity §1.8 S3 pattern at baseline). At m3 C3 and C4 are normal but
        // CH50 was not measured: low complement is not_assessed (README erratum 5), 0–2.
        let total = |m: &VisitMeasures| m.sledai2k.as_ref().expect("scored").total();
        assert_eq!(total(base), Some(12), "S3: 4 + 4 + 2 + 2");
        assert_eq!(
            base.sledai2k.as_ref().expect("scored").clinical_bounds(),
            (8, 8)
        );
        assert_eq!(total(m3), None);
        assert_eq!(m3.sledai2k.as_ref().expect("scored").bounds(), (0, 2));

        // Glucocorticoids (sle-activity §8.7 G8): 20 → 4 mg/day = 80 %.
        let gc = |m: &VisitMeasures| m.glucocorticoid.clone().expect("valid config");
        assert_eq!(gc(base).maintenance_pe.mg(), dec!(20));
        assert_eq!(
            gc(base).reduction.status,
            Status::not_applicable(BASELINE_VISIT)
        );
        assert_eq!(
            gc(m1).maintenance_pe.mg(),
            dec!(20),
            "20 mg runs to m1 inclusive"
        );
        assert_eq!(gc(m3).maintenance_pe.mg(), dec!(4));
        let r = gc(m3).reduction;
        assert_eq!(r.pct_reduction, Some(dec!(80)));
        assert_eq!(
            (r.ge_50, r.ge_90, r.gc_free),
            (Some(true), Some(false), Some(false))
        );

        // The course ran with the same SLEDAI scores and the dose from the medications.
        let CourseAtVisit::Evaluated(course) = &m3.course else {
            panic!("course not evaluated: {:?}", m3.course);
        };
        assert_eq!(course.sledai.bounds(), (0, 2));
        assert_eq!(course.gc.maintenance_pe.map(|p| p.mg()), Some(dec!(4)));
        assert_eq!(course.gc.reduction.pct_reduction, Some(dec!(80)));
        assert_eq!(course.previous, Some(1));
    }

    /// renal.md §2.3: 24-h collection UPCR → 24-h protein (as g/g) → first-morning → random
    /// spot (→ unknown specimen, our addition); the latest of the best kind.
    #[test]
    fn upcr_preference_order() {
        let on = date(2025, 3, 10);
        let all = [
            upcr(dec!(950), UrineSpecimen::Unknown, on),
            upcr(dec!(900), UrineSpecimen::RandomSpot, on),
            upcr(dec!(700), UrineSpecimen::FirstMorningVoid, on),
            lab("2889-4", dec!(1100), "mg/(24.h)", on),
            upcr(dec!(1000), UrineSpecimen::Collection24h, on),
        ];
        let expected = [
            (dec!(1000), UpcrSource::Collection24hRatio),
            (dec!(1100), UpcrSource::Protein24hAsRatio),
            (dec!(700), UpcrSource::FirstMorningVoid),
            (dec!(900), UpcrSource::RandomSpot),
            (dec!(950), UpcrSource::UnknownSpecimen),
        ];
        for (dropped, (mg_g, source)) in expected.into_iter().enumerate() {
            let kept = all[..all.len() - dropped].to_vec();
            let u = upcr_at(&visit(VisitCode::Month(3), on, kept));
            assert_eq!(
                (u.mg_per_g, u.source),
                (Some(mg_g), Some(source)),
                "{dropped} dropped"
            );
        }
        let later = date(2025, 3, 12);
        let u = upcr_at(&visit(
            VisitCode::Month(3),
            on,
            vec![
                upcr(dec!(800), UrineSpecimen::RandomSpot, on),
                upcr(dec!(600), UrineSpecimen::RandomSpot, later),
            ],
        ));
        assert_eq!((u.mg_per_g, u.effective), (Some(dec!(600)), Some(later)));
        let none = upcr_at(&visit(VisitCode::Month(3), on, vec![]));
        assert_eq!(none.status, Status::not_evaluable(["upcr"]));
    }

    /// A woman born March 2007 is 17 until 30 March 2025 and 18 from 31 March (last day of the
    /// birth month): bedside Schwartz at baseline (160 cm, 0.6 mg/dL → 110.13 → 110, renal.md
    /// §1.5), CKD-EPI 2021 afterwards (F 18, 0.6 → 133.35 → 133), and the response keeps the
    /// baseline's Schwartz (§1.6.2), flagged as a pediatric equation at an adult age.
    #[test]
    fn age_around_the_18th_birthday_selects_the_equation() {
        let base = date(2025, 3, 30);
        let m1 = date(2025, 4, 28);
        let r = record(
            RecordedSex::Female,
            (2007, 3),
            vec![
                visit(
                    VisitCode::Baseline,
                    base,
                    vec![
                        lab("2160-0", dec!(0.6), "mg/dL", base),
                        lab("8302-2", dec!(1.60), "m", base),
                    ],
                ),
                visit(
                    VisitCode::Month(1),
                    m1,
                    vec![lab("2160-0", dec!(0.6), "mg/dL", m1)],
                ),
            ],
            vec![],
        );
        let out = visit_measures(&r, &MeasureConfig::default());
        assert_eq!(out[0].egfr.age_years, Some(17));
        assert_eq!(
            out[0].egfr.estimate.equation,
            Some(EgfrEquation::SchwartzBedside)
        );
        assert_eq!(out[0].egfr.estimate.reported, Some(110));
        assert_eq!(out[1].egfr.age_years, Some(18));
        assert_eq!(
            out[1].egfr.estimate.equation,
            Some(EgfrEquation::CkdEpi2021Cr)
        );
        assert_eq!(out[1].egfr.estimate.reported, Some(133));
        let kept = out[1]
            .egfr
            .for_response
            .as_ref()
            .expect("baseline equation kept");
        assert_eq!(kept.equation, Some(EgfrEquation::SchwartzBedside));
        assert_eq!(kept.reported, Some(110));
        assert!(
            kept.flags
                .contains(&egfr::EgfrFlag::AdultAgePediatricEquation)
        );

        // One day earlier the same woman is 17: under 18 CKD-EPI is never chosen.
        let r = record(
            RecordedSex::Female,
            (2007, 3),
            vec![visit(
                VisitCode::Baseline,
                date(2025, 3, 30),
                vec![lab("2160-0", dec!(0.6), "mg/dL", date(2025, 3, 30))],
            )],
            vec![],
        );
        let out = visit_measures(&r, &MeasureConfig::default());
        assert_eq!(
            out[0].egfr.estimate.status,
            Status::not_evaluable(["height_cm"]),
            "Schwartz needs a height"
        );
    }

    /// README erratum 7: without a baseline UPCR the reduction is undefined, so a current UPCR
    /// that misses the complete threshold leaves the response not evaluable naming upcr_base;
    /// without any baseline visit the baseline eGFR is missing too.
    #[test]
    fn missing_baseline_makes_the_response_not_evaluable() {
        let config = MeasureConfig::default();
        let base = visit(
            VisitCode::Baseline,
            BASE,
            vec![lab("2160-0", dec!(1.04), "mg/dL", BASE)],
        );
        let m3 = || {
            visit(
                VisitCode::Month(3),
                M3,
                vec![
                    lab("2160-0", dec!(1.01), "mg/dL", M3),
                    upcr(dec!(600), UrineSpecimen::FirstMorningVoid, M3),
                ],
            )
        };
        let out = visit_measures(
            &record(RecordedSex::Male, (1969, 11), vec![base, m3()], vec![]),
            &config,
        );
        let (kdigo, eular) = responses(&out[1]);
        assert_eq!(kdigo.response, RenalResponse::NotEvaluable);
        assert_eq!(kdigo.status, Status::not_evaluable(["upcr_base"]));
        assert_eq!(eular.status, Status::not_evaluable(["upcr_base"]));

        let out = visit_measures(
            &record(RecordedSex::Male, (1969, 11), vec![m3()], vec![]),
            &config,
        );
        let (kdigo, _) = responses(&out[0]);
        assert_eq!(kdigo.status, Status::not_evaluable(["egfr_base"]));
        assert_eq!(out[0].course, CourseAtVisit::NoBaselineVisit);
        assert!(out[0].sledai2k.is_ok(), "SLEDAI-2K needs no baseline");
        let gc = out[0].glucocorticoid.as_ref().expect("valid config");
        assert_eq!(
            gc.reduction.status,
            Status::not_evaluable(["baseline_pe_mg"])
        );
    }

    /// renal.md §3.1: rescue is cumulative from the baseline; a visit that did not record it
    /// leaves every later response not evaluable unless a later visit records a rescue.
    #[test]
    fn rescue_accumulates_since_baseline() {
        let mut visits = three_visit_patient().visits().to_vec();
        let v = |code, date, rescue: Option<bool>| {
            RecordedVisit::new(
                code,
                date,
                vec![],
                [InvestigatorAnswer::default(); 24],
                None,
                VisitFacts {
                    rescue_or_treatment_failure: rescue,
                    ..VisitFacts::default()
                },
            )
            .expect("valid")
        };
        visits.push(v(VisitCode::Month(6), date(2025, 7, 7), Some(true)));
        visits.push(v(VisitCode::Month(9), date(2025, 10, 6), Some(false)));
        assert_eq!(
            cumulative_rescue(&visits, Some(0)),
            [
                Some(false),
                Some(false),
                Some(false),
                Some(true),
                Some(true)
            ]
        );
        visits[1] = v(VisitCode::Month(1), M1, None);
        visits[3] = v(VisitCode::Month(6), date(2025, 7, 7), Some(false));
        assert_eq!(
            cumulative_rescue(&visits, Some(0)),
            [Some(false), None, None, None, None]
        );
    }

    /// sle-activity §1.5 step 2: the most abnormal value in the window, judged against the
    /// limit printed on its own report; day −10 is in the window, day −11 is not.
    #[test]
    fn most_abnormal_lab_in_the_window() {
        let on = date(2025, 3, 10);
        let d10 = date(2025, 2, 28);
        let d11 = date(2025, 2, 27);
        let earlier = visit(
            VisitCode::Unscheduled,
            d10,
            vec![
                // 0.80 / 0.90 = 0.889 of LLN: less abnormal than 0.70 / 0.85 = 0.824.
                obs(
                    "4485-9",
                    dec!(0.80),
                    "g/L",
                    d10,
                    (Some(dec!(0.90)), None),
                    None,
                ),
                lab("777-3", dec!(95), "10*9/L", d10),
            ],
        );
        let outside = visit(
            VisitCode::Baseline,
            d11,
            vec![lab("777-3", dec!(50), "10*9/L", d11)],
        );
        let current = visit(
            VisitCode::Month(3),
            on,
            vec![
                obs(
                    "4485-9",
                    dec!(0.70),
                    "g/L",
                    on,
                    (Some(dec!(0.85)), None),
                    None,
                ),
                lab("777-3", dec!(120), "10*9/L", on),
                obs(
                    "5130-0",
                    dec!(40),
                    "[IU]/mL",
                    on,
                    (None, Some(dec!(30))),
                    None,
                ),
                obs(
                    "5130-0",
                    dec!(90),
                    "[IU]/mL",
                    on,
                    (None, Some(dec!(100))),
                    None,
                ),
            ],
        );
        let r = record(
            RecordedSex::Female,
            (1980, 5),
            vec![outside, earlier, current],
            vec![],
        );
        let labs = sledai_assessment(&r, 2, &MeasureConfig::default()).labs;
        assert_eq!(
            labs.c3,
            LabWithLimit {
                value: Some(dec!(0.70)),
                limit: Some(dec!(0.85))
            }
        );
        assert_eq!(
            labs.platelets,
            Some(dec!(95)),
            "day −10 in, day −11 (50) out"
        );
        assert_eq!(
            labs.anti_dsdna,
            LabWithLimit {
                value: Some(dec!(40)),
                limit: Some(dec!(30))
            },
            "40/30 > 90/100"
        );
        assert_eq!(labs.wbc, None);
    }

    #[test]
    fn record_refuses_a_late_baseline_and_duplicate_visits() {
        let err = PatientRecord::new(
            StudyCode::parse("X").expect("valid"),
            RecordedSex::Male,
            BirthMonth::new(1970, 1).expect("valid"),
            BASE,
            None,
            vec![
                visit(VisitCode::Month(1), BASE, vec![]),
                visit(VisitCode::Baseline, M1, vec![]),
            ],
            vec![],
        )
        .expect_err("baseline after m1");
        assert_eq!(err.field, "visits[1].visit_code");
        let err = PatientRecord::new(
            StudyCode::parse("X").expect("valid"),
            RecordedSex::Male,
            BirthMonth::new(1970, 1).expect("valid"),
            BASE,
            None,
            vec![
                visit(VisitCode::Month(1), M1, vec![]),
                visit(VisitCode::Month(1), M3, vec![]),
            ],
            vec![],
        )
        .expect_err("m1 twice");
        assert_eq!(err.field, "visits[1].visit_code");
    }

    /// Five years of monthly visits with 30 observations each (issue #3: `patient show` in
    /// < 20 ms): every visit gets every measure; the work is linear in the visits except the
    /// course driver's own look-backs.
    #[test]
    fn sixty_visit_record_is_derived_completely() {
        let r = sixty_visit_record();
        let out = visit_measures(&r, &MeasureConfig::default());
        assert_eq!(out.len(), 60);
        for m in &out[1..] {
            let (kdigo, _) = responses(m);
            assert!(
                kdigo.status.is_complete(),
                "{:?}: {:?}",
                m.visit_code,
                kdigo.status
            );
            assert!(m.egfr.estimate.reported.is_some());
            assert!(matches!(m.course, CourseAtVisit::Evaluated(_)));
        }
    }
}
