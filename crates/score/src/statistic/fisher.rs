//! `sledger stats fisher`: Fisher's exact test of a 2×2 table, as R's `fisher.test`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_stats::{ParameterError, fisher_exact_test};

use super::TypedStatistic;
use super::r_number::RNumber;

/// One 2×2 table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FisherInput {
    /// Counts `[[a, b], [c, d]]`: rows are the groups (e.g. arms), columns the outcome
    /// (e.g. responder, non-responder); at most 10,000,000 in all.
    pub table: [[u64; 2]; 2],
}

/// The test's result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FisherOutput {
    /// Two-sided p-value.
    pub p_value: f64,
    /// Conditional maximum-likelihood odds ratio (0 or "Inf" at the ends).
    pub odds_ratio: RNumber,
    /// Exact 95 % confidence interval of the odds ratio.
    pub conf_int: [RNumber; 2],
}

fn run(input: FisherInput) -> Result<FisherOutput, ParameterError> {
    let test = fisher_exact_test(input.table)?;
    Ok(FisherOutput {
        p_value: test.p_value,
        odds_ratio: RNumber(test.odds_ratio),
        conf_int: [RNumber(test.conf_int.0), RNumber(test.conf_int.1)],
    })
}

/// The statistic.
pub static FISHER: TypedStatistic<FisherInput, FisherOutput> = TypedStatistic::new(
    "fisher",
    "Fisher's exact test of a 2x2 table: p-value, conditional MLE odds ratio, exact 95% CI",
    "fisher.test(matrix(c(a, c, b, d), 2))",
    run,
);
