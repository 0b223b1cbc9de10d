//! A patient's course: every longitudinal measure at every visit (sle-activity §0.3, §10).
//!
//! Given the visits in date order, baseline first, each visit is compared with
//!
//! * the **previous assessment** (§0.3: the most recent earlier visit of any type with a
//!   SLEDAI-2K assessment, its bounds used if incomplete) for the SLEDAI-based flare (§2.4),
//!   the SELENA flare index (§2.1–2.3) and LLDAS item 2 (§4.3), and DORIS stability (§5.3);
//! * the **baseline** (§0.3: the protocol's pre-treatment assessment, `visits[0]`) for SRI and
//!   mSRI (§3) and the glucocorticoid dose reduction (§8.6).
//!
//! The comparisons are independent: a visit can be an mSRI responder against baseline and a
//! flare against the previous visit at once (§10.1, m9). Each visit is scored once; the
//! driver keeps one `Vec` of scores and one of results.

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::MeasureConfig;
use crate::measures::doris::{Doris, DorisInput, TherapyChanges, doris};
use crate::measures::dose_reduction::{DoseReduction, dose_reduction};
use crate::measures::glucocorticoid::PrednisoneEquivalent;
use crate::measures::lldas::{ActivityFindings, Lldas, LldasInput, lldas};
use crate::measures::pga::Pga;
use crate::measures::sfi::{
    ChangeIndication, NewImmunosuppressant, Sfi, SfiCurrent, SfiPrevious, sfi,
};
use crate::measures::sledai_flare::{ScoreBounds, SledaiFlare, sledai_flare};
use crate::measures::sledai2k::{self, ItemState, OrganSystem, Sledai2kAssessment, Sledai2kScore};
use crate::measures::sri::{self, BASELINE, BASELINE_VISIT, BilagGrades, SriOutcome, SriVisit};
use crate::{InputError, Status};

/// The protocol visit (sle-activity §0.3, §9.1; `m12` added by the randomized trial, DESIGN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitType {
    Baseline,
    M1,
    M3,
    M6,
    M9,
    M12,
    Unscheduled,
}

/// Body weight is carried forward for the SFI dose per kg if at most this old (§2.2 [C]).
pub const WEIGHT_CARRY_FORWARD_DAYS: i64 = 90;

/// Everything recorded at one visit that the longitudinal measures use (sle-activity §9.1,
/// §9.4, §9.5, README erratum 16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub visit_type: Option<VisitType>,
    /// The SLEDAI-2K inputs, including the visit date.
    pub sledai: Sledai2kAssessment,
    /// kg (20–250).
    pub body_weight_kg: Option<Decimal>,
    pub pga: Option<Pga>,
    /// Maintenance prednisone-equivalent dose, mg/day (§8.4; erratum 16).
    pub prednisone_mg_per_day: Option<PrednisoneEquivalent>,
    pub pulse_in_lookback: Option<bool>,
    pub pulse_since_previous_for_sle: Option<bool>,
    pub prednisone_change_indication: Option<ChangeIndication>,
    /// g/dL.
    pub hemoglobin_g_dl: Option<Decimal>,
    /// MM2 flags in [`crate::measures::sfi::MM2_FLAGS`] order.
    pub sfi_mm2: [Option<bool>; 10],
    /// SV2 flags in [`crate::measures::sfi::SV2_FLAGS`] order.
    pub sfi_sv2: [Option<bool>; 6],
    pub nsaid_added_for_sle: Option<bool>,
    pub hcq_added_for_sle: Option<bool>,
    pub new_immunosuppressant_for_sle: Option<NewImmunosuppressant>,
    pub hospitalised_for_sle: Option<bool>,
    pub bilag: BilagGrades,
    pub hemolytic_anemia_active: Option<bool>,
    pub gi_lupus_activity: Option<bool>,
    pub on_investigational_drug: Option<bool>,
    pub immunosuppressant_regimen_standard_maintenance: Option<bool>,
    pub immunosuppressant_well_tolerated: Option<bool>,
    pub immunosuppressant_started_or_increased_for_sle: Option<bool>,
    pub study_product_received: Option<bool>,
    pub treatment_stable: Option<bool>,
    pub treatment_failure: Option<bool>,
}

