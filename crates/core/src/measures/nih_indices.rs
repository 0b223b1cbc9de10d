//! NIH activity (0–24) and chronicity (0–12) indices of a lupus nephritis biopsy
//! (renal.md §5.2).
//!
//! Modified NIH indices: Bajema IM et al., Kidney Int 2018;93:789-796 (grading by extent as in
//! PMC9386217 Table 1). Original NIH indices: Austin HA et al., Am J Med 1983;75:382 / Kidney
//! Int 1984;25:689 — semi-quantitative grades 0–3 entered as recorded, for historical biopsies.
//! The index version is stored with the score. A component nobody scored widens the bounds
//! (0 to its maximum × weight); it is never counted as 0 (renal.md §0.2.3).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{InputError, Status};

/// Which index definition the components follow (renal.md §5.2).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IndexVersion {
    /// Bajema 2018 modified NIH indices, graded from % extents (default).
    #[default]
    #[serde(rename = "modified_nih_2018")]
    ModifiedNih2018,
    /// Austin 1983/1984 original NIH indices, grades 0–3 as recorded (historical entry).
    OriginalNih,
}

/// A lesion's extent in percent of glomeruli (glomerular lesions) or of cortex
/// (tubulointerstitial lesions), 0–100 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Extent(Decimal);

impl Extent {
    /// Parses a percentage, refusing values outside 0–100 with an error naming `field`.
    pub fn parse(field: &'static str, percent: Decimal) -> Result<Extent, InputError> {
        if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            return Err(InputError::new(
                field,
                percent,
                "must be a percentage between 0 and 100",
            ));
        }
        Ok(Extent(percent))
    }

    pub fn percent(self) -> Decimal {
        self.0
    }

    /// Modified NIH grading by extent (renal.md §5.2): 0 → 0; < 25 % → 1; 25–50 % inclusive → 2;
    /// more than 50 % → 3 (exactly 25 and exactly 50 grade 2).
    pub fn grade(self) -> Grade {
        let quarter = Decimal::from(25);
        let half = Decimal::from(50);
        Grade(if self.0 == Decimal::ZERO {
            0
        } else if self.0 < quarter {
            1
        } else if self.0 <= half {
            2
        } else {
            3
        })
    }
}

/// A component grade 0–3 (none, mild / < 25 %, moderate / 25–50 %, severe / > 50 %).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub struct Grade(u8);

impl Grade {
    pub const MAX: u8 = 3;

    /// A recorded grade (original NIH entry), refusing values above 3.
    pub fn parse(field: &'static str, grade: u8) -> Result<Grade, InputError> {
        if grade > Grade::MAX {
            return Err(InputError::new(field, grade, "must be a grade from 0 to 3"));
        }
        Ok(Grade(grade))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// The six activity components, in the order of renal.md §5.2's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityComponent {
    /// Endocapillary hypercellularity (original: endocapillary proliferation), ×1.
    EndocapillaryHypercellularity,
    /// Neutrophils and/or karyorrhexis (original: leukocyte infiltration), ×1.
    NeutrophilsKaryorrhexis,
    /// Fibrinoid necrosis (original: fibrinoid necrosis/karyorrhexis), ×2.
    FibrinoidNecrosis,
    /// Hyaline deposits: wire loops and/or hyaline thrombi (original: subendothelial hyaline
    /// deposits), ×1.
    HyalineDeposits,
    /// Cellular and/or fibrocellular crescents (original: cellular crescents), ×2.
    CellularFibrocellularCrescents,
    /// Interstitial inflammation, ×1.
    InterstitialInflammation,
}

impl ActivityComponent {
    pub const ALL: [ActivityComponent; 6] = [
        ActivityComponent::EndocapillaryHypercellularity,
        ActivityComponent::NeutrophilsKaryorrhexis,
        ActivityComponent::FibrinoidNecrosis,
        ActivityComponent::HyalineDeposits,
        ActivityComponent::CellularFibrocellularCrescents,
        ActivityComponent::InterstitialInflammation,
    ];

