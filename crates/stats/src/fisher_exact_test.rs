//! Fisher's exact test of a 2×2 table with the conditional maximum-likelihood odds ratio and
//! its exact confidence interval, as R's `fisher.test(table)` with its defaults
//! (two-sided, `conf.level = 0.95`, `or = 1`).
//!
//! Fisher RA. *Statistical Methods for Research Workers*, 1934 (§21.02); the conditional
//! MLE and the exact limits invert the noncentral hypergeometric distribution
//! (Cornfield 1956; Agresti A. *Categorical Data Analysis*, 3rd ed., §3.5.1, §16.6.4). As in
//! R, the estimate and the limits are `uniroot` roots at R's default tolerance, so they agree
//! with R to many digits but with the exact root only to about 1e-4 relative.

use crate::ParameterError;
use crate::noncentral_hypergeometric::{NoncentralHypergeometric, Tail};
use crate::uniroot::uniroot;

/// The largest table total taken: the test enumerates up to that many tables, one f64 each.
pub const MAX_TABLE_TOTAL: u64 = 10_000_000;

/// R's `relErr`: tables within this relative factor of the observed probability are ties.
const RELATIVE_TIE: f64 = 1.0 + 1e-7;

/// The confidence level of `fisher.test`'s interval.
const CONFIDENCE: f64 = 0.95;

/// A 2×2 table of counts, rows then columns: `[[a, b], [c, d]]`.
pub type Table2x2 = [[u64; 2]; 2];

/// The result of `fisher.test` on a 2×2 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FisherExactTest {
    /// Two-sided p-value (R's `relErr` rule).
    pub p_value: f64,
    /// Conditional MLE of the odds ratio (0 or ∞ at the ends of the support).
    pub odds_ratio: f64,
    /// Exact 95 % confidence interval of the odds ratio (lower may be 0, upper ∞).
    pub conf_int: (f64, f64),
}

/// `fisher.test(matrix(c(a, c, b, d), 2))` for the table `[[a, b], [c, d]]`.
///
/// Degenerate tables answer as R does: a zero row or column leaves one possible table, so
/// p = 1, the estimate is 0 and the interval [0, ∞). A table whose total exceeds
/// [`MAX_TABLE_TOTAL`] is refused.
pub fn fisher_exact_test(table: Table2x2) -> Result<FisherExactTest, ParameterError> {
    checked_total(table)?;
    let [[a, b], [c, d]] = table;
    let (m, n, k, x) = (a + c, b + d, a + b, a);
    let dist = NoncentralHypergeometric::new(m, n, k);
    let mut buffer = Vec::with_capacity((dist.hi - dist.lo + 1) as usize);
    let p_value = two_sided_p_value(&dist, x);
    let odds_ratio = conditional_mle(&dist, x, &mut buffer);
    let alpha = (1.0 - CONFIDENCE) / 2.0;
    let conf_int = (
        lower_limit(&dist, x, alpha, &mut buffer),
        upper_limit(&dist, x, alpha, &mut buffer),
    );
    Ok(FisherExactTest {
        p_value,
        odds_ratio,
        conf_int,
    })
}

/// The table's total, if it is small enough to enumerate.
fn checked_total(table: Table2x2) -> Result<u64, ParameterError> {
    table
        .iter()
        .flatten()
        .try_fold(0_u64, |sum, &v| sum.checked_add(v))
        .filter(|&total| total <= MAX_TABLE_TOTAL)
        .ok_or_else(|| {
            ParameterError::new(
                "table",
                format!("{table:?}"),
                format!("the counts must total at most {MAX_TABLE_TOTAL}"),
            )
        })
}

/// The two-sided p-value alone, `fisher.test(...)$p.value`: what `scipy.stats.fisher_exact`
/// also computes, without the estimate and interval's root searches.
pub fn fisher_exact_p_value(table: Table2x2) -> Result<f64, ParameterError> {
    checked_total(table)?;
    let [[a, b], [c, d]] = table;
    Ok(two_sided_p_value(
        &NoncentralHypergeometric::new(a + c, b + d, a + b),
        a,
    ))
}

/// Sum of the probabilities of the tables no more probable than the observed one (compared
/// before normalising: the common divisor does not change which tables qualify).
fn two_sided_p_value(dist: &NoncentralHypergeometric, x: u64) -> f64 {
    let relative = dist.relative();
    let limit = relative[(x - dist.lo) as usize] * RELATIVE_TIE;
    let total: f64 = relative.iter().sum();
    let tail: f64 = relative.iter().filter(|&&v| v <= limit).sum();
    tail / total
}

