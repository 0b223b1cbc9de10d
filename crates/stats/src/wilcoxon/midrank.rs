//! Ranks with ties averaged, R's `rank(x)` (`ties.method = "average"`), and the tie sizes
//! that the normal approximation's variance correction needs (R's `table(r)`).

/// Mid-ranks of `values` (1-based, in input order) and the sizes of the tied groups.
pub fn midranks(values: &[f64]) -> Ranks {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut tie_sizes = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1..=end.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        tie_sizes.push(end - start);
        start = end;
    }
    Ranks { ranks, tie_sizes }
}

/// The ranks and tie structure of a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranks {
    /// The rank of each value, in input order.
    pub ranks: Vec<f64>,
    /// The size of every group of equal values (1 for an untied value).
    pub tie_sizes: Vec<usize>,
}

impl Ranks {
    /// Whether any two values are equal.
    pub fn has_ties(&self) -> bool {
        self.tie_sizes.iter().any(|&t| t > 1)
    }

    /// Σ (t³ − t) over the tied groups, the variance correction's numerator.
    pub fn tie_correction(&self) -> f64 {
        self.tie_sizes
            .iter()
            .map(|&t| {
                let t = t as f64;
                t * t * t - t
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_average_rank() {
        // rank(c(10, 20, 10, 30, 20, 20)) = 1.5 4 1.5 6 4 4
        let r = midranks(&[10.0, 20.0, 10.0, 30.0, 20.0, 20.0]);
        assert_eq!(r.ranks, vec![1.5, 4.0, 1.5, 6.0, 4.0, 4.0]);
        assert!(r.has_ties());
        assert_eq!(r.tie_correction(), 6.0 + 24.0);
    }
}
