//! A measure as the CLI sees it: a name, a schema for its input and output, and a scoring
//! function from one JSON input to one JSON result.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sledger_core::{InputError, MeasureConfig};

use crate::decode::{FieldError, decode};

/// What every scoring call shares: the configuration and its identity.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The measure configuration in force (sle-activity §0.6).
    pub config: &'a MeasureConfig,
}

/// A measure behind `sledger score <name>`.
pub trait Measure: Sync {
    /// The command-line name, e.g. `renal-response`.
    fn name(&self) -> &'static str;
    /// One line saying what the measure is.
    fn summary(&self) -> &'static str;
    /// The spec section that defines it, e.g. `renal.md §3`.
    fn spec_section(&self) -> &'static str;
    /// JSON Schema of one input object.
    fn input_schema(&self) -> Value;
    /// JSON Schema of one result object.
    fn output_schema(&self) -> Value;
    /// Scores one input object.
    fn score(&self, input: &Value, cx: &Context<'_>) -> Result<Value, FieldError>;
}

/// A measure defined by a typed wire input, a typed wire output and a function between them.
pub struct Typed<I, O> {
    pub name: &'static str,
    pub summary: &'static str,
    pub spec_section: &'static str,
    pub run: fn(I, &MeasureConfig) -> Result<O, InputError>,
    pub _types: PhantomData<fn(I) -> O>,
}

impl<I, O> std::fmt::Debug for Typed<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typed").field("name", &self.name).finish()
    }
}

impl<I, O> Typed<I, O> {
    /// A measure named `name`, defined in `spec_section`, computed by `run`.
    pub const fn new(
        name: &'static str,
        summary: &'static str,
        spec_section: &'static str,
        run: fn(I, &MeasureConfig) -> Result<O, InputError>,
    ) -> Self {
        Typed {
            name,
            summary,
            spec_section,
            run,
            _types: PhantomData,
        }
    }
}

impl<I, O> Measure for Typed<I, O>
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

    fn spec_section(&self) -> &'static str {
        self.spec_section
    }

    fn input_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(I)).expect("a JSON Schema always serializes")
    }

    fn output_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(O)).expect("a JSON Schema always serializes")
    }

    fn score(&self, input: &Value, cx: &Context<'_>) -> Result<Value, FieldError> {
        let typed: I = decode(input)?;
        let output =
            (self.run)(typed, cx.config).map_err(|e| FieldError::from_input_error(&e, input))?;
        Ok(serde_json::to_value(output).expect("a wire result always serializes"))
    }
}
