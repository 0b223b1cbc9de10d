//! The exact null distribution of the rank-sum statistic W, R's `pwilcox`.
//!
//! W = (rank sum of the first sample) − m(m + 1)/2 counts the pairs (xᵢ, yⱼ) with xᵢ > yⱼ; under
//! H₀ every choice of the first sample's m ranks among m + n is equally likely, and the number
//! giving W = k is the number of partitions of k into at most m parts none larger than n
//! (the Gaussian binomial coefficient; R's `cwilcox`), over C(m + n, m).

use super::Tail;

/// P(W ≤ q) (`Tail::Lower`) or P(W > q) (`Tail::Upper`), summed over the shorter range as R's
/// `pwilcox` does.
pub(crate) fn rank_sum_cdf(q: f64, m: usize, n: usize, tail: Tail) -> f64 {
    let max = m * n;
    let q = (q + 1e-7).floor();
    let (below, above) = match tail {
        Tail::Lower => (0.0, 1.0),
        Tail::Upper => (1.0, 0.0),
    };
    if q < 0.0 {
        return below;
    }
    if q >= max as f64 {
        return above;
    }
    let counts = partition_counts(m, n);
    let total: f64 = counts.iter().sum();
    let (p, flipped) = if q <= max as f64 / 2.0 {
        let p: f64 = counts[..=(q as usize)].iter().map(|c| c / total).sum();
        (p, false)
    } else {
        let q2 = max as f64 - q;
        let p: f64 = counts[..(q2 as usize)].iter().map(|c| c / total).sum();
        (p, true)
    };
    let lower_asked = matches!(tail, Tail::Lower);
    if lower_asked != flipped { p } else { 1.0 - p }
}

/// The number of partitions of each k = 0..=mn into at most m parts of size at most n.
fn partition_counts(m: usize, n: usize) -> Vec<f64> {
    let max = m * n;
    // by_parts[c][k]: partitions of k into exactly c parts, parts ≤ the current size bound.
    let mut by_parts = vec![vec![0.0; max + 1]; m + 1];
    by_parts[0][0] = 1.0;
    for size in 1..=n {
        // Allow any number of parts equal to `size`: ascending c reuses the updated row.
        for c in 1..=m {
            let (done, rest) = by_parts.split_at_mut(c);
            let previous = &done[c - 1];
            let row = &mut rest[0];
            for k in size..=max {
                row[k] += previous[k - size];
            }
        }
    }
    let mut counts = vec![0.0; max + 1];
    for row in &by_parts {
        for (total, v) in counts.iter_mut().zip(row) {
            *total += v;
        }
    }
    counts
}

#[cfg(test)]
#[allow(
    clippy::excessive_precision,
    reason = "R's digits are kept as R printed them (the data include 3.14, not π)"
)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_pwilcox() {
        // R 4.2.2: pwilcox(10, 6, 8); pwilcox(30, 6, 8, lower.tail = FALSE).
        let lower = rank_sum_cdf(10.0, 6, 8, Tail::Lower);
        assert!((lower - 0.040_626_040_626_040_631).abs() < 1e-15, "{lower}");
        let upper = rank_sum_cdf(30.0, 6, 8, Tail::Upper);
        assert!((upper - 0.206_793_206_793_206_813).abs() < 1e-15, "{upper}");
    }

    #[test]
    fn counts_sum_to_the_binomial_coefficient() {
        let total: f64 = partition_counts(5, 7).iter().sum();
        assert_eq!(total, 792.0); // C(12, 5)
    }
}
