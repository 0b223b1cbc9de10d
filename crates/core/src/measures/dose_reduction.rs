//! Percentage reduction of the glucocorticoid dose from baseline (sle-activity §8.6).
//!
//! `pct_reduction = (baseline_pe − current_pe) / baseline_pe × 100` on maintenance daily
//! prednisone-equivalent doses (pulses excluded, §8.4); negative for an increase; undefined
//! when the baseline dose is 0. The flags `ge_50` / `ge_90` (spec: `reduction_ge_50`,
//! `reduction_ge_90`; README erratum 1) report the 50–90 % reductions of the seed study
//! (Mackensen A et al. Nat Med 2022;28:2124–2132), and `gc_free` a current dose of 0.
//!
//! The flags are decided by cross-multiplication on exact fractions (`≥ 50 %` ⇔
//! `2 × current ≤ baseline`, `≥ 90 %` ⇔ `10 × current ≤ baseline`), never from the rounded
//! percentage; the percentage itself is carried at full precision (README erratum 2).

use rust_decimal::Decimal;

use crate::Status;
use crate::measures::glucocorticoid::{PrednisoneEquivalent, decimal_quotient};

/// The dose reduction between a baseline and a current maintenance dose (sle-activity §8.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseReduction {
    /// `complete`; `not_evaluable` naming a missing dose; `not_applicable` when the baseline
    /// dose is 0 (reason `baseline_dose_zero`, vector G11).
    pub status: Status,
    /// `(baseline − current) / baseline × 100`, full precision; negative for an increase.
    pub pct_reduction: Option<Decimal>,
    /// Reduction of at least 50 %: `2 × current ≤ baseline`.
    pub ge_50: Option<bool>,
    /// Reduction of at least 90 %: `10 × current ≤ baseline`.
    pub ge_90: Option<bool>,
    /// No glucocorticoid at the current time point (current = 0); known whenever the current
    /// dose is, even without a baseline.
    pub gc_free: Option<bool>,
}

/// The name of the baseline dose input (sle-activity §8.6; the `dose-reduction` issue).
pub const BASELINE_FIELD: &str = "baseline_pe_mg";
/// The name of the current dose input.
pub const CURRENT_FIELD: &str = "current_pe_mg";

/// The reduction from `baseline` to `current` maintenance prednisone-equivalent doses
/// (sle-activity §8.6). A missing dose is never taken as 0: the result is `not_evaluable`
/// naming it (§0.1).
pub fn dose_reduction(
    baseline: Option<PrednisoneEquivalent>,
    current: Option<PrednisoneEquivalent>,
) -> DoseReduction {
    let gc_free = current.map(PrednisoneEquivalent::is_zero);
    let (baseline, current) = match (baseline, current) {
        (Some(b), Some(c)) => (b, c),
        _ => {
            let missing = [
                (BASELINE_FIELD, baseline.is_none()),
                (CURRENT_FIELD, current.is_none()),
            ];
            return DoseReduction {
                status: Status::not_evaluable(
                    missing.into_iter().filter(|(_, m)| *m).map(|(f, _)| f),
                ),
                pct_reduction: None,
                ge_50: None,
                ge_90: None,
                gc_free,
            };
        }
    };
    if baseline.is_zero() {
        // §8.6: a percentage of nothing is undefined (vector G11).
        return DoseReduction {
            status: Status::not_applicable("baseline_dose_zero"),
            pct_reduction: None,
            ge_50: None,
            ge_90: None,
            gc_free,
        };
    }
    DoseReduction {
        status: Status::Complete,
        pct_reduction: Some(percent_reduction(baseline, current)),
        ge_50: Some(current.times(2) <= baseline),
        ge_90: Some(current.times(10) <= baseline),
        gc_free,
    }
}

