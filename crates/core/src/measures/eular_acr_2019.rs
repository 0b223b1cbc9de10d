//! 2019 EULAR/ACR classification criteria for SLE (sle-activity §6).
//!
//! Aringer M, Costenbader K, Daikh D, et al. *2019 European League Against
//! Rheumatism/American College of Rheumatology classification criteria for systemic lupus
//! erythematosus.* Ann Rheum Dis 2019;78:1151–1159; Arthritis Rheumatol 2019;71:1400–1412.
//!
//! Classification (research eligibility), not diagnosis: an entry criterion (ANA ≥ 1:80 on
//! HEp-2 cells or an equivalent positive test, ever), then weighted criteria in 7 clinical and
//! 3 immunological domains where only the highest-weighted criterion met in each domain
//! counts; classified when the entry criterion is met, at least one clinical criterion is
//! met, and the total is at least 10 (§6.1, §6.3).
//!
//! Every recorded finding is TRUE, FALSE or not recorded (UNKNOWN, never "absent", §0.1).
//! The score is reported as bounds; because classification is monotone in every finding
//! (another finding met can only add points and clinical domains), it is decided exactly when
//! the all-unknown-false and all-unknown-true completions agree, which is what the
//! three-valued conjunction below computes (§6.3 step 5).

use serde::{Deserialize, Serialize};

use crate::{InputError, MeasureConfig, Status, Tri};

/// The ten domains (sle-activity §6.2).
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
pub enum Domain {
    Constitutional,
    Hematologic,
    Neuropsychiatric,
    Mucocutaneous,
    Serosal,
    Musculoskeletal,
    Renal,
    Antiphospholipid,
    Complement,
    SleSpecificAntibodies,
}

/// Clinical or immunological (sle-activity §6.2): classification needs a clinical criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DomainKind {
    Clinical,
    Immunological,
}

impl Domain {
    /// All domains in the publication's order.
    pub const ALL: [Domain; 10] = [
        Domain::Constitutional,
        Domain::Hematologic,
        Domain::Neuropsychiatric,
        Domain::Mucocutaneous,
        Domain::Serosal,
        Domain::Musculoskeletal,
        Domain::Renal,
        Domain::Antiphospholipid,
        Domain::Complement,
        Domain::SleSpecificAntibodies,
    ];

    /// Clinical: constitutional to renal; immunological: antiphospholipid, complement,
    /// SLE-specific antibodies (sle-activity §6.2).
    pub fn kind(self) -> DomainKind {
        match self {
            Domain::Antiphospholipid | Domain::Complement | Domain::SleSpecificAntibodies => {
                DomainKind::Immunological
            }
            _ => DomainKind::Clinical,
        }
    }

    /// The snake_case name used as a key in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Domain::Constitutional => "constitutional",
            Domain::Hematologic => "hematologic",
            Domain::Neuropsychiatric => "neuropsychiatric",
            Domain::Mucocutaneous => "mucocutaneous",
            Domain::Serosal => "serosal",
            Domain::Musculoskeletal => "musculoskeletal",
            Domain::Renal => "renal",
            Domain::Antiphospholipid => "antiphospholipid",
            Domain::Complement => "complement",
            Domain::SleSpecificAntibodies => "sle_specific_antibodies",
        }
    }
}

/// The weighted criteria (sle-activity §6.2, Aringer 2019 Table).
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
pub enum Criterion {
    Fever,
    Leukopenia,
    Thrombocytopenia,
    AutoimmuneHemolysis,
    Delirium,
    Psychosis,
    Seizure,
    NonScarringAlopecia,
    OralUlcers,
    ScleOrDle,
    Acle,
    PleuralOrPericardialEffusion,
    AcutePericarditis,
    JointInvolvement,
    Proteinuria,
    LnClassIiOrV,
    LnClassIiiOrIv,
    AplPositive,
    LowC3OrLowC4,
    LowC3AndLowC4,
    AntiDsdnaOrAntiSm,
}

impl Criterion {
    /// Every criterion in the publication's order.
    pub const ALL: [Criterion; 21] = [
        Criterion::Fever,
        Criterion::Leukopenia,
        Criterion::Thrombocytopenia,
        Criterion::AutoimmuneHemolysis,
        Criterion::Delirium,
        Criterion::Psychosis,
        Criterion::Seizure,
        Criterion::NonScarringAlopecia,
        Criterion::OralUlcers,
        Criterion::ScleOrDle,
        Criterion::Acle,
        Criterion::PleuralOrPericardialEffusion,
        Criterion::AcutePericarditis,
        Criterion::JointInvolvement,
        Criterion::Proteinuria,
        Criterion::LnClassIiOrV,
        Criterion::LnClassIiiOrIv,
        Criterion::AplPositive,
        Criterion::LowC3OrLowC4,
        Criterion::LowC3AndLowC4,
        Criterion::AntiDsdnaOrAntiSm,
    ];

