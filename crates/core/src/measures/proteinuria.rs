//! Proteinuria measures (renal.md §2): KDIGO albuminuria/proteinuria categories A1–A3 by the
//! table of the reported unit (§2.4, README erratum 8), the nephrotic-range flag (§2.4), UPCR
//! from urine concentrations and 24-h protein from a timed collection (§2.1, §2.2).
//!
//! Every comparison is exact (`Decimal`, renal.md §0.2.2).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::InputError;
use crate::units::urine_protein::{
    MG_PER_G_PER_MG_PER_MMOL, Protein24hUnit, RatioBasis, RatioUnit, UrineProtein24h, UrineRatio,
    UrineRatioKind,
};

/// KDIGO CKD albuminuria (UACR) / proteinuria (UPCR) category (renal.md §2.4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub enum AlbuminuriaCategory {
    /// Normal to mildly increased.
    A1,
    /// Moderately increased.
    A2,
    /// Severely increased.
    A3,
}

/// The lower bounds of A2 and A3 in one published table (renal.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryTable {
    pub a2_from: Decimal,
    pub a3_from: Decimal,
}

impl CategoryTable {
    /// The category of `value` (in this table's unit): lower bounds inclusive (renal.md §2.4
    /// boundary note, README erratum 8: 30 mg/g is A2, 300 mg/g is A3).
    pub fn categorize(self, value: Decimal) -> AlbuminuriaCategory {
        if value < self.a2_from {
            AlbuminuriaCategory::A1
        } else if value < self.a3_from {
            AlbuminuriaCategory::A2
        } else {
            AlbuminuriaCategory::A3
        }
    }
}

const fn table(a2_from: u32, a3_from: u32) -> CategoryTable {
    CategoryTable {
        a2_from: Decimal::from_parts(a2_from, 0, 0, false, 0),
        a3_from: Decimal::from_parts(a3_from, 0, 0, false, 0),
    }
}

/// UACR, mg/g: A1 < 30, A2 30 to < 300, A3 ≥ 300 (renal.md §2.4). Also mg/day (AER).
pub const UACR_MG_PER_G: CategoryTable = table(30, 300);
/// UACR, mg/mmol: A1 < 3, A2 3 to < 30, A3 ≥ 30 (renal.md §2.4).
pub const UACR_MG_PER_MMOL: CategoryTable = table(3, 30);
/// UPCR, mg/g: A1 < 150, A2 150 to < 500, A3 ≥ 500 (renal.md §2.4). Also 24-h protein in mg/day.
pub const UPCR_MG_PER_G: CategoryTable = table(150, 500);
/// UPCR, mg/mmol: A1 < 15, A2 15 to < 50, A3 ≥ 50 (renal.md §2.4).
pub const UPCR_MG_PER_MMOL: CategoryTable = table(15, 50);

/// The KDIGO category of a ratio, using the table of the unit the laboratory REPORTED
/// (renal.md §2.2 (c), vector P7): per-mass units (mg/g, g/g, mg/mg) on the mg/g table with
/// the exact mg/g value; per-mmol units (mg/mmol, g/mmol) on the mg/mmol table with the exact
/// mg/mmol value. No rounded conversion is ever compared.
pub fn ratio_category(ratio: &UrineRatio) -> AlbuminuriaCategory {
    let (mass_table, molar_table) = match ratio.kind() {
        UrineRatioKind::Upcr => (UPCR_MG_PER_G, UPCR_MG_PER_MMOL),
        UrineRatioKind::Uacr => (UACR_MG_PER_G, UACR_MG_PER_MMOL),
    };
    match ratio.reported_unit().basis() {
        RatioBasis::Mass => mass_table.categorize(ratio.mg_per_g()),
        RatioBasis::Molar => molar_table.categorize(ratio.mg_per_mmol()),
    }
}

/// The KDIGO proteinuria category of a 24-h urine protein: A1 < 150, A2 150 to < 500,
/// A3 ≥ 500 mg/day (renal.md §2.4).
pub fn protein_24h_category(protein: &UrineProtein24h) -> AlbuminuriaCategory {
    UPCR_MG_PER_G.categorize(protein.mg_per_day())
}

