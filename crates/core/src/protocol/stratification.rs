//! Stratification factors of a randomized protocol: declared names that the randomization
//! issue will use (e.g. `site`, `baseline_upcr_ge_3_g_g`, `prior_cyclophosphamide`).

use std::fmt;

use serde::Serialize;

use crate::InputError;

/// A stratification factor's name: lower-case ASCII letters, digits and `_`, starting with a
/// letter, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct StratificationFactor(String);

impl StratificationFactor {
    /// Parses a factor name; anything else is an error naming `field`.
    pub fn parse(field: &'static str, text: &str) -> Result<StratificationFactor, InputError> {
        let well_formed = text.len() <= 64
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(InputError::new(
                field,
                text,
                "a factor name is snake_case: a-z, 0-9 and _, starting with a letter, at most 64 characters",
            ));
        }
        Ok(StratificationFactor(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StratificationFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_snake_case_names_only() {
        for ok in [
            "site",
            "baseline_upcr_ge_3_g_g",
            "prior_cyclophosphamide",
            "a1",
        ] {
            assert!(
                StratificationFactor::parse("stratification", ok).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "",
            "Site",
            "1site",
            "_site",
            "upcr ≥ 3",
            "site-id",
            &"a".repeat(65),
        ] {
            let err = StratificationFactor::parse("stratification", bad).expect_err(bad);
            assert_eq!(err.field, "stratification");
        }
    }
}