    /// The criterion's weight and domain (sle-activity §6.2; maximum total 51).
    pub fn weight_and_domain(self) -> (u8, Domain) {
        use Criterion::*;
        use Domain::*;
        match self {
            Fever => (2, Constitutional),
            Leukopenia => (3, Hematologic),
            Thrombocytopenia | AutoimmuneHemolysis => (4, Hematologic),
            Delirium => (2, Neuropsychiatric),
            Psychosis => (3, Neuropsychiatric),
            Seizure => (5, Neuropsychiatric),
            NonScarringAlopecia | OralUlcers => (2, Mucocutaneous),
            ScleOrDle => (4, Mucocutaneous),
            Acle => (6, Mucocutaneous),
            PleuralOrPericardialEffusion => (5, Serosal),
            AcutePericarditis => (6, Serosal),
            JointInvolvement => (6, Musculoskeletal),
            Proteinuria => (4, Renal),
            LnClassIiOrV => (8, Renal),
            LnClassIiiOrIv => (10, Renal),
            AplPositive => (2, Antiphospholipid),
            LowC3OrLowC4 => (3, Complement),
            LowC3AndLowC4 => (4, Complement),
            AntiDsdnaOrAntiSm => (6, SleSpecificAntibodies),
        }
    }

    /// The criterion's weight.
    pub fn weight(self) -> u8 {
        self.weight_and_domain().0
    }

    /// The criterion's domain.
    pub fn domain(self) -> Domain {
        self.weight_and_domain().1
    }
}

/// A recorded lifetime finding (`eular_*`, sle-activity §9.7). Complement and SLE-specific
/// antibodies are recorded per test; [`Criterion`] combines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    Fever,
    Leukopenia,
    Thrombocytopenia,
    AutoimmuneHemolysis,
    Delirium,
    Psychosis,
    Seizure,
    NonScarringAlopecia,
    OralUlcers,
    ScleOrDle,
    Acle,
    PleuralOrPericardialEffusion,
    AcutePericarditis,
    JointInvolvement,
    Proteinuria,
    LnClassIiOrV,
    LnClassIiiOrIv,
    AplPositive,
    LowC3,
    LowC4,
    AntiDsdna90Spec,
    AntiSm,
}

impl Finding {
    /// The 22 findings in the data dictionary's order (sle-activity §9.7).
    pub const ALL: [Finding; 22] = [
        Finding::Fever,
        Finding::Leukopenia,
        Finding::Thrombocytopenia,
        Finding::AutoimmuneHemolysis,
        Finding::Delirium,
        Finding::Psychosis,
        Finding::Seizure,
        Finding::NonScarringAlopecia,
        Finding::OralUlcers,
        Finding::ScleOrDle,
        Finding::Acle,
        Finding::PleuralOrPericardialEffusion,
        Finding::AcutePericarditis,
        Finding::JointInvolvement,
        Finding::Proteinuria,
        Finding::LnClassIiOrV,
        Finding::LnClassIiiOrIv,
        Finding::AplPositive,
        Finding::LowC3,
        Finding::LowC4,
        Finding::AntiDsdna90Spec,
        Finding::AntiSm,
    ];

    /// The data-dictionary name (sle-activity §9.7).
    pub fn field_name(self) -> &'static str {
        use Finding::*;
        match self {
            Fever => "eular_fever",
            Leukopenia => "eular_leukopenia",
            Thrombocytopenia => "eular_thrombocytopenia",
            AutoimmuneHemolysis => "eular_autoimmune_hemolysis",
            Delirium => "eular_delirium",
            Psychosis => "eular_psychosis",
            Seizure => "eular_seizure",
            NonScarringAlopecia => "eular_non_scarring_alopecia",
            OralUlcers => "eular_oral_ulcers",
            ScleOrDle => "eular_scle_or_dle",
            Acle => "eular_acle",
            PleuralOrPericardialEffusion => "eular_pleural_or_pericardial_effusion",
            AcutePericarditis => "eular_acute_pericarditis",
            JointInvolvement => "eular_joint_involvement",
            Proteinuria => "eular_proteinuria",
            LnClassIiOrV => "eular_ln_class_ii_or_v",
            LnClassIiiOrIv => "eular_ln_class_iii_or_iv",
            AplPositive => "eular_apl_positive",
            LowC3 => "eular_low_c3",
            LowC4 => "eular_low_c4",
            AntiDsdna90Spec => "eular_anti_dsdna_90spec",
            AntiSm => "eular_anti_sm",
        }
    }

    fn index(self) -> usize {
        Finding::ALL
            .iter()
            .position(|f| *f == self)
            .expect("every finding is listed in ALL")
    }
}

