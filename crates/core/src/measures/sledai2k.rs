//! SLEDAI-2K, clinical SLEDAI and the SELENA-compatible score (sle-activity §1).
//!
//! Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
//! J Rheumatol 2002;29:288–291; Bombardier C et al. Derivation of the SLEDAI. Arthritis Rheum
//! 1992;35:630–640; Touma Z et al. SLEDAI-2K for a 30-day window. Lupus 2010;19:49–51.
//!
//! A weighted count of 24 manifestations present on the visit date or in the look-back window
//! (§0.3) and attributed to SLE (§0.4); range 0–105. Descriptors nobody assessed are never
//! counted as absent: the score then reports lower and upper bounds (§1.5 steps 5–6).

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::MeasureConfig;
use crate::{InputError, Tri};

/// The 24 SLEDAI-2K descriptors in form order (sle-activity §1.3).
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
#[serde(rename_all = "snake_case")]
pub enum Descriptor {
    Seizure,
    Psychosis,
    OrganicBrainSyndrome,
    VisualDisturbance,
    CranialNerveDisorder,
    LupusHeadache,
    Cva,
    Vasculitis,
    Arthritis,
    Myositis,
    UrinaryCasts,
    Hematuria,
    Proteinuria,
    Pyuria,
    Rash,
    Alopecia,
    MucosalUlcers,
    Pleurisy,
    Pericarditis,
    LowComplement,
    IncreasedDnaBinding,
    Fever,
    Thrombocytopenia,
    Leukopenia,
}

/// The organ systems the descriptors belong to (sle-activity §0.5), used by LLDAS, DORIS and
/// the exploratory mSRI surrogate.
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
#[serde(rename_all = "snake_case")]
pub enum OrganSystem {
    Neuro,
    Vascular,
    Musculoskeletal,
    Renal,
    Mucocutaneous,
    Serosal,
    Serology,
    Constitutional,
    Haematological,
}

impl OrganSystem {
    /// All organ systems in form order.
    pub const ALL: [OrganSystem; 9] = [
        OrganSystem::Neuro,
        OrganSystem::Vascular,
        OrganSystem::Musculoskeletal,
        OrganSystem::Renal,
        OrganSystem::Mucocutaneous,
        OrganSystem::Serosal,
        OrganSystem::Serology,
        OrganSystem::Constitutional,
        OrganSystem::Haematological,
    ];
}

impl Descriptor {
    /// All 24 descriptors in form order.
    pub const ALL: [Descriptor; 24] = [
        Descriptor::Seizure,
        Descriptor::Psychosis,
        Descriptor::OrganicBrainSyndrome,
        Descriptor::VisualDisturbance,
        Descriptor::CranialNerveDisorder,
        Descriptor::LupusHeadache,
        Descriptor::Cva,
        Descriptor::Vasculitis,
        Descriptor::Arthritis,
        Descriptor::Myositis,
        Descriptor::UrinaryCasts,
        Descriptor::Hematuria,
        Descriptor::Proteinuria,
        Descriptor::Pyuria,
        Descriptor::Rash,
        Descriptor::Alopecia,
        Descriptor::MucosalUlcers,
        Descriptor::Pleurisy,
        Descriptor::Pericarditis,
        Descriptor::LowComplement,
        Descriptor::IncreasedDnaBinding,
        Descriptor::Fever,
        Descriptor::Thrombocytopenia,
        Descriptor::Leukopenia,
    ];

    /// Position in form order (0..24).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The published weight (sle-activity §1.3; weights sum to 105).
    pub const fn weight(self) -> u8 {
        use Descriptor::*;
        match self {
            Seizure | Psychosis | OrganicBrainSyndrome | VisualDisturbance
            | CranialNerveDisorder | LupusHeadache | Cva | Vasculitis => 8,
            Arthritis | Myositis | UrinaryCasts | Hematuria | Proteinuria | Pyuria => 4,
            Rash | Alopecia | MucosalUlcers | Pleurisy | Pericarditis | LowComplement
            | IncreasedDnaBinding => 2,
            Fever | Thrombocytopenia | Leukopenia => 1,
        }
    }

    /// The organ system of the descriptor (sle-activity §0.5).
    pub const fn organ_system(self) -> OrganSystem {
        use Descriptor::*;
        match self {
            Seizure | Psychosis | OrganicBrainSyndrome | VisualDisturbance
            | CranialNerveDisorder | LupusHeadache | Cva => OrganSystem::Neuro,
            Vasculitis => OrganSystem::Vascular,
            Arthritis | Myositis => OrganSystem::Musculoskeletal,
            UrinaryCasts | Hematuria | Proteinuria | Pyuria => OrganSystem::Renal,
            Rash | Alopecia | MucosalUlcers => OrganSystem::Mucocutaneous,
            Pleurisy | Pericarditis => OrganSystem::Serosal,
            LowComplement | IncreasedDnaBinding => OrganSystem::Serology,
            Fever => OrganSystem::Constitutional,
            Thrombocytopenia | Leukopenia => OrganSystem::Haematological,
        }
    }

