//! Exact power of Fisher's exact test, by enumeration of every outcome.
//!
//! renal.md §7.3: "exact (Fisher) power is lower at small n". The power is the probability,
//! under independent binomial responses in the two arms, of an outcome (x1, x2) that the
//! two-sided Fisher test (R's definition, [`crate::fisher`]) rejects at level α:
//! Σ over rejected (x1, x2) of Bin(n1, p1)(x1) × Bin(n2, p2)(x2). Nothing is simulated.
//!
//! Speed: the test depends only on the margins, so the p-values of the k tables that share a
//! column total are computed together from one hypergeometric column (O(k log k)); with
//! log-factorials tabulated once, 200 per arm takes about a millisecond.

use crate::error::{ParameterError, open_probability, probability};
use crate::fisher::ColumnPValues;
use crate::log_factorial::LogFactorials;

/// The largest arm the exact enumeration accepts (O(n1 × n2) tables).
pub const MAX_ARM_SIZE: u32 = 10_000;

/// Which outcomes (x1, x2) the two-sided Fisher test rejects at α, for fixed arm sizes:
/// the p-value cache of the Monte Carlo simulation and the sum set of the exact power.
#[derive(Debug, Clone)]
pub(crate) struct RejectionRegion {
    n2: u32,
    /// Row-major (x1, x2), (n1 + 1) × (n2 + 1).
    rejects: Vec<bool>,
}

impl RejectionRegion {
    /// Tests every table of arm sizes n1 and n2 at level `alpha` (reject when p ≤ α).
    pub(crate) fn new(n1: u32, n2: u32, alpha: f64) -> Self {
        let lf = LogFactorials::up_to(n1 + n2);
        let width = n2 as usize + 1;
        let mut rejects = vec![false; (n1 as usize + 1) * width];
        for responders in 0..=n1 + n2 {
            let column = ColumnPValues::new(&lf, n1, n2, responders);
            let lowest = column.lowest();
            for (x1, &p) in (lowest..).zip(column.p_values()) {
                let x2 = responders - x1;
                rejects[x1 as usize * width + x2 as usize] = p <= alpha;
            }
        }
        RejectionRegion { n2, rejects }
    }

    /// Whether the test rejects with x1 responders in arm 1 and x2 in arm 2.
    pub(crate) fn rejects(&self, x1: u32, x2: u32) -> bool {
        self.rejects[x1 as usize * (self.n2 as usize + 1) + x2 as usize]
    }
}

/// The exact power of the two-sided Fisher test at level `alpha` with `n1` patients
/// responding with probability `p1` and `n2` with `p2`.
///
/// renal.md §7.3: 0.20 vs 0.60 with 23/arm → 0.73, 28/arm → 0.82; 0.20 vs 0.40 with 82/arm
/// → 0.76; 0.2 vs 0.7 with 10/arm → 0.43. With p1 = p2 it is the test's actual size (≤ α:
/// the test is conservative).
///
/// # Errors
/// A [`ParameterError`] naming `p1`, `p2` (outside [0, 1]), `n1`, `n2` (0 or above
/// [`MAX_ARM_SIZE`]) or `alpha` (outside (0, 1)).
pub fn fisher_exact_power(
    p1: f64,
    p2: f64,
    n1: u32,
    n2: u32,
    alpha: f64,
) -> Result<f64, ParameterError> {
    let p1 = probability("p1", p1)?;
    let p2 = probability("p2", p2)?;
    arm_size("n1", n1)?;
    arm_size("n2", n2)?;
    let alpha = open_probability("alpha", alpha)?;

    let lf = LogFactorials::up_to(n1 + n2);
    let b1 = lf.binomial_pmf(n1, p1);
    let b2 = lf.binomial_pmf(n2, p2);
    let mut power = 0.0;
    for responders in 0..=n1 + n2 {
        let column = ColumnPValues::new(&lf, n1, n2, responders);
        for (x1, &p) in (column.lowest()..).zip(column.p_values()) {
            if p <= alpha {
                power += b1[x1 as usize] * b2[(responders - x1) as usize];
            }
        }
    }
    Ok(power.min(1.0))
}

