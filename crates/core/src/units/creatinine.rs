//! Serum creatinine as reported and in its canonical unit, mg/dL (renal.md §0.1, §1.1).

use std::cmp::Ordering;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::InputError;

/// µmol/L per mg/dL: exactly 88.4 (renal.md §1.1 and §B.1 [DECISION]; creatinine molar mass
/// 113.12 g/mol, as `kidney.epi`; not `transplantr`'s 88.42).
pub const UMOL_PER_L_PER_MG_PER_DL: Decimal = Decimal::from_parts(884, 0, 0, false, 1);

/// Lowest serum creatinine accepted, in µmol/L: the data-dictionary range of
/// `creatinine_serum` (sle-activity §9.3: 10–2000 µmol/L), ≈ 0.113 mg/dL.
pub const MIN_UMOL_PER_L: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// Highest serum creatinine accepted, in µmol/L (sle-activity §9.3), ≈ 22.6 mg/dL. Values
/// between the equations' plausibility limit (20 mg/dL, renal.md §1.2) and this one are
/// accepted and flagged by the eGFR measure, not refused.
pub const MAX_UMOL_PER_L: Decimal = Decimal::from_parts(2000, 0, 0, false, 0);

/// The units a serum creatinine may be reported in (renal.md §0.1). The wire names are the
/// UCUM codes; `µmol/L` (micro sign or Greek mu) is accepted as an alias of `umol/L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum CreatinineUnit {
    #[serde(rename = "mg/dL")]
    MgPerDl,
    #[serde(rename = "umol/L", alias = "µmol/L", alias = "μmol/L")]
    UmolPerL,
    #[serde(rename = "mmol/L")]
    MmolPerL,
}

impl CreatinineUnit {
    /// The UCUM code of the unit, as the wire names it.
    pub fn code(self) -> &'static str {
        match self {
            CreatinineUnit::MgPerDl => "mg/dL",
            CreatinineUnit::UmolPerL => "umol/L",
            CreatinineUnit::MmolPerL => "mmol/L",
        }
    }
}

/// A serum (or plasma) creatinine: the value and unit as reported, and the canonical mg/dL.
///
/// renal.md §0.1: the raw value and unit are kept next to the canonical value, which is
/// derived (µmol/L ÷ 88.4; mmol/L × 1000 ÷ 88.4). Can only hold a value inside the
/// data-dictionary range, so every equation may trust it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SerumCreatinine {
    reported_value: Decimal,
    reported_unit: CreatinineUnit,
    umol_l: Decimal,
    mg_dl: Decimal,
    mg_dl_f64: f64,
}

impl SerumCreatinine {
    /// Parses a reported creatinine. `field` is the data-dictionary name used in the error.
    ///
    /// Refused: a value ≤ 0 (renal.md §1.2: "Scr ≤ 0 → error") and a value outside
    /// 10–2000 µmol/L once converted (sle-activity §9.3 `creatinine_serum`).
    pub fn from_reported(
        field: &'static str,
        value: Decimal,
        unit: CreatinineUnit,
    ) -> Result<SerumCreatinine, InputError> {
        if value <= Decimal::ZERO {
            return Err(InputError::new(
                field,
                value,
                "must be greater than 0 (renal.md §1.2)",
            ));
        }
        // A value too large to convert (Decimal overflow) is out of range as well.
        let in_range =
            umol_per_l(value, unit).filter(|u| (MIN_UMOL_PER_L..=MAX_UMOL_PER_L).contains(u));
        let Some(umol_l) = in_range else {
            return Err(InputError::new(
                field,
                value,
                format!(
                    "must be between 10 and 2000 µmol/L (0.1131–22.62 mg/dL, 0.01–2 mmol/L) \
                     (data dictionary creatinine_serum, sle-activity §9.3); given in {}",
                    unit.code()
                ),
            ));
        };
        let mg_dl = match unit {
            CreatinineUnit::MgPerDl => value,
            CreatinineUnit::UmolPerL | CreatinineUnit::MmolPerL => {
                umol_l / UMOL_PER_L_PER_MG_PER_DL
            }
        };
        let mg_dl_f64 = mg_dl
            .to_f64()
            .expect("a creatinine within 10–2000 µmol/L is a finite f64");
        Ok(SerumCreatinine {
            reported_value: value,
            reported_unit: unit,
            umol_l,
            mg_dl,
            mg_dl_f64,
        })
    }