    /// Weight in the activity index (renal.md §5.2: necrosis and crescents ×2, in both
    /// versions).
    pub const fn weight(self) -> u8 {
        match self {
            ActivityComponent::FibrinoidNecrosis
            | ActivityComponent::CellularFibrocellularCrescents => 2,
            _ => 1,
        }
    }
}

/// The four chronicity components, each ×1 (renal.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChronicityComponent {
    /// Total glomerulosclerosis, global and/or segmental (original: glomerular sclerosis).
    Glomerulosclerosis,
    FibrousCrescents,
    TubularAtrophy,
    InterstitialFibrosis,
}

impl ChronicityComponent {
    pub const ALL: [ChronicityComponent; 4] = [
        ChronicityComponent::Glomerulosclerosis,
        ChronicityComponent::FibrousCrescents,
        ChronicityComponent::TubularAtrophy,
        ChronicityComponent::InterstitialFibrosis,
    ];
}

/// The graded components of one biopsy; `None` = not scored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NihInput {
    pub version: IndexVersion,
    /// In the order of [`ActivityComponent::ALL`].
    pub activity: [Option<Grade>; 6],
    /// In the order of [`ChronicityComponent::ALL`].
    pub chronicity: [Option<Grade>; 4],
}

/// One component's contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentScore {
    pub grade: Option<Grade>,
    pub weight: u8,
    /// grade × weight, when graded.
    pub points: Option<u8>,
    /// 3 × weight.
    pub max_points: u8,
}

/// An index with its bounds; `value` when every component was graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexScore {
    pub value: Option<u8>,
    pub lower: u8,
    pub upper: u8,
    pub max: u8,
}

/// Both indices of one biopsy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NihIndices {
    pub version: IndexVersion,
    pub activity: IndexScore,
    pub chronicity: IndexScore,
    pub activity_components: [(ActivityComponent, ComponentScore); 6],
    pub chronicity_components: [(ChronicityComponent, ComponentScore); 4],
    /// `complete`, or `incomplete` naming the ungraded components (by their snake_case names).
    pub status: Status,
}

fn component(grade: Option<Grade>, weight: u8) -> ComponentScore {
    ComponentScore {
        grade,
        weight,
        points: grade.map(|g| g.value() * weight),
        max_points: Grade::MAX * weight,
    }
}

fn index(scores: impl Iterator<Item = ComponentScore> + Clone) -> IndexScore {
    let lower = scores.clone().map(|s| s.points.unwrap_or(0)).sum();
    let upper = scores
        .clone()
        .map(|s| s.points.unwrap_or(s.max_points))
        .sum();
    let max = scores.clone().map(|s| s.max_points).sum();
    let complete = scores.clone().all(|s| s.grade.is_some());
    IndexScore {
        value: complete.then_some(lower),
        lower,
        upper,
        max,
    }
}

/// Scores both indices (renal.md §5.2). Missing components make the status `incomplete` with
/// bounds: each contributes 0 to the lower and its maximum × weight to the upper bound.
pub fn score(input: &NihInput) -> NihIndices {
    let activity_components = std::array::from_fn(|i| {
        let c = ActivityComponent::ALL[i];
        (c, component(input.activity[i], c.weight()))
    });
    let chronicity_components = std::array::from_fn(|i| {
        (
            ChronicityComponent::ALL[i],
            component(input.chronicity[i], 1),
        )
    });
    let activity = index(activity_components.iter().map(|(_, s)| *s));
    let chronicity = index(chronicity_components.iter().map(|(_, s)| *s));
    let missing: Vec<String> = activity_components
        .iter()
        .filter(|(_, s)| s.grade.is_none())
        .map(|(c, _)| activity_name(*c, input.version).to_owned())
        .chain(
            chronicity_components
                .iter()
                .filter(|(_, s)| s.grade.is_none())
                .map(|(c, _)| chronicity_name(*c, input.version).to_owned()),
        )
        .collect();
    let status = if missing.is_empty() {
        Status::Complete
    } else {
        Status::Incomplete { missing }
    };
    NihIndices {
        version: input.version,
        activity,
        chronicity,
        activity_components,
        chronicity_components,
        status,
    }
}

