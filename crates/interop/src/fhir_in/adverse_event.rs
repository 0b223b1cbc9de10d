//! A FHIR R4 AdverseEvent into the facts sledger records for an adverse event (term, CTCAE
//! grade, seriousness, relatedness, onset, outcome). The store's `AdverseEvent::new` checks
//! them; this module only translates the FHIR vocabularies:
//!
//! - grade from `severity` (mild/moderate/severe = CTCAE v5.0 grades 1/2/3 by the CTCAE's
//!   own general definitions), grade 5 when `outcome` is fatal (CTCAE: death related to the
//!   AE); grade 4 (life-threatening) has no R4 severity code and is not inferred;
//! - seriousness from `seriousness` (HL7 adverse-event-seriousness: serious, non-serious);
//! - relatedness from `suspectEntity.causality.assessment` (WHO-UMC: Certain, Probable/Likely,
//!   Possible, Unlikely);
//! - outcome from `outcome` (HL7 adverse-event-outcome → CDISC AEOUT).

use jiff::civil::Date;
use sledger_core::InputError;

use super::observation::subject_identifier;
use super::resource::{CodeableConcept, Resource};

/// A mapped AdverseEvent, in the store's vocabulary (codes as `sledger visit record` takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirAdverseEvent {
    pub subject: String,
    pub term: String,
    pub ctcae_grade: i64,
    pub serious: bool,
    /// unrelated, unlikely, possible, probable, definite
    pub relatedness: &'static str,
    pub onset: Date,
    /// recovered, recovering, not_recovered, recovered_with_sequelae, fatal, unknown
    pub outcome: Option<&'static str>,
}

fn codes(c: Option<&CodeableConcept>) -> impl Iterator<Item = String> + '_ {
    c.into_iter().flat_map(|c| {
        c.coding
            .iter()
            .filter_map(|k| k.code.clone().or_else(|| k.display.clone()))
            .chain(c.text.clone())
    })
}

/// Maps an AdverseEvent resource; refusals name the FHIR element.
pub fn map_adverse_event(r: &Resource) -> Result<FhirAdverseEvent, InputError> {
    if r.actuality.as_deref() == Some("potential") {
        return Err(InputError::new(
            "actuality",
            "potential",
            "only actual adverse events are recorded (a potential one is a near miss)",
        ));
    }
    let subject = subject_identifier(r.subject.as_ref())?;
    let event = r.event.as_ref();
    let term = event
        .and_then(|e| {
            e.coding
                .iter()
                .find_map(|c| c.display.clone())
                .or_else(|| e.text.clone())
                .or_else(|| e.coding.iter().find_map(|c| c.code.clone()))
        })
        .ok_or_else(|| {
            InputError::new(
                "event",
                "null",
                "an adverse event names its event (MedDRA term)",
            )
        })?;
    let outcome = match codes(r.outcome.as_ref()).next().as_deref() {
        None => None,
        Some("resolved") => Some("recovered"),
        Some("recovering") => Some("recovering"),
        Some("ongoing") => Some("not_recovered"),
        Some("resolvedWithSequelae") => Some("recovered_with_sequelae"),
        Some("fatal") => Some("fatal"),
        Some("unknown") => Some("unknown"),
        Some(other) => {
            return Err(InputError::new(
                "outcome",
                other,
                "resolved, recovering, ongoing, resolvedWithSequelae, fatal or unknown",
            ));
        }
    };
    let ctcae_grade = if outcome == Some("fatal") {
        5
    } else {
        match codes(r.severity.as_ref()).next().as_deref() {
            Some("mild") => 1,
            Some("moderate") => 2,
            Some("severe") => 3,
            other => {
                return Err(InputError::new(
                    "severity",
                    other.unwrap_or("null"),
                    "mild, moderate or severe (CTCAE v5.0 grades 1–3)",
                ));
            }
        }
    };
    let serious = match codes(r.seriousness.as_ref()).next().as_deref() {
        Some("serious") => true,
        Some("non-serious") => false,
        other => {
            return Err(InputError::new(
                "seriousness",
                other.unwrap_or("null"),
                "serious or non-serious (ICH E2A)",
            ));
        }
    };
    let assessment = r
        .suspect_entity
        .iter()
        .flat_map(|s| s.causality.iter())
        .find_map(|c| codes(c.assessment.as_ref()).next());
    let relatedness = match assessment
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("certain") => "definite",
        Some("probable" | "likely" | "probable/likely") => "probable",
        Some("possible") => "possible",
        Some("unlikely") => "unlikely",
        Some("unrelated" | "not related") => "unrelated",
        other => {
            return Err(InputError::new(
                "suspectEntity.causality.assessment",
                other.unwrap_or("null"),
                "a WHO-UMC causality: Certain, Probable/Likely, Possible, Unlikely (or Unrelated)",
            ));
        }
    };
    let date = r.date.as_deref().unwrap_or_default();
    let onset = date.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| {
        InputError::new(
            "date",
            if date.is_empty() { "null" } else { date },
            "the onset date (YYYY-MM-DD…)",
        )
    })?;
    Ok(FhirAdverseEvent {
        subject,
        term,
        ctcae_grade,
        serious,
        relatedness,
        onset,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir_in::parse_line;

    const AE: &str = r#"{"resourceType":"AdverseEvent","id":"ae1","actuality":"actual",
        "subject":{"reference":"Patient/p1"},
        "event":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10037660","display":"Pyrexia"}]},
        "date":"2017-03-02T10:00:00Z",
        "seriousness":{"coding":[{"code":"non-serious"}]},
        "severity":{"coding":[{"code":"moderate"}]},
        "outcome":{"coding":[{"code":"resolved"}]},
        "suspectEntity":[{"instance":{"reference":"Procedure/inf1"},"causality":[{"assessment":{"coding":[{"code":"Possible"}]}}]}]}"#;

    #[test]
    fn an_adverse_event_maps_to_grade_seriousness_relatedness_and_outcome() {
        let ae = map_adverse_event(&parse_line(AE).unwrap()).unwrap();
        assert_eq!(ae.term, "Pyrexia");
        assert_eq!(
            (ae.ctcae_grade, ae.serious, ae.relatedness),
            (2, false, "possible")
        );
        assert_eq!(ae.outcome, Some("recovered"));
        assert_eq!(ae.onset, jiff::civil::date(2017, 3, 2));
        let fatal = AE.replace(r#""code":"resolved""#, r#""code":"fatal""#);
        assert_eq!(
            map_adverse_event(&parse_line(&fatal).unwrap())
                .unwrap()
                .ctcae_grade,
            5
        );
    }

    #[test]
    fn missing_vocabulary_is_refused_naming_the_element() {
        for (from, to, field) in [
            (r#""code":"moderate""#, r#""code":"grave""#, "severity"),
            (r#""code":"non-serious""#, r#""code":"x""#, "seriousness"),
            (
                r#""code":"Possible""#,
                r#""code":"Unassessable""#,
                "suspectEntity.causality.assessment",
            ),
            (
                r#""actuality":"actual""#,
                r#""actuality":"potential""#,
                "actuality",
            ),
            (r#""date":"2017-03-02T10:00:00Z","#, "", "date"),
        ] {
            let line = AE.replace(from, to);
            assert_eq!(
                map_adverse_event(&parse_line(&line).unwrap())
                    .unwrap_err()
                    .field,
                field,
                "{to}"
            );
        }
    }
}