    /// The value as the laboratory reported it.
    pub fn reported_value(&self) -> Decimal {
        self.reported_value
    }

    /// The unit as the laboratory reported it.
    pub fn reported_unit(&self) -> CreatinineUnit {
        self.reported_unit
    }

    /// Canonical mg/dL (renal.md §0.1), exact for mg/dL input and to 28 significant digits
    /// after the division by 88.4.
    pub fn mg_dl(&self) -> Decimal {
        self.mg_dl
    }

    /// Canonical mg/dL as f64, for the equations of renal.md §1 (numeric policy §0.2.1).
    pub fn mg_dl_f64(&self) -> f64 {
        self.mg_dl_f64
    }

    /// The value in µmol/L, exact (a multiplication for every unit); None when it overflows
    /// Decimal (an absurd value, refused as out of range).
    pub fn umol_l(&self) -> Decimal {
        self.umol_l
    }

    /// Compares the creatinine with a threshold in mg/dL exactly, by cross-multiplication
    /// in µmol/L (renal.md §0.2.2: no division in threshold comparisons).
    pub fn cmp_mg_dl(&self, threshold_mg_dl: Decimal) -> Ordering {
        self.umol_l()
            .cmp(&(threshold_mg_dl * UMOL_PER_L_PER_MG_PER_DL))
    }
}

