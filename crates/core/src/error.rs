//! The one input error of sledger-core: it names the field, the value and the rule it broke.

use std::borrow::Cow;

/// Input that cannot be turned into a domain value.
///
/// STYLE.md "Errors": the same error is shown next to a form field, in an import's error
/// report and in problem+json, so it carries the field's data-dictionary name, the offending
/// value as text and the rule in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} = {value}: {rule}")]
pub struct InputError {
    /// The data-dictionary name of the field (sle-activity §9, renal.md §0.1).
    pub field: Cow<'static, str>,
    /// The value as given, rendered as text.
    pub value: String,
    /// The rule the value broke, in words.
    pub rule: Cow<'static, str>,
}

impl InputError {
    /// An error for `field` holding `value`, which broke `rule`.
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        value: impl ToString,
        rule: impl Into<Cow<'static, str>>,
    ) -> Self {
        InputError {
            field: field.into(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }
}
