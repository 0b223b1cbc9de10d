//! Physician Global Assessment, the 0–3 visual-analogue scale (sle-activity §7).
//!
//! Petri M et al. (SELENA-SLEDAI PGA, 0 = none … 3 = severe); Piga M, Chessa E, Morand EF, et
//! al. *Physician Global Assessment International Standardisation COnsensus in SLE: the PISCOS
//! study.* Lancet Rheumatol 2022 (the category bands). DORIS calls it the Evaluator's Global
//! Assessment (same scale).
//!
//! Stored as integer hundredths `0..=300` (sle-activity §0.2): every threshold is an integer
//! comparison, so "an increase of ≥ 0.3" is `cur − base ≥ 30` and 0.70 vs 0.40 is a worsening
//! (vector P9), which an f64 subtraction gets wrong.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{InputError, Tri};

/// A physician global assessment in hundredths of a point, 0 (none) to 300 (severe).
///
/// sle-activity §7.2: values outside 0–3 are rejected at construction, so a `Pga` always
/// holds a valid rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pga(u16);

/// The PISCOS category of a PGA (sle-activity §7.1, §7.3; Piga 2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PgaBand {
    /// `< 0.50`: no activity, compatible with DORIS remission.
    None,
    /// `0.50 ..= 1.00`: mild activity.
    Mild,
    /// `> 1.00 ..= 2.00`: moderate activity.
    Moderate,
    /// `> 2.00 ..= 3.00`: severe activity.
    Severe,
}

impl Pga {
    /// The top of the scale, 3.00 points (sle-activity §7.1).
    pub const MAX_HUNDREDTHS: u16 = 300;

    /// The longest VAS line accepted, in millimetres: CRF lines are 80–100 mm (sle-activity
    /// §12, "PGA line length"); the cap keeps the exact conversion within `i128`.
    pub const MAX_LINE_MM: u16 = 1000;

    /// A PGA recorded in hundredths of a point (`pga_hundredths`, sle-activity §9.4).
    ///
    /// sle-activity §7.2: values outside 0–300 are rejected (vector P7: 3.20 → 320 → error).
    pub fn from_hundredths(hundredths: u16) -> Result<Pga, InputError> {
        if hundredths > Self::MAX_HUNDREDTHS {
            return Err(InputError::new(
                "pga_hundredths",
                hundredths,
                "must be between 0 and 300 hundredths (PGA 0.00–3.00, sle-activity §7.2)",
            ));
        }
        Ok(Pga(hundredths))
    }

    /// A PGA read off a paper VAS: the mark at `mark_mm` on a line `line_mm` long.
    ///
    /// sle-activity §7.2 [C]: `pga = round_half_up(300 × m / L)` hundredths, computed exactly
    /// on the decimal inputs (vector P8: 47 mm on 100 mm → 141). The line must be longer than
    /// 0 and at most [`Pga::MAX_LINE_MM`] mm; the mark must lie on the line (`0 ≤ m ≤ L`).
    pub fn from_line_mark(mark_mm: Decimal, line_mm: Decimal) -> Result<Pga, InputError> {
        if line_mm <= Decimal::ZERO || line_mm > Decimal::from(Self::MAX_LINE_MM) {
            return Err(InputError::new(
                "line_mm",
                line_mm,
                "must be greater than 0 and at most 1000 mm (the length of the VAS line)",
            ));
        }
        if mark_mm < Decimal::ZERO || mark_mm > line_mm {
            return Err(InputError::new(
                "mark_mm",
                mark_mm,
                "must lie on the line: between 0 and line_mm",
            ));
        }
        // Bring both to one scale so that 300·m/L = 300·M/Λ with integers M, Λ. Both are at
        // most 1000 mm, so the mantissas are below 10^31 and 600·M + Λ fits in an i128.
        let scale = mark_mm.scale().max(line_mm.scale());
        let m = rescaled_mantissa(mark_mm, scale);
        let l = rescaled_mantissa(line_mm, scale);
        // round_half_up(n / d) = floor((2n + d) / 2d) for n ≥ 0, d > 0.
        let rounded = (600 * m + l) / (2 * l);
        let hundredths = u16::try_from(rounded).expect("0 ≤ m ≤ L bounds the result by 300");
        Pga::from_hundredths(hundredths)
    }