impl Visit {
    /// A visit with only its SLEDAI-2K inputs; everything else unrecorded.
    pub fn new(sledai: Sledai2kAssessment) -> Visit {
        Visit {
            visit_type: None,
            sledai,
            body_weight_kg: None,
            pga: None,
            prednisone_mg_per_day: None,
            pulse_in_lookback: None,
            pulse_since_previous_for_sle: None,
            prednisone_change_indication: None,
            hemoglobin_g_dl: None,
            sfi_mm2: [None; 10],
            sfi_sv2: [None; 6],
            nsaid_added_for_sle: None,
            hcq_added_for_sle: None,
            new_immunosuppressant_for_sle: None,
            hospitalised_for_sle: None,
            bilag: [None; 9],
            hemolytic_anemia_active: None,
            gi_lupus_activity: None,
            on_investigational_drug: None,
            immunosuppressant_regimen_standard_maintenance: None,
            immunosuppressant_well_tolerated: None,
            immunosuppressant_started_or_increased_for_sle: None,
            study_product_received: None,
            treatment_stable: None,
            treatment_failure: None,
        }
    }

    fn date(&self) -> Date {
        self.sledai.visit_date
    }
}

/// The glucocorticoid block of a visit (sle-activity §8.4–§8.6, §10 `gc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcAtVisit {
    pub maintenance_pe: Option<PrednisoneEquivalent>,
    pub pulse_in_lookback: Option<bool>,
    /// Reduction from baseline (§8.6); `not_applicable` (`baseline_visit`) on the baseline row.
    pub reduction: DoseReduction,
}

/// Every measure at one visit (sle-activity §10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitResult {
    /// Index of the previous assessment used (§0.3), if any.
    pub previous: Option<usize>,
    pub sledai: Sledai2kScore,
    pub sledai_flare: SledaiFlare,
    pub sfi: Sfi,
    pub sri: SriOutcome,
    pub lldas: Lldas,
    pub doris: Doris,
    pub gc: GcAtVisit,
}

/// Prefixes a visit's field name with its position: `visits[3].pga_hundredths`.
fn at(i: usize, e: InputError) -> InputError {
    InputError {
        field: format!("visits[{i}].{}", e.field).into(),
        ..e
    }
}

/// Whether a scored visit holds a SLEDAI-2K assessment at all (§0.3: the previous assessment
/// is the latest visit "that has a SLEDAI-2K assessment").
fn has_assessment(score: &Sledai2kScore) -> bool {
    score.states.iter().any(|s| *s != ItemState::NotAssessed)
}

/// Names of not-assessed descriptors of one visit, with a prefix.
fn unassessed(score: &Sledai2kScore, prefix: &str, selena: bool) -> impl Iterator<Item = String> {
    let states = if selena {
        score.selena_states
    } else {
        score.states
    };
    sledai2k::Descriptor::ALL
        .into_iter()
        .filter(move |d| states[d.index()] == ItemState::NotAssessed)
        .map(move |d| format!("{prefix}sledai_{}", d.name()))
}

fn unassessed_pair(
    previous: &Sledai2kScore,
    current: &Sledai2kScore,
    prefix: &str,
    selena: bool,
) -> Vec<String> {
    unassessed(current, "", selena)
        .chain(unassessed(previous, prefix, selena))
        .collect()
}