    /// The machine name of §1.3 (`low_complement`); the input key is `sledai_` + this.
    pub const fn name(self) -> &'static str {
        use Descriptor::*;
        match self {
            Seizure => "seizure",
            Psychosis => "psychosis",
            OrganicBrainSyndrome => "organic_brain_syndrome",
            VisualDisturbance => "visual_disturbance",
            CranialNerveDisorder => "cranial_nerve_disorder",
            LupusHeadache => "lupus_headache",
            Cva => "cva",
            Vasculitis => "vasculitis",
            Arthritis => "arthritis",
            Myositis => "myositis",
            UrinaryCasts => "urinary_casts",
            Hematuria => "hematuria",
            Proteinuria => "proteinuria",
            Pyuria => "pyuria",
            Rash => "rash",
            Alopecia => "alopecia",
            MucosalUlcers => "mucosal_ulcers",
            Pleurisy => "pleurisy",
            Pericarditis => "pericarditis",
            LowComplement => "low_complement",
            IncreasedDnaBinding => "increased_dna_binding",
            Fever => "fever",
            Thrombocytopenia => "thrombocytopenia",
            Leukopenia => "leukopenia",
        }
    }

    /// Serology items (20, 21): excluded from clinical SLEDAI (§1.3 derived sub-scores).
    pub const fn is_serology(self) -> bool {
        matches!(
            self,
            Descriptor::LowComplement | Descriptor::IncreasedDnaBinding
        )
    }
}

/// The state of one descriptor at a visit, after the window, labs and exclusions are applied.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Present,
    Absent,
    /// Nobody assessed it: it widens the bounds, it is never counted as absent (§0.1).
    #[default]
    NotAssessed,
}

impl ItemState {
    fn as_tri(self) -> Tri {
        match self {
            ItemState::Present => Tri::True,
            ItemState::Absent => Tri::False,
            ItemState::NotAssessed => Tri::Unknown,
        }
    }

    fn from_tri(t: Tri) -> ItemState {
        match t {
            Tri::True => ItemState::Present,
            Tri::False => ItemState::Absent,
            Tri::Unknown => ItemState::NotAssessed,
        }
    }
}

/// The investigator's answer for one descriptor (sle-activity §1.4, README errata 6 and 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvestigatorAnswer {
    /// present / absent / not_assessed, or `None` when the item was left blank.
    pub state: Option<ItemState>,
    /// The last date the manifestation was present (erratum 6); without it, "present" means
    /// present in the window.
    pub last_present: Option<Date>,
    /// New onset or recurrence (§1.2, §1.3: needed by the SELENA-compatible score).
    pub new_or_recurrent: Option<bool>,
}

/// A lab value with the limit of normal reported with it (§0.2: limits from the same report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LabWithLimit {
    pub value: Option<Decimal>,
    pub limit: Option<Decimal>,
}

/// Numeric and supporting inputs from which lab-derived descriptors are proposed (§1.3
/// "engine derivation", §9.3). Each is the most abnormal value in the window (§1.5 step 2),
/// chosen by the caller. Exclusion flags are recorded positively: `None` means no exclusion
/// recorded (README erratum 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SledaiLabs {
    pub inflamed_joint_count: Option<u16>,
    pub urine_rbc_per_hpf: Option<u16>,
    pub hematuria_other_cause: Option<bool>,
    pub urine_wbc_per_hpf: Option<u16>,
    pub pyuria_infection: Option<bool>,
    pub urine_rbc_or_heme_granular_casts: Option<bool>,
    /// g/24 h.
    pub urine_protein_24h_g: Option<Decimal>,
    /// g/g (= mg/mg).
    pub urine_protein_creatinine_ratio: Option<Decimal>,
    /// C3 with its lower limit of normal (same unit).
    pub c3: LabWithLimit,
    /// C4 with its lower limit of normal.
    pub c4: LabWithLimit,
    /// CH50 with its lower limit of normal.
    pub ch50: LabWithLimit,
    /// Anti-dsDNA with its upper limit of normal.
    pub anti_dsdna: LabWithLimit,
    /// Qualitative anti-dsDNA result where no number is reported.
    pub anti_dsdna_positive: Option<bool>,
    /// °C.
    pub body_temperature_max_c: Option<Decimal>,
    pub fever_infection: Option<bool>,
    /// × 10⁹/L.
    pub platelets: Option<Decimal>,
    pub thrombocytopenia_drug: Option<bool>,
    /// × 10⁹/L.
    pub wbc: Option<Decimal>,
    pub leukopenia_drug: Option<bool>,
}

