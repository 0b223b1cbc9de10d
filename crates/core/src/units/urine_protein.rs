//! Urine protein and albumin quantities as reported and in their canonical units
//! (renal.md §0.1, §2.1, §2.2): protein/albumin-to-creatinine ratios in mg/g, 24-h urine
//! protein in g/(24.h).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::InputError;

/// mg/g per mg/mmol: 1 g of creatinine is 8.840 mmol (renal.md §2.2, creatinine molar mass
/// 113.12 g/mol), so mg/mmol × 8.840 = mg/g.
pub const MG_PER_G_PER_MG_PER_MMOL: Decimal = Decimal::from_parts(8840, 0, 0, false, 3);

/// Highest ratio accepted, in mg/g: the data-dictionary range of
/// `urine_protein_creatinine_ratio`, 0–30 g/g (sle-activity §9.3).
pub const MAX_RATIO_MG_PER_G: Decimal = Decimal::from_parts(30_000, 0, 0, false, 0);

/// Highest 24-h urine protein accepted, in g/(24.h): `urine_protein_24h_g`, 0–30 g/24 h
/// (sle-activity §9.3).
pub const MAX_PROTEIN_G_PER_DAY: Decimal = Decimal::from_parts(30, 0, 0, false, 0);

/// Which ratio a spot or aliquot measurement is (renal.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UrineRatioKind {
    /// Urine protein-to-creatinine ratio (UPCR).
    Upcr,
    /// Urine albumin-to-creatinine ratio (UACR).
    Uacr,
}

/// The urine specimen a ratio was measured on (renal.md §2.1: every UPCR observation MUST
/// carry it; §2.3 orders them for response evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum UrineSpecimen {
    /// An aliquot of a timed 24-h collection (preferred by KDIGO 2024).
    #[serde(rename = "24h_collection")]
    Collection24h,
    /// First-morning void (the AURORA convention).
    #[serde(rename = "first_morning_void")]
    FirstMorningVoid,
    /// Random spot sample (allowed, flagged for LN decisions).
    #[serde(rename = "random_spot")]
    RandomSpot,
    #[serde(rename = "unknown")]
    Unknown,
}

/// The units a protein- or albumin-to-creatinine ratio may be reported in (renal.md §0.1;
/// UACR only in mg/g and mg/mmol). Wire names are the UCUM codes; the `{creat}` annotation
/// of LOINC 34366-5 (`g/mmol{creat}`) is accepted as an alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum RatioUnit {
    #[serde(rename = "mg/mg", alias = "mg/mg{creat}")]
    MgPerMg,
    #[serde(rename = "g/g", alias = "g/g{creat}")]
    GPerG,
    #[serde(rename = "mg/g", alias = "mg/g{creat}")]
    MgPerG,
    #[serde(rename = "mg/mmol", alias = "mg/mmol{creat}")]
    MgPerMmol,
    #[serde(rename = "g/mmol", alias = "g/mmol{creat}")]
    GPerMmol,
}

/// Whether a ratio unit divides by a creatinine mass or by a creatinine amount: KDIGO
/// published one category table per family (renal.md §2.2 (c), §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RatioBasis {
    /// Per mass of creatinine (mg/g, g/g, mg/mg): the mg/g table applies.
    Mass,
    /// Per amount of creatinine (mg/mmol, g/mmol): the mg/mmol table applies.
    Molar,
}

impl RatioUnit {
    /// The UCUM code of the unit, as the wire names it.
    pub fn code(self) -> &'static str {
        match self {
            RatioUnit::MgPerMg => "mg/mg",
            RatioUnit::GPerG => "g/g",
            RatioUnit::MgPerG => "mg/g",
            RatioUnit::MgPerMmol => "mg/mmol",
            RatioUnit::GPerMmol => "g/mmol",
        }
    }

    /// The family of the unit, which picks the KDIGO category table (renal.md §2.4).
    pub fn basis(self) -> RatioBasis {
        match self {
            RatioUnit::MgPerMg | RatioUnit::GPerG | RatioUnit::MgPerG => RatioBasis::Mass,
            RatioUnit::MgPerMmol | RatioUnit::GPerMmol => RatioBasis::Molar,
        }
    }
}

/// A urine protein- or albumin-to-creatinine ratio: the value and unit as reported and the
/// canonical mg/g (renal.md §0.1: the raw value and unit are kept next to the canonical one).
///
/// Can only hold a ratio in 0–30 g/g (sle-activity §9.3), in a unit allowed for its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrineRatio {
    kind: UrineRatioKind,
    reported_value: Decimal,
    reported_unit: RatioUnit,
    mg_per_g: Decimal,
}

