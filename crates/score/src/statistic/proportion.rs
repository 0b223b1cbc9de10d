//! `sledger stats proportion-ci` (Wilson or Clopper–Pearson interval of one proportion) and
//! `sledger stats proportion-difference` (Newcombe's hybrid score interval of p₁ − p₂).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sledger_stats::ParameterError;
use sledger_stats::interval::{Proportion, clopper_pearson, newcombe_hybrid_score, wilson};

use super::TypedStatistic;

/// Which interval.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Wilson score, R's `prop.test(x, n, correct = FALSE)$conf.int`.
    Wilson,
    /// Clopper–Pearson exact, R's `binom.test(x, n)$conf.int`.
    ClopperPearson,
}

/// One proportion.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProportionInput {
    /// Number of successes (responders), 0 ≤ successes ≤ n.
    pub successes: u64,
    /// Number of trials (patients), ≥ 1.
    pub n: u64,
    /// `wilson` or `clopper_pearson`.
    pub method: IntervalMethod,
}

/// The 95 % interval.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProportionOutput {
    /// successes / n.
    pub estimate: f64,
    /// Lower 95 % limit.
    pub lower: f64,
    /// Upper 95 % limit.
    pub upper: f64,
    /// The method used.
    pub method: IntervalMethod,
}

fn run_ci(input: ProportionInput) -> Result<ProportionOutput, ParameterError> {
    let p = Proportion::new(input.successes, input.n)?;
    let ci = match input.method {
        IntervalMethod::Wilson => wilson(p),
        IntervalMethod::ClopperPearson => clopper_pearson(p)?,
    };
    Ok(ProportionOutput {
        estimate: p.estimate(),
        lower: ci.lower,
        upper: ci.upper,
        method: input.method,
    })
}

/// The statistic.
pub static PROPORTION_CI: TypedStatistic<ProportionInput, ProportionOutput> = TypedStatistic::new(
    "proportion-ci",
    "95% confidence interval of a proportion: Wilson score or Clopper-Pearson exact",
    "prop.test(x, n, correct = FALSE)$conf.int | binom.test(x, n)$conf.int",
    run_ci,
);

/// successes of n in one group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// Number of successes, 0 ≤ successes ≤ n.
    pub successes: u64,
    /// Number of trials, ≥ 1.
    pub n: u64,
}

/// Two independent proportions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DifferenceInput {
    /// The first group (p₁), e.g. the active arm.
    pub first: Counts,
    /// The second group (p₂), e.g. the control arm.
    pub second: Counts,
}

/// The difference and its interval.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DifferenceOutput {
    /// p₁ − p₂.
    pub difference: f64,
    /// Lower 95 % limit (Newcombe 1998, method 10).
    pub lower: f64,
    /// Upper 95 % limit.
    pub upper: f64,
}

fn run_difference(input: DifferenceInput) -> Result<DifferenceOutput, ParameterError> {
    let parse = |c: &Counts, name: &'static str| {
        Proportion::new(c.successes, c.n)
            .map_err(|e| ParameterError::new(format!("{name}.{}", e.parameter), e.value, e.rule))
    };
    let (p1, p2) = (
        parse(&input.first, "first")?,
        parse(&input.second, "second")?,
    );
    let ci = newcombe_hybrid_score(p1, p2);
    Ok(DifferenceOutput {
        difference: p1.estimate() - p2.estimate(),
        lower: ci.lower,
        upper: ci.upper,
    })
}

/// The statistic.
pub static PROPORTION_DIFFERENCE: TypedStatistic<DifferenceInput, DifferenceOutput> =
    TypedStatistic::new(
        "proportion-difference",
        "95% interval of a difference of two proportions: Newcombe's hybrid score (method 10)",
        "Newcombe (1998) method 10 from prop.test(correct = FALSE) limits",
        run_difference,
    );
