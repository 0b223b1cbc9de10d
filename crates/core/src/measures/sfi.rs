//! SELENA-SLEDAI Flare Index (SFI), classic and BLISS-modified (sle-activity §2.1–§2.3, §2.5;
//! README erratum 14).
//!
//! Petri M, Buyon J, Kim M. *Classification and definition of major flares in SLE clinical
//! trials.* Lupus 1999;8:685–691; Petri M et al. N Engl J Med 2005;353:2550–2558; Buyon JP et
//! al. Ann Intern Med 2005;142:953–962. BLISS modification: Navarra SV et al. Lancet
//! 2011;377:721–731; Furie R et al. Arthritis Rheum 2011;63:3918–3930.
//!
//! Every trigger is a three-valued criterion (§0.1): a missing input makes a trigger UNKNOWN
//! only when its value could change the trigger. Doses are compared exactly: "dose ≤ 0.5
//! mg/kg/day" is `2 · pe_mg ≤ weight_kg` (cross-multiplication, never division).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{Immunosuppressant, MeasureConfig, SfiSevereScoreRule, SfiVariant};
use crate::measures::glucocorticoid::PrednisoneEquivalent;
use crate::measures::pga::Pga;
use crate::measures::sledai_flare::{NO_PREVIOUS_ASSESSMENT, ScoreBounds};
use crate::{Status, Tri};

/// The class of a visit (sle-activity §2.1): severe if any severe trigger fires, else
/// mild/moderate if any mild/moderate trigger fires, else none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SfiClass {
    None,
    MildModerate,
    Severe,
}

/// The SFI triggers (sle-activity §2.1 tables).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum Trigger {
    /// SELENA-SLEDAI increase ≥ 3, current not > 12.
    #[serde(rename = "MM1")]
    Mm1,
    /// New or worse mucocutaneous, serosal, arthritis or fever manifestation.
    #[serde(rename = "MM2")]
    Mm2,
    /// Prednisone increased for SLE, new dose ≤ 0.5 mg/kg/day.
    #[serde(rename = "MM3")]
    Mm3,
    /// NSAID or hydroxychloroquine added for SLE activity.
    #[serde(rename = "MM4")]
    Mm4,
    /// PGA increase ≥ 1.0, current ≤ 2.5.
    #[serde(rename = "MM5")]
    Mm5,
    /// SELENA-SLEDAI increase to > 12.
    #[serde(rename = "SV1")]
    Sv1,
    /// New or worse severe manifestation requiring doubled prednisone, > 0.5 mg/kg/day or
    /// hospitalisation.
    #[serde(rename = "SV2")]
    Sv2,
    /// Prednisone increased for SLE to > 0.5 mg/kg/day, or an IV pulse for SLE.
    #[serde(rename = "SV3")]
    Sv3,
    /// New cyclophosphamide, azathioprine, methotrexate (or mycophenolate) for SLE.
    #[serde(rename = "SV4")]
    Sv4,
    /// Hospitalisation for SLE activity.
    #[serde(rename = "SV5")]
    Sv5,
    /// PGA increase to > 2.5.
    #[serde(rename = "SV6")]
    Sv6,
}

impl Trigger {
    /// All triggers, mild/moderate first.
    pub const ALL: [Trigger; 11] = [
        Trigger::Mm1,
        Trigger::Mm2,
        Trigger::Mm3,
        Trigger::Mm4,
        Trigger::Mm5,
        Trigger::Sv1,
        Trigger::Sv2,
        Trigger::Sv3,
        Trigger::Sv4,
        Trigger::Sv5,
        Trigger::Sv6,
    ];

    /// Whether the trigger is one of the severe ones (SV1–SV6).
    pub const fn is_severe(self) -> bool {
        (self as usize) >= Trigger::Sv1 as usize
    }

    /// The id of the spec (`MM1` … `SV6`).
    pub const fn id(self) -> &'static str {
        match self {
            Trigger::Mm1 => "MM1",
            Trigger::Mm2 => "MM2",
            Trigger::Mm3 => "MM3",
            Trigger::Mm4 => "MM4",
            Trigger::Mm5 => "MM5",
            Trigger::Sv1 => "SV1",
            Trigger::Sv2 => "SV2",
            Trigger::Sv3 => "SV3",
            Trigger::Sv4 => "SV4",
            Trigger::Sv5 => "SV5",
            Trigger::Sv6 => "SV6",
        }
    }
}

