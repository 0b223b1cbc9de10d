//! Small text conversions every format shares.

use rust_decimal::Decimal;

/// A decimal written from its exact shortest text ("1.10" → "1.1"), never via f64.
pub(crate) fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The code of a vocabulary enum (sledger-core's enums serialize as their snake_case code).
pub(crate) fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("vocabulary enums serialize as their snake_case code")
}

/// The vocabulary enum whose snake_case code is `code`, if any (the inverse of `code_of`).
pub(crate) fn parse_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimals_keep_their_exact_shortest_text() {
        assert_eq!(decimal(dec!(1.10)), "1.1");
        assert_eq!(decimal(dec!(-0.000120)), "-0.00012");
        assert_eq!(decimal(dec!(90000000)), "90000000");
    }
}