/// Computes every longitudinal measure at every visit (sle-activity §0.3, §10).
///
/// `visits[0]` is the baseline: a `visit_type` other than `baseline` there, or `baseline` at
/// a later position, is refused, as are dates that go back in time (`visits[i].visit_date`).
/// Same-date visits keep their input order (§0.3: ties are ordered by timestamp, then id — the
/// caller passes them in that order).
pub fn course(visits: &[Visit], config: &MeasureConfig) -> Result<Vec<VisitResult>, InputError> {
    for (i, v) in visits.iter().enumerate() {
        match (i, v.visit_type) {
            (0, Some(t)) if t != VisitType::Baseline => {
                return Err(InputError::new(
                    "visits[0].visit_type",
                    "not baseline",
                    "the first visit must be the baseline (sle-activity §0.3)",
                ));
            }
            (i, Some(VisitType::Baseline)) if i > 0 => {
                return Err(at(
                    i,
                    InputError::new(
                        "visit_type",
                        "baseline",
                        "only the first visit can be the baseline (sle-activity §0.3)",
                    ),
                ));
            }
            _ => {}
        }
        if i > 0 && v.date() < visits[i - 1].date() {
            return Err(at(
                i,
                InputError::new(
                    "visit_date",
                    v.date(),
                    "visits must be in ascending date order, baseline first (sle-activity §0.3)",
                ),
            ));
        }
    }
    let scores = visits
        .iter()
        .enumerate()
        .map(|(i, v)| sledai2k::score(&v.sledai, config).map_err(|e| at(i, e)))
        .collect::<Result<Vec<_>, _>>()?;

    let mut results = Vec::with_capacity(visits.len());
    for (i, (visit, score)) in visits.iter().zip(&scores).enumerate() {
        let previous = (0..i).rev().find(|&j| has_assessment(&scores[j]));
        results.push(visit_result(
            visits, &scores, i, previous, visit, score, config,
        ));
    }
    Ok(results)
}

fn visit_result(
    visits: &[Visit],
    scores: &[Sledai2kScore],
    i: usize,
    previous: Option<usize>,
    visit: &Visit,
    score: &Sledai2kScore,
    config: &MeasureConfig,
) -> VisitResult {
    let prev = previous.map(|j| (&visits[j], &scores[j]));
    let bounds = ScoreBounds::from_pair(score.bounds());
    // §2.4, vs the previous assessment.
    let flare = sledai_flare(
        prev.map(|(_, s)| ScoreBounds::from_pair(s.bounds())),
        bounds,
        config.flare_sledai_delta_threshold,
        || {
            prev.map_or_else(Vec::new, |(_, s)| {
                unassessed_pair(s, score, crate::measures::sfi::PREVIOUS, false)
            })
        },
    );
    // §2.1–2.3, vs the previous assessment.
    let sfi_previous = prev.map(|(v, s)| SfiPrevious {
        selena: ScoreBounds::from_pair(s.selena_bounds()),
        pga: v.pga,
        prednisone_mg_per_day: v.prednisone_mg_per_day,
        hemoglobin_g_dl: v.hemoglobin_g_dl,
    });
    let sfi_current = SfiCurrent {
        selena: ScoreBounds::from_pair(score.selena_bounds()),
        pga: visit.pga,
        prednisone_mg_per_day: visit.prednisone_mg_per_day,
        hemoglobin_g_dl: visit.hemoglobin_g_dl,
        body_weight_kg: weight(visits, i),
        prednisone_change_indication: visit.prednisone_change_indication,
        pulse_since_previous_for_sle: visit.pulse_since_previous_for_sle,
        mm2: visit.sfi_mm2,
        sv2: visit.sfi_sv2,
        nsaid_added_for_sle: visit.nsaid_added_for_sle,
        hcq_added_for_sle: visit.hcq_added_for_sle,
        new_immunosuppressant_for_sle: visit.new_immunosuppressant_for_sle,
        hospitalised_for_sle: visit.hospitalised_for_sle,
    };
    let sfi = sfi(sfi_previous.as_ref(), &sfi_current, config, || {
        prev.map_or_else(Vec::new, |(_, s)| {
            unassessed_pair(s, score, crate::measures::sfi::PREVIOUS, true)
        })
    });
    // §3, vs baseline.
    let sri_visit = |v: &Visit, s: &Sledai2kScore| SriVisit {
        sledai: ScoreBounds::from_pair(s.bounds()),
        pga: v.pga,
        bilag: v.bilag,
        organs_active: OrganSystem::ALL.map(|o| s.organ_active(o)),
    };
    let sri = if i == 0 {
        sri::not_applicable(config, BASELINE_VISIT)
    } else {
        sri::sri(
            &sri_visit(&visits[0], &scores[0]),
            &sri_visit(visit, score),
            visit.treatment_failure,
            config,
            || unassessed_pair(&scores[0], score, BASELINE, false),
        )
    };
    // §4, vs the previous assessment for item 2.
    let findings = |v: &Visit, s| ActivityFindings {
        sledai: s,
        hemolytic_anemia_active: v.hemolytic_anemia_active,
        gi_lupus_activity: v.gi_lupus_activity,
    };
    let lldas = lldas(
        &LldasInput {
            current: findings(visit, score),
            previous: prev.map(|(v, s)| findings(v, s)),
            pga: visit.pga,
            prednisone_mg_per_day: visit.prednisone_mg_per_day,
            pulse_in_lookback: visit.pulse_in_lookback,
            on_investigational_drug: visit.on_investigational_drug,
            immunosuppressant_regimen_standard_maintenance: visit
                .immunosuppressant_regimen_standard_maintenance,
            immunosuppressant_well_tolerated: visit.immunosuppressant_well_tolerated,
            study_product_received: visit.study_product_received,
        },
        config,
    );
    // §5; stability since the previous visit (`doris_stability_lookback = previous_visit`).
    let doris = doris(&DorisInput {
        sledai: score,
        pga: visit.pga,
        prednisone_mg_per_day: visit.prednisone_mg_per_day,
        pulse_in_lookback: visit.pulse_in_lookback,
        has_previous_visit: i > 0,
        treatment_stable: visit.treatment_stable,
        changes: TherapyChanges {
            started_or_increased_for_sle: visit.immunosuppressant_started_or_increased_for_sle,
            hcq_added_for_sle: visit.hcq_added_for_sle,
            new_immunosuppressant_for_sle: visit.new_immunosuppressant_for_sle,
        },
    });
    // §8.6, vs baseline.
    let reduction = if i == 0 {
        DoseReduction {
            status: Status::not_applicable(BASELINE_VISIT),
            pct_reduction: None,
            ge_50: None,
            ge_90: None,
            gc_free: visit
                .prednisone_mg_per_day
                .map(PrednisoneEquivalent::is_zero),
        }
    } else {
        let mut r = dose_reduction(visits[0].prednisone_mg_per_day, visit.prednisone_mg_per_day);
        if let Status::NotEvaluable { missing } = &mut r.status {
            for name in missing.iter_mut() {
                *name = if name == crate::measures::dose_reduction::BASELINE_FIELD {
                    format!("{BASELINE}prednisone_mg_per_day")
                } else {
                    "prednisone_mg_per_day".to_owned()
                };
            }
        }
        r
    };
    VisitResult {
        previous,
        sledai: score.clone(),
        sledai_flare: flare,
        sfi,
        sri,
        lldas,
        doris,
        gc: GcAtVisit {
            maintenance_pe: visit.prednisone_mg_per_day,
            pulse_in_lookback: visit.pulse_in_lookback,
            reduction,
        },
    }
}