impl UrineRatio {
    /// Parses a reported ratio. `value_field` and `unit_field` are the data-dictionary names
    /// used in errors.
    ///
    /// Canonical mg/g with the exact factors of renal.md §2.2: mg/mg and g/g × 1000; mg/g × 1;
    /// mg/mmol × 8.840; g/mmol × 1000 × 8.840. Refused: a negative value, a value above 30 g/g
    /// (sle-activity §9.3) and a UACR in a unit other than mg/g or mg/mmol (renal.md §0.1).
    pub fn from_reported(
        kind: UrineRatioKind,
        (value_field, value): (&'static str, Decimal),
        (unit_field, unit): (&'static str, RatioUnit),
    ) -> Result<UrineRatio, InputError> {
        if kind == UrineRatioKind::Uacr && !matches!(unit, RatioUnit::MgPerG | RatioUnit::MgPerMmol)
        {
            return Err(InputError::new(
                unit_field,
                unit.code(),
                "a UACR is accepted in mg/g or mg/mmol (renal.md §0.1)",
            ));
        }
        if value < Decimal::ZERO {
            return Err(InputError::new(value_field, value, "must not be negative"));
        }
        // A value too large to convert (Decimal overflow) is above the maximum as well.
        let in_range = value
            .checked_mul(mg_per_g_per_unit(unit))
            .filter(|r| *r <= MAX_RATIO_MG_PER_G);
        let Some(mg_per_g) = in_range else {
            return Err(InputError::new(
                value_field,
                value,
                format!(
                    "must be at most 30 g/g (30000 mg/g, ≈ 3394 mg/mmol) (data dictionary \
                     urine_protein_creatinine_ratio, sle-activity §9.3); given in {}",
                    unit.code()
                ),
            ));
        };
        Ok(UrineRatio {
            kind,
            reported_value: value,
            reported_unit: unit,
            mg_per_g,
        })
    }

    /// UPCR or UACR.
    pub fn kind(&self) -> UrineRatioKind {
        self.kind
    }

    /// The value as the laboratory reported it.
    pub fn reported_value(&self) -> Decimal {
        self.reported_value
    }

    /// The unit as the laboratory reported it.
    pub fn reported_unit(&self) -> RatioUnit {
        self.reported_unit
    }

    /// Canonical mg/g, exact (renal.md §2.2 (a)).
    pub fn mg_per_g(&self) -> Decimal {
        self.mg_per_g
    }

    /// g/g (= mg/mg), exact: mg/g ÷ 1000.
    pub fn g_per_g(&self) -> Decimal {
        self.mg_per_g / Decimal::ONE_THOUSAND
    }

    /// mg/mmol: exact when reported per mmol (mg/mmol as is, g/mmol × 1000); otherwise
    /// mg/g ÷ 8.840 (renal.md §2.2), to 28 significant digits.
    pub fn mg_per_mmol(&self) -> Decimal {
        match self.reported_unit {
            RatioUnit::MgPerMmol => self.reported_value,
            RatioUnit::GPerMmol => self.reported_value * Decimal::ONE_THOUSAND,
            RatioUnit::MgPerMg | RatioUnit::GPerG | RatioUnit::MgPerG => {
                self.mg_per_g / MG_PER_G_PER_MG_PER_MMOL
            }
        }
    }
}

/// mg/g per reported unit (renal.md §2.2).
fn mg_per_g_per_unit(unit: RatioUnit) -> Decimal {
    match unit {
        RatioUnit::MgPerMg | RatioUnit::GPerG => Decimal::ONE_THOUSAND,
        RatioUnit::MgPerG => Decimal::ONE,
        RatioUnit::MgPerMmol => MG_PER_G_PER_MG_PER_MMOL,
        RatioUnit::GPerMmol => MG_PER_G_PER_MG_PER_MMOL * Decimal::ONE_THOUSAND,
    }
}

/// The units a 24-h urine protein may be reported in (renal.md §0.1), as UCUM codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Protein24hUnit {
    #[serde(rename = "g/(24.h)", alias = "g/d")]
    GPer24h,
    #[serde(rename = "mg/(24.h)", alias = "mg/d")]
    MgPer24h,
}

impl Protein24hUnit {
    /// The UCUM code of the unit, as the wire names it.
    pub fn code(self) -> &'static str {
        match self {
            Protein24hUnit::GPer24h => "g/(24.h)",
            Protein24hUnit::MgPer24h => "mg/(24.h)",
        }
    }
}