/// An arm of 1 to [`MAX_ARM_SIZE`] patients.
pub(crate) fn arm_size(name: &'static str, n: u32) -> Result<u32, ParameterError> {
    if (1..=MAX_ARM_SIZE).contains(&n) {
        Ok(n)
    } else {
        Err(ParameterError::new(
            name,
            n,
            "must be between 1 and 10000 patients per arm",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fisher::fisher_exact_two_sided;

    /// renal.md §7.3 statements (to 2 decimals) and the unrounded values computed by
    /// `reference/power_reference.py`: one scipy.stats.fisher_exact call per table, weights
    /// from scipy.stats.binom.pmf (SciPy 1.17.1).
    const REFERENCE: &[(&str, f64, f64, u32, u32, f64, f64)] = &[
        (
            "7.3 0.20 vs 0.60, 23/arm",
            0.2,
            0.6,
            23,
            23,
            0.73,
            0.7270198918554341,
        ),
        (
            "7.3 0.20 vs 0.60, 28/arm",
            0.2,
            0.6,
            28,
            28,
            0.82,
            0.822826848170456,
        ),
        (
            "7.3 0.20 vs 0.40, 82/arm",
            0.2,
            0.4,
            82,
            82,
            0.76,
            0.7593195177155043,
        ),
        (
            "7.3 0.2 vs 0.7, 10/arm",
            0.2,
            0.7,
            10,
            10,
            0.43,
            0.4255598904956334,
        ),
        (
            "unequal arms 10 vs 20",
            0.2,
            0.6,
            10,
            20,
            0.44,
            0.4446984865471233,
        ),
        (
            "null 0.1 vs 0.1, size",
            0.1,
            0.1,
            15,
            15,
            0.01,
            0.005452824661599503,
        ),
        (
            "0.2 vs 0.54 (0.6 with 10 % dropout)",
            0.2,
            0.54,
            10,
            10,
            0.17,
            0.17396367955205783,
        ),
    ];

    #[test]
    fn renal_7_3_fisher_power() {
        for &(row, p1, p2, n1, n2, spec, scipy) in REFERENCE {
            let got = fisher_exact_power(p1, p2, n1, n2, 0.05).expect("valid");
            assert!(
                (got - scipy).abs() < 1e-9,
                "{row}: got {got}, scipy {scipy}"
            );
            assert_eq!((got * 100.0).round() / 100.0, spec, "{row}: 2 decimals");
        }
    }

    #[test]
    fn region_matches_one_test_per_table() {
        let region = RejectionRegion::new(9, 12, 0.05);
        for x1 in 0..=9 {
            for x2 in 0..=12 {
                let p = fisher_exact_two_sided(x1, 9, x2, 12);
                assert_eq!(region.rejects(x1, x2), p <= 0.05, "({x1}, {x2}) p = {p}");
            }
        }
    }

    #[test]
    fn null_power_never_exceeds_alpha() {
        for (p, n) in [(0.2, 10), (0.5, 23), (0.35, 40)] {
            let size = fisher_exact_power(p, p, n, n, 0.05).expect("valid");
            assert!(size <= 0.05, "p = {p}, n = {n}: size {size}");
        }
    }

    #[test]
    fn degenerate_rates_are_exact() {
        // 0 % vs 100 % with 5 per arm: the table 0/5 vs 5/5 (p = 0.0079) always occurs.
        assert_eq!(fisher_exact_power(0.0, 1.0, 5, 5, 0.05), Ok(1.0));
        // 2 per arm can never reach 5 %: 0/2 vs 2/2 has p = 1/3.
        assert_eq!(fisher_exact_power(0.0, 1.0, 2, 2, 0.05), Ok(0.0));
    }

    #[test]
    fn two_hundred_per_arm_is_fast_and_near_one() {
        let power = fisher_exact_power(0.2, 0.4, 200, 200, 0.05).expect("valid");
        assert!(power > 0.99 && power <= 1.0, "{power}");
    }

    #[test]
    fn bad_parameters_name_the_parameter() {
        let err = |p1, p2, n1, n2, alpha| {
            fisher_exact_power(p1, p2, n1, n2, alpha)
                .expect_err("refused")
                .parameter
        };
        assert_eq!(err(-0.1, 0.5, 10, 10, 0.05), "p1");
        assert_eq!(err(0.1, 1.5, 10, 10, 0.05), "p2");
        assert_eq!(err(0.1, 0.5, 0, 10, 0.05), "n1");
        assert_eq!(err(0.1, 0.5, 10, MAX_ARM_SIZE + 1, 0.05), "n2");
        assert_eq!(err(0.1, 0.5, 10, 10, 1.0), "alpha");
    }
}
