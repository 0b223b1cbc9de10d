//! DORIS 2021 definition of remission in SLE (sle-activity §5; README erratum 15).
//!
//! van Vollenhoven RF, Bertsias G, Doria A, et al. *2021 DORIS definition of remission in SLE:
//! final recommendations from an international task force.* Lupus Sci Med 2021;8:e000538.
//! Remission on treatment, a state at a time point: clinical SLEDAI = 0, evaluator's global
//! assessment < 0.5, prednisolone ≤ 5 mg/day, stable antimalarials/immunosuppressives/biologics.
//! Serology may be abnormal; `serology_active` is reported alongside (§5.3 step 5).

use rust_decimal::Decimal;

use crate::measures::glucocorticoid::PrednisoneEquivalent;
use crate::measures::pga::Pga;
use crate::measures::sfi::NewImmunosuppressant;
use crate::measures::sledai_flare::ScoreBounds;
use crate::measures::sledai2k::{OrganSystem, Sledai2kScore};
use crate::{Status, Tri};

/// Whether therapy changed for SLE activity since the previous visit (§5.3 step 4 [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TherapyChanges {
    /// An antimalarial, immunosuppressive or biologic started or its dose increased for SLE
    /// activity (`immunosuppressant_started_or_increased_for_sle`). Changes for toxicity,
    /// adherence, weight or a planned taper are recorded as `false`.
    pub started_or_increased_for_sle: Option<bool>,
    /// `hcq_added_for_sle`: a recorded start of HCQ for SLE is such a change.
    pub hcq_added_for_sle: Option<bool>,
    /// `new_immunosuppressant_for_sle`: a recorded start for SLE is such a change.
    pub new_immunosuppressant_for_sle: Option<NewImmunosuppressant>,
}

/// The inputs of DORIS at one visit (sle-activity §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DorisInput<'a> {
    pub sledai: &'a Sledai2kScore,
    pub pga: Option<Pga>,
    /// Maintenance prednisone-equivalent dose, mg/day (§8.4).
    pub prednisone_mg_per_day: Option<PrednisoneEquivalent>,
    /// A pulse within `pulse_lookback_days_for_states` (§8.5).
    pub pulse_in_lookback: Option<bool>,
    /// Whether a previous visit exists (`doris_stability_lookback = previous_visit`).
    pub has_previous_visit: bool,
    /// The clinician's "treatment stable" answer: decides item 4 at baseline (erratum 15);
    /// `false` at any visit makes item 4 FALSE.
    pub treatment_stable: Option<bool>,
    pub changes: TherapyChanges,
}

/// DORIS remission at one visit (sle-activity §5.3, §10 `doris`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doris {
    /// TRUE remission, FALSE not, UNKNOWN undecided.
    pub met: Tri,
    /// Items 1–4 (index 0–3).
    pub items: [Tri; 4],
    /// Low complement or increased DNA binding scored (§5.3 step 5).
    pub serology_active: Tri,
    pub status: Status,
}

/// Item 4 (sle-activity §5.3 step 4 [C], erratum 15).
fn stable_therapy(input: &DorisInput<'_>) -> Tri {
    let clinician = Tri::from_option(input.treatment_stable);
    if !input.has_previous_visit {
        // Erratum 15: no previous visit — the recorded answer, unknown without it.
        return clinician;
    }
    let recorded_start = |v: Option<bool>| Tri::from(v == Some(true));
    let new_agent = Tri::from(matches!(
        input.changes.new_immunosuppressant_for_sle,
        Some(NewImmunosuppressant::Started(_))
    ));
    let changed = Tri::from_option(input.changes.started_or_increased_for_sle)
        .or(recorded_start(input.changes.hcq_added_for_sle))
        .or(new_agent);
    changed
        .not()
        .and(Tri::from(input.treatment_stable != Some(false)))
}