/// Why a medication was changed (sle-activity §9.6 `med_indication`; README erratum 16
/// `prednisone_change_indication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeIndication {
    /// For SLE activity: the only indication whose dose increases are SFI triggers (§2.3 step 3).
    SleActivity,
    /// Protocol-driven (taper, conditioning): not a trigger (§2.5).
    Protocol,
    ToxicityChange,
    Other,
}

/// The immunosuppressant started for SLE activity since the previous visit (sle-activity §9.5
/// `new_immunosuppressant_for_sle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewImmunosuppressant {
    None,
    Started(Immunosuppressant),
}

/// The MM2 manifestation flags (sle-activity §9.5), in the order of §2.1.
pub const MM2_FLAGS: [&str; 10] = [
    "sfi_mm_new_worse_discoid",
    "sfi_mm_new_worse_photosensitive",
    "sfi_mm_new_worse_profundus",
    "sfi_mm_new_worse_cutaneous_vasculitis",
    "sfi_mm_new_worse_bullous",
    "sfi_mm_new_worse_nasopharyngeal_ulcers",
    "sfi_mm_new_worse_pleuritis",
    "sfi_mm_new_worse_pericarditis",
    "sfi_mm_new_worse_arthritis",
    "sfi_mm_new_worse_fever",
];

/// The SV2 manifestation flags (sle-activity §9.5); the last is haemolytic anaemia.
pub const SV2_FLAGS: [&str; 6] = [
    "sfi_sv_new_worse_cns",
    "sfi_sv_new_worse_vasculitis",
    "sfi_sv_new_worse_nephritis",
    "sfi_sv_new_worse_myositis",
    "sfi_sv_new_worse_platelets_lt_60",
    "sfi_sv_new_worse_hemolytic_anemia",
];

/// What the SFI needs from the previous assessment (sle-activity §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SfiPrevious {
    /// SELENA-compatible SLEDAI (§1.3) with bounds.
    pub selena: ScoreBounds,
    pub pga: Option<Pga>,
    /// Maintenance prednisone-equivalent dose, mg/day (§8.4).
    pub prednisone_mg_per_day: Option<PrednisoneEquivalent>,
    /// g/dL.
    pub hemoglobin_g_dl: Option<Decimal>,
}

/// What the SFI needs from the current visit (sle-activity §2.2, §9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SfiCurrent {
    /// SELENA-compatible SLEDAI (§1.3) with bounds.
    pub selena: ScoreBounds,
    pub pga: Option<Pga>,
    /// Maintenance prednisone-equivalent dose, mg/day (§8.4).
    pub prednisone_mg_per_day: Option<PrednisoneEquivalent>,
    /// g/dL.
    pub hemoglobin_g_dl: Option<Decimal>,
    /// kg (§2.2: latest ≤ 90 days old).
    pub body_weight_kg: Option<Decimal>,
    /// Why the prednisone dose changed since the previous visit.
    pub prednisone_change_indication: Option<ChangeIndication>,
    /// An IV pulse (≥ 250 mg PE/day) for SLE activity since the previous visit (§2.3 step 6).
    pub pulse_since_previous_for_sle: Option<bool>,
    /// MM2 flags, in the order of [`MM2_FLAGS`].
    pub mm2: [Option<bool>; 10],
    /// SV2 flags, in the order of [`SV2_FLAGS`].
    pub sv2: [Option<bool>; 6],
    pub nsaid_added_for_sle: Option<bool>,
    pub hcq_added_for_sle: Option<bool>,
    pub new_immunosuppressant_for_sle: Option<NewImmunosuppressant>,
    pub hospitalised_for_sle: Option<bool>,
}