/// One visit's SLEDAI-2K inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sledai2kAssessment {
    pub visit_date: Date,
    /// Answers indexed by [`Descriptor::index`].
    pub answers: [InvestigatorAnswer; 24],
    pub labs: SledaiLabs,
}

impl Sledai2kAssessment {
    /// An assessment with every item left blank.
    pub fn blank(visit_date: Date) -> Self {
        Sledai2kAssessment {
            visit_date,
            answers: [InvestigatorAnswer::default(); 24],
            labs: SledaiLabs::default(),
        }
    }

    /// The answer for `d`.
    pub fn answer_mut(&mut self, d: Descriptor) -> &mut InvestigatorAnswer {
        &mut self.answers[d.index()]
    }
}

/// Where a descriptor's state came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The investigator's explicit present/absent answer.
    Investigator,
    /// Proposed from the lab values or counts (§1.3 engine derivation).
    Labs,
    /// Neither: not assessed.
    None,
}

/// The scored visit: the state of every descriptor and the bounds derived from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sledai2kScore {
    /// SLEDAI-2K state per descriptor (index = [`Descriptor::index`]).
    pub states: [ItemState; 24],
    /// SELENA-compatible state per descriptor (§1.3 derived sub-scores).
    pub selena_states: [ItemState; 24],
    /// Where each state came from.
    pub sources: [Source; 24],
    /// Descriptors where an explicit investigator answer differs from the lab proposal
    /// (README erratum 4: the answer wins and the override is visible).
    pub overrides: [bool; 24],
}

/// Sums weights of descriptors for which `include` holds: (lower, upper).
fn bounds(states: &[ItemState; 24], include: impl Fn(Descriptor) -> bool) -> (u8, u8) {
    let mut lower = 0u8;
    let mut unknown = 0u8;
    for d in Descriptor::ALL {
        if !include(d) {
            continue;
        }
        match states[d.index()] {
            ItemState::Present => lower += d.weight(),
            ItemState::NotAssessed => unknown += d.weight(),
            ItemState::Absent => {}
        }
    }
    (lower, lower + unknown)
}

impl Sledai2kScore {
    /// State of a descriptor.
    pub fn state(&self, d: Descriptor) -> ItemState {
        self.states[d.index()]
    }

    /// Lower and upper bound of SLEDAI-2K (§1.5 step 5).
    pub fn bounds(&self) -> (u8, u8) {
        bounds(&self.states, |_| true)
    }

    /// The exact total when every descriptor was assessed (§1.5 step 6).
    pub fn total(&self) -> Option<u8> {
        let (lower, upper) = self.bounds();
        (lower == upper && self.is_complete()).then_some(lower)
    }

    /// True when no descriptor is not_assessed.
    pub fn is_complete(&self) -> bool {
        !self.states.contains(&ItemState::NotAssessed)
    }

    /// Bounds of clinical SLEDAI: SLEDAI-2K without items 20–21 (§1.3; used by DORIS §5).
    pub fn clinical_bounds(&self) -> (u8, u8) {
        bounds(&self.states, |d| !d.is_serology())
    }

    /// Bounds of the SELENA-compatible score (§1.3; used by the SFI §2).
    pub fn selena_bounds(&self) -> (u8, u8) {
        bounds(&self.selena_states, |_| true)
    }

    /// Descriptors scored present, in form order.
    pub fn present(&self) -> impl Iterator<Item = Descriptor> + '_ {
        Descriptor::ALL
            .into_iter()
            .filter(|d| self.state(*d) == ItemState::Present)
    }

    /// Descriptors not assessed, in form order.
    pub fn not_assessed(&self) -> impl Iterator<Item = Descriptor> + '_ {
        Descriptor::ALL
            .into_iter()
            .filter(|d| self.state(*d) == ItemState::NotAssessed)
    }

    /// Whether any descriptor of `organ` is scored: TRUE if one is present, FALSE if all are
    /// absent, otherwise UNKNOWN (§1.5 step 7, organ flags).
    pub fn organ_active(&self, organ: OrganSystem) -> Tri {
        Tri::any(
            Descriptor::ALL
                .into_iter()
                .filter(|d| d.organ_system() == organ)
                .map(|d| self.state(d).as_tri()),
        )
    }
}