/// A 24-h urine protein excretion: the value and unit as reported and the canonical
/// g/(24.h) (renal.md §0.1: mg ÷ 1000). Can only hold 0–30 g/24 h (sle-activity §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrineProtein24h {
    reported_value: Decimal,
    reported_unit: Protein24hUnit,
    g_per_day: Decimal,
}

impl UrineProtein24h {
    /// Parses a reported 24-h urine protein; `field` names the value in errors.
    pub fn from_reported(
        field: &'static str,
        value: Decimal,
        unit: Protein24hUnit,
    ) -> Result<UrineProtein24h, InputError> {
        if value < Decimal::ZERO {
            return Err(InputError::new(field, value, "must not be negative"));
        }
        let g_per_day = match unit {
            Protein24hUnit::GPer24h => value,
            Protein24hUnit::MgPer24h => value / Decimal::ONE_THOUSAND,
        };
        if g_per_day > MAX_PROTEIN_G_PER_DAY {
            return Err(InputError::new(
                field,
                value,
                format!(
                    "must be at most 30 g/24 h (data dictionary urine_protein_24h_g, \
                     sle-activity §9.3); given in {}",
                    unit.code()
                ),
            ));
        }
        Ok(UrineProtein24h {
            reported_value: value,
            reported_unit: unit,
            g_per_day,
        })
    }

    /// The value as the laboratory reported it.
    pub fn reported_value(&self) -> Decimal {
        self.reported_value
    }

    /// The unit as the laboratory reported it.
    pub fn reported_unit(&self) -> Protein24hUnit {
        self.reported_unit
    }

    /// Canonical g/(24.h), exact.
    pub fn g_per_day(&self) -> Decimal {
        self.g_per_day
    }

