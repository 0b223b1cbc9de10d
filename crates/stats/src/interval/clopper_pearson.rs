//! The Clopper–Pearson "exact" interval for one proportion, as R's
//! `binom.test(x, n)$conf.int`.
//!
//! Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case
//! of the binomial. *Biometrika* 1934;26:404–413. R writes the limits as beta quantiles,
//! `qbeta(α/2, x, n − x + 1)` and `qbeta(1 − α/2, x + 1, n − x)`; with integer shapes these
//! are the p at which a binomial tail equals α/2 (I_p(x, n − x + 1) = P(Bin(n, p) ≥ x)),
//! which is what is solved here, by bisection to the last bit.

use super::{CONFIDENCE, Interval, Proportion};
use crate::ParameterError;
use crate::log_factorial::LogFactorials;

/// The largest n taken: each bisection step sums up to n binomial terms.
pub const MAX_TRIALS: u64 = 1_000_000;

/// The 95 % Clopper–Pearson interval; n above [`MAX_TRIALS`] is refused.
pub fn clopper_pearson(proportion: Proportion) -> Result<Interval, ParameterError> {
    let (x, n) = (proportion.successes(), proportion.n());
    if n > MAX_TRIALS {
        return Err(ParameterError::new(
            "n",
            n,
            format!("the Clopper–Pearson interval takes n up to {MAX_TRIALS}"),
        ));
    }
    let alpha = (1.0 - CONFIDENCE) / 2.0;
    let lf = LogFactorials::up_to(n as u32);
    let lower = if x == 0 {
        0.0
    } else {
        // P(Bin(n, p) ≥ x) rises with p from 0 to 1.
        solve_increasing(|p| binomial_tail(&lf, n, p, x, Side::AtLeast) - alpha)
    };
    let upper = if x == n {
        1.0
    } else {
        // P(Bin(n, p) ≤ x) falls with p: solve its negation.
        solve_increasing(|p| alpha - binomial_tail(&lf, n, p, x, Side::AtMost))
    };
    Ok(Interval { lower, upper })
}

/// Which binomial tail, counted from `x` inclusive.
#[derive(Debug, Clone, Copy)]
enum Side {
    AtLeast,
    AtMost,
}

/// P(Bin(n, p) ≥ x) or P(Bin(n, p) ≤ x), 0 < p < 1, summed term by term (at the limits the
/// tail is α/2, so no cancellation).
fn binomial_tail(lf: &LogFactorials, n: u64, p: f64, x: u64, side: Side) -> f64 {
    let (ln_p, ln_q) = (p.ln(), (-p).ln_1p());
    let term = |j: u64| {
        let (n32, j32) = (n as u32, j as u32);
        (lf.ln_choose(n32, j32) + j as f64 * ln_p + (n - j) as f64 * ln_q).exp()
    };
    match side {
        Side::AtLeast => (x..=n).map(term).sum(),
        Side::AtMost => (0..=x).map(term).sum(),
    }
}

/// The root in (0, 1) of an increasing `f` with f(0⁺) < 0 < f(1⁻), bisected until the
/// bracket cannot shrink.
fn solve_increasing(f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..2_000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn seven_of_ten_matches_r() {
        // R 4.2.2: binom.test(7, 10)$conf.int, digits = 17.
        let ci = clopper_pearson(Proportion::new(7, 10).unwrap()).unwrap();
        assert!(
            (ci.lower - 0.347_547_149_940_002_69).abs() < 1e-12,
            "{ci:?}"
        );
        assert!(
            (ci.upper - 0.933_260_488_822_265_53).abs() < 1e-12,
            "{ci:?}"
        );
    }

    #[test]
    fn the_ends_are_closed() {
        assert_eq!(
            clopper_pearson(Proportion::new(0, 5).unwrap())
                .unwrap()
                .lower,
            0.0
        );
        assert_eq!(
            clopper_pearson(Proportion::new(5, 5).unwrap())
                .unwrap()
                .upper,
            1.0
        );
        let huge = Proportion::new(1, MAX_TRIALS + 1).unwrap();
        assert_eq!(clopper_pearson(huge).unwrap_err().parameter, "n");
    }
}