/// DORIS remission at one visit (sle-activity §5.3).
pub fn doris(input: &DorisInput<'_>) -> Doris {
    // Item 1: clinical SLEDAI = 0 under bounds (upper 0 → TRUE, lower > 0 → FALSE).
    let item_1 = ScoreBounds::from_pair(input.sledai.clinical_bounds()).at_most(0);
    // Item 2: PGA < 0.5, i.e. `pga < 50` (§5.3 step 2, §7.3).
    let item_2 = input
        .pga
        .map_or(Tri::Unknown, |p| Tri::from(p.meets_doris_remission()));
    // Item 3: PE ≤ 5 mg/day (the abstract's "5 mg/day or less", §5.1 [V]) and no pulse.
    let item_3 = input
        .prednisone_mg_per_day
        .map_or(Tri::Unknown, |pe| {
            Tri::from(pe.at_most_mg(Decimal::from(5)))
        })
        .and(Tri::from_option(input.pulse_in_lookback).not());
    let item_4 = stable_therapy(input);
    let items = [item_1, item_2, item_3, item_4];
    let met = Tri::all(items);
    let status = if met == Tri::Unknown {
        Status::not_evaluable(missing(input, &items))
    } else {
        Status::Complete
    };
    Doris {
        met,
        items,
        serology_active: input.sledai.organ_active(OrganSystem::Serology),
        status,
    }
}

