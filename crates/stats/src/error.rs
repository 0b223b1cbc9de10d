//! The one error of sledger-stats: a parameter outside its domain, named.

use std::borrow::Cow;

/// A parameter that the statistic cannot take. It names the parameter (as the caller spells
/// it: `p1`, `alpha`, `n1`, …), the value and the rule, so the CLI can point at the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter} = {value}: {rule}")]
pub struct ParameterError {
    /// The parameter's name.
    pub parameter: Cow<'static, str>,
    /// The value as given, rendered as text.
    pub value: String,
    /// The rule it broke, in words.
    pub rule: Cow<'static, str>,
}

impl ParameterError {
    /// An error for `parameter` holding `value`, which broke `rule`.
    pub fn new(
        parameter: impl Into<Cow<'static, str>>,
        value: impl ToString,
        rule: impl Into<Cow<'static, str>>,
    ) -> Self {
        ParameterError {
            parameter: parameter.into(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }
}

/// A probability in the closed interval [0, 1] (response rates, dropout).
pub(crate) fn probability(name: &'static str, value: f64) -> Result<f64, ParameterError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ParameterError::new(
            name,
            value,
            "must be a probability in [0, 1]",
        ))
    }
}

/// A probability in the open interval (0, 1) (significance level, power).
pub(crate) fn open_probability(name: &'static str, value: f64) -> Result<f64, ParameterError> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(ParameterError::new(
            name,
            value,
            "must lie strictly between 0 and 1",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_bounds_are_inclusive_and_nan_is_refused() {
        assert!(probability("p1", 0.0).is_ok());
        assert!(probability("p1", 1.0).is_ok());
        assert_eq!(probability("p1", -0.01).unwrap_err().parameter, "p1");
        assert!(probability("p1", 1.0001).is_err());
        assert!(probability("p1", f64::NAN).is_err());
    }

    #[test]
    fn open_probability_bounds_are_exclusive() {
        assert!(open_probability("alpha", 0.0).is_err());
        assert!(open_probability("alpha", 1.0).is_err());
        assert!(open_probability("alpha", f64::NAN).is_err());
        assert_eq!(open_probability("alpha", 0.05), Ok(0.05));
    }
}