    /// The rating in hundredths of a point (0–300).
    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// The rating in points (0.00–3.00), exact, for display.
    pub fn points(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2)
    }

    /// The PISCOS band (sle-activity §7.3): `< 50` none; `50..=100` mild; `101..=200`
    /// moderate; `201..=300` severe (Piga 2022: mild ≥ 0.5 to 1, moderate > 1 to ≤ 2,
    /// severe > 2 to 3).
    pub fn band(self) -> PgaBand {
        match self.0 {
            0..50 => PgaBand::None,
            50..=100 => PgaBand::Mild,
            101..=200 => PgaBand::Moderate,
            _ => PgaBand::Severe,
        }
    }

    /// DORIS 2021 remission item (sle-activity §5, §7.3): PGA `< 0.5`, i.e. `pga < 50`
    /// (van Vollenhoven 2021).
    pub fn meets_doris_remission(self) -> bool {
        self.0 < 50
    }

    /// LLDAS item (sle-activity §4, §7.3): PGA `≤ 1`, i.e. `pga ≤ 100` (Franklyn 2016).
    pub fn meets_lldas(self) -> bool {
        self.0 <= 100
    }

    /// The signed change from `earlier` to `self`, in hundredths.
    pub fn change_from(self, earlier: Pga) -> i32 {
        i32::from(self.0) - i32::from(earlier.0)
    }

    /// SRI component 3 fails (sle-activity §3, §7.3): the PGA worsened by `≥ 0.3` from
    /// baseline, i.e. `cur − base ≥ 30` (Furie 2009; vectors P1, P2, P9).
    pub fn sri_worsening_from(self, baseline: Pga) -> bool {
        self.change_from(baseline) >= 30
    }

    /// SELENA flare index mild/moderate trigger (sle-activity §2.1, §7.3): PGA rose by
    /// `≥ 1.0` but is at most 2.5, i.e. `cur − prev ≥ 100 && cur ≤ 250` (Petri 1999).
    pub fn sfi_mild_moderate_increase_from(self, previous: Pga) -> bool {
        self.change_from(previous) >= 100 && self.0 <= 250
    }

    /// SELENA flare index severe trigger (sle-activity §2.1, §7.3): PGA rose to `> 2.5`,
    /// i.e. `cur > 250 && cur > prev` (Petri 1999).
    pub fn sfi_severe_increase_from(self, previous: Pga) -> bool {
        self.0 > 250 && self.0 > previous.0
    }
}

/// Whether the PGA was rated by a different physician than at the comparator visit.
///
/// sle-activity §7.4 [C]: a change of rater does not stop any computation but is flagged
/// (PISCOS recommends the same rater at each visit). UNKNOWN when either rater is not
/// recorded.
pub fn rater_changed(current_rater_id: Option<&str>, previous_rater_id: Option<&str>) -> Tri {
    match (current_rater_id, previous_rater_id) {
        (Some(current), Some(previous)) => Tri::from(current != previous),
        _ => Tri::Unknown,
    }
}

