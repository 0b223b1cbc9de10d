//! A number as R reports it: finite values as JSON numbers, ±∞ as the strings "Inf" and
//! "-Inf" (jsonlite's convention; JSON has no infinity), NA as null (`Option::None`).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

/// An f64 that may be infinite, e.g. an odds ratio's upper limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RNumber(pub f64);

impl Serialize for RNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            serializer.serialize_f64(v)
        } else if v == f64::INFINITY {
            serializer.serialize_str("Inf")
        } else if v == f64::NEG_INFINITY {
            serializer.serialize_str("-Inf")
        } else {
            serializer.serialize_none()
        }
    }
}

impl JsonSchema for RNumber {
    fn schema_name() -> Cow<'static, str> {
        "RNumber".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number; \"Inf\" or \"-Inf\" when infinite, as R prints it.",
            "anyOf": [{"type": "number"}, {"enum": ["Inf", "-Inf"]}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinities_are_strings() {
        let v = serde_json::to_value([RNumber(1.5), RNumber(f64::INFINITY)]).unwrap();
        assert_eq!(v, serde_json::json!([1.5, "Inf"]));
    }
}