/// The field recording that low C3 and low C4 were found on the same sample (§9.7).
pub const SAME_SAMPLE_FIELD: &str = "eular_low_c3_and_c4_same_sample";
/// The field holding the highest ANA titre ever (§9.7).
pub const ANA_TITRE_FIELD: &str = "ana_titre_denominator_max";
/// The field naming the ANA method (§9.7).
pub const ANA_METHOD_FIELD: &str = "ana_method";

/// How the ANA was tested (`ana_method`, sle-activity §9.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnaMethod {
    /// Indirect immunofluorescence on HEp-2 cells (the reference method).
    Hep2Iif,
    /// A solid-phase test accepted as equivalent; its positivity is recorded as the
    /// HEp-2-equivalent titre.
    SolidPhaseEquivalent,
    /// Any other method: not a qualifying test for the entry criterion.
    Other,
}

/// The highest ANA titre ever recorded, as the denominator (1:160 → 160).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnaTitre(u32);

impl AnaTitre {
    /// The largest denominator accepted (1:100 000); beyond any dilution series in use.
    pub const MAX_DENOMINATOR: u32 = 100_000;

    /// `ana_titre_denominator_max` (sle-activity §9.3, §9.7): 0 (negative) or a dilution
    /// denominator. Dilution series differ between laboratories (1:40, 1:80, … or 1:100,
    /// 1:200, …), so any denominator up to 100 000 is accepted.
    pub fn from_denominator(denominator: u32) -> Result<AnaTitre, InputError> {
        if denominator > Self::MAX_DENOMINATOR {
            return Err(InputError::new(
                ANA_TITRE_FIELD,
                denominator,
                "must be a titre denominator between 0 and 100000",
            ));
        }
        Ok(AnaTitre(denominator))
    }

    /// The denominator.
    pub fn denominator(self) -> u32 {
        self.0
    }
}

/// The inputs of the classification: lifetime findings and the ANA history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EularAcrInput {
    findings: [Tri; 22],
    /// Low C3 and low C4 were found on the same sample (`eular_low_c3_and_c4_same_sample`).
    pub low_c3_and_c4_same_sample: Tri,
    /// The highest ANA titre ever (`ana_titre_denominator_max`).
    pub ana_titre_max: Option<AnaTitre>,
    /// The ANA method (`ana_method`).
    pub ana_method: Option<AnaMethod>,
}

impl Default for EularAcrInput {
    /// Nothing recorded.
    fn default() -> Self {
        EularAcrInput {
            findings: [Tri::Unknown; 22],
            low_c3_and_c4_same_sample: Tri::Unknown,
            ana_titre_max: None,
            ana_method: None,
        }
    }
}

impl EularAcrInput {
    /// Records a finding as met (TRUE), not met (FALSE) or not recorded (UNKNOWN).
    pub fn record(&mut self, finding: Finding, value: Tri) -> &mut Self {
        self.findings[finding.index()] = value;
        self
    }

    /// The recorded value of a finding.
    pub fn finding(&self, finding: Finding) -> Tri {
        self.findings[finding.index()]
    }
}

/// The points of one domain: exact when `lower == upper`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainPoints {
    pub domain: Domain,
    /// Highest weight among criteria met (0 if none).
    pub lower: u8,
    /// Highest weight among criteria met or not recorded.
    pub upper: u8,
}

impl DomainPoints {
    /// The points when decided.
    pub fn exact(&self) -> Option<u8> {
        (self.lower == self.upper).then_some(self.lower)
    }
}

/// The result of the 2019 EULAR/ACR classification (sle-activity §6.3, §10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EularAcrClassification {
    /// ANA ≥ 1:80 on HEp-2 or an equivalent test, ever (§6.3 step 1).
    pub entry_met: Tri,
    /// Points per domain, in [`Domain::ALL`] order (§6.3 step 2).
    pub domain_points: [DomainPoints; 10],
    /// Lower bound of the total (§6.3 step 3).
    pub total_lower: u8,
    /// Upper bound of the total.
    pub total_upper: u8,
    /// At least one clinical domain scores (§6.3 step 3).
    pub has_clinical: Tri,
    /// `entry && has_clinical && total ≥ 10` (§6.3 step 4).
    pub classified: Tri,
    /// Every criterion met, counted or not (for review of the record).
    pub criteria_met: Vec<Criterion>,
    /// `complete`; `incomplete` when a score bound or the entry is open but classification
    /// is decided; `not_evaluable` when unrecorded findings could flip it (§6.3 step 5).
    pub status: Status,
}