/// Nephrotic-range UPCR in adults: ≥ 3.0 g/g = 3000 mg/g (renal.md §2.4 [DECISION], compared
/// in g/g as §2.2 (b) requires for LN thresholds).
pub const NEPHROTIC_UPCR_MG_PER_G: Decimal = Decimal::from_parts(3000, 0, 0, false, 0);
/// Nephrotic-range 24-h protein in adults: ≥ 3.5 g/day (renal.md §2.4).
pub const NEPHROTIC_PROTEIN_G_PER_DAY: Decimal = Decimal::from_parts(35, 0, 0, false, 1);

/// Whether a ratio is in the adult nephrotic range (renal.md §2.4: UPCR ≥ 3.0 g/g); `None` for
/// a UACR, which does not define it.
pub fn ratio_nephrotic_range(ratio: &UrineRatio) -> Option<bool> {
    match ratio.kind() {
        UrineRatioKind::Upcr => Some(ratio.mg_per_g() >= NEPHROTIC_UPCR_MG_PER_G),
        UrineRatioKind::Uacr => None,
    }
}

/// Whether a 24-h urine protein is in the adult nephrotic range (renal.md §2.4: ≥ 3.5 g/day).
pub fn protein_24h_nephrotic_range(protein: &UrineProtein24h) -> bool {
    protein.g_per_day() >= NEPHROTIC_PROTEIN_G_PER_DAY
}

/// The adult nephrotic-range flag of renal.md §2.4 [DECISION]:
/// `(24hUP ≥ 3.5 g/day) or (UPCR ≥ 3.0 g/g)`, in three-valued logic over what was measured
/// (either one at or above its threshold decides TRUE; both below decide FALSE).
pub fn nephrotic_range(
    protein_24h: Option<&UrineProtein24h>,
    upcr: Option<&UrineRatio>,
) -> crate::Tri {
    let from_24h = crate::Tri::from_option(protein_24h.map(protein_24h_nephrotic_range));
    let from_upcr = crate::Tri::from_option(upcr.and_then(ratio_nephrotic_range));
    from_24h.or(from_upcr)
}

/// UPCR from the protein and creatinine concentrations of one urine sample (renal.md §2.2):
/// protein (mg/dL) ÷ creatinine (mg/dL) = mg/mg, kept as reported in mg/mg (so the mg/g
/// table applies for the category). Field names are those of the `upcr` wire input.
pub fn upcr_from_concentrations(
    protein_mg_dl: Decimal,
    creatinine_mg_dl: Decimal,
) -> Result<UrineRatio, InputError> {
    if protein_mg_dl < Decimal::ZERO {
        return Err(InputError::new(
            "urine_protein_mg_dl",
            protein_mg_dl,
            "must not be negative",
        ));
    }
    if creatinine_mg_dl <= Decimal::ZERO {
        return Err(InputError::new(
            "urine_creatinine_mg_dl",
            creatinine_mg_dl,
            "must be greater than 0",
        ));
    }
    // A quotient beyond Decimal's range is far above the 30 mg/mg maximum.
    let ratio = protein_mg_dl.checked_div(creatinine_mg_dl).ok_or_else(|| {
        InputError::new(
            "urine_protein_mg_dl",
            protein_mg_dl,
            "must be at most 30 times urine_creatinine_mg_dl (30 mg/mg, data dictionary \
             urine_protein_creatinine_ratio, sle-activity §9.3)",
        )
    })?;
    UrineRatio::from_reported(
        UrineRatioKind::Upcr,
        ("urine_protein_mg_dl", ratio),
        ("urine_creatinine_mg_dl", RatioUnit::MgPerMg),
    )
}

/// Urine creatinine mg/dL → mmol/L: × 0.0884 (renal.md §2.2; = 10 ÷ 113.12).
pub fn urine_creatinine_mmol_per_l(creatinine_mg_dl: Decimal) -> Decimal {
    creatinine_mg_dl * MG_PER_G_PER_MG_PER_MMOL / Decimal::ONE_HUNDRED
}

