//! Newcombe's hybrid score interval for a difference of two independent proportions.
//!
//! Newcombe RG. Interval estimation for the difference between independent proportions:
//! comparison of eleven methods. *Stat Med* 1998;17:873–890, method 10: the Wilson limits
//! (l₁, u₁), (l₂, u₂) of each arm combined as
//! L = p̂₁ − p̂₂ − √((p̂₁ − l₁)² + (u₂ − p̂₂)²), U = p̂₁ − p̂₂ + √((u₁ − p̂₁)² + (p̂₂ − l₂)²).
//! Base R has no such function; the fixtures compute it from `prop.test(correct = FALSE)`'s
//! limits by the same formula.

use super::{Interval, Proportion, wilson};

/// The 95 % interval for p₁ − p₂.
pub fn newcombe_hybrid_score(first: Proportion, second: Proportion) -> Interval {
    let (p1, p2) = (first.estimate(), second.estimate());
    let (w1, w2) = (wilson(first), wilson(second));
    let difference = p1 - p2;
    Interval {
        lower: difference - ((p1 - w1.lower).powi(2) + (w2.upper - p2).powi(2)).sqrt(),
        upper: difference + ((w1.upper - p1).powi(2) + (p2 - w2.lower).powi(2)).sqrt(),
    }
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn seven_of_ten_against_three_of_twelve() {
        // R 4.2.2 from prop.test(..., correct = FALSE) limits, see the module comment.
        let ci = newcombe_hybrid_score(
            Proportion::new(7, 10).unwrap(),
            Proportion::new(3, 12).unwrap(),
        );
        assert!(
            (ci.lower - 0.035_705_667_442_761_713).abs() < 1e-14,
            "{ci:?}"
        );
        assert!(
            (ci.upper - 0.700_766_790_195_525_457).abs() < 1e-14,
            "{ci:?}"
        );
    }
}
