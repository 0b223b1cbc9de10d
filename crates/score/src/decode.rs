//! Decoding a JSON input into a typed wire struct, with errors that name the field, the value
//! and the rule (issue "Bad input": `{"error": {"field", "value", "rule"}}`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sledger_core::InputError;

/// One refused input slot: which field, what value, which rule.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FieldError {
    /// The data-dictionary name of the field (a path such as `visits[2].pga_hundredths` for
    /// nested inputs; the empty string for the input as a whole).
    pub field: String,
    /// The offending value as it was given (null when the field was absent).
    pub value: Value,
    /// The rule the value broke.
    pub rule: String,
}

impl FieldError {
    /// A field error from a core input error, with the value looked up in the original input.
    pub fn from_input_error(err: &InputError, input: &Value) -> FieldError {
        let value = lookup(input, &err.field)
            .cloned()
            .unwrap_or_else(|| Value::String(err.value.clone()));
        FieldError {
            field: err.field.to_string(),
            value,
            rule: err.rule.to_string(),
        }
    }
}

/// Decodes `input` into `T`; an unknown key, a wrong type or an unknown enum value becomes a
/// [`FieldError`] naming the field.
pub fn decode<T: DeserializeOwned>(input: &Value) -> Result<T, FieldError> {
    if !input.is_object() {
        return Err(FieldError {
            field: String::new(),
            value: input.clone(),
            rule: "each input must be a JSON object".to_owned(),
        });
    }
    serde_path_to_error::deserialize::<_, T>(input).map_err(|err| {
        let mut path = path_string(err.path());
        let message = err.inner().to_string();
        if let Some(unknown) = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            if !path.ends_with(unknown) {
                path = if path.is_empty() || path == "." {
                    unknown.to_owned()
                } else {
                    format!("{path}.{unknown}")
                };
            }
            let value = lookup(input, &path).cloned().unwrap_or(Value::Null);
            return FieldError {
                field: path,
                value,
                rule: "unknown key: not a data-dictionary field of this measure".to_owned(),
            };
        }
        let value = lookup(input, &path).cloned().unwrap_or(Value::Null);
        FieldError {
            field: path,
            value,
            rule: message,
        }
    })
}

fn path_string(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// Finds the value at a path such as `visits[2].pga_hundredths` (None when absent).
pub fn lookup<'a>(input: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = input;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            current = current.get(key)?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let index: usize = index.trim_end_matches(']').parse().ok()?;
            current = current.get(index)?;
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        age_years: Option<u32>,
        visits: Option<Vec<Inner>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        pga_hundredths: Option<u16>,
    }

    #[test]
    fn wrong_type_names_field_and_value() {
        let input = json!({"age_years": "forty"});
        let err = decode::<Probe>(&input).unwrap_err();
        assert_eq!(err.field, "age_years");
        assert_eq!(err.value, json!("forty"));
        assert!(err.rule.contains("invalid type"), "{}", err.rule);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = decode::<Probe>(&json!({"age": 40})).unwrap_err();
        assert_eq!(err.field, "age");
        assert_eq!(err.value, json!(40));
    }

    #[test]
    fn nested_paths_are_named() {
        let input = json!({"visits": [{"pga_hundredths": 10}, {"pga_hundredths": -1}]});
        let err = decode::<Probe>(&input).unwrap_err();
        assert_eq!(err.field, "visits[1].pga_hundredths");
        assert_eq!(err.value, json!(-1));
        let err = decode::<Probe>(&json!({"visits": [{"pga": 1}]})).unwrap_err();
        assert_eq!(err.field, "visits[0].pga");
    }

    #[test]
    fn non_object_is_refused() {
        assert_eq!(decode::<Probe>(&json!(3)).unwrap_err().field, "");
    }
}