/// Scores one visit (sle-activity §1.5).
///
/// Contradictory inputs (a descriptor's last-present date after the visit) are refused.
pub fn score(
    input: &Sledai2kAssessment,
    config: &MeasureConfig,
) -> Result<Sledai2kScore, InputError> {
    let window_start = window_start(input.visit_date, config.sledai_window_days)?;
    let mut result = Sledai2kScore {
        states: [ItemState::NotAssessed; 24],
        selena_states: [ItemState::NotAssessed; 24],
        sources: [Source::None; 24],
        overrides: [false; 24],
    };
    for d in Descriptor::ALL {
        let answer = input.answers[d.index()];
        let proposal = lab_proposal(d, &input.labs, config);
        let explicit = explicit_state(d, &answer, input.visit_date, window_start)?;
        let (state, source) = match (explicit, proposal) {
            (Some(s), _) => (s, Source::Investigator),
            (None, Tri::Unknown) => (ItemState::NotAssessed, Source::None),
            (None, t) => (ItemState::from_tri(t), Source::Labs),
        };
        let i = d.index();
        result.states[i] = state;
        result.sources[i] = source;
        result.overrides[i] =
            matches!(explicit, Some(s) if proposal != Tri::Unknown && s.as_tri() != proposal);
        result.selena_states[i] = selena_state(d, state, &answer, &input.labs);
    }
    Ok(result)
}

/// `[visit − W, visit]`: day −W counts, day −(W+1) does not (§0.3).
fn window_start(visit_date: Date, window_days: u16) -> Result<Date, InputError> {
    visit_date
        .checked_sub(i64::from(window_days).days())
        .map_err(|_| {
            InputError::new(
                "visit_date",
                visit_date,
                "too early a date for the SLEDAI look-back window",
            )
        })
}

/// The investigator's explicit answer after the look-back window (§1.5 step 4, erratum 6).
fn explicit_state(
    d: Descriptor,
    answer: &InvestigatorAnswer,
    visit_date: Date,
    window_start: Date,
) -> Result<Option<ItemState>, InputError> {
    if let Some(last) = answer.last_present {
        if last > visit_date {
            return Err(InputError::new(
                format!("sledai_{}_date", d.name()),
                last,
                "the last date present cannot be after the visit date",
            ));
        }
        if answer.state == Some(ItemState::Present) && last < window_start {
            // The manifestation ended before the window opened: absent at this visit.
            return Ok(Some(ItemState::Absent));
        }
    }
    Ok(match answer.state {
        Some(ItemState::Present) => Some(ItemState::Present),
        Some(ItemState::Absent) => Some(ItemState::Absent),
        Some(ItemState::NotAssessed) | None => None,
    })
}

/// A strictly-above test: `value > limit` (§1.6: values at a limit do not score).
fn above(value: Option<Decimal>, limit: Decimal) -> Tri {
    value.map_or(Tri::Unknown, |v| Tri::from(v > limit))
}

/// A strictly-below test: `value < limit`.
fn below(value: Option<Decimal>, limit: Decimal) -> Tri {
    value.map_or(Tri::Unknown, |v| Tri::from(v < limit))
}

/// An abnormal finding that scores unless an exclusion was recorded (§0.4, erratum 3).
fn unless_excluded(finding: Tri, exclusion: Option<bool>) -> Tri {
    finding.and(Tri::from(exclusion != Some(true)))
}

/// Below the lab's lower limit of normal; unknown if either number is missing.
fn below_lln(lab: LabWithLimit) -> Tri {
    match (lab.value, lab.limit) {
        (Some(v), Some(lln)) => Tri::from(v < lln),
        _ => Tri::Unknown,
    }
}

