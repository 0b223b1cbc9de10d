//! Typed reads of a fact row's columns (the `values` map of [`crate::fact::FactVersion`]).
//!
//! Stored facts are read back through the same core parsers that accepted them (DESIGN §3
//! "parse, don't validate"); these functions only turn column text into the primitive each
//! parser takes, naming the column when the text is not of its kind — so a row changed by a
//! correction, or by hand, is re-validated exactly like new input.

use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sledger_core::InputError;

/// A fact row's own columns, by name.
pub(crate) type Columns = Map<String, Value>;

/// The column's text; `None` when NULL or absent.
pub(crate) fn text<'a>(values: &'a Columns, column: &'static str) -> Option<&'a str> {
    values.get(column).and_then(Value::as_str)
}

/// The column's text, which must be present and non-empty.
pub(crate) fn required_text<'a>(
    values: &'a Columns,
    column: &'static str,
) -> Result<&'a str, InputError> {
    text(values, column)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| InputError::new(column, "null", "is required"))
}

/// An integer column (a JSON number, or text holding one); `None` when NULL.
pub(crate) fn int(values: &Columns, column: &'static str) -> Result<Option<i64>, InputError> {
    match values.get(column) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| InputError::new(column, n, "must be a whole number")),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| InputError::new(column, s, "must be a whole number")),
        Some(other) => Err(InputError::new(column, other, "must be a whole number")),
    }
}

/// A 0/1 flag column.
pub(crate) fn flag(values: &Columns, column: &'static str) -> Result<Option<bool>, InputError> {
    match int(values, column)? {
        None => Ok(None),
        Some(0) => Ok(Some(false)),
        Some(1) => Ok(Some(true)),
        Some(other) => Err(InputError::new(column, other, "must be 0 or 1")),
    }
}

/// An ISO date column; `None` when NULL.
pub(crate) fn date(values: &Columns, column: &'static str) -> Result<Option<Date>, InputError> {
    text(values, column)
        .map(|t| {
            t.parse()
                .map_err(|_| InputError::new(column, t, "must be an ISO date (YYYY-MM-DD)"))
        })
        .transpose()
}

/// An ISO date column that must be present.
pub(crate) fn required_date(values: &Columns, column: &'static str) -> Result<Date, InputError> {
    date(values, column)?.ok_or_else(|| InputError::new(column, "null", "is required"))
}

/// An exact decimal column (stored as its decimal text, never a float); `None` when NULL.
pub(crate) fn decimal(
    values: &Columns,
    column: &'static str,
) -> Result<Option<Decimal>, InputError> {
    text(values, column)
        .map(|t| {
            Decimal::from_str(t).map_err(|_| InputError::new(column, t, "must be a decimal number"))
        })
        .transpose()
}

/// A vocabulary column: the snake_case code of a serde enum; `None` when NULL.
pub(crate) fn code<T: DeserializeOwned>(
    values: &Columns,
    column: &'static str,
    allowed: &'static str,
) -> Result<Option<T>, InputError> {
    text(values, column)
        .map(|t| parse_code(column, t, allowed))
        .transpose()
}

/// Parses the snake_case code of a serde enum, naming `field` and listing the `allowed` codes.
pub fn parse_code<T: DeserializeOwned>(
    field: &'static str,
    text: &str,
    allowed: &'static str,
) -> Result<T, InputError> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|_| InputError::new(field, text, format!("must be one of: {allowed}")))
}

/// The snake_case code of a serde enum (the inverse of [`parse_code`]).
pub fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("vocabulary enums serialize as their snake_case code")
}

/// A text value, or NULL.
pub(crate) fn text_or_null(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::from)
}
