//! Fisher's exact test for a 2×2 table, two-sided as R's `fisher.test`.
//!
//! Fisher RA. *Statistical Methods for Research Workers*, 1934 (§21.02). Conditional on both
//! margins, the count of responders in the first arm is hypergeometric. The two-sided p-value
//! is, as in R's `fisher.test` (stats package, `relErr <- 1 + 10^(-7)`), the sum of the
//! probabilities of every table of the same margins that is no more probable than the observed
//! one, "no more" allowing a relative tolerance of 10⁻⁷ so that tables that are equally
//! probable in exact arithmetic count as ties despite rounding.

use crate::log_factorial::LogFactorials;

/// R's `relErr`: tables within this relative factor of the observed probability are ties.
const RELATIVE_TIE: f64 = 1.0 + 1e-7;

/// Two-sided p-value of Fisher's exact test for responders `x1` of `n1` and `x2` of `n2`.
///
/// # Panics
/// If `x1 > n1` or `x2 > n2` (not a table).
pub fn fisher_exact_two_sided(x1: u32, n1: u32, x2: u32, n2: u32) -> f64 {
    assert!(x1 <= n1 && x2 <= n2, "responders exceed the arm size");
    let lf = LogFactorials::up_to(n1 + n2);
    let column = ColumnPValues::new(&lf, n1, n2, x1 + x2);
    column.p_value(x1)
}

/// The p-values of every table with arm sizes n1, n2 and `responders` in all: the test
/// depends only on the margins, so one column serves every outcome (x1, responders − x1).
#[derive(Debug)]
pub(crate) struct ColumnPValues {
    /// The smallest possible x1 given the margins.
    lowest: u32,
    /// p-value of x1 = lowest + i, at index i.
    p_values: Vec<f64>,
}

impl ColumnPValues {
    /// All p-values for a column total, in O(k log k) for k possible tables.
    pub(crate) fn new(lf: &LogFactorials, n1: u32, n2: u32, responders: u32) -> Self {
        let lowest = responders.saturating_sub(n2);
        let highest = responders.min(n1);
        // Hypergeometric probabilities, scaled by the mode and normalised as R's dnhyper.
        let ln_d: Vec<f64> = (lowest..=highest)
            .map(|x| lf.ln_choose(n1, x) + lf.ln_choose(n2, responders - x))
            .collect();
        let max = ln_d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut d: Vec<f64> = ln_d.iter().map(|l| (l - max).exp()).collect();
        let total: f64 = d.iter().sum();
        d.iter_mut().for_each(|v| *v /= total);

        // Sorted ascending with running sums: the p-value of x is the running sum up to the
        // last table whose probability is ≤ d[x] × (1 + 1e-7).
        let mut sorted = d.clone();
        sorted.sort_by(f64::total_cmp);
        let mut running = Vec::with_capacity(sorted.len());
        let mut acc = 0.0;
        for v in &sorted {
            acc += v;
            running.push(acc);
        }
        let p_values = d
            .iter()
            .map(|&dx| {
                let limit = dx * RELATIVE_TIE;
                let count = sorted.partition_point(|&v| v <= limit);
                // count ≥ 1: the observed table itself is ≤ its own limit.
                running[count - 1].min(1.0)
            })
            .collect();
        ColumnPValues { lowest, p_values }
    }

    /// The p-value of the table with `x1` responders in the first arm.
    pub(crate) fn p_value(&self, x1: u32) -> f64 {
        self.p_values[(x1 - self.lowest) as usize]
    }

    /// The smallest possible x1 of this column.
    pub(crate) fn lowest(&self) -> u32 {
        self.lowest
    }

    /// p-values in order of x1 from `lowest()`.
    pub(crate) fn p_values(&self) -> &[f64] {
        &self.p_values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-sided p-values from scipy.stats.fisher_exact (SciPy 1.17.1, which follows R's
    /// definition), `reference/power_reference.py` (table: x1/n1 vs x2/n2).
    const REFERENCE: &[(&str, u32, u32, u32, u32, f64)] = &[
        ("tea tasting 3/4 vs 1/4", 3, 4, 1, 4, 0.48571428571428565),
        ("2/10 vs 7/10", 2, 10, 7, 10, 0.06977851869492736),
        ("5/23 vs 14/23", 5, 23, 14, 23, 0.015550281314788045),
        ("0/5 vs 5/5", 0, 5, 5, 5, 0.007936507936507938),
        ("all responders 4/4 vs 6/6", 4, 4, 6, 6, 1.0),
        ("16/82 vs 33/82", 16, 82, 33, 82, 0.006033613944067233),
        ("unequal arms 1/7 vs 9/13", 1, 7, 9, 13, 0.05727554179566563),
    ];

    #[test]
    fn p_values_match_scipy_and_r() {
        for &(row, x1, n1, x2, n2, want) in REFERENCE {
            let got = fisher_exact_two_sided(x1, n1, x2, n2);
            assert!(
                (got - want).abs() < 1e-9 * want.max(1e-3),
                "{row}: got {got}, reference {want}"
            );
        }
    }

    #[test]
    fn symmetric_tables_are_ties() {
        // 5/10 vs 5/10 is the mode: p = 1; swapping arms or outcomes does not change p.
        assert!((fisher_exact_two_sided(5, 10, 5, 10) - 1.0).abs() < 1e-12);
        let a = fisher_exact_two_sided(2, 10, 7, 10);
        let b = fisher_exact_two_sided(7, 10, 2, 10);
        let c = fisher_exact_two_sided(8, 10, 3, 10);
        assert_eq!(a, b);
        assert!((a - c).abs() < 1e-15);
    }

    proptest::proptest! {
        /// Laws of the test: a p-value is a probability, the observed table counts itself
        /// (p > 0), and naming the arms the other way round does not change it.
        #[test]
        fn p_value_is_a_probability_and_symmetric(
            n1 in 1u32..60, n2 in 1u32..60, a in 0u32..60, b in 0u32..60,
        ) {
            let (x1, x2) = (a % (n1 + 1), b % (n2 + 1));
            let p = fisher_exact_two_sided(x1, n1, x2, n2);
            proptest::prop_assert!(p > 0.0 && p <= 1.0, "p = {}", p);
            let swapped = fisher_exact_two_sided(x2, n2, x1, n1);
            proptest::prop_assert!((p - swapped).abs() < 1e-12, "{} vs {}", p, swapped);
        }
    }
}
