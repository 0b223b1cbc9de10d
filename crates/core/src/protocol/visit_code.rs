//! The visit codes of sle-activity §0.3: `baseline`, `m1`, `m3`, … and `unscheduled`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::InputError;

/// A visit code (sle-activity §0.3, data dictionary `visit_type`, §9.1).
///
/// `Baseline` is the protocol-defined pre-treatment assessment (before the infusion on
/// day 0); `Month(m)` is the scheduled visit m months after the infusion; `Unscheduled` is
/// any other visit (e.g. to score a flare between scheduled visits, §0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VisitCode {
    /// `baseline`: the pre-treatment assessment.
    Baseline,
    /// `m<m>` with m ≥ 1, written without leading zeros (`m1`, `m3`, `m12`).
    Month(u8),
    /// `unscheduled`.
    Unscheduled,
}

impl VisitCode {
    /// Parses `baseline`, `unscheduled` or `m<m>` (1 ≤ m ≤ 255, no leading zero, lower case);
    /// anything else is an error naming `field`.
    pub fn parse(field: &'static str, text: &str) -> Result<VisitCode, InputError> {
        match text {
            "baseline" => return Ok(VisitCode::Baseline),
            "unscheduled" => return Ok(VisitCode::Unscheduled),
            _ => {}
        }
        let refuse = || {
            InputError::new(
                field,
                text,
                "a visit code is `baseline`, `unscheduled` or `m<months>` such as `m1`, `m12` (sle-activity §0.3)",
            )
        };
        let digits = text.strip_prefix('m').ok_or_else(refuse)?;
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !canonical {
            return Err(refuse());
        }
        digits
            .parse::<u8>()
            .map(VisitCode::Month)
            .map_err(|_| refuse())
    }
}

impl fmt::Display for VisitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VisitCode::Baseline => f.write_str("baseline"),
            VisitCode::Month(m) => write!(f, "m{m}"),
            VisitCode::Unscheduled => f.write_str("unscheduled"),
        }
    }
}

impl FromStr for VisitCode {
    type Err = InputError;

    fn from_str(text: &str) -> Result<VisitCode, InputError> {
        VisitCode::parse("visit_type", text)
    }
}

impl Serialize for VisitCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VisitCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<VisitCode, D::Error> {
        let text = String::deserialize(deserializer)?;
        VisitCode::from_str(&text).map_err(|e| serde::de::Error::custom(e.rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_codes_of_sle_activity_0_3() {
        let rows = [
            ("baseline", VisitCode::Baseline),
            ("m1", VisitCode::Month(1)),
            ("m3", VisitCode::Month(3)),
            ("m6", VisitCode::Month(6)),
            ("m9", VisitCode::Month(9)),
            ("m12", VisitCode::Month(12)),
            ("m255", VisitCode::Month(255)),
            ("unscheduled", VisitCode::Unscheduled),
        ];
        for (text, code) in rows {
            assert_eq!(VisitCode::parse("visit_type", text), Ok(code), "{text}");
            assert_eq!(code.to_string(), text, "{text} round trip");
        }
    }

    #[test]
    fn refuses_non_canonical_codes_naming_the_field() {
        for text in [
            "", "m", "m0", "m03", "M3", "m-1", "m256", "month3", "Baseline", " m3",
        ] {
            let err = VisitCode::parse("code", text).expect_err(text);
            assert_eq!(err.field, "code", "{text}");
            assert_eq!(err.value, text);
        }
    }

    #[test]
    fn orders_baseline_before_months_before_unscheduled() {
        assert!(VisitCode::Baseline < VisitCode::Month(1));
        assert!(VisitCode::Month(9) < VisitCode::Month(12));
        assert!(VisitCode::Month(255) < VisitCode::Unscheduled);
    }
}