/// The mantissa of `value` expressed at `scale` (≥ its own scale).
fn rescaled_mantissa(value: Decimal, scale: u32) -> i128 {
    value.mantissa() * 10_i128.pow(scale - value.scale())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn pga(h: u16) -> Pga {
        Pga::from_hundredths(h).expect("test value in range")
    }

    /// Vectors P1, P2, P9 (sle-activity §7.5): SRI worsening is `cur − base ≥ 30`.
    #[test]
    fn sri_worsening_vectors() {
        let rows = [
            ("P1 1.30 vs 1.00", 130, 100, true),
            ("P2 1.29 vs 1.00", 129, 100, false),
            ("P9 0.70 vs 0.40", 70, 40, true),
            ("boundary 1.31 vs 1.00", 131, 100, true),
            ("improvement 0.40 vs 0.70", 40, 70, false),
        ];
        for (row, cur, base, worse) in rows {
            assert_eq!(pga(cur).sri_worsening_from(pga(base)), worse, "{row}");
        }
        assert_eq!(pga(70).change_from(pga(40)), 30, "P9 Δ is exactly 30");
    }

    /// Vectors P3–P6 (sle-activity §7.5) and the boundaries of every band and state.
    #[test]
    fn band_and_state_vectors() {
        use PgaBand::*;
        let rows = [
            ("0.00", 0, None, true, true),
            ("P3 0.49", 49, None, true, true),
            ("P4 0.50", 50, Mild, false, true),
            ("0.51", 51, Mild, false, true),
            ("0.99", 99, Mild, false, true),
            ("P5 1.00", 100, Mild, false, true),
            ("P5 1.01", 101, Moderate, false, false),
            ("1.99", 199, Moderate, false, false),
            ("P6 2.00", 200, Moderate, false, false),
            ("P6 2.01", 201, Severe, false, false),
            ("3.00", 300, Severe, false, false),
        ];
        for (row, h, band, doris, lldas) in rows {
            let p = pga(h);
            assert_eq!(p.band(), band, "{row} band");
            assert_eq!(p.meets_doris_remission(), doris, "{row} DORIS");
            assert_eq!(p.meets_lldas(), lldas, "{row} LLDAS");
        }
    }

    /// Vector P7 (sle-activity §7.5): 3.20 is rejected; 3.00 and 3.01 are the boundary.
    #[test]
    fn p7_out_of_range_is_rejected() {
        let err = Pga::from_hundredths(320).expect_err("input must be refused");
        assert_eq!(err.field, "pga_hundredths");
        assert_eq!(err.value, "320");
        assert!(Pga::from_hundredths(301).is_err());
        assert_eq!(Pga::from_hundredths(300).map(Pga::hundredths), Ok(300));
    }

    /// Vector P8 (sle-activity §7.5) and round-half-up at the exact half.
    #[test]
    fn line_mark_vectors() {
        let rows = [
            ("P8 47 mm on 100 mm", dec!(47), dec!(100), 141),
            ("0 mm", dec!(0), dec!(100), 0),
            ("end of line", dec!(100), dec!(100), 300),
            (
                "exact half rounds up: 0.5 mm on 100 mm = 1.5",
                dec!(0.5),
                dec!(100),
                2,
            ),
            (
                "just below half: 0.49 mm on 100 mm = 1.47",
                dec!(0.49),
                dec!(100),
                1,
            ),
            (
                "just above half: 0.51 mm on 100 mm = 1.53",
                dec!(0.51),
                dec!(100),
                2,
            ),
            ("80 mm line: 40 mm = 1.50", dec!(40), dec!(80), 150),
            ("1/3 of a 90 mm line = 1.00", dec!(30), dec!(90), 100),
            (
                "mixed scales: 33.35 mm on 100.0 mm = 100.05",
                dec!(33.35),
                dec!(100.0),
                100,
            ),
            (
                "mixed scales, half: 16.75 mm on 50.0 mm = 100.5",
                dec!(16.75),
                dec!(50.0),
                101,
            ),
        ];
        for (row, m, l, h) in rows {
            assert_eq!(
                Pga::from_line_mark(m, l).map(Pga::hundredths),
                Ok(h),
                "{row}"
            );
        }
    }

    #[test]
    fn line_mark_rejects_marks_off_the_line() {
        assert_eq!(
            Pga::from_line_mark(dec!(101), dec!(100))
                .expect_err("input must be refused")
                .field,
            "mark_mm"
        );
        assert_eq!(
            Pga::from_line_mark(dec!(-1), dec!(100))
                .expect_err("input must be refused")
                .field,
            "mark_mm"
        );
        assert_eq!(
            Pga::from_line_mark(dec!(0), dec!(0))
                .expect_err("input must be refused")
                .field,
            "line_mm"
        );
        assert_eq!(
            Pga::from_line_mark(dec!(5), dec!(1000.1))
                .expect_err("input must be refused")
                .field,
            "line_mm"
        );
    }

    /// SFI triggers (sle-activity §7.3): boundaries of `Δ ≥ 100`, `cur ≤ 250` and `cur > 250`.
    #[test]
    fn sfi_trigger_boundaries() {
        let rows = [
            ("Δ 100, cur 2.50: mild/moderate", 250, 150, true, false),
            ("Δ 99: nothing", 249, 150, false, false),
            ("Δ 101, cur 2.51: severe", 251, 150, false, true),
            ("cur 2.51 but not higher than prev", 251, 251, false, false),
            ("cur 2.51, prev 2.50: severe", 251, 250, false, true),
            ("cur 2.50 from 1.49: mild/moderate", 250, 149, true, false),
            ("cur 1.00 from 0.00", 100, 0, true, false),
        ];
        for (row, cur, prev, mild, severe) in rows {
            let (c, p) = (pga(cur), pga(prev));
            assert_eq!(c.sfi_mild_moderate_increase_from(p), mild, "{row} mild");
            assert_eq!(c.sfi_severe_increase_from(p), severe, "{row} severe");
        }
    }

    #[test]
    fn rater_change_is_flagged_and_unknown_without_ids() {
        assert_eq!(rater_changed(Some("dr-a"), Some("dr-b")), Tri::True);
        assert_eq!(rater_changed(Some("dr-a"), Some("dr-a")), Tri::False);
        assert_eq!(rater_changed(None, Some("dr-a")), Tri::Unknown);
    }

    proptest! {
        /// The exact conversion agrees with rounding the rational by hand and is monotone.
        #[test]
        fn line_mark_is_round_half_up(line in 1u32..=1000, frac in 0u32..=10_000) {
            let l = Decimal::from(line);
            let m = (l * Decimal::from(frac) / Decimal::from(10_000)).round_dp(2);
            let h = Pga::from_line_mark(m, l).expect("mark on the line").hundredths();
            // 300·m/L within half a hundredth of h, ties going up.
            let exact = Decimal::from(300) * m / l;
            let diff = exact - Decimal::from(h);
            prop_assert!(diff >= dec!(-0.5) && diff < dec!(0.5), "m={m} L={l} h={h}");
            let further = (m + dec!(0.01)).min(l);
            prop_assert!(Pga::from_line_mark(further, l).expect("on the line").hundredths() >= h);
        }

        /// Worsening depends only on the integer difference (P9's law).
        #[test]
        fn worsening_is_integer_difference(cur in 0u16..=300, base in 0u16..=300) {
            prop_assert_eq!(pga(cur).sri_worsening_from(pga(base)), i32::from(cur) - i32::from(base) >= 30);
        }
    }
}
