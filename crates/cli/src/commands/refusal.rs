//! A refused input, printed the one way every store command prints it: `{"error": {"field",
//! "value", "rule"}}` as JSON on stderr, exit code 1 (issue #3 "Bad input and faults"; the same
//! shape as `sledger score`'s errors). Other failures (the database unreachable …) exit 2.

use std::process::ExitCode;

use serde_json::{Value, json};
use sledger_core::InputError;
use sledger_score::FieldError;
use sledger_store::StoreError;

/// The `{field, value, rule}` of a store error that refuses input; `None` for faults.
pub fn field_error(err: &StoreError) -> Option<FieldError> {
    match err {
        StoreError::Input(e) => Some(from_input(e)),
        StoreError::Duplicate { field, value } => Some(FieldError {
            field: (*field).to_owned(),
            value: Value::String(value.clone()),
            rule: "already recorded: a second submission is refused and writes nothing".to_owned(),
        }),
        StoreError::NotFound { entity, key } => Some(FieldError {
            field: (*entity).to_owned(),
            value: Value::String(key.clone()),
            rule: format!("no {entity} {key:?} in this study"),
        }),
        StoreError::Forbidden { actor, rule } => Some(FieldError {
            field: "actor".to_owned(),
            value: Value::String(actor.clone()),
            rule: rule.clone(),
        }),
        StoreError::Protocol(e) => Some(FieldError {
            field: "protocol".to_owned(),
            value: Value::String(e.to_string()),
            rule: e.to_string(),
        }),
        _ => None,
    }
}

/// An input error as a field error (the value as text).
pub fn from_input(e: &InputError) -> FieldError {
    FieldError {
        field: e.field.to_string(),
        value: Value::String(e.value.clone()),
        rule: e.rule.to_string(),
    }
}

/// Prints the refusal and returns exit code 1.
pub fn refuse(error: &FieldError) -> ExitCode {
    eprintln!("{}", json!({ "error": error }));
    ExitCode::from(1)
}

/// Turns a store result into the command's outcome: refusals print and exit 1, faults go up.
pub fn or_refuse<T>(result: Result<T, StoreError>) -> anyhow::Result<Result<T, ExitCode>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) => match field_error(&e) {
            Some(fe) => Ok(Err(refuse(&fe))),
            None => Err(e.into()),
        },
    }
}

/// The value of a store call, or — for a refusal — print it and return exit code 1 from the
/// command.
macro_rules! accepted {
    ($result:expr) => {
        match $crate::commands::refusal::or_refuse($result)? {
            Ok(value) => value,
            Err(code) => return Ok(code),
        }
    };
}
pub(crate) use accepted;