/// The descriptor proposed from labs and counts (§1.3 engine derivation column), or UNKNOWN
/// when nothing measured bears on it. Clinical-only descriptors always return UNKNOWN.
fn lab_proposal(d: Descriptor, labs: &SledaiLabs, config: &MeasureConfig) -> Tri {
    use Descriptor::*;
    match d {
        // #9: ≥ 2 joints with pain and signs of inflammation (configurable, §1.7).
        Arthritis => labs.inflamed_joint_count.map_or(Tri::Unknown, |n| {
            Tri::from(n >= u16::from(config.sledai2k_arthritis_min_joints))
        }),
        // #11: heme-granular or red-cell casts.
        UrinaryCasts => Tri::from_option(labs.urine_rbc_or_heme_granular_casts),
        // #12: > 5 RBC/HPF, excluding stone, infection or another cause.
        Hematuria => unless_excluded(
            labs.urine_rbc_per_hpf
                .map_or(Tri::Unknown, |n| Tri::from(n > 5)),
            labs.hematuria_other_cause,
        ),
        // #13: > 0.5 g/24 h; UPCR > 0.5 g/g when no 24-h urine and the option is on (§0.6).
        Proteinuria => match labs.urine_protein_24h_g {
            Some(g) => Tri::from(g > Decimal::new(5, 1)),
            None if config.sledai_proteinuria_accept_upcr => {
                above(labs.urine_protein_creatinine_ratio, Decimal::new(5, 1))
            }
            None => Tri::Unknown,
        },
        // #14: > 5 WBC/HPF, excluding infection.
        Pyuria => unless_excluded(
            labs.urine_wbc_per_hpf
                .map_or(Tri::Unknown, |n| Tri::from(n > 5)),
            labs.pyuria_infection,
        ),
        // #20: CH50, C3 or C4 below LLN; 2 points once (§1.6); erratum 5 for partial data.
        LowComplement => Tri::any([below_lln(labs.c3), below_lln(labs.c4), below_lln(labs.ch50)]),
        // #21: anti-dsDNA above the lab's normal range, or a qualitative positive.
        IncreasedDnaBinding => {
            let numeric = match (labs.anti_dsdna.value, labs.anti_dsdna.limit) {
                (Some(v), Some(uln)) => Tri::from(v > uln),
                _ => Tri::Unknown,
            };
            match labs.anti_dsdna_positive {
                Some(positive) if numeric == Tri::Unknown => Tri::from(positive),
                Some(positive) => numeric.or(Tri::from(positive)),
                None => numeric,
            }
        }
        // #22: > 38 °C, excluding infection.
        Fever => unless_excluded(
            above(labs.body_temperature_max_c, Decimal::from(38)),
            labs.fever_infection,
        ),
        // #23: platelets < 100 × 10⁹/L, excluding drugs.
        Thrombocytopenia => unless_excluded(
            below(labs.platelets, Decimal::from(100)),
            labs.thrombocytopenia_drug,
        ),
        // #24: WBC < 3 × 10⁹/L, excluding drugs.
        Leukopenia => unless_excluded(below(labs.wbc, Decimal::from(3)), labs.leukopenia_drug),
        Seizure | Psychosis | OrganicBrainSyndrome | VisualDisturbance | CranialNerveDisorder
        | LupusHeadache | Cva | Vasculitis | Myositis | Rash | Alopecia | MucosalUlcers
        | Pleurisy | Pericarditis => Tri::Unknown,
    }
}