/// A reported creatinine in µmol/L: mg/dL × 88.4, µmol/L as is, mmol/L × 1000 (renal.md §1.1).
fn umol_per_l(value: Decimal, unit: CreatinineUnit) -> Option<Decimal> {
    match unit {
        CreatinineUnit::MgPerDl => value.checked_mul(UMOL_PER_L_PER_MG_PER_DL),
        CreatinineUnit::UmolPerL => Some(value),
        CreatinineUnit::MmolPerL => value.checked_mul(Decimal::ONE_THOUSAND),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;
    use rust_decimal_macros::dec;

    fn mg_dl_4dp(value: Decimal, unit: CreatinineUnit) -> Decimal {
        SerumCreatinine::from_reported("creatinine", value, unit)
            .expect("a valid creatinine")
            .mg_dl()
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    }

    /// renal.md §1.1 test vectors: 1.0 mg/dL = 88.4 µmol/L; 62 → 0.7014; 106.08 → 1.2000;
    /// 53 → 0.5995 (to 4 dp).
    #[test]
    fn unit_conversion_vectors_of_section_1_1() {
        let one = SerumCreatinine::from_reported("creatinine", dec!(1.0), CreatinineUnit::MgPerDl)
            .expect("valid");
        assert_eq!(one.umol_l(), dec!(88.4), "1.0 mg/dL = 88.4 µmol/L");
        for (row, umol, mg_dl) in [
            ("§1.1 62 umol/L", dec!(62), dec!(0.7014)),
            ("§1.1 106.08 umol/L", dec!(106.08), dec!(1.2000)),
            ("§1.1 53 umol/L", dec!(53), dec!(0.5995)),
            ("§1.1 88.4 umol/L", dec!(88.4), dec!(1)),
        ] {
            assert_eq!(mg_dl_4dp(umol, CreatinineUnit::UmolPerL), mg_dl, "{row}");
        }
        assert_eq!(
            mg_dl_4dp(dec!(0.10608), CreatinineUnit::MmolPerL),
            dec!(1.2000),
            "mmol/L × 1000 ÷ 88.4"
        );
        // 106.08 / 88.4 is exactly 1.2 (E8), so the canonical value is exact, not just rounded.
        assert_eq!(
            SerumCreatinine::from_reported("creatinine", dec!(106.08), CreatinineUnit::UmolPerL)
                .expect("valid")
                .mg_dl(),
            dec!(1.2)
        );
    }

    #[test]
    fn reported_value_and_unit_are_kept() {
        let scr = SerumCreatinine::from_reported("creatinine", dec!(62), CreatinineUnit::UmolPerL)
            .expect("valid");
        assert_eq!(scr.reported_value(), dec!(62));
        assert_eq!(scr.reported_unit(), CreatinineUnit::UmolPerL);
        assert!((scr.mg_dl_f64() - 62.0 / 88.4).abs() < 1e-15);
    }

    /// renal.md §1.2: Scr ≤ 0 is an error; sle-activity §9.3: 10–2000 µmol/L, inclusive.
    #[test]
    fn a_value_too_large_to_convert_is_refused_as_out_of_range() {
        // Found by the fuzz work (docs/interop.md "Robustness"): × 88.4 overflowed Decimal.
        for unit in [CreatinineUnit::MgPerDl, CreatinineUnit::MmolPerL] {
            let e = SerumCreatinine::from_reported("creatinine", Decimal::MAX, unit).unwrap_err();
            assert_eq!(e.field, "creatinine");
            assert!(e.rule.contains("between 10 and 2000"), "{e}");
        }
    }

    #[test]
    fn range_boundaries_in_every_unit() {
        use CreatinineUnit::*;
        for (row, value, unit, accepted) in [
            ("zero", dec!(0), MgPerDl, false),
            ("negative", dec!(-1), UmolPerL, false),
            ("10 umol/L at the floor", dec!(10), UmolPerL, true),
            ("9.99 umol/L below the floor", dec!(9.99), UmolPerL, false),
            ("10.01 umol/L above the floor", dec!(10.01), UmolPerL, true),
            ("2000 umol/L at the ceiling", dec!(2000), UmolPerL, true),
            (
                "2000.01 umol/L above the ceiling",
                dec!(2000.01),
                UmolPerL,
                false,
            ),
            (
                "1999.99 umol/L below the ceiling",
                dec!(1999.99),
                UmolPerL,
                true,
            ),
            ("2 mmol/L at the ceiling", dec!(2), MmolPerL, true),
            (
                "2.001 mmol/L above the ceiling",
                dec!(2.001),
                MmolPerL,
                false,
            ),
            ("0.01 mmol/L at the floor", dec!(0.01), MmolPerL, true),
            (
                "0.0099 mmol/L below the floor",
                dec!(0.0099),
                MmolPerL,
                false,
            ),
            ("22.6 mg/dL under 2000 umol/L", dec!(22.6), MgPerDl, true),
            ("22.63 mg/dL over 2000 umol/L", dec!(22.63), MgPerDl, false),
            ("0.12 mg/dL over 10 umol/L", dec!(0.12), MgPerDl, true),
            ("0.11 mg/dL under 10 umol/L", dec!(0.11), MgPerDl, false),
        ] {
            let parsed = SerumCreatinine::from_reported("creatinine", value, unit);
            assert_eq!(parsed.is_ok(), accepted, "{row}");
            if let Err(err) = parsed {
                assert_eq!(err.field, "creatinine", "{row}");
                assert_eq!(err.value, value.to_string(), "{row}");
            }
        }
    }

    #[test]
    fn threshold_comparison_is_exact() {
        let twenty =
            SerumCreatinine::from_reported("creatinine", dec!(1768), CreatinineUnit::UmolPerL)
                .expect("valid");
        assert_eq!(
            twenty.cmp_mg_dl(dec!(20)),
            Ordering::Equal,
            "1768 µmol/L = 20 mg/dL"
        );
        let above =
            SerumCreatinine::from_reported("creatinine", dec!(1768.01), CreatinineUnit::UmolPerL)
                .expect("valid");
        assert_eq!(above.cmp_mg_dl(dec!(20)), Ordering::Greater);
        let below =
            SerumCreatinine::from_reported("creatinine", dec!(19.99), CreatinineUnit::MgPerDl)
                .expect("valid");
        assert_eq!(below.cmp_mg_dl(dec!(20)), Ordering::Less);
    }

    #[test]
    fn unit_codes_and_aliases() {
        for (text, unit) in [
            ("\"mg/dL\"", CreatinineUnit::MgPerDl),
            ("\"umol/L\"", CreatinineUnit::UmolPerL),
            ("\"µmol/L\"", CreatinineUnit::UmolPerL),
            ("\"μmol/L\"", CreatinineUnit::UmolPerL),
            ("\"mmol/L\"", CreatinineUnit::MmolPerL),
        ] {
            let parsed = serde_plain(text).expect("a known unit");
            assert_eq!(parsed, unit, "{text}");
        }
        assert!(serde_plain("\"mg/dl\"").is_none(), "UCUM is case-sensitive");
        assert_eq!(CreatinineUnit::UmolPerL.code(), "umol/L");
    }

    /// Deserializes a JSON string literal without serde_json (not a dependency of core).
    fn serde_plain(text: &str) -> Option<CreatinineUnit> {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let inner = text.trim_matches('"');
        let de: StrDeserializer<'_, Error> = inner.into_deserializer();
        CreatinineUnit::deserialize(de).ok()
    }
}
