//! Confidence intervals for a proportion and for a difference of proportions, at 95 %.

pub mod clopper_pearson;
pub mod newcombe;
pub mod wilson;

pub use clopper_pearson::clopper_pearson;
pub use newcombe::newcombe_hybrid_score;
pub use wilson::wilson;

use crate::ParameterError;

/// The confidence level of every interval here (R's default `conf.level`).
pub(crate) const CONFIDENCE: f64 = 0.95;

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower limit.
    pub lower: f64,
    /// Upper limit.
    pub upper: f64,
}

/// `successes` of `n` trials, checked once: n ≥ 1 and successes ≤ n (R's `prop.test` and
/// `binom.test` refuse the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proportion {
    successes: u64,
    n: u64,
}

impl Proportion {
    /// Parses a count of successes out of `n` trials.
    pub fn new(successes: u64, n: u64) -> Result<Self, ParameterError> {
        if n == 0 {
            return Err(ParameterError::new("n", n, "must be at least 1"));
        }
        if successes > n {
            return Err(ParameterError::new(
                "successes",
                successes,
                "must not exceed n",
            ));
        }
        Ok(Proportion { successes, n })
    }

    /// The number of successes.
    pub fn successes(self) -> u64 {
        self.successes
    }

    /// The number of trials.
    pub fn n(self) -> u64 {
        self.n
    }

    /// The observed proportion x/n.
    pub fn estimate(self) -> f64 {
        self.successes as f64 / self.n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_are_parsed_once() {
        assert_eq!(Proportion::new(3, 0).unwrap_err().parameter, "n");
        assert_eq!(Proportion::new(4, 3).unwrap_err().parameter, "successes");
        assert_eq!(Proportion::new(0, 3).unwrap().estimate(), 0.0);
    }
}
