//! The JSON contract of `sledger stats <test>`: the same shape as `sledger score` (a JSON
//! array of inputs, or one object, in; one result per input out; a refused input gets
//! `{"error": {"field", "value", "rule"}}` in its slot), over the statistics of
//! sledger-stats, each matching an R function's defaults.

pub mod batch;
pub mod fisher;
pub mod proportion;
pub mod r_number;
pub mod survival;
pub mod wilcoxon;

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sledger_stats::ParameterError;

use crate::decode::{FieldError, decode, lookup};

pub use batch::compute_batch;

/// A statistic behind `sledger stats <name>`.
pub trait Statistic: Sync {
    /// The command-line name, e.g. `fisher`.
    fn name(&self) -> &'static str;
    /// One line saying what it computes.
    fn summary(&self) -> &'static str;
    /// The R function (and options) it reproduces, e.g. `fisher.test`.
    fn r_function(&self) -> &'static str;
    /// JSON Schema of one input object.
    fn input_schema(&self) -> Value;
    /// JSON Schema of one result object.
    fn output_schema(&self) -> Value;
    /// Computes one input object.
    fn compute(&self, input: &Value) -> Result<Value, FieldError>;
}

/// A statistic defined by a typed wire input, a typed wire output and a function between.
pub struct TypedStatistic<I, O> {
    name: &'static str,
    summary: &'static str,
    r_function: &'static str,
    run: fn(I) -> Result<O, ParameterError>,
    _types: PhantomData<fn(I) -> O>,
}

impl<I, O> std::fmt::Debug for TypedStatistic<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedStatistic")
            .field("name", &self.name)
            .finish()
    }
}

impl<I, O> TypedStatistic<I, O> {
    /// A statistic named `name`, reproducing `r_function`, computed by `run`.
    pub const fn new(
        name: &'static str,
        summary: &'static str,
        r_function: &'static str,
        run: fn(I) -> Result<O, ParameterError>,
    ) -> Self {
        TypedStatistic {
            name,
            summary,
            r_function,
            run,
            _types: PhantomData,
        }
    }
}

impl<I, O> Statistic for TypedStatistic<I, O>
where
    I: DeserializeOwned + JsonSchema,
    O: Serialize + JsonSchema,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn summary(&self) -> &'static str {
        self.summary
    }

    fn r_function(&self) -> &'static str {
        self.r_function
    }

    fn input_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(I)).expect("a JSON Schema always serializes")
    }

    fn output_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(O)).expect("a JSON Schema always serializes")
    }

    fn compute(&self, input: &Value) -> Result<Value, FieldError> {
        let typed: I = decode(input)?;
        let output = (self.run)(typed).map_err(|e| field_error(&e, input))?;
        Ok(serde_json::to_value(output).expect("a wire result always serializes"))
    }
}

/// A statistic's parameter error as a field error; the parameter names are input paths
/// (`time[3]`, `status`), so the offending value is looked up in the input.
fn field_error(err: &ParameterError, input: &Value) -> FieldError {
    let value = lookup(input, &err.parameter)
        .cloned()
        .unwrap_or_else(|| Value::String(err.value.clone()));
    FieldError {
        field: err.parameter.to_string(),
        value,
        rule: err.rule.to_string(),
    }
}

/// Every statistic, in the order `sledger stats --list` prints them.
pub fn all() -> Vec<&'static dyn Statistic> {
    vec![
        &fisher::FISHER,
        &proportion::PROPORTION_CI,
        &proportion::PROPORTION_DIFFERENCE,
        &wilcoxon::SIGNED_RANK,
        &wilcoxon::RANK_SUM,
        &survival::KAPLAN_MEIER,
        &survival::LOG_RANK,
    ]
}

/// The statistic called `name`, if any.
pub fn find(name: &str) -> Option<&'static dyn Statistic> {
    all().into_iter().find(|s| s.name() == name)
}
