//! A table of ln k! for k = 0..=N, computed once per call of an exact method.

/// ln k! for every k up to a maximum: every binomial and hypergeometric probability of a
/// study of that size is a sum of three table entries, with no gamma-function evaluation.
#[derive(Debug, Clone)]
pub(crate) struct LogFactorials(Vec<f64>);

impl LogFactorials {
    /// The table up to `max` inclusive.
    pub(crate) fn up_to(max: u32) -> Self {
        let mut table = Vec::with_capacity(max as usize + 1);
        let mut acc = 0.0_f64;
        table.push(acc);
        for k in 1..=max {
            acc += f64::from(k).ln();
            table.push(acc);
        }
        LogFactorials(table)
    }

    /// ln C(n, k), for k ≤ n ≤ max.
    pub(crate) fn ln_choose(&self, n: u32, k: u32) -> f64 {
        debug_assert!(k <= n);
        self.0[n as usize] - self.0[k as usize] - self.0[(n - k) as usize]
    }

    /// The binomial probability mass function Bin(n, p) for x = 0..=n.
    pub(crate) fn binomial_pmf(&self, n: u32, p: f64) -> Vec<f64> {
        let q = 1.0 - p;
        (0..=n)
            .map(|x| {
                // powi keeps p = 0 and p = 1 exact (0^0 = 1), where logs would give NaN.
                let n_minus_x = i32::try_from(n - x).expect("n fits in i32");
                let x_i = i32::try_from(x).expect("x fits in i32");
                self.ln_choose(n, x).exp() * p.powi(x_i) * q.powi(n_minus_x)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_choose_matches_small_integers() {
        let lf = LogFactorials::up_to(60);
        assert!((lf.ln_choose(10, 3).exp() - 120.0).abs() < 1e-9);
        assert!((lf.ln_choose(52, 5).exp() - 2_598_960.0).abs() < 1e-4);
        assert_eq!(lf.ln_choose(7, 0), 0.0);
    }

    #[test]
    fn binomial_pmf_sums_to_one_and_handles_degenerate_p() {
        let lf = LogFactorials::up_to(200);
        let total: f64 = lf.binomial_pmf(200, 0.37).iter().sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        assert_eq!(lf.binomial_pmf(5, 0.0), vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(lf.binomial_pmf(3, 1.0), vec![0.0, 0.0, 0.0, 1.0]);
        // Bin(4, 0.5): 1/16, 4/16, 6/16, 4/16, 1/16.
        let pmf = lf.binomial_pmf(4, 0.5);
        for (got, want) in pmf.iter().zip([1.0, 4.0, 6.0, 4.0, 1.0]) {
            assert!((got - want / 16.0).abs() < 1e-15);
        }
    }
}