/// The body weight for visit `i`: its own, else the latest earlier one at most
/// [`WEIGHT_CARRY_FORWARD_DAYS`] old (sle-activity §2.2 [C]).
fn weight(visits: &[Visit], i: usize) -> Option<Decimal> {
    let date = visits[i].date();
    visits[..=i].iter().rev().find_map(|v| {
        let fresh = v
            .date()
            .checked_add(WEIGHT_CARRY_FORWARD_DAYS.days())
            .is_ok_and(|limit| limit >= date);
        v.body_weight_kg.filter(|_| fresh)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tri;
    use crate::measures::sfi::{SfiClass, Trigger};
    use crate::measures::sledai_flare::ChangeCategory;
    use crate::measures::sledai2k::{Descriptor, LabWithLimit};
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn pe(mg: Decimal) -> Option<PrednisoneEquivalent> {
        Some(PrednisoneEquivalent::from_mg("prednisone_mg_per_day", mg).expect("in range"))
    }

    /// One visit of the §10.1 example: the descriptors listed present, every other absent;
    /// proteinuria, complement and anti-dsDNA from the labs as the table gives them.
    #[allow(clippy::too_many_arguments)]
    fn example_visit(
        visit_type: VisitType,
        visit_date: Date,
        clinical: &[(Descriptor, bool)],
        protein_g: Decimal,
        low_complement: bool,
        dsdna: bool,
        pga: u16,
        prednisone: Decimal,
    ) -> Visit {
        let mut s = Sledai2kAssessment::blank(visit_date);
        for d in Descriptor::ALL {
            s.answer_mut(d).state = Some(ItemState::Absent);
        }
        for &(d, new) in clinical {
            let a = s.answer_mut(d);
            a.state = Some(ItemState::Present);
            a.new_or_recurrent = Some(new);
        }
        for d in [
            Descriptor::Proteinuria,
            Descriptor::LowComplement,
            Descriptor::IncreasedDnaBinding,
        ] {
            s.answer_mut(d).state = None;
        }
        // Proteinuria persisting (not new) whenever present: SELENA counts only new/increased.
        s.answer_mut(Descriptor::Proteinuria).new_or_recurrent = Some(false);
        s.labs.urine_protein_24h_g = Some(protein_g);
        let limit = |v: Decimal, l: Decimal| LabWithLimit {
            value: Some(v),
            limit: Some(l),
        };
        s.labs.c3 = limit(
            if low_complement {
                dec!(0.62)
            } else {
                dec!(1.10)
            },
            dec!(0.90),
        );
        s.labs.c4 = limit(
            if low_complement {
                dec!(0.08)
            } else {
                dec!(0.25)
            },
            dec!(0.10),
        );
        s.labs.ch50 = limit(dec!(60), dec!(41));
        s.labs.anti_dsdna = limit(if dsdna { dec!(120) } else { dec!(10) }, dec!(30));
        let mut v = Visit::new(s);
        v.visit_type = Some(visit_type);
        v.body_weight_kg = Some(dec!(60));
        v.pga = Some(Pga::from_hundredths(pga).expect("in range"));
        v.prednisone_mg_per_day = pe(prednisone);
        v.pulse_in_lookback = Some(false);
        v.pulse_since_previous_for_sle = Some(false);
        v.hemoglobin_g_dl = Some(dec!(12.5));
        v.sfi_mm2 = [Some(false); 10];
        v.sfi_sv2 = [Some(false); 6];
        v.nsaid_added_for_sle = Some(false);
        v.hcq_added_for_sle = Some(false);
        v.new_immunosuppressant_for_sle = Some(NewImmunosuppressant::None);
        v.hospitalised_for_sle = Some(false);
        v.hemolytic_anemia_active = Some(false);
        v.gi_lupus_activity = Some(false);
        v.on_investigational_drug = Some(false);
        v.immunosuppressant_regimen_standard_maintenance = Some(true);
        v.immunosuppressant_well_tolerated = Some(true);
        v.immunosuppressant_started_or_increased_for_sle = Some(false);
        v.study_product_received = Some(visit_type != VisitType::Baseline);
        v.treatment_stable = Some(true);
        v.treatment_failure = Some(false);
        v
    }

    /// The §10.1 worked example: weight 60 kg, BILAG not captured, HCQ throughout, MMF stopped
    /// before infusion per protocol, study product not investigational (default config).
    pub(crate) fn example_10_1() -> Vec<Visit> {
        use Descriptor::*;
        let baseline = {
            let mut v = example_visit(
                VisitType::Baseline,
                date(2025, 1, 6),
                &[(Arthritis, true), (Rash, false)],
                dec!(1.2),
                true,
                true,
                200,
                dec!(20),
            );
            v.sledai.labs.inflamed_joint_count = Some(4);
            // Baseline: MMF stopped per protocol, not for SLE activity (§10.1 premise).
            v.prednisone_change_indication = Some(ChangeIndication::Protocol);
            v
        };
        let mut m1 = example_visit(
            VisitType::M1,
            date(2025, 2, 5),
            &[(Rash, false)],
            dec!(0.7),
            true,
            true,
            120,
            dec!(15),
        );
        m1.prednisone_change_indication = Some(ChangeIndication::Protocol);
        let mut m3 = example_visit(
            VisitType::M3,
            date(2025, 4, 7),
            &[],
            dec!(0.1),
            true,
            true,
            60,
            dec!(7.5),
        );
        m3.prednisone_change_indication = Some(ChangeIndication::Protocol);
        let mut m6 = example_visit(
            VisitType::M6,
            date(2025, 7, 7),
            &[],
            dec!(0.1),
            false,
            false,
            20,
            dec!(2.5),
        );
        m6.prednisone_change_indication = Some(ChangeIndication::Protocol);
        let mut m9 = example_visit(
            VisitType::M9,
            date(2025, 10, 6),
            &[(Arthritis, true), (Rash, true)],
            dec!(0.1),
            false,
            true,
            150,
            dec!(10),
        );
        m9.sledai.labs.inflamed_joint_count = Some(4);
        m9.prednisone_change_indication = Some(ChangeIndication::SleActivity);
        m9.sfi_mm2[8] = Some(true); // new arthritis (MM2)
        vec![baseline, m1, m3, m6, m9]
    }

    /// §10.1, every cell of the expected-output table (and the descriptor table).
    #[test]
    fn worked_example_10_1_end_to_end() {
        let results = course(&example_10_1(), &MeasureConfig::default()).expect("valid course");
        assert_eq!(results.len(), 5);
        let names = ["baseline", "m1", "m3", "m6", "m9"];

        // Descriptor table: SLEDAI-2K and cSLEDAI.
        let sledai = [14, 10, 4, 0, 8];
        let clinical = [10, 6, 0, 0, 6];
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.sledai.total(), Some(sledai[i]), "{} SLEDAI-2K", names[i]);
            assert_eq!(
                r.sledai.clinical_bounds(),
                (clinical[i], clinical[i]),
                "{} cSLEDAI",
                names[i]
            );
        }
        assert_eq!(results[3].sledai.selena_bounds(), (0, 0), "m6 SELENA 0");
        assert_eq!(results[4].sledai.selena_bounds(), (8, 8), "m9 SELENA 8");

        // SLEDAI flare vs previous.
        assert_eq!(
            results[0].sledai_flare.status.code(),
            "not_applicable",
            "baseline flare n/a"
        );
        let flare = [
            (ChangeCategory::Improved, Tri::False),
            (ChangeCategory::Improved, Tri::False),
            (ChangeCategory::Improved, Tri::True),
            (ChangeCategory::Flare, Tri::False),
        ];
        for (k, (category, zero)) in flare.into_iter().enumerate() {
            let r = &results[k + 1].sledai_flare;
            assert_eq!(r.change_category, Some(category), "{} flare", names[k + 1]);
            assert_eq!(r.sledai_zero, zero, "{} sledai_zero", names[k + 1]);
            assert_eq!(r.status, Status::Complete, "{}", names[k + 1]);
        }

        // SFI vs previous: n/a at baseline; m9 mild/moderate with MM1, MM2, MM3, MM5.
        assert_eq!(
            results[0].sfi.status.code(),
            "not_applicable",
            "baseline SFI n/a"
        );
        let m9 = &results[4].sfi;
        assert_eq!(m9.class, Some(SfiClass::MildModerate), "m9 SFI");
        assert_eq!(
            m9.fired().collect::<Vec<_>>(),
            vec![Trigger::Mm1, Trigger::Mm2, Trigger::Mm3, Trigger::Mm5],
            "m9 SFI triggers"
        );
        assert_eq!(m9.status, Status::Complete, "m9 SFI status");

        // SRI-4 / mSRI-4 vs baseline.
        assert_eq!(
            results[0].sri.sri.status.code(),
            "not_applicable",
            "baseline SRI n/a"
        );
        assert_eq!(
            results[0].sri.msri.status.code(),
            "not_applicable",
            "baseline mSRI n/a"
        );
        for (i, r) in results.iter().enumerate().skip(1) {
            assert_eq!(r.sri.sri.responder, Tri::Unknown, "{} SRI-4", names[i]);
            assert_eq!(
                r.sri.sri.status.code(),
                "not_evaluable",
                "{} SRI-4",
                names[i]
            );
            assert_eq!(
                r.sri.sri.reason,
                Some(sri::BILAG_NOT_CAPTURED),
                "{}",
                names[i]
            );
            assert_eq!(
                r.sri.msri.responder,
                Tri::True,
                "{} mSRI-4 responder",
                names[i]
            );
            assert_eq!(r.sri.msri.label(), "msri4");
        }

        // LLDAS.
        let baseline = &results[0].lldas;
        assert_eq!(baseline.items[0], Tri::False, "baseline item 1 FALSE");
        assert_eq!(
            baseline.items[1],
            Tri::Unknown,
            "baseline item 2 unknown (no previous)"
        );
        assert_eq!(baseline.met, Tri::False, "baseline LLDAS FALSE anyway");
        let lldas = [Tri::False, Tri::False, Tri::True, Tri::True, Tri::False];
        for (i, r) in results.iter().enumerate() {
            assert_eq!(
                r.lldas.met, lldas[i],
                "{} LLDAS {:?}",
                names[i], r.lldas.items
            );
            assert_eq!(
                r.lldas.status,
                Status::Complete,
                "{} LLDAS status",
                names[i]
            );
        }

        // DORIS.
        let doris = [Tri::False, Tri::False, Tri::False, Tri::True, Tri::False];
        for (i, r) in results.iter().enumerate() {
            assert_eq!(
                r.doris.met, doris[i],
                "{} DORIS {:?}",
                names[i], r.doris.items
            );
        }
        assert_eq!(
            results[2].doris.items,
            [Tri::True, Tri::False, Tri::False, Tri::True],
            "m3 PGA 0.60 ≥ 0.5, pred 7.5 > 5"
        );
        assert_eq!(
            results[3].doris.serology_active,
            Tri::False,
            "m6 serology_active=false"
        );

        // GC % reduction vs baseline.
        assert_eq!(
            results[0].gc.reduction.status.code(),
            "not_applicable",
            "baseline GC n/a"
        );
        let gc = [
            (dec!(25.0), false, false),
            (dec!(62.5), true, false),
            (dec!(87.5), true, false),
            (dec!(50.0), true, false),
        ];
        for (k, (pct, ge_50, ge_90)) in gc.into_iter().enumerate() {
            let r = &results[k + 1].gc.reduction;
            assert_eq!(r.pct_reduction, Some(pct), "{} pct", names[k + 1]);
            assert_eq!(r.ge_50, Some(ge_50), "{} ge_50", names[k + 1]);
            assert_eq!(r.ge_90, Some(ge_90), "{} ge_90", names[k + 1]);
            assert_eq!(r.gc_free, Some(false), "{} gc_free", names[k + 1]);
        }
    }

    #[test]
    fn dates_must_ascend_and_baseline_comes_first() {
        let mut visits = example_10_1();
        visits[2].sledai.visit_date = date(2025, 1, 1);
        let err = course(&visits, &MeasureConfig::default()).expect_err("refused");
        assert_eq!(err.field, "visits[2].visit_date");
        let mut visits = example_10_1();
        visits[0].visit_type = Some(VisitType::M1);
        assert_eq!(
            course(&visits, &MeasureConfig::default())
                .expect_err("refused")
                .field,
            "visits[0].visit_type"
        );
        let mut visits = example_10_1();
        visits[3].visit_type = Some(VisitType::Baseline);
        assert_eq!(
            course(&visits, &MeasureConfig::default())
                .expect_err("refused")
                .field,
            "visits[3].visit_type"
        );
    }

    #[test]
    fn unassessed_visit_is_skipped_as_previous_assessment() {
        let mut visits = example_10_1();
        let blank = Visit::new(Sledai2kAssessment::blank(date(2025, 8, 1)));
        visits.insert(4, blank);
        let results = course(&visits, &MeasureConfig::default()).expect("valid");
        assert_eq!(
            results[4].previous,
            Some(3),
            "the blank visit compares with m6"
        );
        assert_eq!(results[5].previous, Some(3), "m9 skips the blank visit");
        assert_eq!(
            results[5].sledai_flare.change_category,
            Some(ChangeCategory::Flare)
        );
    }

    #[test]
    fn weight_is_carried_forward_at_most_90_days() {
        let mut visits = example_10_1();
        visits[4].body_weight_kg = None;
        visits[3].body_weight_kg = Some(dec!(70));
        // m6 2025-07-07 → m9 2025-10-06 is 91 days: too old.
        assert_eq!(weight(&visits, 4), None, "91 days");
        visits[4].sledai.visit_date = date(2025, 10, 5);
        assert_eq!(weight(&visits, 4), Some(dec!(70)), "90 days");
    }
}