impl SfiCurrent {
    /// A current visit with the given SELENA score and every other input unrecorded.
    pub fn blank(selena: ScoreBounds) -> SfiCurrent {
        SfiCurrent {
            selena,
            pga: None,
            prednisone_mg_per_day: None,
            hemoglobin_g_dl: None,
            body_weight_kg: None,
            prednisone_change_indication: None,
            pulse_since_previous_for_sle: None,
            mm2: [None; 10],
            sv2: [None; 6],
            nsaid_added_for_sle: None,
            hcq_added_for_sle: None,
            new_immunosuppressant_for_sle: None,
            hospitalised_for_sle: None,
        }
    }
}

/// The SFI at one visit (sle-activity §2.3 step 7, §10 `sfi`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sfi {
    /// The class, or `None` when undecided. With erratum 14 (a mild/moderate trigger fired and
    /// a severe one unknown) this is `MildModerate` — "at least mild/moderate" — with status
    /// `incomplete`.
    pub class: Option<SfiClass>,
    /// The value of every trigger, indexed like [`Trigger::ALL`].
    pub triggers: [Tri; 11],
    /// The variant applied.
    pub variant: SfiVariant,
    pub status: Status,
}

impl Sfi {
    /// The triggers that fired, in [`Trigger::ALL`] order. Under `bliss_modified` a fired SV1
    /// is listed although it does not make the flare severe.
    pub fn fired(&self) -> impl Iterator<Item = Trigger> + '_ {
        Trigger::ALL
            .into_iter()
            .filter(|t| self.triggers[*t as usize] == Tri::True)
    }

    /// The triggers that could not be decided.
    pub fn unknown(&self) -> impl Iterator<Item = Trigger> + '_ {
        Trigger::ALL
            .into_iter()
            .filter(|t| self.triggers[*t as usize] == Tri::Unknown)
    }

    /// The value of one trigger.
    pub fn trigger(&self, t: Trigger) -> Tri {
        self.triggers[t as usize]
    }
}

/// Field-name prefix of inputs taken from the previous assessment in `missing` lists.
pub const PREVIOUS: &str = "previous_visit.";

fn present(value: Option<bool>) -> Tri {
    Tri::from_option(value)
}

/// `a > b` for two recorded numbers, UNKNOWN if either is missing.
fn greater<T: PartialOrd>(a: Option<T>, b: Option<T>) -> Tri {
    match (a, b) {
        (Some(a), Some(b)) => Tri::from(a > b),
        _ => Tri::Unknown,
    }
}

/// sle-activity §2.3 step 3: `dose_mgkg = pe / weight > 0.5` ⇔ `2 · pe > weight`.
fn above_half_mg_per_kg(pe: Option<PrednisoneEquivalent>, weight: Option<Decimal>) -> Tri {
    match (pe, weight) {
        (Some(pe), Some(w)) => Tri::from(pe.times(2).greater_than_mg(w)),
        // No glucocorticoid at all is never above 0.5 mg/kg, whatever the weight.
        (Some(pe), None) if pe.is_zero() => Tri::False,
        _ => Tri::Unknown,
    }
}

/// sle-activity §2.3 steps 3 and 6: only increases for SLE activity count; protocol tapers,
/// conditioning, toxicity changes do not (§2.5).
fn for_sle(indication: Option<ChangeIndication>) -> Tri {
    indication.map_or(Tri::Unknown, |i| {
        Tri::from(i == ChangeIndication::SleActivity)
    })
}

/// SV2 haemolytic anaemia "with Hb < 7 g/dL or Hb fall > 3 g/dL" (sle-activity §2.1).
fn hemolytic_anemia_qualifies(
    flag: Option<bool>,
    previous_hb: Option<Decimal>,
    hb: Option<Decimal>,
) -> Tri {
    let low = hb.map_or(Tri::Unknown, |h| Tri::from(h < Decimal::from(7)));
    let fall = match (previous_hb, hb) {
        (Some(p), Some(h)) => Tri::from(p - h > Decimal::from(3)),
        _ => Tri::Unknown,
    };
    present(flag).and(low.or(fall))
}