/// `100 × (b − c) / b` for `b > 0`, from the exact fractions.
fn percent_reduction(baseline: PrednisoneEquivalent, current: PrednisoneEquivalent) -> Decimal {
    // b = bn/bd, c = cn/cd: 100 × (bn·cd − cn·bd) / (bn·cd).
    let (bn, bd) = baseline.as_fraction();
    let (cn, cd) = current.as_fraction();
    let exact = || -> Option<Decimal> {
        let b_cd = bn.checked_mul(cd)?;
        let c_bd = cn.checked_mul(bd)?;
        let magnitude = |diff: u128| diff.checked_mul(100).map(|n| decimal_quotient(n, b_cd));
        if c_bd <= b_cd {
            magnitude(b_cd - c_bd)
        } else {
            magnitude(c_bd - b_cd).map(|m| -m)
        }
    };
    // Only inputs with absurd precision overflow the fractions; their 28-digit decimals then
    // give the same percentage to 28 digits.
    exact().unwrap_or_else(|| {
        let (b, c) = (baseline.mg(), current.mg());
        (b - c) / b * Decimal::ONE_HUNDRED
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn mg(value: Decimal) -> Option<PrednisoneEquivalent> {
        Some(PrednisoneEquivalent::from_mg("pe", value).expect("test dose in range"))
    }

    /// Vectors G8–G10 and G12 (sle-activity §8.7), and the flag boundaries.
    #[test]
    fn dose_reduction_vectors() {
        let rows = [
            ("G8 20 → 4", dec!(20), dec!(4), dec!(80), true, false, false),
            ("G9 20 → 2", dec!(20), dec!(2), dec!(90), true, true, false),
            ("G10 20 → 0", dec!(20), dec!(0), dec!(100), true, true, true),
            (
                "G12 10 → 12.5",
                dec!(10),
                dec!(12.5),
                dec!(-25),
                false,
                false,
                false,
            ),
            (
                "at 50 %: 20 → 10",
                dec!(20),
                dec!(10),
                dec!(50),
                true,
                false,
                false,
            ),
            (
                "just below 50 %: 20 → 10.001",
                dec!(20),
                dec!(10.001),
                dec!(49.995),
                false,
                false,
                false,
            ),
            (
                "just above 50 %: 20 → 9.999",
                dec!(20),
                dec!(9.999),
                dec!(50.005),
                true,
                false,
                false,
            ),
            (
                "just below 90 %: 20 → 2.001",
                dec!(20),
                dec!(2.001),
                dec!(89.995),
                true,
                false,
                false,
            ),
            (
                "just above 90 %: 20 → 1.999",
                dec!(20),
                dec!(1.999),
                dec!(90.005),
                true,
                true,
                false,
            ),
            (
                "unchanged 7.5 → 7.5",
                dec!(7.5),
                dec!(7.5),
                dec!(0),
                false,
                false,
                false,
            ),
            (
                "§10.1 m1 20 → 15",
                dec!(20),
                dec!(15),
                dec!(25),
                false,
                false,
                false,
            ),
            (
                "§10.1 m3 20 → 7.5",
                dec!(20),
                dec!(7.5),
                dec!(62.5),
                true,
                false,
                false,
            ),
            (
                "§10.1 m6 20 → 2.5",
                dec!(20),
                dec!(2.5),
                dec!(87.5),
                true,
                false,
                false,
            ),
            (
                "§10.1 m9 20 → 10",
                dec!(20),
                dec!(10),
                dec!(50),
                true,
                false,
                false,
            ),
        ];
        for (row, base, cur, pct, ge_50, ge_90, free) in rows {
            let r = dose_reduction(mg(base), mg(cur));
            assert_eq!(r.status, Status::Complete, "{row}");
            assert_eq!(r.pct_reduction, Some(pct), "{row} pct");
            assert_eq!(r.ge_50, Some(ge_50), "{row} ge_50");
            assert_eq!(r.ge_90, Some(ge_90), "{row} ge_90");
            assert_eq!(r.gc_free, Some(free), "{row} gc_free");
        }
    }

    /// Vector G11 (sle-activity §8.7): baseline 0 → `not_applicable`.
    #[test]
    fn the_smallest_baseline_and_largest_current_dose_give_a_percentage() {
        // Found by the fuzz work (docs/interop.md "Robustness"): a 1e-28 mg baseline put the
        // percentage beyond Decimal's range; doses below 1 µg are now refused.
        let r = dose_reduction(mg(dec!(0.001)), mg(dec!(100000)));
        assert_eq!(r.pct_reduction, Some(dec!(-9999999900)));
        let e = PrednisoneEquivalent::from_mg("baseline_pe_mg", Decimal::new(1, 28)).unwrap_err();
        assert_eq!(e.field, "baseline_pe_mg");
        assert!(PrednisoneEquivalent::from_mg("pe", dec!(0.0009)).is_err());
        assert!(PrednisoneEquivalent::from_mg("pe", dec!(0)).is_ok());
    }

    #[test]
    fn g11_zero_baseline_is_not_applicable() {
        let r = dose_reduction(mg(dec!(0)), mg(dec!(5)));
        assert_eq!(r.status, Status::not_applicable("baseline_dose_zero"));
        assert_eq!((r.pct_reduction, r.ge_50, r.ge_90), (None, None, None));
        assert_eq!(r.gc_free, Some(false));
    }

    #[test]
    fn missing_doses_are_named_not_defaulted() {
        let r = dose_reduction(None, mg(dec!(0)));
        assert_eq!(r.status, Status::not_evaluable(["baseline_pe_mg"]));
        assert_eq!(r.gc_free, Some(true));
        let r = dose_reduction(mg(dec!(10)), None);
        assert_eq!(r.status, Status::not_evaluable(["current_pe_mg"]));
        assert_eq!(r.gc_free, None);
        let r = dose_reduction(None, None);
        assert_eq!(r.status.missing(), ["baseline_pe_mg", "current_pe_mg"]);
    }

    /// A non-terminating percentage keeps full precision (README erratum 2): 15 → 10 is
    /// 33.33…%.
    #[test]
    fn repeating_percentage_has_full_precision() {
        let r = dose_reduction(mg(dec!(15)), mg(dec!(10)));
        let pct = r.pct_reduction.expect("complete");
        assert_eq!(pct.round_dp(10), dec!(33.3333333333));
    }

    proptest! {
        /// The flags agree with the percentage computed in exact decimals.
        #[test]
        fn flags_agree_with_percentage(base in 1u32..100_000, cur in 0u32..200_000) {
            let (b, c) = (Decimal::new(i64::from(base), 3), Decimal::new(i64::from(cur), 3));
            let r = dose_reduction(mg(b), mg(c));
            let pct = r.pct_reduction.expect("baseline > 0");
            prop_assert_eq!(r.ge_50, Some(pct >= dec!(50)));
            prop_assert_eq!(r.ge_90, Some(pct >= dec!(90)));
            prop_assert_eq!(pct < Decimal::ZERO, c > b);
        }
    }
}
