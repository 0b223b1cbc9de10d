//! The Wilson score interval for one proportion, as R's
//! `prop.test(x, n, correct = FALSE)$conf.int`.
//!
//! Wilson EB. Probable inference, the law of succession, and statistical inference.
//! *J Am Stat Assoc* 1927;22:209–212. The limits are the p whose score test just fails to
//! reject; unlike the Wald interval they stay inside [0, 1] and do not collapse at 0 or n.
//! The arithmetic follows `prop.test`'s expression term by term.

use super::{CONFIDENCE, Interval, Proportion};
use crate::normal::standard_normal_quantile;

/// The 95 % Wilson score interval (no continuity correction).
pub fn wilson(proportion: Proportion) -> Interval {
    let n = proportion.n() as f64;
    let estimate = proportion.estimate();
    let z = standard_normal_quantile((1.0 + CONFIDENCE) / 2.0);
    let z22n = z * z / (2.0 * n);
    let spread = |p: f64| z * (p * (1.0 - p) / n + z22n / (2.0 * n)).sqrt();
    let upper = if estimate >= 1.0 {
        1.0
    } else {
        (estimate + z22n + spread(estimate)) / (1.0 + 2.0 * z22n)
    };
    let lower = if estimate <= 0.0 {
        0.0
    } else {
        (estimate + z22n - spread(estimate)) / (1.0 + 2.0 * z22n)
    };
    Interval { lower, upper }
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
        // R 4.2.2: prop.test(7, 10, correct = FALSE)$conf.int, digits = 17.
        let ci = wilson(Proportion::new(7, 10).unwrap());
        assert!(
            (ci.lower - 0.396_778_147_461_145_37).abs() < 1e-15,
            "{ci:?}"
        );
        assert!(
            (ci.upper - 0.892_208_732_593_699_04).abs() < 1e-15,
            "{ci:?}"
        );
    }

    #[test]
    fn the_ends_are_closed() {
        let none = wilson(Proportion::new(0, 8).unwrap());
        assert_eq!(none.lower, 0.0);
        let all = wilson(Proportion::new(8, 8).unwrap());
        assert_eq!(all.upper, 1.0);
    }
}