/// Classifies the current visit against the previous assessment (sle-activity §2.3).
///
/// `previous = None` gives `not_applicable` (§2.5). `selena_missing` names the SLEDAI inputs
/// that widen the SELENA bounds, asked for only when a trigger that uses them is unknown.
pub fn sfi(
    previous: Option<&SfiPrevious>,
    current: &SfiCurrent,
    config: &MeasureConfig,
    selena_missing: impl FnOnce() -> Vec<String>,
) -> Sfi {
    let variant = config.sfi_variant;
    let Some(previous) = previous else {
        return Sfi {
            class: None,
            triggers: [Tri::Unknown; 11],
            variant,
            status: Status::not_applicable(NO_PREVIOUS_ASSESSMENT),
        };
    };
    let triggers = evaluate_triggers(previous, current, config);
    let value = |t: Trigger| triggers[t as usize];
    // BLISS modification (§2.1): a severe flare triggered only by SV1 is not severe.
    let severe = Tri::any(
        Trigger::ALL
            .into_iter()
            .filter(|t| t.is_severe())
            .filter(|t| !(variant == SfiVariant::BlissModified && *t == Trigger::Sv1))
            .map(value),
    );
    let mild_moderate = Tri::any(
        Trigger::ALL
            .into_iter()
            .filter(|t| !t.is_severe())
            .map(value),
    );
    // §2.3 step 7 and erratum 14.
    let (class, decided) = match (severe, mild_moderate) {
        (Tri::True, _) => (Some(SfiClass::Severe), true),
        (Tri::False, Tri::True) => (Some(SfiClass::MildModerate), true),
        (Tri::False, Tri::False) => (Some(SfiClass::None), true),
        (Tri::Unknown, Tri::True) => (Some(SfiClass::MildModerate), false),
        _ => (None, false),
    };
    let status = if decided {
        Status::Complete
    } else {
        let missing = missing_inputs(&triggers, previous, current, selena_missing);
        if class.is_some() {
            Status::incomplete(missing)
        } else {
            Status::not_evaluable(missing)
        }
    };
    Sfi {
        class,
        triggers,
        variant,
        status,
    }
}

fn evaluate_triggers(
    previous: &SfiPrevious,
    current: &SfiCurrent,
    config: &MeasureConfig,
) -> [Tri; 11] {
    let (prev_pe, cur_pe) = (
        previous.prednisone_mg_per_day,
        current.prednisone_mg_per_day,
    );
    // §2.3 step 2: MM1 = Δ ≥ 3 && cur ≤ 12.
    let mm1 = ScoreBounds::rise_at_least(previous.selena, current.selena, 3)
        .and(current.selena.at_most(12));
    // §2.3 step 2: SV1 default `increase_and_current_gt_12` = Δ > 0 && cur > 12;
    // `crossing_12` = prev ≤ 12 && cur > 12 [C].
    let sv1 = match config.sfi_severe_score_rule {
        SfiSevereScoreRule::IncreaseAndCurrentGt12 => {
            ScoreBounds::rise_at_least(previous.selena, current.selena, 1)
        }
        SfiSevereScoreRule::Crossing12 => previous.selena.at_most(12),
    }
    .and(current.selena.above(12));
    // §2.3 step 3: an increase for SLE activity, split at 0.5 mg/kg/day.
    let increased_for_sle =
        greater(cur_pe, prev_pe).and(for_sle(current.prednisone_change_indication));
    let high_dose = above_half_mg_per_kg(cur_pe, current.body_weight_kg);
    let mm3 = increased_for_sle.and(high_dose.not());
    // §2.3 step 6: an IV pulse for SLE since the previous visit counts as SV3.
    let sv3 = increased_for_sle
        .and(high_dose)
        .or(present(current.pulse_since_previous_for_sle));
    // §2.3 step 4: doubling (any start when the previous dose was 0) for SLE activity.
    let doubled = match (prev_pe, cur_pe) {
        (Some(p), Some(c)) if p.is_zero() => Tri::from(!c.is_zero()),
        (Some(p), Some(c)) => Tri::from(c >= p.times(2)),
        _ => Tri::Unknown,
    }
    .and(for_sle(current.prednisone_change_indication));
    let sv2_manifestation =
        Tri::any(current.sv2[..5].iter().map(|f| present(*f))).or(hemolytic_anemia_qualifies(
            current.sv2[5],
            previous.hemoglobin_g_dl,
            current.hemoglobin_g_dl,
        ));
    let sv2 = sv2_manifestation.and(Tri::any([
        doubled,
        high_dose,
        present(current.hospitalised_for_sle),
    ]));
    let mm2 = Tri::any(current.mm2.iter().map(|f| present(*f)));
    let mm4 = present(current.nsaid_added_for_sle).or(present(current.hcq_added_for_sle));
    // §2.3 step 5 (hundredths): MM5 = Δ ≥ 100 && cur ≤ 250; SV6 = cur > 250 && cur > prev.
    let (mm5, sv6) = match (previous.pga, current.pga) {
        (Some(p), Some(c)) => (
            Tri::from(c.sfi_mild_moderate_increase_from(p)),
            Tri::from(c.sfi_severe_increase_from(p)),
        ),
        _ => (Tri::Unknown, Tri::Unknown),
    };
    // SV4: the configured list (§0.6 `sfi_new_immunosuppressants`; MMF included by default [V]).
    let sv4 = match current.new_immunosuppressant_for_sle {
        Some(NewImmunosuppressant::None) => Tri::False,
        Some(NewImmunosuppressant::Started(agent)) => {
            Tri::from(config.sfi_new_immunosuppressants.contains(&agent))
        }
        None => Tri::Unknown,
    };
    let sv5 = present(current.hospitalised_for_sle);
    [mm1, mm2, mm3, mm4, mm5, sv1, sv2, sv3, sv4, sv5, sv6]
}