impl EularAcrClassification {
    /// The total when decided exactly.
    pub fn total(&self) -> Option<u8> {
        (self.total_lower == self.total_upper).then_some(self.total_lower)
    }
}

/// The classification threshold (sle-activity §6.1): total ≥ 10.
pub const CLASSIFICATION_THRESHOLD: u8 = 10;

/// The entry criterion ANA titre (sle-activity §6.1): ≥ 1:80.
pub const ENTRY_TITRE_DENOMINATOR: u32 = 80;

/// Classifies `input` under the 2019 EULAR/ACR criteria (sle-activity §6).
pub fn classify(input: &EularAcrInput, config: &MeasureConfig) -> EularAcrClassification {
    let mut missing: Vec<&'static str> = Vec::new();
    let truth: Vec<(Criterion, Tri)> = Criterion::ALL
        .iter()
        .map(|c| (*c, criterion_truth(*c, input, config)))
        .collect();

    let domain_points = Domain::ALL.map(|domain| {
        let in_domain = truth.iter().filter(|(c, _)| c.domain() == domain);
        let lower = in_domain
            .clone()
            .filter(|(_, t)| *t == Tri::True)
            .map(|(c, _)| c.weight())
            .max()
            .unwrap_or(0);
        let upper = in_domain
            .filter(|(_, t)| *t != Tri::False)
            .map(|(c, _)| c.weight())
            .max()
            .unwrap_or(0);
        DomainPoints {
            domain,
            lower,
            upper,
        }
    });
    // An unrecorded finding matters only when its criterion could raise its domain (§0.1).
    for (criterion, t) in &truth {
        let points = domain_points[domain_index(criterion.domain())];
        if *t == Tri::Unknown && criterion.weight() > points.lower {
            missing.extend(unknown_inputs(*criterion, input, config));
        }
    }

    let total_lower = domain_points.iter().map(|d| d.lower).sum();
    let total_upper = domain_points.iter().map(|d| d.upper).sum();
    let clinical = domain_points
        .iter()
        .filter(|d| d.domain.kind() == DomainKind::Clinical);
    let has_clinical = if clinical.clone().any(|d| d.lower > 0) {
        Tri::True
    } else if clinical.clone().all(|d| d.upper == 0) {
        Tri::False
    } else {
        Tri::Unknown
    };
    let total_reaches_threshold = if total_lower >= CLASSIFICATION_THRESHOLD {
        Tri::True
    } else if total_upper < CLASSIFICATION_THRESHOLD {
        Tri::False
    } else {
        Tri::Unknown
    };
    let entry_met = entry(input);
    if entry_met == Tri::Unknown {
        match input.ana_method {
            Some(AnaMethod::Other) => missing.push(ANA_METHOD_FIELD),
            _ => missing.push(ANA_TITRE_FIELD),
        }
    }
    let classified = Tri::all([entry_met, has_clinical, total_reaches_threshold]);

    missing.sort_by_key(|field| field_order(field));
    missing.dedup();
    let status = if classified == Tri::Unknown {
        Status::not_evaluable(missing)
    } else if missing.is_empty() {
        Status::Complete
    } else {
        Status::incomplete(missing)
    };
    EularAcrClassification {
        entry_met,
        domain_points,
        total_lower,
        total_upper,
        has_clinical,
        classified,
        criteria_met: truth
            .iter()
            .filter(|(_, t)| *t == Tri::True)
            .map(|(c, _)| *c)
            .collect(),
        status,
    }
}

/// Entry criterion (sle-activity §6.1, §6.3 step 1): the highest titre ever is ≥ 1:80 on
/// HEp-2 IIF or an equivalent test. A titre is an immunofluorescence titre by definition
/// (LOINC 5048-4, §9.3), so a titre without a method is read as HEp-2 IIF; a titre from an
/// `other` method does not qualify and leaves the criterion undecided.
fn entry(input: &EularAcrInput) -> Tri {
    match (input.ana_titre_max, input.ana_method) {
        (_, Some(AnaMethod::Other)) | (None, _) => Tri::Unknown,
        (Some(titre), _) => Tri::from(titre.denominator() >= ENTRY_TITRE_DENOMINATOR),
    }
}