/// The SELENA-compatible state (§1.3 derived sub-scores, §1.7): rash, alopecia, mucosal ulcers
/// and proteinuria count only when new or recurrent (proteinuria: new or increased by
/// > 0.5 g/24 h, recorded as `new_or_recurrent`); arthritis needs more than two joints.
fn selena_state(
    d: Descriptor,
    state: ItemState,
    answer: &InvestigatorAnswer,
    labs: &SledaiLabs,
) -> ItemState {
    if state == ItemState::Absent {
        return ItemState::Absent;
    }
    match d {
        Descriptor::Rash
        | Descriptor::Alopecia
        | Descriptor::MucosalUlcers
        | Descriptor::Proteinuria => ItemState::from_tri(
            state
                .as_tri()
                .and(Tri::from_option(answer.new_or_recurrent)),
        ),
        Descriptor::Arthritis => {
            // SELENA: more than two joints, whatever the SLEDAI-2K setting (§1.7).
            let more_than_two = labs
                .inflamed_joint_count
                .map_or(Tri::Unknown, |n| Tri::from(n > 2));
            ItemState::from_tri(state.as_tri().and(more_than_two))
        }
        _ => state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal_macros::dec;

    fn visit() -> Sledai2kAssessment {
        Sledai2kAssessment::blank(date(2025, 3, 10))
    }

    /// Every descriptor explicitly absent: the "any descriptor not listed is absent" premise
    /// of the §1.8 vectors.
    fn all_absent() -> Sledai2kAssessment {
        let mut v = visit();
        for d in Descriptor::ALL {
            v.answer_mut(d).state = Some(ItemState::Absent);
        }
        v
    }

    /// Clears the explicit answer so that the labs decide.
    fn from_labs(v: &mut Sledai2kAssessment, d: Descriptor) {
        v.answer_mut(d).state = None;
    }

    fn total(v: &Sledai2kAssessment) -> u8 {
        score(v, &MeasureConfig::default())
            .unwrap()
            .total()
            .expect("complete")
    }

    #[test]
    fn weights_sum_to_105_and_clinical_to_101() {
        let sum: u32 = Descriptor::ALL.iter().map(|d| u32::from(d.weight())).sum();
        assert_eq!(sum, 105);
        let clinical: u32 = Descriptor::ALL
            .iter()
            .filter(|d| !d.is_serology())
            .map(|d| u32::from(d.weight()))
            .sum();
        assert_eq!(clinical, 101);
        for (i, d) in Descriptor::ALL.iter().enumerate() {
            assert_eq!(d.index(), i);
        }
    }

    #[test]
    fn s1_all_absent_is_zero_and_complete() {
        let s = score(&all_absent(), &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(0));
        assert_eq!(s.clinical_bounds(), (0, 0));
    }

    #[test]
    fn s2_all_present_is_105_clinical_101() {
        let mut v = visit();
        for d in Descriptor::ALL {
            v.answer_mut(d).state = Some(ItemState::Present);
        }
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(105));
        assert_eq!(s.clinical_bounds(), (101, 101));
    }

    #[test]
    fn s3_labs_and_joints_score_12_clinical_8() {
        let mut v = all_absent();
        for d in [
            Descriptor::Arthritis,
            Descriptor::Proteinuria,
            Descriptor::LowComplement,
            Descriptor::IncreasedDnaBinding,
        ] {
            from_labs(&mut v, d);
        }
        v.labs.inflamed_joint_count = Some(3);
        v.labs.urine_protein_24h_g = Some(dec!(0.80));
        v.labs.c3 = LabWithLimit {
            value: Some(dec!(0.62)),
            limit: Some(dec!(0.90)),
        };
        v.labs.c4 = LabWithLimit {
            value: Some(dec!(0.08)),
            limit: Some(dec!(0.10)),
        };
        v.labs.anti_dsdna = LabWithLimit {
            value: Some(dec!(120)),
            limit: Some(dec!(30)),
        };
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(12));
        assert_eq!(s.clinical_bounds(), (8, 8));
    }

    /// S4a–S4k: one lab at, just past, or just inside its threshold.
    #[test]
    fn s4_lab_thresholds_are_strict() {
        type Setter = fn(&mut SledaiLabs);
        let cases: [(&str, Descriptor, Setter, u8); 11] = [
            (
                "S4a RBC 5/HPF",
                Descriptor::Hematuria,
                |l| l.urine_rbc_per_hpf = Some(5),
                0,
            ),
            (
                "S4b RBC 6/HPF",
                Descriptor::Hematuria,
                |l| l.urine_rbc_per_hpf = Some(6),
                4,
            ),
            (
                "S4c 24-h protein 0.50 g",
                Descriptor::Proteinuria,
                |l| l.urine_protein_24h_g = Some(dec!(0.50)),
                0,
            ),
            (
                "S4d 24-h protein 0.51 g",
                Descriptor::Proteinuria,
                |l| l.urine_protein_24h_g = Some(dec!(0.51)),
                4,
            ),
            (
                "S4e temp 38.0",
                Descriptor::Fever,
                |l| l.body_temperature_max_c = Some(dec!(38.0)),
                0,
            ),
            (
                "S4f temp 38.1 infection excluded",
                Descriptor::Fever,
                |l| {
                    l.body_temperature_max_c = Some(dec!(38.1));
                    l.fever_infection = Some(false);
                },
                1,
            ),
            (
                "S4g platelets 100",
                Descriptor::Thrombocytopenia,
                |l| l.platelets = Some(dec!(100)),
                0,
            ),
            (
                "S4h platelets 99 not drug",
                Descriptor::Thrombocytopenia,
                |l| {
                    l.platelets = Some(dec!(99));
                    l.thrombocytopenia_drug = Some(false);
                },
                1,
            ),
            (
                "S4i WBC 3.0",
                Descriptor::Leukopenia,
                |l| l.wbc = Some(dec!(3.0)),
                0,
            ),
            (
                "S4j WBC 2.9 not drug",
                Descriptor::Leukopenia,
                |l| {
                    l.wbc = Some(dec!(2.9));
                    l.leukopenia_drug = Some(false);
                },
                1,
            ),
            (
                "S4k anti-dsDNA = ULN",
                Descriptor::IncreasedDnaBinding,
                |l| {
                    l.anti_dsdna = LabWithLimit {
                        value: Some(dec!(30)),
                        limit: Some(dec!(30)),
                    };
                },
                0,
            ),
        ];
        for (name, d, set, expected) in cases {
            let mut v = all_absent();
            from_labs(&mut v, d);
            set(&mut v.labs);
            assert_eq!(total(&v), expected, "{name}");
        }
    }

    #[test]
    fn s5_persisting_rash_and_alopecia_score_2k_not_selena() {
        let mut v = all_absent();
        for d in [Descriptor::Rash, Descriptor::Alopecia] {
            let a = v.answer_mut(d);
            a.state = Some(ItemState::Present);
            a.new_or_recurrent = Some(false);
        }
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(4));
        assert_eq!(s.selena_bounds(), (0, 0));
    }

    #[test]
    fn s6_look_back_window_closed_at_day_minus_10() {
        let mut v = all_absent();
        let a = v.answer_mut(Descriptor::Seizure);
        a.state = Some(ItemState::Present);
        a.last_present = Some(date(2025, 2, 28));
        assert_eq!(total(&v), 8, "S6a day −10 counts");
        v.answer_mut(Descriptor::Seizure).last_present = Some(date(2025, 2, 27));
        assert_eq!(total(&v), 0, "S6b day −11 does not count with W = 10");
        let thirty = MeasureConfig {
            sledai_window_days: 30,
            ..MeasureConfig::default()
        };
        assert_eq!(
            score(&v, &thirty).unwrap().total(),
            Some(8),
            "S6b with W = 30"
        );
    }

    #[test]
    fn s7_excluded_pyuria_and_hematuria_score_zero() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::Pyuria);
        from_labs(&mut v, Descriptor::Hematuria);
        v.labs.urine_wbc_per_hpf = Some(12);
        v.labs.pyuria_infection = Some(true);
        v.labs.urine_rbc_per_hpf = Some(20);
        v.labs.hematuria_other_cause = Some(true);
        assert_eq!(total(&v), 0);
    }

    #[test]
    fn s8_untested_dna_binding_gives_bounds_7_to_9() {
        let mut v = all_absent();
        for d in [
            Descriptor::Arthritis,
            Descriptor::LowComplement,
            Descriptor::Leukopenia,
            Descriptor::IncreasedDnaBinding,
        ] {
            from_labs(&mut v, d);
        }
        v.labs.inflamed_joint_count = Some(3);
        v.labs.c3 = LabWithLimit {
            value: Some(dec!(0.62)),
            limit: Some(dec!(0.90)),
        };
        v.labs.wbc = Some(dec!(2.5));
        v.labs.leukopenia_drug = Some(false);
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), None);
        assert_eq!(s.bounds(), (7, 9));
        assert_eq!(
            s.not_assessed().collect::<Vec<_>>(),
            vec![Descriptor::IncreasedDnaBinding]
        );
    }

    #[test]
    fn s9_exactly_two_joints_scores_2k_not_selena() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::Arthritis);
        v.labs.inflamed_joint_count = Some(2);
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(4));
        assert_eq!(s.selena_bounds(), (0, 0));
        let three = MeasureConfig {
            sledai2k_arthritis_min_joints: 3,
            ..MeasureConfig::default()
        };
        assert_eq!(
            score(&v, &three).unwrap().total(),
            Some(0),
            "> 2 joints variant"
        );
    }

    #[test]
    fn s10_leukopenia_attributed_to_azathioprine_scores_zero() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::Leukopenia);
        v.labs.wbc = Some(dec!(2.5));
        v.labs.leukopenia_drug = Some(true);
        assert_eq!(total(&v), 0);
    }

    #[test]
    fn s11_three_low_complements_score_two_once() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::LowComplement);
        let low = LabWithLimit {
            value: Some(dec!(1)),
            limit: Some(dec!(2)),
        };
        v.labs.c3 = low;
        v.labs.c4 = low;
        v.labs.ch50 = low;
        assert_eq!(total(&v), 2);
    }

    #[test]
    fn erratum_5_partial_complement_data() {
        let normal = LabWithLimit {
            value: Some(dec!(1.2)),
            limit: Some(dec!(0.9)),
        };
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::LowComplement);
        v.labs.c3 = normal;
        v.labs.c4 = normal;
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(
            s.state(Descriptor::LowComplement),
            ItemState::NotAssessed,
            "CH50 unmeasured"
        );
        assert_eq!(s.bounds(), (0, 2));
        v.labs.ch50 = normal;
        assert_eq!(total(&v), 0, "all three measured and normal");
        v.labs.ch50 = LabWithLimit::default();
        v.labs.c4 = LabWithLimit {
            value: Some(dec!(0.05)),
            limit: Some(dec!(0.10)),
        };
        assert_eq!(total(&v), 2, "one low is enough");
    }

    #[test]
    fn erratum_3_abnormal_lab_scores_without_an_exclusion_flag() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::Hematuria);
        v.labs.urine_rbc_per_hpf = Some(6);
        assert_eq!(total(&v), 4);
    }

    #[test]
    fn erratum_4_explicit_answer_wins_and_is_visible() {
        let mut v = all_absent();
        v.labs.urine_rbc_per_hpf = Some(20);
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(0));
        assert!(s.overrides[Descriptor::Hematuria.index()]);
        assert_eq!(
            s.sources[Descriptor::Hematuria.index()],
            Source::Investigator
        );
        // And the other way round: present although the lab is normal.
        v.answer_mut(Descriptor::Hematuria).state = Some(ItemState::Present);
        v.labs.urine_rbc_per_hpf = Some(2);
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.total(), Some(4));
        assert!(s.overrides[Descriptor::Hematuria.index()]);
    }

    #[test]
    fn upcr_scores_proteinuria_only_without_24h_urine_and_when_enabled() {
        let mut v = all_absent();
        from_labs(&mut v, Descriptor::Proteinuria);
        v.labs.urine_protein_creatinine_ratio = Some(dec!(0.51));
        assert_eq!(total(&v), 4);
        v.labs.urine_protein_creatinine_ratio = Some(dec!(0.50));
        assert_eq!(total(&v), 0, "0.50 g/g is not > 0.5");
        v.labs.urine_protein_creatinine_ratio = Some(dec!(2));
        v.labs.urine_protein_24h_g = Some(dec!(0.4));
        assert_eq!(total(&v), 0, "the 24-h urine takes precedence");
        v.labs.urine_protein_24h_g = None;
        let off = MeasureConfig {
            sledai_proteinuria_accept_upcr: false,
            ..MeasureConfig::default()
        };
        assert_eq!(
            score(&v, &off).unwrap().state(Descriptor::Proteinuria),
            ItemState::NotAssessed
        );
    }

    #[test]
    fn blank_items_are_not_assessed_never_absent() {
        let s = score(&visit(), &MeasureConfig::default()).unwrap();
        assert_eq!(s.bounds(), (0, 105));
        assert_eq!(s.total(), None);
        assert_eq!(s.organ_active(OrganSystem::Renal), Tri::Unknown);
    }

    #[test]
    fn last_present_after_visit_is_contradictory() {
        let mut v = all_absent();
        let a = v.answer_mut(Descriptor::Rash);
        a.state = Some(ItemState::Present);
        a.last_present = Some(date(2025, 3, 11));
        let err = score(&v, &MeasureConfig::default()).unwrap_err();
        assert_eq!(err.field, "sledai_rash_date");
    }

    #[test]
    fn organ_flags_follow_the_descriptors() {
        let mut v = all_absent();
        v.answer_mut(Descriptor::Pleurisy).state = Some(ItemState::Present);
        v.answer_mut(Descriptor::Seizure).state = Some(ItemState::NotAssessed);
        let s = score(&v, &MeasureConfig::default()).unwrap();
        assert_eq!(s.organ_active(OrganSystem::Serosal), Tri::True);
        assert_eq!(s.organ_active(OrganSystem::Neuro), Tri::Unknown);
        assert_eq!(s.organ_active(OrganSystem::Renal), Tri::False);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn state() -> impl Strategy<Value = Option<ItemState>> {
            prop_oneof![
                Just(None),
                Just(Some(ItemState::Present)),
                Just(Some(ItemState::Absent)),
                Just(Some(ItemState::NotAssessed)),
            ]
        }

        proptest! {
            #[test]
            fn bounds_are_ordered_and_within_0_105(states in proptest::collection::vec(state(), 24)) {
                let mut v = Sledai2kAssessment::blank(date(2025, 3, 10));
                for (d, s) in Descriptor::ALL.into_iter().zip(states) {
                    v.answer_mut(d).state = s;
                }
                let s = score(&v, &MeasureConfig::default()).unwrap();
                let (lower, upper) = s.bounds();
                prop_assert!(lower <= upper);
                prop_assert!(upper <= 105);
                if let Some(total) = s.total() {
                    prop_assert_eq!(total, lower);
                }
                let (cl, cu) = s.clinical_bounds();
                prop_assert!(cl <= lower && cu <= upper);
            }

            #[test]
            fn adding_a_descriptor_never_lowers_the_score(
                states in proptest::collection::vec(prop_oneof![Just(ItemState::Present), Just(ItemState::Absent)], 24),
                extra in 0usize..24,
            ) {
                let mut v = Sledai2kAssessment::blank(date(2025, 3, 10));
                for (d, s) in Descriptor::ALL.into_iter().zip(states) {
                    v.answer_mut(d).state = Some(s);
                }
                let before = score(&v, &MeasureConfig::default()).unwrap().total().unwrap();
                v.answers[extra].state = Some(ItemState::Present);
                let after = score(&v, &MeasureConfig::default()).unwrap().total().unwrap();
                prop_assert!(after >= before);
            }
        }
    }
}