    /// mg/(24.h), exact.
    pub fn mg_per_day(&self) -> Decimal {
        self.g_per_day * Decimal::ONE_THOUSAND
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;
    use rust_decimal_macros::dec;

    fn upcr(value: Decimal, unit: RatioUnit) -> UrineRatio {
        UrineRatio::from_reported(UrineRatioKind::Upcr, ("value", value), ("unit", unit))
            .expect("a valid UPCR")
    }

    fn round(value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
    }

    /// renal.md §2.5 P1, P2, P5, P6 (the unit parts) and the §2.2 factor table.
    #[test]
    fn conversion_vectors_of_section_2_5() {
        let p1 = upcr(dec!(0.5), RatioUnit::GPerG);
        assert_eq!(p1.mg_per_g(), dec!(500), "P1 0.5 g/g = 500 mg/g");
        assert_eq!(
            round(p1.mg_per_mmol(), 2),
            dec!(56.56),
            "P1 0.5 g/g = 56.56 mg/mmol"
        );

        let p2 = upcr(dec!(50), RatioUnit::MgPerMmol);
        assert_eq!(p2.mg_per_g(), dec!(442.000), "P2 50 mg/mmol = 442.0 mg/g");
        assert_eq!(p2.g_per_g(), dec!(0.442), "P2 0.4420 g/g");
        assert!(p2.mg_per_g() < dec!(500), "P2 meets < 0.5 g/g");

        let p5 = UrineRatio::from_reported(
            UrineRatioKind::Uacr,
            ("value", dec!(45)),
            ("unit", RatioUnit::MgPerMmol),
        )
        .expect("valid UACR");
        assert_eq!(
            p5.mg_per_g(),
            dec!(397.8),
            "P5 45 mg/mmol × 8.840 = 397.8 mg/g"
        );

        let p6 = upcr(dec!(250), RatioUnit::MgPerMmol);
        assert_eq!(p6.g_per_g(), dec!(2.21), "P6 250 mg/mmol = 2.210 g/g");
        assert!(p6.mg_per_g() < dec!(3000), "P6 sub-nephrotic");
    }

    #[test]
    fn a_value_too_large_to_convert_is_refused_as_above_the_maximum() {
        // Found by the fuzz work (docs/interop.md "Robustness"): × 1000 overflowed Decimal.
        let e = UrineRatio::from_reported(
            UrineRatioKind::Upcr,
            ("value", Decimal::MAX),
            ("unit", RatioUnit::GPerMmol),
        )
        .unwrap_err();
        assert_eq!(e.field, "value");
        assert!(e.rule.contains("at most 30 g/g"), "{e}");
    }

    #[test]
    fn every_unit_converts_with_the_exact_factor() {
        for (row, value, unit, mg_per_g, mg_per_mmol) in [
            ("mg/mg", dec!(0.5), RatioUnit::MgPerMg, dec!(500), None),
            ("g/g", dec!(1.25), RatioUnit::GPerG, dec!(1250), None),
            ("mg/g", dec!(150), RatioUnit::MgPerG, dec!(150), None),
            (
                "mg/mmol",
                dec!(15),
                RatioUnit::MgPerMmol,
                dec!(132.6),
                Some(dec!(15)),
            ),
            (
                "g/mmol",
                dec!(0.05),
                RatioUnit::GPerMmol,
                dec!(442),
                Some(dec!(50)),
            ),
        ] {
            let ratio = upcr(value, unit);
            assert_eq!(ratio.mg_per_g(), mg_per_g, "{row}");
            assert_eq!(ratio.reported_value(), value, "{row}");
            assert_eq!(ratio.reported_unit(), unit, "{row}");
            if let Some(mg_per_mmol) = mg_per_mmol {
                assert_eq!(
                    ratio.mg_per_mmol(),
                    mg_per_mmol,
                    "{row} (exact, no round trip)"
                );
            }
        }
        // Round trip through mg/g uses the same 8.840 both ways.
        assert_eq!(upcr(dec!(884), RatioUnit::MgPerG).mg_per_mmol(), dec!(100));
    }

    #[test]
    fn ranges_and_units_are_enforced() {
        assert!(
            UrineRatio::from_reported(
                UrineRatioKind::Upcr,
                ("value", dec!(0)),
                ("unit", RatioUnit::GPerG)
            )
            .is_ok()
        );
        let err = UrineRatio::from_reported(
            UrineRatioKind::Upcr,
            ("value", dec!(-0.1)),
            ("unit", RatioUnit::GPerG),
        )
        .unwrap_err();
        assert_eq!(err.field, "value");
        for (row, value, unit, accepted) in [
            ("30 g/g at the ceiling", dec!(30), RatioUnit::GPerG, true),
            ("30.001 g/g above", dec!(30.001), RatioUnit::GPerG, false),
            ("29.999 g/g below", dec!(29.999), RatioUnit::GPerG, true),
            (
                "30000 mg/g at the ceiling",
                dec!(30000),
                RatioUnit::MgPerG,
                true,
            ),
            (
                "3394 mg/mmol under 30 g/g",
                dec!(3393),
                RatioUnit::MgPerMmol,
                true,
            ),
            (
                "3394 mg/mmol over 30 g/g",
                dec!(3394),
                RatioUnit::MgPerMmol,
                false,
            ),
        ] {
            let parsed =
                UrineRatio::from_reported(UrineRatioKind::Upcr, ("value", value), ("unit", unit));
            assert_eq!(parsed.is_ok(), accepted, "{row}");
        }
        let err = UrineRatio::from_reported(
            UrineRatioKind::Uacr,
            ("value", dec!(0.03)),
            ("unit", RatioUnit::GPerG),
        )
        .unwrap_err();
        assert_eq!(err.field, "unit", "UACR only in mg/g or mg/mmol");
    }

    /// renal.md §2.5 P4 (unit part) and §0.1: mg ÷ 1000.
    #[test]
    fn protein_24h_units() {
        let g = UrineProtein24h::from_reported(
            "urine_protein_24h",
            dec!(1.68),
            Protein24hUnit::GPer24h,
        )
        .expect("valid");
        assert_eq!(g.g_per_day(), dec!(1.68));
        let mg = UrineProtein24h::from_reported(
            "urine_protein_24h",
            dec!(1680),
            Protein24hUnit::MgPer24h,
        )
        .expect("valid");
        assert_eq!(mg.g_per_day(), dec!(1.68));
        assert_eq!(mg.mg_per_day(), dec!(1680));
        assert_eq!(mg.reported_unit(), Protein24hUnit::MgPer24h);
        assert!(UrineProtein24h::from_reported("p", dec!(30), Protein24hUnit::GPer24h).is_ok());
        assert!(UrineProtein24h::from_reported("p", dec!(30.01), Protein24hUnit::GPer24h).is_err());
        assert!(UrineProtein24h::from_reported("p", dec!(-1), Protein24hUnit::MgPer24h).is_err());
    }
}