/// How a criterion is read from the recorded findings (sle-activity §6.2, §9.7).
#[derive(Debug, Clone, Copy)]
enum Recorded {
    /// One finding.
    One(Finding),
    /// Either finding: low C3 or low C4 (3 points); anti-dsDNA in an assay with ≥ 90 %
    /// specificity or anti-Smith (6 points).
    Either(Finding, Finding),
    /// Both findings, on the same sample when so configured: low C3 and low C4 (4 points;
    /// §6.4 [C], README erratum 9).
    BothOnOneSample(Finding, Finding),
}

fn recorded_as(criterion: Criterion) -> Recorded {
    use Criterion as C;
    use Finding as F;
    use Recorded::*;
    match criterion {
        C::Fever => One(F::Fever),
        C::Leukopenia => One(F::Leukopenia),
        C::Thrombocytopenia => One(F::Thrombocytopenia),
        C::AutoimmuneHemolysis => One(F::AutoimmuneHemolysis),
        C::Delirium => One(F::Delirium),
        C::Psychosis => One(F::Psychosis),
        C::Seizure => One(F::Seizure),
        C::NonScarringAlopecia => One(F::NonScarringAlopecia),
        C::OralUlcers => One(F::OralUlcers),
        C::ScleOrDle => One(F::ScleOrDle),
        C::Acle => One(F::Acle),
        C::PleuralOrPericardialEffusion => One(F::PleuralOrPericardialEffusion),
        C::AcutePericarditis => One(F::AcutePericarditis),
        C::JointInvolvement => One(F::JointInvolvement),
        C::Proteinuria => One(F::Proteinuria),
        C::LnClassIiOrV => One(F::LnClassIiOrV),
        C::LnClassIiiOrIv => One(F::LnClassIiiOrIv),
        C::AplPositive => One(F::AplPositive),
        C::LowC3OrLowC4 => Either(F::LowC3, F::LowC4),
        C::LowC3AndLowC4 => BothOnOneSample(F::LowC3, F::LowC4),
        C::AntiDsdnaOrAntiSm => Either(F::AntiDsdna90Spec, F::AntiSm),
    }
}

/// Whether `criterion` is met (sle-activity §6.2, §6.4).
fn criterion_truth(criterion: Criterion, input: &EularAcrInput, config: &MeasureConfig) -> Tri {
    match recorded_as(criterion) {
        Recorded::One(a) => input.finding(a),
        Recorded::Either(a, b) => input.finding(a).or(input.finding(b)),
        Recorded::BothOnOneSample(a, b) => input
            .finding(a)
            .and(input.finding(b))
            .and(same_sample_condition(input, config)),
    }
}

fn same_sample_condition(input: &EularAcrInput, config: &MeasureConfig) -> Tri {
    if config.eular_low_c3_and_c4_require_same_sample {
        input.low_c3_and_c4_same_sample
    } else {
        Tri::True
    }
}

/// The unrecorded inputs that leave an UNKNOWN criterion open.
fn unknown_inputs(
    criterion: Criterion,
    input: &EularAcrInput,
    config: &MeasureConfig,
) -> Vec<&'static str> {
    let findings: &[Finding] = match recorded_as(criterion) {
        Recorded::One(a) => &[a],
        Recorded::Either(a, b) | Recorded::BothOnOneSample(a, b) => &[a, b],
    };
    let mut fields: Vec<&'static str> = findings
        .iter()
        .filter(|f| input.finding(**f) == Tri::Unknown)
        .map(|f| f.field_name())
        .collect();
    if matches!(recorded_as(criterion), Recorded::BothOnOneSample(..))
        && same_sample_condition(input, config) == Tri::Unknown
    {
        fields.push(SAME_SAMPLE_FIELD);
    }
    fields
}

fn domain_index(domain: Domain) -> usize {
    Domain::ALL
        .iter()
        .position(|d| *d == domain)
        .expect("every domain is listed in ALL")
}