/// The component's name under `version` (the original NIH names differ, renal.md §5.2).
pub const fn activity_name(c: ActivityComponent, version: IndexVersion) -> &'static str {
    match (version, c) {
        (IndexVersion::ModifiedNih2018, ActivityComponent::EndocapillaryHypercellularity) => {
            "endocapillary_hypercellularity"
        }
        (IndexVersion::ModifiedNih2018, ActivityComponent::NeutrophilsKaryorrhexis) => {
            "neutrophils_karyorrhexis"
        }
        (IndexVersion::ModifiedNih2018, ActivityComponent::FibrinoidNecrosis) => {
            "fibrinoid_necrosis"
        }
        (IndexVersion::ModifiedNih2018, ActivityComponent::HyalineDeposits) => "hyaline_deposits",
        (IndexVersion::ModifiedNih2018, ActivityComponent::CellularFibrocellularCrescents) => {
            "cellular_fibrocellular_crescents"
        }
        (IndexVersion::OriginalNih, ActivityComponent::EndocapillaryHypercellularity) => {
            "endocapillary_proliferation"
        }
        (IndexVersion::OriginalNih, ActivityComponent::NeutrophilsKaryorrhexis) => {
            "leukocyte_infiltration"
        }
        (IndexVersion::OriginalNih, ActivityComponent::FibrinoidNecrosis) => {
            "fibrinoid_necrosis_karyorrhexis"
        }
        (IndexVersion::OriginalNih, ActivityComponent::HyalineDeposits) => {
            "subendothelial_hyaline_deposits"
        }
        (IndexVersion::OriginalNih, ActivityComponent::CellularFibrocellularCrescents) => {
            "cellular_crescents"
        }
        (_, ActivityComponent::InterstitialInflammation) => "interstitial_inflammation",
    }
}