/// The inputs behind the unknown triggers, each named once.
fn missing_inputs(
    triggers: &[Tri; 11],
    previous: &SfiPrevious,
    current: &SfiCurrent,
    selena_missing: impl FnOnce() -> Vec<String>,
) -> Vec<String> {
    let unknown = |t: Trigger| triggers[t as usize] == Tri::Unknown;
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str, absent: bool| {
        if absent && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    };
    let dose_unknown = unknown(Trigger::Mm3) || unknown(Trigger::Sv3) || unknown(Trigger::Sv2);
    if dose_unknown {
        add(
            &format!("{PREVIOUS}prednisone_mg_per_day"),
            previous.prednisone_mg_per_day.is_none(),
        );
        add(
            "prednisone_mg_per_day",
            current.prednisone_mg_per_day.is_none(),
        );
        add("body_weight_kg", current.body_weight_kg.is_none());
        add(
            "prednisone_change_indication",
            current.prednisone_change_indication.is_none(),
        );
    }
    if unknown(Trigger::Sv3) {
        add(
            "pulse_since_previous_for_sle",
            current.pulse_since_previous_for_sle.is_none(),
        );
    }
    if unknown(Trigger::Mm2) {
        for (name, flag) in MM2_FLAGS.iter().zip(current.mm2) {
            add(name, flag.is_none());
        }
    }
    if unknown(Trigger::Sv2) {
        for (name, flag) in SV2_FLAGS.iter().zip(current.sv2) {
            add(name, flag.is_none());
        }
        if current.sv2[5] == Some(true) {
            add("hemoglobin_g_dl", current.hemoglobin_g_dl.is_none());
        }
    }
    if unknown(Trigger::Mm4) {
        add("nsaid_added_for_sle", current.nsaid_added_for_sle.is_none());
        add("hcq_added_for_sle", current.hcq_added_for_sle.is_none());
    }
    if unknown(Trigger::Mm5) || unknown(Trigger::Sv6) {
        add(&format!("{PREVIOUS}pga_hundredths"), previous.pga.is_none());
        add("pga_hundredths", current.pga.is_none());
    }
    if unknown(Trigger::Sv4) {
        add(
            "new_immunosuppressant_for_sle",
            current.new_immunosuppressant_for_sle.is_none(),
        );
    }
    if unknown(Trigger::Sv2) || unknown(Trigger::Sv5) {
        add(
            "hospitalised_for_sle",
            current.hospitalised_for_sle.is_none(),
        );
    }
    if unknown(Trigger::Mm1) || unknown(Trigger::Sv1) {
        for name in selena_missing() {
            add(&name, true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn pe(mg: Decimal) -> Option<PrednisoneEquivalent> {
        Some(
            PrednisoneEquivalent::from_mg("prednisone_mg_per_day", mg).expect("test dose in range"),
        )
    }

    fn pga(h: u16) -> Option<Pga> {
        Some(Pga::from_hundredths(h).expect("test PGA in range"))
    }

    /// The premise of §2.6: weight 60 kg, nothing else changed unless stated — every flag
    /// recorded as "no", SELENA 4, PGA 0.80, prednisone 5 mg/d at both visits.
    fn premise() -> (SfiPrevious, SfiCurrent) {
        let previous = SfiPrevious {
            selena: ScoreBounds::exact(4),
            pga: pga(80),
            prednisone_mg_per_day: pe(dec!(5)),
            hemoglobin_g_dl: Some(dec!(12)),
        };
        let current = SfiCurrent {
            selena: ScoreBounds::exact(4),
            pga: pga(80),
            prednisone_mg_per_day: pe(dec!(5)),
            hemoglobin_g_dl: Some(dec!(12)),
            body_weight_kg: Some(dec!(60)),
            prednisone_change_indication: Some(ChangeIndication::SleActivity),
            pulse_since_previous_for_sle: Some(false),
            mm2: [Some(false); 10],
            sv2: [Some(false); 6],
            nsaid_added_for_sle: Some(false),
            hcq_added_for_sle: Some(false),
            new_immunosuppressant_for_sle: Some(NewImmunosuppressant::None),
            hospitalised_for_sle: Some(false),
        };
        (previous, current)
    }

    fn classify(previous: &SfiPrevious, current: &SfiCurrent, config: &MeasureConfig) -> Sfi {
        sfi(Some(previous), current, config, || {
            vec!["sledai_rash".to_owned()]
        })
    }

    type Edit = fn(&mut SfiPrevious, &mut SfiCurrent);

    /// F1–F12 (sle-activity §2.6), classic variant.
    #[test]
    fn sfi_vectors() {
        use SfiClass::*;
        use Trigger::*;
        let rows: [(&str, Edit, SfiClass, &[Trigger]); 20] = [
            (
                "F1 SELENA 4 → 8, PGA 0.80 → 1.00",
                |p, c| {
                    p.selena = ScoreBounds::exact(4);
                    c.selena = ScoreBounds::exact(8);
                    c.pga = pga(100);
                },
                MildModerate,
                &[Mm1],
            ),
            (
                "F2 SELENA 4 → 6, PGA 0.80 → 1.00",
                |_, c| {
                    c.selena = ScoreBounds::exact(6);
                    c.pga = pga(100);
                },
                None,
                &[],
            ),
            (
                "F3 SELENA 10 → 14",
                |p, c| {
                    p.selena = ScoreBounds::exact(10);
                    c.selena = ScoreBounds::exact(14);
                },
                Severe,
                &[Sv1],
            ),
            (
                "F4a SELENA 6 → 6, PGA 0.50 → 1.50",
                |p, c| {
                    p.selena = ScoreBounds::exact(6);
                    c.selena = ScoreBounds::exact(6);
                    p.pga = pga(50);
                    c.pga = pga(150);
                },
                MildModerate,
                &[Mm5],
            ),
            (
                "F4b PGA 0.50 → 1.49",
                |p, c| {
                    p.pga = pga(50);
                    c.pga = pga(149);
                },
                None,
                &[],
            ),
            (
                "F5a PGA 2.00 → 2.60",
                |p, c| {
                    p.pga = pga(200);
                    c.pga = pga(260);
                },
                Severe,
                &[Sv6],
            ),
            (
                "F5b PGA 1.50 → 2.50",
                |p, c| {
                    p.pga = pga(150);
                    c.pga = pga(250);
                },
                MildModerate,
                &[Mm5],
            ),
            (
                "F5 boundary PGA 1.51 → 2.51",
                |p, c| {
                    p.pga = pga(151);
                    c.pga = pga(251);
                },
                Severe,
                &[Sv6],
            ),
            (
                "F6a pred 5 → 15 (0.25 mg/kg)",
                |p, c| {
                    p.prednisone_mg_per_day = pe(dec!(5));
                    c.prednisone_mg_per_day = pe(dec!(15));
                },
                MildModerate,
                &[Mm3],
            ),
            (
                "F6b pred 10 → 30 (exactly 0.50 mg/kg)",
                |p, c| {
                    p.prednisone_mg_per_day = pe(dec!(10));
                    c.prednisone_mg_per_day = pe(dec!(30));
                },
                MildModerate,
                &[Mm3],
            ),
            (
                "F6 boundary pred 10 → 30.01",
                |p, c| {
                    p.prednisone_mg_per_day = pe(dec!(10));
                    c.prednisone_mg_per_day = pe(dec!(30.01));
                },
                Severe,
                &[Sv3],
            ),
            (
                "F6c pred 5 → 35 (0.583 mg/kg)",
                |p, c| {
                    p.prednisone_mg_per_day = pe(dec!(5));
                    c.prednisone_mg_per_day = pe(dec!(35));
                },
                Severe,
                &[Sv3],
            ),
            (
                "F7a new nephritis, pred 10 → 20 (doubled)",
                |p, c| {
                    c.sv2[2] = Some(true);
                    p.prednisone_mg_per_day = pe(dec!(10));
                    c.prednisone_mg_per_day = pe(dec!(20));
                },
                Severe,
                &[Mm3, Sv2],
            ),
            (
                "F7b new nephritis, pred 10 → 15 (not doubled)",
                |p, c| {
                    c.sv2[2] = Some(true);
                    p.prednisone_mg_per_day = pe(dec!(10));
                    c.prednisone_mg_per_day = pe(dec!(15));
                },
                MildModerate,
                &[Mm3],
            ),
            (
                "F8 mycophenolate started for SLE",
                |_, c| {
                    c.new_immunosuppressant_for_sle = Some(NewImmunosuppressant::Started(
                        Immunosuppressant::Mycophenolate,
                    ));
                },
                Severe,
                &[Sv4],
            ),
            (
                "F9 new arthritis, HCQ added",
                |_, c| {
                    c.mm2[8] = Some(true);
                    c.hcq_added_for_sle = Some(true);
                },
                MildModerate,
                &[Mm2, Mm4],
            ),
            (
                "F10 weight 70, methylprednisolone 500 mg IV pulse for SLE",
                |_, c| {
                    c.body_weight_kg = Some(dec!(70));
                    c.pulse_since_previous_for_sle = Some(true);
                },
                Severe,
                &[Sv3],
            ),
            (
                "F11 SELENA 11 → 13 (classic)",
                |p, c| {
                    p.selena = ScoreBounds::exact(11);
                    c.selena = ScoreBounds::exact(13);
                },
                Severe,
                &[Sv1],
            ),
            (
                "F12a SELENA 9 → 12",
                |p, c| {
                    p.selena = ScoreBounds::exact(9);
                    c.selena = ScoreBounds::exact(12);
                },
                MildModerate,
                &[Mm1],
            ),
            (
                "F12b SELENA 9 → 13",
                |p, c| {
                    p.selena = ScoreBounds::exact(9);
                    c.selena = ScoreBounds::exact(13);
                },
                Severe,
                &[Sv1],
            ),
        ];
        for (name, edit, class, fired) in rows {
            let (mut p, mut c) = premise();
            edit(&mut p, &mut c);
            let r = classify(&p, &c, &MeasureConfig::default());
            assert_eq!(r.class, Some(class), "{name}");
            assert_eq!(r.fired().collect::<Vec<_>>(), fired, "{name}");
            assert_eq!(r.status, Status::Complete, "{name}");
        }
    }

    #[test]
    fn f11_bliss_modified_is_no_flare() {
        let (mut p, mut c) = premise();
        p.selena = ScoreBounds::exact(11);
        c.selena = ScoreBounds::exact(13);
        let bliss = MeasureConfig {
            sfi_variant: SfiVariant::BlissModified,
            ..MeasureConfig::default()
        };
        let r = classify(&p, &c, &bliss);
        assert_eq!(r.class, Some(SfiClass::None), "F11 bliss_modified");
        assert_eq!(r.variant, SfiVariant::BlissModified);
        // With another severe trigger, BLISS keeps it severe.
        c.hospitalised_for_sle = Some(true);
        assert_eq!(classify(&p, &c, &bliss).class, Some(SfiClass::Severe));
    }

    #[test]
    fn crossing_12_rule() {
        let (mut p, mut c) = premise();
        p.selena = ScoreBounds::exact(14);
        c.selena = ScoreBounds::exact(16);
        let crossing = MeasureConfig {
            sfi_severe_score_rule: SfiSevereScoreRule::Crossing12,
            ..MeasureConfig::default()
        };
        assert_eq!(
            classify(&p, &c, &MeasureConfig::default()).class,
            Some(SfiClass::Severe)
        );
        assert_eq!(classify(&p, &c, &crossing).class, Some(SfiClass::None));
    }

    #[test]
    fn mm1_boundaries() {
        let (mut p, mut c) = premise();
        p.selena = ScoreBounds::exact(4);
        for (cur, class) in [
            (6, SfiClass::None),
            (7, SfiClass::MildModerate),
            (8, SfiClass::MildModerate),
        ] {
            c.selena = ScoreBounds::exact(cur);
            assert_eq!(
                classify(&p, &c, &MeasureConfig::default()).class,
                Some(class),
                "4 → {cur}"
            );
        }
    }

    #[test]
    fn protocol_taper_or_conditioning_is_not_a_trigger() {
        let (mut p, mut c) = premise();
        p.prednisone_mg_per_day = pe(dec!(5));
        c.prednisone_mg_per_day = pe(dec!(60));
        c.prednisone_change_indication = Some(ChangeIndication::Protocol);
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.class, Some(SfiClass::None), "§2.5 protocol indication");
    }

    #[test]
    fn erratum_14_mild_fired_severe_unknown_is_incomplete() {
        let (p, mut c) = premise();
        c.mm2[8] = Some(true);
        c.hospitalised_for_sle = None;
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.class, Some(SfiClass::MildModerate));
        assert_eq!(r.status, Status::incomplete(["hospitalised_for_sle"]));
        assert_eq!(r.unknown().collect::<Vec<_>>(), vec![Trigger::Sv5]);
    }

    #[test]
    fn nothing_fired_and_something_unknown_is_not_evaluable() {
        let (p, mut c) = premise();
        c.pga = None;
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.class, None);
        assert_eq!(r.status, Status::not_evaluable(["pga_hundredths"]));
        // A severe trigger decides even with other inputs missing.
        c.new_immunosuppressant_for_sle = Some(NewImmunosuppressant::Started(
            Immunosuppressant::Cyclophosphamide,
        ));
        assert_eq!(
            classify(&p, &c, &MeasureConfig::default()).class,
            Some(SfiClass::Severe)
        );
    }

    #[test]
    fn weight_missing_leaves_dose_triggers_unknown() {
        let (p, mut c) = premise();
        c.body_weight_kg = None;
        c.prednisone_mg_per_day = pe(dec!(10));
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.trigger(Trigger::Mm3), Tri::Unknown);
        assert_eq!(r.trigger(Trigger::Sv3), Tri::Unknown);
        assert_eq!(r.class, None);
        assert_eq!(r.status, Status::not_evaluable(["body_weight_kg"]));
    }

    #[test]
    fn hemolytic_anemia_needs_the_hb_criterion() {
        let (p, mut c) = premise();
        c.sv2[5] = Some(true);
        c.hospitalised_for_sle = Some(true);
        c.hemoglobin_g_dl = Some(dec!(9));
        // Hb 12 → 9: fall of exactly 3, not > 3; Hb not < 7 → SV2 does not fire (SV5 does).
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.trigger(Trigger::Sv2), Tri::False);
        c.hemoglobin_g_dl = Some(dec!(8.9));
        let r = classify(&p, &c, &MeasureConfig::default());
        assert_eq!(r.trigger(Trigger::Sv2), Tri::True, "fall 3.1 g/dL");
    }

    #[test]
    fn no_previous_assessment_is_not_applicable() {
        let (_, c) = premise();
        let r = sfi(None, &c, &MeasureConfig::default(), Vec::new);
        assert_eq!(r.status.code(), "not_applicable");
    }
}
