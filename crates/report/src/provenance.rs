//! What a report says about how it was made (DESIGN §3: "a report records the engine version
//! and configuration it used"; issue #5 "each report states the rules it applied").

use serde::Serialize;

/// The study, the engine and the configuration behind a report, and when it was made. The
/// caller supplies the time (this crate reads no clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub study_code: String,
    pub study_title: String,
    pub protocol_id: String,
    pub protocol_version: String,
    /// sledger-core's version (`sledger_core::ENGINE_VERSION`).
    pub engine_version: String,
    /// The measure configuration's id (sledger-score `config_id`: SHA-256 prefix of its
    /// canonical TOML).
    pub config_id: String,
    /// When the report was generated (RFC 3339, UTC).
    pub generated_at: String,
}

/// One rule a report applied, with the section of the specification it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub source: &'static str,
    pub text: String,
}

impl Rule {
    pub(crate) fn new(source: &'static str, text: impl Into<String>) -> Rule {
        Rule {
            source,
            text: text.into(),
        }
    }
}

/// The rules every report that shows per-visit measures applies.
pub(crate) fn measure_rules() -> Vec<Rule> {
    vec![
        Rule::new(
            "DESIGN §3, invariant 3",
            "Every measure is derived by sledger-core from the stored facts at the time of the \
             report; nothing is read from a stored result.",
        ),
        Rule::new(
            "issue #5",
            "A missing visit or value is shown as \u{2014} and counted as missing; nothing is \
             imputed, carried forward or interpolated (plots break their lines at a gap).",
        ),
        Rule::new(
            "renal.md §2.3",
            "UPCR per visit by the preference order 24-h collection ratio > 24-h protein read as \
             g/g > first-morning void > random spot; flagged (*) sources are marked.",
        ),
        Rule::new(
            "renal.md §1.6",
            "eGFR (mL/min/1.73 m²) by the equation §1.6.1 selects at the patient's age on the \
             sample date, from the visit's latest serum creatinine.",
        ),
        Rule::new(
            "renal.md §3.2",
            "Renal response by KDIGO 2024 against the baseline visit (complete, partial, none, \
             not evaluable with the missing inputs).",
        ),
        Rule::new(
            "sle-activity §1, §2.4",
            "SLEDAI-2K from the investigator's answers and the labs in the look-back window; a \
             flare is an increase of at least the configured threshold (default 4) over the \
             previous assessment (Gladman 2000); a range a–b is shown when descriptors are missing.",
        ),
        Rule::new(
            "sle-activity §8.4, §8.6",
            "Prednisone-equivalent maintenance dose on the visit date (pulses excluded) and its \
             % reduction from the baseline visit's dose.",
        ),
        Rule::new(
            "sle-activity §9.3",
            "C3 and C4 in g/L, anti-dsDNA in IU/mL, 24-h protein in g/day: the visit's latest \
             result, converted to the canonical unit.",
        ),
    ]
}