/// Order of fields in `missing`: the data dictionary's (§9.7).
fn field_order(field: &str) -> usize {
    Finding::ALL
        .iter()
        .map(|f| f.field_name())
        .chain([SAME_SAMPLE_FIELD, ANA_TITRE_FIELD, ANA_METHOD_FIELD])
        .position(|name| name == field)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::Finding::*;
    use super::*;
    use proptest::prelude::*;

    /// Every finding recorded FALSE except `met`, same sample as given, ANA titre `ana`.
    fn input(ana: u32, met: &[Finding], same_sample: bool) -> EularAcrInput {
        let mut input = EularAcrInput::default();
        for finding in Finding::ALL {
            input.record(finding, Tri::from(met.contains(&finding)));
        }
        input.low_c3_and_c4_same_sample = Tri::from(same_sample);
        input.ana_titre_max = Some(AnaTitre::from_denominator(ana).expect("valid titre"));
        input.ana_method = Some(AnaMethod::Hep2Iif);
        input
    }

    /// A vector row: id, ANA titre, findings met, total, entry met, classified.
    type Vector = (&'static str, u32, &'static [Finding], u8, bool, bool);

    /// Vectors E1–E9 (sle-activity §6.6), every finding not listed recorded as not met.
    #[test]
    fn classification_vectors() {
        let rows: [Vector; 11] = [
            (
                "E1 ANA 1:40, joints + dsDNA + class IV",
                40,
                &[JointInvolvement, AntiDsdna90Spec, LnClassIiiOrIv],
                22,
                false,
                false,
            ),
            (
                "E2 ANA 1:160, joints + dsDNA",
                160,
                &[JointInvolvement, AntiDsdna90Spec],
                12,
                true,
                true,
            ),
            (
                "E3 ANA 1:80, dsDNA + low C3 and C4",
                80,
                &[AntiDsdna90Spec, LowC3, LowC4],
                10,
                true,
                false,
            ),
            (
                "E4 ANA 1:320, max per domain",
                320,
                &[
                    Fever,
                    Leukopenia,
                    Thrombocytopenia,
                    OralUlcers,
                    NonScarringAlopecia,
                ],
                8,
                true,
                false,
            ),
            (
                "E5 ANA 1:80, class III only",
                80,
                &[LnClassIiiOrIv],
                10,
                true,
                true,
            ),
            (
                "E6 ANA 1:80, proteinuria + class V + low C3",
                80,
                &[Proteinuria, LnClassIiOrV, LowC3],
                11,
                true,
                true,
            ),
            (
                "E7 ANA 1:80, pericarditis + effusion + LA",
                80,
                &[AcutePericarditis, PleuralOrPericardialEffusion, AplPositive],
                8,
                true,
                false,
            ),
            (
                "E8 ANA 1:640, everything",
                640,
                &Finding::ALL,
                51,
                true,
                true,
            ),
            (
                "E9 ANA 1:80, seizure + psychosis + low C3",
                80,
                &[Seizure, Psychosis, LowC3],
                8,
                true,
                false,
            ),
            (
                "E9 adding anti-Sm",
                80,
                &[Seizure, Psychosis, LowC3, AntiSm],
                14,
                true,
                true,
            ),
            (
                "E1 with ANA 1:80: entry boundary",
                80,
                &[JointInvolvement, AntiDsdna90Spec, LnClassIiiOrIv],
                22,
                true,
                true,
            ),
        ];
        let config = MeasureConfig::default();
        for (row, ana, met, total, entry, classified) in rows {
            let r = classify(&input(ana, met, true), &config);
            assert_eq!(r.total(), Some(total), "{row} total");
            assert_eq!(r.entry_met, Tri::from(entry), "{row} entry");
            assert_eq!(r.classified, Tri::from(classified), "{row} classified");
            assert_eq!(r.status, Status::Complete, "{row} status");
        }
    }

    /// E3's immunological-only total: has_clinical FALSE; E4's hematologic domain is 4, not 7.
    #[test]
    fn e3_e4_domain_details() {
        let config = MeasureConfig::default();
        let e3 = classify(&input(80, &[AntiDsdna90Spec, LowC3, LowC4], true), &config);
        assert_eq!(e3.has_clinical, Tri::False, "E3 no clinical criterion");
        let e4 = classify(
            &input(
                320,
                &[
                    Fever,
                    Leukopenia,
                    Thrombocytopenia,
                    OralUlcers,
                    NonScarringAlopecia,
                ],
                true,
            ),
            &config,
        );
        let points: Vec<_> = e4
            .domain_points
            .iter()
            .map(|d| (d.domain, d.exact()))
            .collect();
        assert!(
            points.contains(&(Domain::Hematologic, Some(4))),
            "E4 hematologic 4"
        );
        assert!(
            points.contains(&(Domain::Mucocutaneous, Some(2))),
            "E4 mucocutaneous 2"
        );
        assert!(
            points.contains(&(Domain::Constitutional, Some(2))),
            "E4 constitutional 2"
        );
    }

    /// Boundary 9/10 and the ANA titre boundary 1:40 / 1:80.
    #[test]
    fn boundaries_total_and_titre() {
        let config = MeasureConfig::default();
        let nine = classify(&input(80, &[JointInvolvement, LowC3], true), &config);
        assert_eq!(
            (nine.total(), nine.classified),
            (Some(9), Tri::False),
            "total 9"
        );
        let ten = classify(&input(80, &[JointInvolvement, LowC3, LowC4], true), &config);
        assert_eq!(
            (ten.total(), ten.classified),
            (Some(10), Tri::True),
            "total 10"
        );
        let eleven = classify(
            &input(80, &[JointInvolvement, LowC3, LowC4, AplPositive], true),
            &config,
        );
        assert_eq!(eleven.classified, Tri::True, "total 12");
        for (titre, entry) in [(40, false), (79, false), (80, true), (100, true)] {
            let r = classify(
                &input(titre, &[JointInvolvement, AntiDsdna90Spec], true),
                &config,
            );
            assert_eq!(r.entry_met, Tri::from(entry), "ANA 1:{titre}");
            assert_eq!(r.classified, Tri::from(entry), "ANA 1:{titre}");
        }
    }

    /// Low C3 and low C4 (§6.4, erratum 9): 4 only on the same sample when the config asks;
    /// otherwise 3; with the config off, 4 regardless.
    #[test]
    fn low_c3_and_c4_same_sample_rule() {
        let required = MeasureConfig::default();
        let not_required = MeasureConfig {
            eular_low_c3_and_c4_require_same_sample: false,
            ..MeasureConfig::default()
        };
        let met = [JointInvolvement, LowC3, LowC4];
        let rows = [
            ("same sample, required", true, &required, 10),
            ("different samples, required", false, &required, 9),
            ("different samples, not required", false, &not_required, 10),
        ];
        for (row, same, config, total) in rows {
            assert_eq!(
                classify(&input(80, &met, same), config).total(),
                Some(total),
                "{row}"
            );
        }
        // Not recorded: bounds 9–10, classification open, the observation named.
        let mut open = input(80, &met, true);
        open.low_c3_and_c4_same_sample = Tri::Unknown;
        let r = classify(&open, &required);
        assert_eq!(
            (r.total_lower, r.total_upper, r.classified),
            (9, 10, Tri::Unknown)
        );
        assert_eq!(r.status, Status::not_evaluable([SAME_SAMPLE_FIELD]));
        // E3 with the sample not recorded: bounds 9–10 but never classified (no clinical).
        let mut e3 = input(80, &[AntiDsdna90Spec, LowC3, LowC4], true);
        e3.low_c3_and_c4_same_sample = Tri::Unknown;
        let r = classify(&e3, &required);
        assert_eq!(r.classified, Tri::False);
        assert_eq!(r.status, Status::incomplete([SAME_SAMPLE_FIELD]));
    }

    /// §6.3 step 5: unrecorded findings give bounds; classification is open only when they
    /// could flip it, and only findings that could raise a domain are named.
    #[test]
    fn unrecorded_findings_give_bounds() {
        let config = MeasureConfig::default();
        // E2 with fever not recorded: 12–14, classified anyway → incomplete.
        let mut r_in = input(160, &[JointInvolvement, AntiDsdna90Spec], true);
        r_in.record(Fever, Tri::Unknown);
        let r = classify(&r_in, &config);
        assert_eq!((r.total_lower, r.total_upper, r.total()), (12, 14, None));
        assert_eq!(r.classified, Tri::True);
        assert_eq!(r.status, Status::incomplete(["eular_fever"]));
        // Leukopenia unrecorded but thrombocytopenia met: it cannot raise the domain.
        let mut r_in = input(
            160,
            &[JointInvolvement, AntiDsdna90Spec, Thrombocytopenia],
            true,
        );
        r_in.record(Leukopenia, Tri::Unknown);
        assert_eq!(classify(&r_in, &config).status, Status::Complete);
        // 8 points, fever unrecorded: 8–10 → could flip → not_evaluable.
        let mut r_in = input(80, &[Seizure, Psychosis, LowC3], true);
        r_in.record(Fever, Tri::Unknown);
        let r = classify(&r_in, &config);
        assert_eq!(r.classified, Tri::Unknown);
        assert_eq!(r.status, Status::not_evaluable(["eular_fever"]));
        // Immunological only, a clinical finding unrecorded: has_clinical open.
        let mut r_in = input(80, &[AntiDsdna90Spec, LowC3, LowC4], true);
        r_in.record(OralUlcers, Tri::Unknown);
        let r = classify(&r_in, &config);
        assert_eq!((r.has_clinical, r.classified), (Tri::Unknown, Tri::Unknown));
        // A false conjunct decides despite unknowns (erratum 13): ANA 1:40.
        let mut r_in = input(40, &[JointInvolvement], true);
        r_in.record(AntiSm, Tri::Unknown);
        r_in.record(AntiDsdna90Spec, Tri::Unknown);
        let r = classify(&r_in, &config);
        assert_eq!(r.classified, Tri::False);
        assert_eq!(
            r.status,
            Status::incomplete(["eular_anti_dsdna_90spec", "eular_anti_sm"])
        );
    }

    #[test]
    fn entry_needs_a_qualifying_titre() {
        let config = MeasureConfig::default();
        let mut r_in = input(160, &[JointInvolvement, AntiDsdna90Spec], true);
        r_in.ana_titre_max = None;
        let r = classify(&r_in, &config);
        assert_eq!((r.entry_met, r.classified), (Tri::Unknown, Tri::Unknown));
        assert_eq!(r.status, Status::not_evaluable([ANA_TITRE_FIELD]));
        r_in.ana_titre_max = Some(AnaTitre::from_denominator(160).expect("valid"));
        r_in.ana_method = Some(AnaMethod::Other);
        let r = classify(&r_in, &config);
        assert_eq!(r.status, Status::not_evaluable([ANA_METHOD_FIELD]));
        r_in.ana_method = Some(AnaMethod::SolidPhaseEquivalent);
        assert_eq!(classify(&r_in, &config).classified, Tri::True);
        r_in.ana_method = None;
        assert_eq!(classify(&r_in, &config).classified, Tri::True);
        // Not classified anyway (total 6): entry open leaves the result decided.
        let mut low = input(160, &[JointInvolvement], true);
        low.ana_titre_max = None;
        let r = classify(&low, &config);
        assert_eq!(r.classified, Tri::False);
        assert_eq!(r.status, Status::incomplete([ANA_TITRE_FIELD]));
        assert_eq!(
            AnaTitre::from_denominator(100_001)
                .expect_err("too high")
                .field,
            ANA_TITRE_FIELD
        );
    }

    #[test]
    fn weights_sum_to_51_and_domains_are_typed() {
        let max: u32 = Domain::ALL
            .iter()
            .map(|d| {
                Criterion::ALL
                    .iter()
                    .filter(|c| c.domain() == *d)
                    .map(|c| u32::from(c.weight()))
                    .max()
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(max, 51);
        let clinical = Domain::ALL
            .iter()
            .filter(|d| d.kind() == DomainKind::Clinical)
            .count();
        assert_eq!(clinical, 7);
    }

    fn tri() -> impl Strategy<Value = Tri> {
        prop_oneof![Just(Tri::True), Just(Tri::False), Just(Tri::Unknown)]
    }

    proptest! {
        /// The bounds contain the score of every completion of the unrecorded findings, and a
        /// decided classification agrees with every completion.
        #[test]
        fn bounds_hold_for_every_completion(
            values in proptest::collection::vec(tri(), 23),
            titre in prop_oneof![Just(40u32), Just(80u32)],
            fill_seed in any::<u32>(),
        ) {
            let config = MeasureConfig::default();
            let mut partial = EularAcrInput::default();
            for (finding, value) in Finding::ALL.iter().zip(&values) {
                partial.record(*finding, *value);
            }
            partial.low_c3_and_c4_same_sample = values[22];
            partial.ana_titre_max = Some(AnaTitre::from_denominator(titre).expect("valid"));
            let r = classify(&partial, &config);
            prop_assert!(r.total_lower <= r.total_upper);
            // One pseudo-random completion.
            let mut full = partial.clone();
            let mut bit = 0;
            let mut fill = |t: Tri| {
                bit += 1;
                if t == Tri::Unknown { Tri::from(fill_seed >> (bit % 32) & 1 == 1) } else { t }
            };
            for finding in Finding::ALL {
                let value = fill(full.finding(finding));
                full.record(finding, value);
            }
            full.low_c3_and_c4_same_sample = fill(full.low_c3_and_c4_same_sample);
            let c = classify(&full, &config);
            let total = c.total().expect("a completion is exact");
            prop_assert!(r.total_lower <= total && total <= r.total_upper);
            if let Some(decided) = r.classified.known() {
                prop_assert_eq!(c.classified.known(), Some(decided));
            }
            prop_assert_eq!(r.status == Status::Complete, r.total().is_some() && r.classified != Tri::Unknown && r.status.missing().is_empty());
        }
    }
}