fn missing(input: &DorisInput<'_>, items: &[Tri; 4]) -> Vec<String> {
    let mut out = Vec::new();
    if items[0] == Tri::Unknown {
        out.extend(
            input
                .sledai
                .not_assessed()
                .filter(|d| !d.is_serology())
                .map(|d| format!("sledai_{}", d.name())),
        );
    }
    if items[1] == Tri::Unknown {
        out.push("pga_hundredths".to_owned());
    }
    if items[2] == Tri::Unknown {
        if input.prednisone_mg_per_day.is_none() {
            out.push("prednisone_mg_per_day".to_owned());
        }
        if input.pulse_in_lookback.is_none() {
            out.push("pulse_in_lookback".to_owned());
        }
    }
    if items[3] == Tri::Unknown {
        out.push(
            if input.has_previous_visit {
                "immunosuppressant_started_or_increased_for_sle"
            } else {
                "treatment_stable"
            }
            .to_owned(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MeasureConfig;
    use crate::config::Immunosuppressant;
    use crate::measures::sledai2k::{Descriptor, ItemState, Sledai2kAssessment, score};
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn scored(present: &[Descriptor], unassessed: &[Descriptor]) -> Sledai2kScore {
        let mut v = Sledai2kAssessment::blank(date(2025, 3, 10));
        for d in Descriptor::ALL {
            v.answer_mut(d).state = Some(if present.contains(&d) {
                ItemState::Present
            } else if unassessed.contains(&d) {
                ItemState::NotAssessed
            } else {
                ItemState::Absent
            });
        }
        score(&v, &MeasureConfig::default()).expect("valid test visit")
    }

    fn pe(mg: Decimal) -> Option<PrednisoneEquivalent> {
        Some(PrednisoneEquivalent::from_mg("prednisone_mg_per_day", mg).expect("in range"))
    }

    fn pga(h: u16) -> Option<Pga> {
        Some(Pga::from_hundredths(h).expect("in range"))
    }

    const SEROLOGY: [Descriptor; 2] = [Descriptor::LowComplement, Descriptor::IncreasedDnaBinding];

    /// DR1: serology only, PGA 0.40, prednisone 5.0, stable HCQ + MMF.
    fn dr1(sledai: &Sledai2kScore) -> DorisInput<'_> {
        DorisInput {
            sledai,
            pga: pga(40),
            prednisone_mg_per_day: pe(dec!(5.0)),
            pulse_in_lookback: Some(false),
            has_previous_visit: true,
            treatment_stable: Some(true),
            changes: TherapyChanges {
                started_or_increased_for_sle: Some(false),
                hcq_added_for_sle: Some(false),
                new_immunosuppressant_for_sle: Some(NewImmunosuppressant::None),
            },
        }
    }

    /// DR1–DR8 (sle-activity §5.5).
    #[test]
    fn doris_vectors() {
        use Descriptor::*;
        type Edit = fn(&mut DorisInput<'_>);
        type Row = (
            &'static str,
            &'static [Descriptor],
            &'static [Descriptor],
            Edit,
            Tri,
        );
        let rows: [Row; 11] = [
            (
                "DR1 serology only, PGA 0.40, pred 5.0",
                &SEROLOGY,
                &[],
                |_| {},
                Tri::True,
            ),
            (
                "DR2 PGA 0.50",
                &SEROLOGY,
                &[],
                |i| i.pga = pga(50),
                Tri::False,
            ),
            (
                "DR2 boundary PGA 0.49",
                &SEROLOGY,
                &[],
                |i| i.pga = pga(49),
                Tri::True,
            ),
            (
                "DR3 prednisone 5.5",
                &SEROLOGY,
                &[],
                |i| i.prednisone_mg_per_day = pe(dec!(5.5)),
                Tri::False,
            ),
            (
                "DR3 boundary prednisone 5.01",
                &SEROLOGY,
                &[],
                |i| i.prednisone_mg_per_day = pe(dec!(5.01)),
                Tri::False,
            ),
            (
                "DR4 deflazacort 6 mg = 5.0 PE",
                &SEROLOGY,
                &[],
                |i| i.prednisone_mg_per_day = pe(dec!(6) * dec!(5) / dec!(6)),
                Tri::True,
            ),
            (
                "DR5 leukopenia (cSLEDAI 1), PGA 0.20, no GC",
                &[Leukopenia],
                &[],
                |i| {
                    i.pga = pga(20);
                    i.prednisone_mg_per_day = pe(dec!(0));
                },
                Tri::False,
            ),
            (
                "DR6 after CAR-T: PGA 0, no GC, no IS",
                &[],
                &[],
                |i| {
                    i.pga = pga(0);
                    i.prednisone_mg_per_day = pe(dec!(0));
                },
                Tri::True,
            ),
            (
                "DR7 MMF increased for arthritis",
                &SEROLOGY,
                &[],
                |i| i.changes.started_or_increased_for_sle = Some(true),
                Tri::False,
            ),
            (
                "DR8 pleurisy not assessed: cSLEDAI [0,2]",
                &SEROLOGY,
                &[Pleurisy],
                |_| {},
                Tri::Unknown,
            ),
            (
                "pulse in the look-back",
                &SEROLOGY,
                &[],
                |i| i.pulse_in_lookback = Some(true),
                Tri::False,
            ),
        ];
        for (name, now, unassessed, edit, expected) in rows {
            let s = scored(now, unassessed);
            let mut input = dr1(&s);
            edit(&mut input);
            let r = doris(&input);
            assert_eq!(r.met, expected, "{name}: items {:?}", r.items);
        }
    }

    #[test]
    fn dr1_serology_active_dr6_not() {
        let s = scored(&SEROLOGY, &[]);
        let r = doris(&dr1(&s));
        assert_eq!(r.serology_active, Tri::True);
        assert_eq!(r.status, Status::Complete);
        let s = scored(&[], &[]);
        assert_eq!(doris(&dr1(&s)).serology_active, Tri::False);
    }

    #[test]
    fn dr8_names_the_unassessed_descriptor() {
        let s = scored(&SEROLOGY, &[Descriptor::Pleurisy]);
        let r = doris(&dr1(&s));
        assert_eq!(r.status, Status::not_evaluable(["sledai_pleurisy"]));
        // A serology item not assessed does not matter to clinical SLEDAI.
        let s = scored(
            &[Descriptor::LowComplement],
            &[Descriptor::IncreasedDnaBinding],
        );
        assert_eq!(doris(&dr1(&s)).met, Tri::True);
    }

    #[test]
    fn erratum_15_baseline_uses_treatment_stable() {
        let s = scored(&SEROLOGY, &[]);
        let mut input = dr1(&s);
        input.has_previous_visit = false;
        assert_eq!(doris(&input).items[3], Tri::True);
        input.treatment_stable = None;
        let r = doris(&input);
        assert_eq!(r.items[3], Tri::Unknown);
        assert_eq!(r.status, Status::not_evaluable(["treatment_stable"]));
        input.treatment_stable = Some(false);
        assert_eq!(doris(&input).met, Tri::False);
    }

    #[test]
    fn recorded_starts_for_sle_are_unstable() {
        let s = scored(&SEROLOGY, &[]);
        let mut input = dr1(&s);
        input.changes.hcq_added_for_sle = Some(true);
        assert_eq!(doris(&input).items[3], Tri::False);
        let mut input = dr1(&s);
        input.changes.new_immunosuppressant_for_sle = Some(NewImmunosuppressant::Started(
            Immunosuppressant::Azathioprine,
        ));
        assert_eq!(doris(&input).items[3], Tri::False);
        let mut input = dr1(&s);
        input.changes.started_or_increased_for_sle = None;
        assert_eq!(doris(&input).items[3], Tri::Unknown);
    }
}
