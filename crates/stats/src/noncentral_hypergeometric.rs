//! Fisher's noncentral hypergeometric distribution of the (1,1) cell of a 2×2 table given
//! both margins, as R's `fisher.test` builds it (`dnhyper`, `mnhyper`, `pnhyper`).
//!
//! Fisher RA. *J R Stat Soc* 1935;98:39–82; Cornfield J. *Proc 3rd Berkeley Symp* 1956.
//! With the odds ratio ψ as noncentrality, P(X = x) ∝ C(m, x)·C(n, k − x)·ψˣ on
//! max(0, k − n) ≤ x ≤ min(k, m). ψ = 1 is the central (null) distribution of the test.

/// The support and the central log-densities of one table's margins.
#[derive(Debug, Clone)]
pub(crate) struct NoncentralHypergeometric {
    /// Smallest possible (1,1) cell.
    pub(crate) lo: u64,
    /// Largest possible (1,1) cell.
    pub(crate) hi: u64,
    /// Central densities relative to the mode (mode = 1), x = lo..=hi: R's `exp(logdc)` up to
    /// the constant that `dnhyper` divides out anyway.
    relative: Vec<f64>,
}

/// Below this spread of ψ^(x − lo) over the support (in ln), the densities are formed by
/// repeated multiplication without overflow; beyond it, in logs as R does.
const LINEAR_SPREAD_LIMIT: f64 = 500.0;

impl NoncentralHypergeometric {
    /// The distribution for column totals `m` (first) and `n` (second) and first-row total
    /// `k`, R's `m`, `n`, `k`.
    pub(crate) fn new(m: u64, n: u64, k: u64) -> Self {
        let lo = k.saturating_sub(n);
        let hi = k.min(m);
        let len = (hi - lo + 1) as usize;
        // Mode of the central hypergeometric, clamped to the support.
        let total = m + n;
        let mode =
            ((((k + 1) as u128 * (m + 1) as u128) / (total + 2) as u128) as u64).clamp(lo, hi);
        // Ratios P(x+1)/P(x) = (m − x)(k − x) / ((x + 1)(n − k + x + 1)): no logs, no
        // gamma function, and values relative to the mode cannot overflow.
        let ratio = |x: u64| -> f64 {
            ((m - x) as f64 * (k - x) as f64) / ((x + 1) as f64 * ((n + x + 1 - k) as f64))
        };
        let mut relative = vec![0.0; len];
        let at = |x: u64| (x - lo) as usize;
        relative[at(mode)] = 1.0;
        let mut value = 1.0;
        for x in mode..hi {
            value *= ratio(x);
            relative[at(x + 1)] = value;
        }
        value = 1.0;
        for x in (lo..mode).rev() {
            value /= ratio(x);
            relative[at(x)] = value;
        }
        NoncentralHypergeometric { lo, hi, relative }
    }

    /// The central probabilities (ψ = 1), R's `dnhyper(1)`.
    #[cfg(test)]
    pub(crate) fn central(&self) -> Vec<f64> {
        let total: f64 = self.relative.iter().sum();
        self.relative.iter().map(|d| d / total).collect()
    }

    /// The central densities relative to the mode, x = lo..=hi.
    pub(crate) fn relative(&self) -> &[f64] {
        &self.relative
    }

    /// The probabilities at odds ratio `ncp` (0 < ncp < ∞), R's `dnhyper(ncp)`, written into
    /// `out` (one buffer reused across a root search).
    ///
    /// R forms exp(logdc + x·ln ψ − max); where ψ^(x − lo) cannot overflow, the same
    /// proportions come from a running product (one multiplication per table instead of one
    /// exponential), equal to R's to a few ulps per table.
    fn density_into(&self, ncp: f64, out: &mut Vec<f64>) {
        let log_ncp = ncp.ln();
        out.clear();
        let spread = log_ncp.abs() * (self.hi - self.lo) as f64;
        if spread < LINEAR_SPREAD_LIMIT {
            let mut power = 1.0;
            let mut total = 0.0;
            for &r in &self.relative {
                let d = r * power;
                total += d;
                out.push(d);
                power *= ncp;
            }
            out.iter_mut().for_each(|d| *d /= total);
            return;
        }
        out.extend(
            self.relative
                .iter()
                .zip(self.lo..)
                .map(|(r, x)| r.ln() + log_ncp * x as f64),
        );
        let max = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for d in out.iter_mut() {
            *d = (*d - max).exp();
            total += *d;
        }
        out.iter_mut().for_each(|d| *d /= total);
    }

    /// The mean at odds ratio `ncp`, R's `mnhyper`.
    pub(crate) fn mean(&self, ncp: f64, buffer: &mut Vec<f64>) -> f64 {
        if ncp == 0.0 {
            return self.lo as f64;
        }
        if ncp == f64::INFINITY {
            return self.hi as f64;
        }
        self.density_into(ncp, buffer);
        buffer
            .iter()
            .zip(self.lo..)
            .map(|(d, x)| x as f64 * d)
            .sum()
    }

    /// P(X ≤ q) (`Tail::Lower`) or P(X ≥ q) (`Tail::Upper`) at odds ratio `ncp`, R's
    /// `pnhyper(q, ncp, upper.tail)`.
    pub(crate) fn tail(&self, q: u64, ncp: f64, tail: Tail, buffer: &mut Vec<f64>) -> f64 {
        let inside = |x: u64| match tail {
            Tail::Lower => x <= q,
            Tail::Upper => x >= q,
        };
        if ncp == 0.0 {
            return if inside(self.lo) { 1.0 } else { 0.0 };
        }
        if ncp == f64::INFINITY {
            return if inside(self.hi) { 1.0 } else { 0.0 };
        }
        if ncp == 1.0 {
            let total: f64 = self.relative.iter().sum();
            let part: f64 = self
                .relative
                .iter()
                .zip(self.lo..)
                .filter(|&(_, x)| inside(x))
                .map(|(d, _)| d)
                .sum();
            return part / total;
        }
        self.density_into(ncp, buffer);
        buffer
            .iter()
            .zip(self.lo..)
            .filter(|&(_, x)| inside(x))
            .map(|(d, _)| d)
            .sum()
    }
}

/// Which tail of the distribution a probability sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// P(X ≤ q).
    Lower,
    /// P(X ≥ q).
    Upper,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_probabilities_are_hypergeometric() {
        // dhyper(0:3, 4, 4, 3): 1/14, 6/14, 6/14, 1/14 (C(4,x)C(4,3-x)/C(8,3) = x/56·…).
        let d = NoncentralHypergeometric::new(4, 4, 3).central();
        let want = [4.0 / 56.0, 24.0 / 56.0, 24.0 / 56.0, 4.0 / 56.0];
        for (g, w) in d.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} vs {w}");
        }
    }

    #[test]
    fn the_mean_rises_with_the_odds_ratio() {
        let dist = NoncentralHypergeometric::new(10, 12, 9);
        let mut buf = Vec::new();
        let m1 = dist.mean(0.5, &mut buf);
        let m2 = dist.mean(1.0, &mut buf);
        let m3 = dist.mean(2.0, &mut buf);
        assert!(m1 < m2 && m2 < m3);
        // The central mean is k·m/(m+n).
        assert!((m2 - 9.0 * 10.0 / 22.0).abs() < 1e-12);
    }
}