/// The chronicity component's name under `version`.
pub const fn chronicity_name(c: ChronicityComponent, version: IndexVersion) -> &'static str {
    match (version, c) {
        (IndexVersion::ModifiedNih2018, ChronicityComponent::Glomerulosclerosis) => {
            "glomerulosclerosis"
        }
        (IndexVersion::OriginalNih, ChronicityComponent::Glomerulosclerosis) => {
            "glomerular_sclerosis"
        }
        (_, ChronicityComponent::FibrousCrescents) => "fibrous_crescents",
        (_, ChronicityComponent::TubularAtrophy) => "tubular_atrophy",
        (_, ChronicityComponent::InterstitialFibrosis) => "interstitial_fibrosis",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn graded(pcts: &[Decimal]) -> Vec<Option<Grade>> {
        pcts.iter()
            .map(|p| {
                Some(
                    Extent::parse("x", *p)
                        .expect("test extent in range")
                        .grade(),
                )
            })
            .collect()
    }

    fn modified(activity: &[Decimal], chronicity: &[Decimal]) -> NihIndices {
        let a = graded(activity);
        let c = graded(chronicity);
        score(&NihInput {
            version: IndexVersion::ModifiedNih2018,
            activity: std::array::from_fn(|i| a[i]),
            chronicity: std::array::from_fn(|i| c[i]),
        })
    }

    const NO_CHRONICITY: [Decimal; 4] = [dec!(0), dec!(0), dec!(0), dec!(0)];
    const NO_ACTIVITY: [Decimal; 6] = [dec!(0), dec!(0), dec!(0), dec!(0), dec!(0), dec!(0)];

    #[test]
    fn nih_vectors_i1_to_i4() {
        // I1: endocap 30, neutrophils 10, necrosis 10, hyaline 0, crescents 20, interstitial 30.
        let i1 = modified(
            &[dec!(30), dec!(10), dec!(10), dec!(0), dec!(20), dec!(30)],
            &NO_CHRONICITY,
        );
        assert_eq!(i1.activity.value, Some(9), "I1 AI 9/24");
        let points: Vec<_> = i1
            .activity_components
            .iter()
            .map(|(_, s)| s.points)
            .collect();
        assert_eq!(
            points,
            [Some(2), Some(1), Some(2), Some(0), Some(2), Some(2)],
            "I1 components"
        );
        assert_eq!(i1.activity.max, 24);
        // I2: glomerulosclerosis 15, fibrous crescents 0, tubular atrophy 30, fibrosis 55.
        let i2 = modified(&NO_ACTIVITY, &[dec!(15), dec!(0), dec!(30), dec!(55)]);
        assert_eq!(i2.chronicity.value, Some(6), "I2 CI 6/12");
        assert_eq!(i2.chronicity.max, 12);
        // I3: boundaries.
        for (pct, grade) in [
            (dec!(0), 0),
            (dec!(24.9), 1),
            (dec!(25), 2),
            (dec!(50), 2),
            (dec!(50.1), 3),
        ] {
            let g = Extent::parse("x", pct).map(Extent::grade);
            assert_eq!(g.map(Grade::value), Ok(grade), "I3 extent {pct}");
        }
        // I4: all activity components > 50 %.
        let i4 = modified(&[dec!(51); 6], &NO_CHRONICITY);
        assert_eq!(i4.activity.value, Some(24), "I4 AI 24");
        assert_eq!(i4.status, Status::Complete);
    }

    #[test]
    fn extent_boundaries_and_range() {
        for (pct, grade) in [
            (dec!(0.1), 1),
            (dec!(25.1), 2),
            (dec!(49.9), 2),
            (dec!(100), 3),
        ] {
            assert_eq!(
                Extent::parse("x", pct).map(|e| e.grade().value()),
                Ok(grade),
                "{pct}"
            );
        }
        let err = Extent::parse("tubular_atrophy_pct", dec!(100.1)).expect_err("input is refused");
        assert_eq!(err.field, "tubular_atrophy_pct");
        assert!(Extent::parse("x", dec!(-0.1)).is_err());
        assert!(Grade::parse("x", 4).is_err());
        assert_eq!(Grade::parse("x", 3).map(Grade::value), Ok(3));
    }

    #[test]
    fn missing_components_give_bounds() {
        let mut input = NihInput::default();
        input.activity[0] = Some(Grade(2));
        input.activity[2] = Some(Grade(1));
        input.chronicity = [Some(Grade(1)); 4];
        let got = score(&input);
        // Known 2 + 2; missing neutrophils 3, hyaline 3, crescents 6, interstitial 3.
        assert_eq!(
            got.activity,
            IndexScore {
                value: None,
                lower: 4,
                upper: 19,
                max: 24
            }
        );
        assert_eq!(got.chronicity.value, Some(4));
        assert_eq!(
            got.status,
            Status::incomplete([
                "neutrophils_karyorrhexis",
                "hyaline_deposits",
                "cellular_fibrocellular_crescents",
                "interstitial_inflammation"
            ])
        );
        let nothing = score(&NihInput::default());
        assert_eq!((nothing.activity.lower, nothing.activity.upper), (0, 24));
        assert_eq!(
            (nothing.chronicity.lower, nothing.chronicity.upper),
            (0, 12)
        );
    }

    #[test]
    fn original_nih_uses_the_same_weights_and_its_own_names() {
        let input = NihInput {
            version: IndexVersion::OriginalNih,
            activity: [Some(Grade(3)); 6],
            chronicity: [None; 4],
        };
        let got = score(&input);
        assert_eq!(got.activity.value, Some(24));
        assert_eq!(got.version, IndexVersion::OriginalNih);
        assert_eq!(got.status.missing()[0], "glomerular_sclerosis");
    }
}
