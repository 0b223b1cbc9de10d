//! The calendar date of a FHIR `date` or `dateTime` as the sender wrote it, without
//! time-zone shifting (sledger's clinical rules work in days: sle-activity §0.3, renal.md).

use jiff::civil::Date;
use sledger_core::InputError;

/// The first ten characters of `text` as `YYYY-MM-DD`; anything else is refused naming
/// `field` (a partial date such as `2017-03` says no day and is refused too).
pub fn calendar_date(field: &'static str, text: &str) -> Result<Date, InputError> {
    text.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| {
        InputError::new(
            field,
            if text.is_empty() { "null" } else { text },
            "a FHIR date or dateTime with a day (YYYY-MM-DD…)",
        )
    })
}

/// `calendar_date` of an optional element: `None` when absent.
pub fn optional_date(field: &'static str, text: Option<&str>) -> Result<Option<Date>, InputError> {
    text.map(|t| calendar_date(field, t)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_as_written_or_a_refusal_naming_the_field() {
        assert_eq!(
            calendar_date("date", "2017-03-01T23:30:00-05:00"),
            Ok(jiff::civil::date(2017, 3, 1))
        );
        assert_eq!(
            calendar_date("onset", "2017-03").unwrap_err().field,
            "onset"
        );
        assert_eq!(optional_date("x", None), Ok(None));
    }
}