/// 24-h urine protein from a timed collection (renal.md §2.1, §2.2): concentration (g/L) ×
/// volume (L) = g/(24.h). Field names are data-dictionary style.
pub fn protein_24h_from_collection(
    concentration_g_l: Decimal,
    volume_l: Decimal,
) -> Result<UrineProtein24h, InputError> {
    if concentration_g_l < Decimal::ZERO {
        return Err(InputError::new(
            "urine_protein_g_l",
            concentration_g_l,
            "must not be negative",
        ));
    }
    if volume_l <= Decimal::ZERO {
        return Err(InputError::new(
            "urine_volume_24h_l",
            volume_l,
            "must be greater than 0",
        ));
    }
    UrineProtein24h::from_reported(
        "urine_protein_g_l",
        concentration_g_l * volume_l,
        Protein24hUnit::GPer24h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tri;
    use rust_decimal::RoundingStrategy;
    use rust_decimal_macros::dec;

    fn ratio(kind: UrineRatioKind, value: Decimal, unit: RatioUnit) -> UrineRatio {
        UrineRatio::from_reported(kind, ("value", value), ("unit", unit)).expect("a valid ratio")
    }

    fn upcr(value: Decimal, unit: RatioUnit) -> UrineRatio {
        ratio(UrineRatioKind::Upcr, value, unit)
    }

    fn uacr(value: Decimal, unit: RatioUnit) -> UrineRatio {
        ratio(UrineRatioKind::Uacr, value, unit)
    }

    /// renal.md §2.5 vectors P1–P7.
    #[test]
    fn a_quotient_too_large_for_a_decimal_is_refused() {
        // Found by the fuzz work (docs/interop.md "Robustness"): 100 ÷ 1e-28 overflowed Decimal.
        let e = upcr_from_concentrations(dec!(100), Decimal::new(1, 28)).unwrap_err();
        assert_eq!(e.field, "urine_protein_mg_dl");
    }

    #[test]
    fn proteinuria_vectors_p1_to_p7() {
        use AlbuminuriaCategory::*;
        // P1: 0.5 g/g = 500 mg/g = 56.56 mg/mmol; A3 on the mg/g table (≥ 500).
        let p1 = upcr(dec!(0.5), RatioUnit::GPerG);
        assert_eq!(p1.mg_per_g(), dec!(500), "P1");
        assert_eq!(
            p1.mg_per_mmol()
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            dec!(56.56),
            "P1"
        );
        assert_eq!(
            ratio_category(&p1),
            A3,
            "P1 500 mg/g is A3 (lower bound inclusive)"
        );

        // P2: 50 mg/mmol = 0.4420 g/g = 442.0 mg/g, meets < 0.5 g/g; A3 on the mg/mmol table.
        let p2 = upcr(dec!(50), RatioUnit::MgPerMmol);
        assert_eq!(p2.mg_per_g(), dec!(442.0), "P2");
        assert!(p2.mg_per_g() < dec!(500), "P2 meets < 0.5 g/g");
        assert_eq!(
            ratio_category(&p2),
            A3,
            "P2 reported 50 mg/mmol is A3 (≥ 50)"
        );

        // P3: 45 mg/dL protein, 90 mg/dL creatinine → 0.500 mg/mg = 56.56 mg/mmol.
        let p3 = upcr_from_concentrations(dec!(45), dec!(90)).expect("valid");
        assert_eq!(p3.g_per_g(), dec!(0.5), "P3 mg/mg");
        assert_eq!(p3.reported_unit(), RatioUnit::MgPerMg, "P3 kept as mg/mg");
        assert_eq!(
            p3.mg_per_mmol()
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            dec!(56.56),
            "P3 mg/mmol"
        );
        assert_eq!(
            urine_creatinine_mmol_per_l(dec!(90)),
            dec!(7.956),
            "P3 SI creatinine"
        );
        assert_eq!(
            (dec!(0.45) / urine_creatinine_mmol_per_l(dec!(90)))
                .round_dp_with_strategy(5, RoundingStrategy::MidpointAwayFromZero),
            dec!(0.05656),
            "P3 SI g/mmol"
        );

        // P4: 0.80 g/L × 2.10 L = 1.68 g/24 h.
        let p4 = protein_24h_from_collection(dec!(0.80), dec!(2.10)).expect("valid");
        assert_eq!(p4.g_per_day(), dec!(1.68), "P4");
        assert!(!protein_24h_nephrotic_range(&p4), "P4 below 3.5 g/day");
        assert_eq!(protein_24h_category(&p4), A3, "P4 1680 mg/day is A3");

        // P5: UACR 45 mg/mmol = 397.8 mg/g → A3 on both unit tables.
        let p5 = uacr(dec!(45), RatioUnit::MgPerMmol);
        assert_eq!(p5.mg_per_g(), dec!(397.8), "P5");
        assert_eq!(ratio_category(&p5), A3, "P5 reported table");
        assert_eq!(UACR_MG_PER_G.categorize(p5.mg_per_g()), A3, "P5 mg/g table");
        assert_eq!(
            UACR_MG_PER_MMOL.categorize(p5.mg_per_mmol()),
            A3,
            "P5 mg/mmol table"
        );

        // P6: UPCR 250 mg/mmol = 2.210 g/g, sub-nephrotic.
        let p6 = upcr(dec!(250), RatioUnit::MgPerMmol);
        assert_eq!(p6.g_per_g(), dec!(2.21), "P6");
        assert_eq!(ratio_nephrotic_range(&p6), Some(false), "P6 < 3 g/g");

        // P7: UACR reported 3.2 mg/mmol → A2 by the reported unit's table, although the
        // converted 28.29 mg/g would be A1.
        let p7 = uacr(dec!(3.2), RatioUnit::MgPerMmol);
        assert_eq!(ratio_category(&p7), A2, "P7 reported-unit rule");
        assert_eq!(
            p7.mg_per_g()
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            dec!(28.29),
            "P7 converted"
        );
        assert_eq!(
            UACR_MG_PER_G.categorize(p7.mg_per_g()),
            A1,
            "P7 converted would be A1"
        );
    }

    /// renal.md §2.4 + README erratum 8: lower bound inclusive, at every boundary of every
    /// table (at, just below, just above).
    #[test]
    fn category_boundaries_in_every_table() {
        use AlbuminuriaCategory::*;
        use RatioUnit::*;
        use UrineRatioKind::*;
        for (row, kind, unit, value, category) in [
            ("UACR 29.99 mg/g", Uacr, MgPerG, dec!(29.99), A1),
            ("UACR 30 mg/g", Uacr, MgPerG, dec!(30), A2),
            ("UACR 30.01 mg/g", Uacr, MgPerG, dec!(30.01), A2),
            ("UACR 299.99 mg/g", Uacr, MgPerG, dec!(299.99), A2),
            ("UACR 300 mg/g", Uacr, MgPerG, dec!(300), A3),
            ("UACR 2.99 mg/mmol", Uacr, MgPerMmol, dec!(2.99), A1),
            ("UACR 3 mg/mmol", Uacr, MgPerMmol, dec!(3), A2),
            ("UACR 29.99 mg/mmol", Uacr, MgPerMmol, dec!(29.99), A2),
            ("UACR 30 mg/mmol", Uacr, MgPerMmol, dec!(30), A3),
            ("UPCR 149.99 mg/g", Upcr, MgPerG, dec!(149.99), A1),
            ("UPCR 150 mg/g", Upcr, MgPerG, dec!(150), A2),
            ("UPCR 499.99 mg/g", Upcr, MgPerG, dec!(499.99), A2),
            ("UPCR 500 mg/g", Upcr, MgPerG, dec!(500), A3),
            ("UPCR 500.01 mg/g", Upcr, MgPerG, dec!(500.01), A3),
            ("UPCR 0.15 g/g", Upcr, GPerG, dec!(0.15), A2),
            ("UPCR 0.1499 g/g", Upcr, GPerG, dec!(0.1499), A1),
            ("UPCR 0.5 mg/mg", Upcr, MgPerMg, dec!(0.5), A3),
            ("UPCR 14.99 mg/mmol", Upcr, MgPerMmol, dec!(14.99), A1),
            ("UPCR 15 mg/mmol", Upcr, MgPerMmol, dec!(15), A2),
            ("UPCR 49.99 mg/mmol", Upcr, MgPerMmol, dec!(49.99), A2),
            ("UPCR 50 mg/mmol", Upcr, MgPerMmol, dec!(50), A3),
            ("UPCR 0.015 g/mmol", Upcr, GPerMmol, dec!(0.015), A2),
            ("UPCR 0.01499 g/mmol", Upcr, GPerMmol, dec!(0.01499), A1),
        ] {
            assert_eq!(ratio_category(&ratio(kind, value, unit)), category, "{row}");
        }
        for (row, mg_per_day, category) in [
            ("149.9 mg/day", dec!(149.9), A1),
            ("150 mg/day", dec!(150), A2),
            ("499.9 mg/day", dec!(499.9), A2),
            ("500 mg/day", dec!(500), A3),
        ] {
            let protein = UrineProtein24h::from_reported("p", mg_per_day, Protein24hUnit::MgPer24h)
                .expect("valid");
            assert_eq!(protein_24h_category(&protein), category, "{row}");
        }
    }

    /// renal.md §2.4 [DECISION]: nephrotic = 24hUP ≥ 3.5 g/day or UPCR ≥ 3.0 g/g.
    #[test]
    fn nephrotic_range_boundaries() {
        for (row, value, unit, nephrotic) in [
            ("2.999 g/g", dec!(2.999), RatioUnit::GPerG, false),
            ("3.0 g/g", dec!(3.0), RatioUnit::GPerG, true),
            ("3.001 g/g", dec!(3.001), RatioUnit::GPerG, true),
            ("3000 mg/g", dec!(3000), RatioUnit::MgPerG, true),
            (
                "339 mg/mmol = 2996.8 mg/g",
                dec!(339),
                RatioUnit::MgPerMmol,
                false,
            ),
            (
                "340 mg/mmol = 3005.6 mg/g",
                dec!(340),
                RatioUnit::MgPerMmol,
                true,
            ),
        ] {
            assert_eq!(
                ratio_nephrotic_range(&upcr(value, unit)),
                Some(nephrotic),
                "{row}"
            );
        }
        assert_eq!(
            ratio_nephrotic_range(&uacr(dec!(3000), RatioUnit::MgPerG)),
            None
        );
        let day = |g: Decimal| {
            UrineProtein24h::from_reported("p", g, Protein24hUnit::GPer24h).expect("valid")
        };
        assert!(!protein_24h_nephrotic_range(&day(dec!(3.49))));
        assert!(protein_24h_nephrotic_range(&day(dec!(3.5))));
        assert!(protein_24h_nephrotic_range(&day(dec!(3.51))));
        // Either measurement decides TRUE; both below decide FALSE; one below and one missing
        // is unknown.
        let low_upcr = upcr(dec!(1), RatioUnit::GPerG);
        assert_eq!(
            nephrotic_range(Some(&day(dec!(4))), Some(&low_upcr)),
            Tri::True
        );
        assert_eq!(
            nephrotic_range(Some(&day(dec!(1))), Some(&low_upcr)),
            Tri::False
        );
        assert_eq!(nephrotic_range(None, Some(&low_upcr)), Tri::Unknown);
        assert_eq!(
            nephrotic_range(None, Some(&upcr(dec!(3), RatioUnit::GPerG))),
            Tri::True
        );
    }

    #[test]
    fn concentration_inputs_are_checked() {
        assert_eq!(
            upcr_from_concentrations(dec!(-1), dec!(90))
                .unwrap_err()
                .field,
            "urine_protein_mg_dl"
        );
        assert_eq!(
            upcr_from_concentrations(dec!(45), dec!(0))
                .unwrap_err()
                .field,
            "urine_creatinine_mg_dl"
        );
        // 31 g/g is above the dictionary range of the ratio.
        assert_eq!(
            upcr_from_concentrations(dec!(3100), dec!(100))
                .unwrap_err()
                .field,
            "urine_protein_mg_dl"
        );
        assert_eq!(
            protein_24h_from_collection(dec!(1), dec!(0))
                .unwrap_err()
                .field,
            "urine_volume_24h_l"
        );
        assert_eq!(
            protein_24h_from_collection(dec!(-1), dec!(1))
                .unwrap_err()
                .field,
            "urine_protein_g_l"
        );
    }
}
