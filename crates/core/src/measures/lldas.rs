//! Lupus Low Disease Activity State (sle-activity §4).
//!
//! Franklyn K, Lau CS, Navarra SV, et al. *Definition and initial validation of a Lupus Low
//! Disease Activity State (LLDAS).* Ann Rheum Dis 2016;75:1615–1621. Item 2 operationalised as
//! in Oon S et al., Ann Rheum Dis 2019 (no new SLEDAI item vs the previous assessment) [V].
//!
//! Five items, each TRUE / FALSE / UNKNOWN (§0.1); LLDAS is their conjunction, so one FALSE
//! item decides "not LLDAS" even when others are unknown (erratum 13).

use rust_decimal::Decimal;

use crate::config::{LldasFirstVisit, MeasureConfig};
use crate::measures::glucocorticoid::PrednisoneEquivalent;
use crate::measures::pga::Pga;
use crate::measures::sledai_flare::ScoreBounds;
use crate::measures::sledai2k::{Descriptor, ItemState, OrganSystem, Sledai2kScore};
use crate::{Status, Tri};

/// What LLDAS needs from the disease-activity side of one visit (sle-activity §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityFindings<'a> {
    pub sledai: &'a Sledai2kScore,
    pub hemolytic_anemia_active: Option<bool>,
    pub gi_lupus_activity: Option<bool>,
}

/// The inputs of LLDAS at one visit (sle-activity §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LldasInput<'a> {
    pub current: ActivityFindings<'a>,
    /// The previous assessment (§0.3), `None` at a patient's first visit.
    pub previous: Option<ActivityFindings<'a>>,
    pub pga: Option<Pga>,
    /// Maintenance prednisone-equivalent dose, mg/day (§8.4).
    pub prednisone_mg_per_day: Option<PrednisoneEquivalent>,
    /// A pulse (≥ 250 mg PE/day) within `pulse_lookback_days_for_states` (§8.5).
    pub pulse_in_lookback: Option<bool>,
    pub on_investigational_drug: Option<bool>,
    pub immunosuppressant_regimen_standard_maintenance: Option<bool>,
    pub immunosuppressant_well_tolerated: Option<bool>,
    /// Whether the patient has received the study cell product (counts against item 5 only
    /// with `study_product_counts_as_investigational_for_lldas`).
    pub study_product_received: Option<bool>,
}

/// LLDAS at one visit (sle-activity §4.3 step 6, §10 `lldas`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lldas {
    /// TRUE met, FALSE not met, UNKNOWN undecided.
    pub met: Tri,
    /// Items 1–5 (index 0–4).
    pub items: [Tri; 5],
    /// False when item 2 was skipped at a first visit (`lldas_first_visit =
    /// evaluate_without_item2`); item 2 is then UNKNOWN and left out of the conjunction.
    pub item_2_evaluated: bool,
    pub status: Status,
}

/// Field-name prefix of inputs taken from the previous assessment in `missing` lists.
pub const PREVIOUS: &str = "previous_visit.";

fn tri(state: ItemState) -> Tri {
    match state {
        ItemState::Present => Tri::True,
        ItemState::Absent => Tri::False,
        ItemState::NotAssessed => Tri::Unknown,
    }
}

/// §4.1 item 1 / §4.3 step 1: the major organ systems whose activity excludes LLDAS —
/// renal, CNS, cardiopulmonary (serosal), vasculitis and fever.
fn is_major_organ_activity(d: Descriptor) -> bool {
    matches!(
        d.organ_system(),
        OrganSystem::Neuro | OrganSystem::Vascular | OrganSystem::Renal | OrganSystem::Serosal
    ) || d == Descriptor::Fever
}

/// Item 1: SLEDAI-2K ≤ 4 with no major-organ activity, no haemolytic anaemia and no GI
/// activity (§4.3 step 1; bounds per §1.6).
fn item_1(current: &ActivityFindings<'_>) -> Tri {
    let at_most_4 = ScoreBounds::from_pair(current.sledai.bounds()).at_most(4);
    let major = Tri::any(
        Descriptor::ALL
            .into_iter()
            .filter(|d| is_major_organ_activity(*d))
            .map(|d| tri(current.sledai.state(d))),
    );
    Tri::all([
        at_most_4,
        major.not(),
        Tri::from_option(current.hemolytic_anemia_active).not(),
        Tri::from_option(current.gi_lupus_activity).not(),
    ])
}

