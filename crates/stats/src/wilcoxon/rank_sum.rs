//! The Wilcoxon rank-sum (Mann–Whitney) test of two independent samples, R's
//! `wilcox.test(x, y)`.
//!
//! W is the first sample's rank sum in the pooled ranking minus nx(nx + 1)/2. Exact
//! (`pwilcox`) when both samples have fewer than 50 values and there are no ties; otherwise
//! normal with the continuity correction and
//! Var W = (nx·ny/12)·((nx + ny + 1) − Σ(t³ − t)/((nx + ny)(nx + ny − 1))).

use super::midrank::midranks;
use super::rank_sum_distribution::rank_sum_cdf;
use super::signed_rank::{finite, sign};
use super::{EXACT_BELOW, Method, Tail, WilcoxonTest};
use crate::ParameterError;
use crate::normal::two_sided_normal_p_value;

/// The two-sided rank-sum test of `x` against `y`.
pub fn wilcoxon_rank_sum(x: &[f64], y: &[f64]) -> Result<WilcoxonTest, ParameterError> {
    finite("x", x)?;
    finite("y", y)?;
    if x.is_empty() {
        return Err(ParameterError::new(
            "x",
            "[]",
            "needs at least one observation (R: not enough 'x' observations)",
        ));
    }
    if y.is_empty() {
        return Err(ParameterError::new(
            "y",
            "[]",
            "needs at least one observation (R: not enough 'y' observations)",
        ));
    }
    let pooled: Vec<f64> = x.iter().chain(y).copied().collect();
    let ranks = midranks(&pooled);
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let statistic = ranks.ranks[..x.len()].iter().sum::<f64>() - nx * (nx + 1.0) / 2.0;
    if x.len() < EXACT_BELOW && y.len() < EXACT_BELOW && !ranks.has_ties() {
        let p = if statistic > nx * ny / 2.0 {
            rank_sum_cdf(statistic - 1.0, x.len(), y.len(), Tail::Upper)
        } else {
            rank_sum_cdf(statistic, x.len(), y.len(), Tail::Lower)
        };
        return Ok(WilcoxonTest {
            statistic,
            p_value: (2.0 * p).min(1.0),
            method: Method::Exact,
        });
    }
    let centred = statistic - nx * ny / 2.0;
    let total = nx + ny;
    let sigma = ((nx * ny / 12.0)
        * ((total + 1.0) - ranks.tie_correction() / (total * (total - 1.0))))
        .sqrt();
    if sigma == 0.0 || sigma.is_nan() {
        return Err(ParameterError::new(
            "x",
            "all values tied",
            "the rank-sum test needs two distinct values (R gives p = NA)",
        ));
    }
    let z = (centred - 0.5 * sign(centred)) / sigma;
    Ok(WilcoxonTest {
        statistic,
        p_value: two_sided_normal_p_value(z),
        method: Method::NormalApproximation,
    })
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_tied_cases_match_r() {
        // R 4.2.2: wilcox.test(x, y) on R's own example data, then a tied pair of samples.
        let x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        let y = [1.15, 0.88, 0.90, 0.74, 1.21];
        let t = wilcoxon_rank_sum(&x, &y).unwrap();
        assert_eq!((t.statistic, t.method), (35.0, Method::Exact));
        assert!(
            (t.p_value - 0.254_412_254_412_254_4).abs() < 1e-14,
            "{}",
            t.p_value
        );
        let tied = wilcoxon_rank_sum(&[1.0, 2.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0, 5.0]).unwrap();
        assert_eq!(
            (tied.statistic, tied.method),
            (2.5, Method::NormalApproximation)
        );
        assert!(
            (tied.p_value - 0.078_545_850_951_190_696).abs() < 1e-12,
            "{}",
            tied.p_value
        );
    }

    #[test]
    fn degenerate_samples_are_refused() {
        assert_eq!(wilcoxon_rank_sum(&[], &[1.0]).unwrap_err().parameter, "x");
        assert_eq!(wilcoxon_rank_sum(&[1.0], &[]).unwrap_err().parameter, "y");
        assert!(wilcoxon_rank_sum(&[1.0, 1.0], &[1.0]).is_err());
    }
}
