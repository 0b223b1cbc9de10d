//! The Wilcoxon signed-rank test of paired samples, R's `wilcox.test(x, y, paired = TRUE)`.
//!
//! The differences x − y are ranked by absolute value after dropping zero differences; V is
//! the sum of the ranks of the positive ones. Exact (`psignrank`) when fewer than 50
//! differences remain and none was zero or tied; otherwise normal with the continuity
//! correction and Var V = n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48.

use super::midrank::midranks;
use super::signed_rank_distribution::signed_rank_cdf;
use super::{EXACT_BELOW, Method, Tail, WilcoxonTest};
use crate::ParameterError;
use crate::normal::two_sided_normal_p_value;

/// The paired two-sided signed-rank test of `x` against `y`.
pub fn wilcoxon_signed_rank(x: &[f64], y: &[f64]) -> Result<WilcoxonTest, ParameterError> {
    if x.len() != y.len() {
        return Err(ParameterError::new(
            "y",
            format!("{} values", y.len()),
            format!("must pair with x ({} values)", x.len()),
        ));
    }
    finite("x", x)?;
    finite("y", y)?;
    if x.is_empty() {
        return Err(ParameterError::new(
            "x",
            "[]",
            "needs at least one observation (R: not enough 'x' observations)",
        ));
    }
    let differences: Vec<f64> = x.iter().zip(y).map(|(a, b)| a - b).collect();
    let zeroes = differences.contains(&0.0);
    let nonzero: Vec<f64> = differences.into_iter().filter(|&d| d != 0.0).collect();
    let n = nonzero.len();
    let absolute: Vec<f64> = nonzero.iter().map(|d| d.abs()).collect();
    let ranks = midranks(&absolute);
    let statistic: f64 = ranks
        .ranks
        .iter()
        .zip(&nonzero)
        .filter(|&(_, &d)| d > 0.0)
        .map(|(r, _)| r)
        .sum();
    let nf = n as f64;
    if n < EXACT_BELOW && !ranks.has_ties() && !zeroes {
        let p = if statistic > nf * (nf + 1.0) / 4.0 {
            signed_rank_cdf(statistic - 1.0, n, Tail::Upper)
        } else {
            signed_rank_cdf(statistic, n, Tail::Lower)
        };
        return Ok(WilcoxonTest {
            statistic,
            p_value: (2.0 * p).min(1.0),
            method: Method::Exact,
        });
    }
    let centred = statistic - nf * (nf + 1.0) / 4.0;
    let sigma = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - ranks.tie_correction() / 48.0).sqrt();
    if sigma == 0.0 {
        return Err(ParameterError::new(
            "x",
            "all differences zero",
            "the signed-rank test needs a non-zero difference (R gives p = NA)",
        ));
    }
    let correction = 0.5 * sign(centred);
    let z = (centred - correction) / sigma;
    Ok(WilcoxonTest {
        statistic,
        p_value: two_sided_normal_p_value(z),
        method: Method::NormalApproximation,
    })
}

/// R's `sign`: −1, 0 or 1.
pub(crate) fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Every value finite (JSON cannot carry NaN; a caller passing one gets a named error).
pub(crate) fn finite(name: &'static str, values: &[f64]) -> Result<(), ParameterError> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(ParameterError::new(name, v, "every value must be finite")),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    clippy::approx_constant,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_normal_cases_match_r() {
        // R 4.2.2: wilcox.test(x, y, paired = TRUE) — exact, then with a tie (normal).
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        let t = wilcoxon_signed_rank(&x, &y).unwrap();
        assert_eq!((t.statistic, t.method), (40.0, Method::Exact));
        assert!((t.p_value - 0.039_062_5).abs() < 1e-15, "{}", t.p_value);
        let tied =
            wilcoxon_signed_rank(&[1.0, 2.0, 3.0, 4.0, 6.0], &[0.0, 1.0, 0.0, 1.0, 0.0]).unwrap();
        assert_eq!(tied.method, Method::NormalApproximation);
        assert!(
            (tied.p_value - 0.056_759_446_386_013_532).abs() < 1e-12,
            "{}",
            tied.p_value
        );
    }

    #[test]
    fn all_zero_differences_are_refused() {
        assert!(wilcoxon_signed_rank(&[1.0, 2.0], &[1.0, 2.0]).is_err());
        assert!(wilcoxon_signed_rank(&[1.0], &[1.0, 2.0]).is_err());
    }
}
