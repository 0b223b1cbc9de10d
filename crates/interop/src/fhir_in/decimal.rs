//! FHIR `decimal` values into `rust_decimal::Decimal` without going through a float's
//! binary error: serde_json hands an f64, whose shortest round-trip text (Rust's `Display`)
//! is the number as the sender wrote it for every decimal of up to 15 significant digits.

use std::fmt;

use rust_decimal::Decimal;
use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserializes an optional JSON number (or numeric string) as a `Decimal`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_option(OptionVisitor)
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(DecimalVisitor).map(Some)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("a finite decimal number"));
        }
        v.to_string()
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
            .map_err(|_| E::custom(format!("{v} is not a decimal sledger can hold")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse()
            .map_err(|_| E::custom(format!("{v:?} is not a decimal number")))
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "super::optional")]
        value: Option<rust_decimal::Decimal>,
    }

    #[test]
    fn decimals_keep_the_digits_as_written() {
        for (json, want) in [
            (r#"{"value":1.1}"#, Some(dec!(1.1))),
            (r#"{"value":0.80}"#, Some(dec!(0.8))),
            (r#"{"value":250}"#, Some(dec!(250))),
            (r#"{"value":-3}"#, Some(dec!(-3))),
            (r#"{"value":"4.25"}"#, Some(dec!(4.25))),
            (r#"{"value":null}"#, None),
            (r#"{}"#, None),
        ] {
            let q: Q = serde_json::from_str(json).unwrap();
            assert_eq!(q.value, want, "{json}");
        }
        assert!(serde_json::from_str::<Q>(r#"{"value":"abc"}"#).is_err());
    }
}
