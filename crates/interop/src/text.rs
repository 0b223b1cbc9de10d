//! Small text conversions every format shares.

use rust_decimal::Decimal;

/// A decimal written from its exact shortest text ("1.10" → "1.1"), never via f64.
pub(crate) fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The code of a vocabulary enum that serializes as its snake_case code.
pub(crate) fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