/// Item 2: nothing present now that was absent at the previous assessment (§4.3 step 2). A
/// descriptor not assessed now but present before cannot be new (vector L11): Kleene's
/// `UNKNOWN ∧ ¬TRUE = FALSE` gives exactly that.
fn item_2(current: &ActivityFindings<'_>, previous: &ActivityFindings<'_>) -> Tri {
    let new = |now: Tri, before: Tri| now.and(before.not());
    let new_descriptor = Tri::any(
        Descriptor::ALL
            .into_iter()
            .map(|d| new(tri(current.sledai.state(d)), tri(previous.sledai.state(d)))),
    );
    Tri::any([
        new_descriptor,
        new(
            Tri::from_option(current.hemolytic_anemia_active),
            Tri::from_option(previous.hemolytic_anemia_active),
        ),
        new(
            Tri::from_option(current.gi_lupus_activity),
            Tri::from_option(previous.gi_lupus_activity),
        ),
    ])
    .not()
}

/// LLDAS at one visit (sle-activity §4.3).
pub fn lldas(input: &LldasInput<'_>, config: &MeasureConfig) -> Lldas {
    let item_1 = item_1(&input.current);
    let (item_2, item_2_evaluated) = match (&input.previous, config.lldas_first_visit) {
        (Some(previous), _) => (item_2(&input.current, previous), true),
        (None, LldasFirstVisit::NotEvaluable) => (Tri::Unknown, true),
        (None, LldasFirstVisit::EvaluateWithoutItem2) => (Tri::Unknown, false),
    };
    // Item 3: PGA ≤ 1.00, i.e. `pga ≤ 100` hundredths (§4.3 step 3, §7.3).
    let item_3 = input
        .pga
        .map_or(Tri::Unknown, |p| Tri::from(p.meets_lldas()));
    // Item 4: maintenance PE ≤ 7.5 mg/day, exact, and no pulse in the look-back (§4.3 step 4).
    let item_4 = input
        .prednisone_mg_per_day
        .map_or(Tri::Unknown, |pe| {
            Tri::from(pe.at_most_mg(Decimal::new(75, 1)))
        })
        .and(Tri::from_option(input.pulse_in_lookback).not());
    // Item 5: standard, well-tolerated maintenance and no investigational drug; the study
    // cell product counts only if configured (§4.3 step 5 [C]).
    let study_product = if config.study_product_counts_as_investigational_for_lldas {
        Tri::from_option(input.study_product_received).not()
    } else {
        Tri::True
    };
    let item_5 = Tri::all([
        Tri::from_option(input.on_investigational_drug).not(),
        Tri::from_option(input.immunosuppressant_regimen_standard_maintenance),
        Tri::from_option(input.immunosuppressant_well_tolerated),
        study_product,
    ]);
    let items = [item_1, item_2, item_3, item_4, item_5];
    let met = Tri::all(
        items
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1 || item_2_evaluated)
            .map(|(_, t)| *t),
    );
    let status = if met == Tri::Unknown {
        Status::not_evaluable(missing(input, &items, item_2_evaluated, config))
    } else {
        Status::Complete
    };
    Lldas {
        met,
        items,
        item_2_evaluated,
        status,
    }
}