/// R's `mle(x)`: the ψ whose conditional mean is the observed count.
fn conditional_mle(dist: &NoncentralHypergeometric, x: u64, buffer: &mut Vec<f64>) -> f64 {
    if x == dist.lo {
        return 0.0;
    }
    if x == dist.hi {
        return f64::INFINITY;
    }
    let xf = x as f64;
    let mu = dist.mean(1.0, buffer);
    if mu > xf {
        root_or_nan(uniroot(|t| dist.mean(t, buffer) - xf, 0.0, 1.0))
    } else if mu < xf {
        1.0 / root_or_nan(uniroot(
            |t| dist.mean(1.0 / t, buffer) - xf,
            f64::EPSILON,
            1.0,
        ))
    } else {
        1.0
    }
}

/// R's `ncp.U(x, alpha)`.
fn upper_limit(dist: &NoncentralHypergeometric, x: u64, alpha: f64, buffer: &mut Vec<f64>) -> f64 {
    if x == dist.hi {
        return f64::INFINITY;
    }
    let p = dist.tail(x, 1.0, Tail::Lower, buffer);
    if p < alpha {
        root_or_nan(uniroot(
            |t| dist.tail(x, t, Tail::Lower, buffer) - alpha,
            0.0,
            1.0,
        ))
    } else if p > alpha {
        1.0 / root_or_nan(uniroot(
            |t| dist.tail(x, 1.0 / t, Tail::Lower, buffer) - alpha,
            f64::EPSILON,
            1.0,
        ))
    } else {
        1.0
    }
}

/// R's `ncp.L(x, alpha)`.
fn lower_limit(dist: &NoncentralHypergeometric, x: u64, alpha: f64, buffer: &mut Vec<f64>) -> f64 {
    if x == dist.lo {
        return 0.0;
    }
    let p = dist.tail(x, 1.0, Tail::Upper, buffer);
    if p > alpha {
        root_or_nan(uniroot(
            |t| dist.tail(x, t, Tail::Upper, buffer) - alpha,
            0.0,
            1.0,
        ))
    } else if p < alpha {
        1.0 / root_or_nan(uniroot(
            |t| dist.tail(x, 1.0 / t, Tail::Upper, buffer) - alpha,
            f64::EPSILON,
            1.0,
        ))
    } else {
        1.0
    }
}

/// The brackets above hold by monotonicity of the mean and tails in ψ; were one ever not
/// to, R would stop with an error and we answer NaN rather than a wrong number.
fn root_or_nan(root: Option<f64>) -> f64 {
    root.unwrap_or(f64::NAN)
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn tea_tasting_matches_r() {
        // R 4.2.2, fisher.test(matrix(c(3, 1, 1, 3), 2)), printed with digits = 17.
        let t = fisher_exact_test([[3, 1], [1, 3]]).unwrap();
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-9 * want;
        assert!(close(t.p_value, 0.485_714_285_714_285_82), "{}", t.p_value);
        assert!(
            close(t.odds_ratio, 6.408_308_867_005_788),
            "{}",
            t.odds_ratio
        );
        assert!(
            close(t.conf_int.0, 0.211_732_915_305_502_92),
            "{:?}",
            t.conf_int
        );
        assert!(
            close(t.conf_int.1, 621.933_750_545_417_3),
            "{:?}",
            t.conf_int
        );
    }

    #[test]
    fn the_p_value_alone_is_the_full_test_s() {
        for table in [
            [[3, 1], [1, 3]],
            [[0, 0], [0, 0]],
            [[120, 80], [95, 105]],
            [[0, 9], [4, 2]],
        ] {
            assert_eq!(
                fisher_exact_p_value(table).unwrap(),
                fisher_exact_test(table).unwrap().p_value
            );
        }
    }

    #[test]
    fn a_table_too_large_to_enumerate_is_refused() {
        let huge = [[u64::MAX, 1], [0, 0]];
        assert_eq!(fisher_exact_test(huge).unwrap_err().parameter, "table");
        assert!(fisher_exact_p_value([[MAX_TABLE_TOTAL, 1], [0, 0]]).is_err());
    }

    #[test]
    fn degenerate_tables_answer_as_r() {
        // R: fisher.test(matrix(0, 2, 2)) gives p = 1, estimate 0, interval [0, Inf].
        let empty = fisher_exact_test([[0, 0], [0, 0]]).unwrap();
        assert_eq!((empty.p_value, empty.odds_ratio), (1.0, 0.0));
        assert_eq!(empty.conf_int, (0.0, f64::INFINITY));
        let t = fisher_exact_test([[5, 0], [0, 5]]).unwrap();
        assert_eq!(t.odds_ratio, f64::INFINITY);
        assert_eq!(t.conf_int.1, f64::INFINITY);
        assert!(t.conf_int.0 > 1.0);
    }
}
