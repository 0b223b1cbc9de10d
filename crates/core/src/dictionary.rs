//! Range checks of the data dictionary (sle-activity §9, renal.md §0.1).
//!
//! Each input is checked once, at the edge, against the range its dictionary entry gives;
//! past the edge the measures trust their inputs.

use rust_decimal::Decimal;

use crate::InputError;

/// `value` must lie in `[min, max]`; the error names the field and the range.
pub fn within(
    field: &'static str,
    value: Decimal,
    min: Decimal,
    max: Decimal,
) -> Result<Decimal, InputError> {
    if value < min || value > max {
        return Err(InputError::new(
            field,
            value,
            format!("must be between {min} and {max} (data dictionary)"),
        ));
    }
    Ok(value)
}

/// `value` must be strictly positive (a concentration, a dose, a height).
pub fn positive(field: &'static str, value: Decimal) -> Result<Decimal, InputError> {
    if value <= Decimal::ZERO {
        return Err(InputError::new(field, value, "must be greater than 0"));
    }
    Ok(value)
}

/// `value` must not be negative (a count, a ratio that may be zero).
pub fn non_negative(field: &'static str, value: Decimal) -> Result<Decimal, InputError> {
    if value < Decimal::ZERO {
        return Err(InputError::new(field, value, "must not be negative"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn range_is_inclusive_and_names_the_field() {
        assert_eq!(within("wbc", dec!(200), dec!(0), dec!(200)), Ok(dec!(200)));
        let err = within("wbc", dec!(200.1), dec!(0), dec!(200)).unwrap_err();
        assert_eq!(err.field, "wbc");
        assert_eq!(err.value, "200.1");
        assert!(positive("creatinine", dec!(0)).is_err());
        assert!(non_negative("upcr", dec!(0)).is_ok());
    }
}