/// The inputs behind the unknown items.
fn missing(
    input: &LldasInput<'_>,
    items: &[Tri; 5],
    item_2_evaluated: bool,
    config: &MeasureConfig,
) -> Vec<String> {
    let mut out = Vec::new();
    let cur = input.current.sledai;
    if items[0] == Tri::Unknown {
        out.extend(cur.not_assessed().map(|d| format!("sledai_{}", d.name())));
        if input.current.hemolytic_anemia_active.is_none() {
            out.push("hemolytic_anemia_active".to_owned());
        }
        if input.current.gi_lupus_activity.is_none() {
            out.push("gi_lupus_activity".to_owned());
        }
    }
    if items[1] == Tri::Unknown && item_2_evaluated {
        match &input.previous {
            None => out.push("previous_visit".to_owned()),
            Some(prev) => {
                for d in Descriptor::ALL {
                    let (now, before) = (cur.state(d), prev.sledai.state(d));
                    let name = format!("sledai_{}", d.name());
                    if now == ItemState::NotAssessed
                        && before != ItemState::Present
                        && !out.contains(&name)
                    {
                        out.push(name.clone());
                    }
                    if before == ItemState::NotAssessed && now != ItemState::Absent {
                        out.push(format!("{PREVIOUS}{name}"));
                    }
                }
                for (field, now, before) in [
                    (
                        "hemolytic_anemia_active",
                        input.current.hemolytic_anemia_active,
                        prev.hemolytic_anemia_active,
                    ),
                    (
                        "gi_lupus_activity",
                        input.current.gi_lupus_activity,
                        prev.gi_lupus_activity,
                    ),
                ] {
                    if now.is_none() && !out.iter().any(|n| n == field) {
                        out.push(field.to_owned());
                    }
                    if before.is_none() && now != Some(false) {
                        out.push(format!("{PREVIOUS}{field}"));
                    }
                }
            }
        }
    }
    if items[2] == Tri::Unknown {
        out.push("pga_hundredths".to_owned());
    }
    if items[3] == Tri::Unknown {
        for (field, absent) in [
            (
                "prednisone_mg_per_day",
                input.prednisone_mg_per_day.is_none(),
            ),
            ("pulse_in_lookback", input.pulse_in_lookback.is_none()),
        ] {
            if absent {
                out.push(field.to_owned());
            }
        }
    }
    if items[4] == Tri::Unknown {
        for (field, absent) in [
            (
                "on_investigational_drug",
                input.on_investigational_drug.is_none(),
            ),
            (
                "immunosuppressant_regimen_standard_maintenance",
                input
                    .immunosuppressant_regimen_standard_maintenance
                    .is_none(),
            ),
            (
                "immunosuppressant_well_tolerated",
                input.immunosuppressant_well_tolerated.is_none(),
            ),
            (
                "study_product_received",
                config.study_product_counts_as_investigational_for_lldas
                    && input.study_product_received.is_none(),
            ),
        ] {
            if absent {
                out.push(field.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::sledai2k::{Sledai2kAssessment, score};
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    /// A scored visit: the given descriptors present, `unassessed` not assessed, the rest absent.
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

    /// The §4.5 premise: PGA 0.80, prednisone 7.5, HCQ + MMF standard and tolerated, nothing
    /// investigational, no haemolysis/GI, no pulse.
    fn premise<'a>(
        current: &'a Sledai2kScore,
        previous: Option<&'a Sledai2kScore>,
    ) -> LldasInput<'a> {
        let findings = |sledai| ActivityFindings {
            sledai,
            hemolytic_anemia_active: Some(false),
            gi_lupus_activity: Some(false),
        };
        LldasInput {
            current: findings(current),
            previous: previous.map(findings),
            pga: pga(80),
            prednisone_mg_per_day: pe(dec!(7.5)),
            pulse_in_lookback: Some(false),
            on_investigational_drug: Some(false),
            immunosuppressant_regimen_standard_maintenance: Some(true),
            immunosuppressant_well_tolerated: Some(true),
            study_product_received: Some(true),
        }
    }

    /// L1–L12 (sle-activity §4.5): (row, current present, current unassessed, previous present
    /// or None for a first visit, edit, expected).
    #[test]
    fn lldas_vectors() {
        use Descriptor::*;
        type Edit = fn(&mut LldasInput<'_>);
        let l1_prev: Option<&'static [Descriptor]> = Some(&SEROLOGY);
        type Row = (
            &'static str,
            &'static [Descriptor],
            &'static [Descriptor],
            Option<&'static [Descriptor]>,
            Edit,
            Tri,
        );
        let rows: [Row; 17] = [
            (
                "L1 serology only, PGA 0.80, pred 7.5",
                &SEROLOGY,
                &[],
                l1_prev,
                |_| {},
                Tri::True,
            ),
            (
                "L2 proteinuria (present previously)",
                &[Proteinuria],
                &[],
                Some(&[Proteinuria]),
                |_| {},
                Tri::False,
            ),
            ("L3 pleurisy", &[Pleurisy], &[], l1_prev, |_| {}, Tri::False),
            ("L4 fever", &[Fever], &[], l1_prev, |_| {}, Tri::False),
            (
                "L5a prednisone 7.6",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.prednisone_mg_per_day = pe(dec!(7.6)),
                Tri::False,
            ),
            (
                "L5a boundary prednisone 7.51",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.prednisone_mg_per_day = pe(dec!(7.51)),
                Tri::False,
            ),
            (
                "L5 boundary prednisone 7.49",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.prednisone_mg_per_day = pe(dec!(7.49)),
                Tri::True,
            ),
            (
                "L5b methylprednisolone 6 mg = 7.5 mg PE",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.prednisone_mg_per_day = pe(dec!(6) * dec!(5) / dec!(4)),
                Tri::True,
            ),
            (
                "L6a PGA 1.00",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.pga = pga(100),
                Tri::True,
            ),
            (
                "L6b PGA 1.01",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.pga = pga(101),
                Tri::False,
            ),
            (
                "L7 new alopecia",
                &[Alopecia],
                &[],
                Some(&[]),
                |_| {},
                Tri::False,
            ),
            (
                "L8 arthritis + anti-dsDNA = 6",
                &[Arthritis, IncreasedDnaBinding],
                &[],
                Some(&[Arthritis, IncreasedDnaBinding]),
                |_| {},
                Tri::False,
            ),
            (
                "L9a first visit",
                &SEROLOGY,
                &[],
                None,
                |_| {},
                Tri::Unknown,
            ),
            (
                "L9b first visit, PGA 2.00",
                &SEROLOGY,
                &[],
                None,
                |i| i.pga = pga(200),
                Tri::False,
            ),
            (
                "L10 active haemolytic anaemia",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.current.hemolytic_anemia_active = Some(true),
                Tri::False,
            ),
            (
                "L11 anti-dsDNA untested now, present before",
                &[LowComplement],
                &[IncreasedDnaBinding],
                l1_prev,
                |_| {},
                Tri::True,
            ),
            (
                "L12 pulse 5 days before",
                &SEROLOGY,
                &[],
                l1_prev,
                |i| i.pulse_in_lookback = Some(true),
                Tri::False,
            ),
        ];
        for (name, now, unassessed, before, edit, expected) in rows {
            let current = scored(now, unassessed);
            let previous = before.map(|p| scored(p, &[]));
            let mut input = premise(&current, previous.as_ref());
            edit(&mut input);
            let r = lldas(&input, &MeasureConfig::default());
            assert_eq!(r.met, expected, "{name}: items {:?}", r.items);
            let status = if expected == Tri::Unknown {
                "not_evaluable"
            } else {
                "complete"
            };
            assert_eq!(r.status.code(), status, "{name}");
        }
    }

    #[test]
    fn l2_fails_item_1_l7_fails_item_2() {
        let cur = scored(&[Descriptor::Proteinuria], &[]);
        let r = lldas(&premise(&cur, Some(&cur)), &MeasureConfig::default());
        assert_eq!(
            r.items,
            [Tri::False, Tri::True, Tri::True, Tri::True, Tri::True]
        );
        let cur = scored(&[Descriptor::Alopecia], &[]);
        let prev = scored(&[], &[]);
        let r = lldas(&premise(&cur, Some(&prev)), &MeasureConfig::default());
        assert_eq!(r.items[0], Tri::True);
        assert_eq!(r.items[1], Tri::False);
    }

    #[test]
    fn l9a_names_the_missing_previous_visit_and_can_skip_item_2() {
        let cur = scored(&SEROLOGY, &[]);
        let r = lldas(&premise(&cur, None), &MeasureConfig::default());
        assert_eq!(r.status, Status::not_evaluable(["previous_visit"]));
        let skip = MeasureConfig {
            lldas_first_visit: LldasFirstVisit::EvaluateWithoutItem2,
            ..MeasureConfig::default()
        };
        let r = lldas(&premise(&cur, None), &skip);
        assert_eq!(r.met, Tri::True);
        assert!(!r.item_2_evaluated);
    }

    #[test]
    fn l11_bounds_2_to_4_decide_item_1() {
        let cur = scored(
            &[Descriptor::LowComplement],
            &[Descriptor::IncreasedDnaBinding],
        );
        assert_eq!(cur.bounds(), (2, 4));
        let prev = scored(&SEROLOGY, &[]);
        let r = lldas(&premise(&cur, Some(&prev)), &MeasureConfig::default());
        assert_eq!(&r.items[..2], &[Tri::True, Tri::True]);
        // Not assessed now and absent before: item 2 unknown and named.
        let prev = scored(&[Descriptor::LowComplement], &[]);
        let r = lldas(&premise(&cur, Some(&prev)), &MeasureConfig::default());
        assert_eq!(r.met, Tri::Unknown);
        assert_eq!(
            r.status,
            Status::not_evaluable(["sledai_increased_dna_binding"])
        );
    }

    #[test]
    fn item_1_boundary_at_4_points() {
        let prev = scored(&[Descriptor::Arthritis], &[]);
        let four = scored(&[Descriptor::Arthritis], &[]);
        assert_eq!(
            lldas(&premise(&four, Some(&prev)), &MeasureConfig::default()).items[0],
            Tri::True
        );
        let five = scored(&[Descriptor::Arthritis, Descriptor::Leukopenia], &[]);
        assert_eq!(
            lldas(&premise(&five, Some(&prev)), &MeasureConfig::default()).items[0],
            Tri::False
        );
    }

    #[test]
    fn item_5_study_product_only_when_configured() {
        let cur = scored(&SEROLOGY, &[]);
        let counts = MeasureConfig {
            study_product_counts_as_investigational_for_lldas: true,
            ..MeasureConfig::default()
        };
        assert_eq!(
            lldas(&premise(&cur, Some(&cur)), &counts).items[4],
            Tri::False
        );
        let mut input = premise(&cur, Some(&cur));
        input.on_investigational_drug = Some(true);
        assert_eq!(
            lldas(&input, &MeasureConfig::default()).items[4],
            Tri::False
        );
        input.on_investigational_drug = None;
        let r = lldas(&input, &MeasureConfig::default());
        assert_eq!(r.status, Status::not_evaluable(["on_investigational_drug"]));
    }
}
