//! Wilcoxon's rank tests as R's `wilcox.test` with its defaults (two-sided, `mu = 0`,
//! `correct = TRUE`, `exact = NULL`).
//!
//! Wilcoxon F. Individual comparisons by ranking methods. *Biometrics Bulletin*
//! 1945;1:80–83; Mann HB, Whitney DR. *Ann Math Stat* 1947;18:50–60. R is exact when there are
//! fewer than 50 observations (per sample) and no ties (nor zero differences); otherwise it
//! uses the normal approximation with continuity and tie correction. So do we.

pub mod midrank;
pub mod rank_sum;
pub(crate) mod rank_sum_distribution;
pub mod signed_rank;
pub(crate) mod signed_rank_distribution;

pub use rank_sum::wilcoxon_rank_sum;
pub use signed_rank::wilcoxon_signed_rank;

/// R's switch to the normal approximation: exact below this many observations.
pub(crate) const EXACT_BELOW: usize = 50;

/// The result of a Wilcoxon test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WilcoxonTest {
    /// R's statistic: V (signed-rank, sum of the positive ranks) or W (rank-sum, the first
    /// sample's rank sum minus nx(nx + 1)/2).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Whether the p-value is exact (`Method::Exact`) or normal.
    pub method: Method,
}

/// How the p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The exact null distribution of the statistic.
    Exact,
    /// The normal approximation with continuity and tie correction.
    NormalApproximation,
}

/// Which tail of a null distribution a probability sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// P(S ≤ q).
    Lower,
    /// P(S > q).
    Upper,
}
