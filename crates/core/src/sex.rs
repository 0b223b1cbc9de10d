//! Biological sex as the kidney equations need it (renal.md §0.3).

use serde::{Deserialize, Serialize};

/// Biological sex coded for the sex-specific equations (renal.md §0.3: CKD-EPI creatinine and
/// cystatin C, CKiD U25).
///
/// Only the two codes the equations were derived with exist here; any other recorded value
/// (unknown, intersex, not recorded) has no `Sex` and makes a sex-specific equation
/// `not_evaluable` naming `sex` — see [`RecordedSex::for_equations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// Sex as recorded on a form or in an import: the two equation codes plus the values that
/// renal.md §0.3 names as not usable by the equations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordedSex {
    Female,
    Male,
    /// Recorded as something other than female or male.
    Other,
    Intersex,
    /// Recorded as unknown.
    Unknown,
    /// Explicitly recorded as not recorded.
    NotRecorded,
}

impl RecordedSex {
    /// The sex a sex-specific equation can use; `None` for any value other than female/male
    /// (renal.md §0.3: such a value ⇒ `NotEvaluable` naming the field).
    pub fn for_equations(self) -> Option<Sex> {
        match self {
            RecordedSex::Female => Some(Sex::Female),
            RecordedSex::Male => Some(Sex::Male),
            RecordedSex::Other
            | RecordedSex::Intersex
            | RecordedSex::Unknown
            | RecordedSex::NotRecorded => None,
        }
    }
}

impl From<Sex> for RecordedSex {
    fn from(sex: Sex) -> Self {
        match sex {
            Sex::Female => RecordedSex::Female,
            Sex::Male => RecordedSex::Male,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_female_and_male_reach_the_equations() {
        assert_eq!(RecordedSex::Female.for_equations(), Some(Sex::Female));
        assert_eq!(RecordedSex::Male.for_equations(), Some(Sex::Male));
        for other in [
            RecordedSex::Other,
            RecordedSex::Intersex,
            RecordedSex::Unknown,
            RecordedSex::NotRecorded,
        ] {
            assert_eq!(other.for_equations(), None, "{other:?}");
        }
        assert_eq!(RecordedSex::from(Sex::Male), RecordedSex::Male);
    }
}
