//! `sledger stats wilcoxon-signed-rank` and `wilcoxon-rank-sum`, as R's `wilcox.test`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_stats::ParameterError;
use sledger_stats::wilcoxon::{Method, WilcoxonTest, wilcoxon_rank_sum, wilcoxon_signed_rank};

use super::TypedStatistic;

/// Two samples.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WilcoxonInput {
    /// The first sample (for the paired test: e.g. the last visit's values).
    pub x: Vec<f64>,
    /// The second sample (for the paired test: the baseline values, same order as x).
    pub y: Vec<f64>,
}

/// The test's result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WilcoxonOutput {
    /// R's V (signed-rank) or W (rank-sum).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// true when the p-value is exact, false for the normal approximation with continuity and
    /// tie correction (ties, zero differences, or 50 or more observations).
    pub exact: bool,
}

fn shape(test: WilcoxonTest) -> WilcoxonOutput {
    WilcoxonOutput {
        statistic: test.statistic,
        p_value: test.p_value,
        exact: test.method == Method::Exact,
    }
}

fn run_signed_rank(input: WilcoxonInput) -> Result<WilcoxonOutput, ParameterError> {
    wilcoxon_signed_rank(&input.x, &input.y).map(shape)
}

fn run_rank_sum(input: WilcoxonInput) -> Result<WilcoxonOutput, ParameterError> {
    wilcoxon_rank_sum(&input.x, &input.y).map(shape)
}

/// The paired test.
pub static SIGNED_RANK: TypedStatistic<WilcoxonInput, WilcoxonOutput> = TypedStatistic::new(
    "wilcoxon-signed-rank",
    "Wilcoxon signed-rank test of paired samples x, y (statistic V)",
    "wilcox.test(x, y, paired = TRUE)",
    run_signed_rank,
);

/// The two-sample test.
pub static RANK_SUM: TypedStatistic<WilcoxonInput, WilcoxonOutput> = TypedStatistic::new(
    "wilcoxon-rank-sum",
    "Wilcoxon rank-sum (Mann-Whitney) test of independent samples x, y (statistic W)",
    "wilcox.test(x, y)",
    run_rank_sum,
);
