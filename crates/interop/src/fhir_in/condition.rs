//! A FHIR R4 Condition into the facts sledger keeps of a diagnosis or problem: the code as
//! sent (system, code, display), clinical and verification status (the R4 required value
//! sets condition-clinical and condition-ver-status), onset and abatement dates. A Condition
//! whose verification status is `entered-in-error` is skipped (counted, not stored).

use jiff::civil::Date;
use sledger_core::InputError;

use super::calendar_date::{calendar_date, optional_date};
use super::mapped::Mapped;
use super::observation::subject_identifier;
use super::resource::{CodeableConcept, Period, Resource};

/// condition-clinical (FHIR R4).
pub const CLINICAL_STATUSES: [&str; 6] = [
    "active",
    "recurrence",
    "relapse",
    "inactive",
    "remission",
    "resolved",
];

/// condition-ver-status (FHIR R4).
pub const VERIFICATION_STATUSES: [&str; 6] = [
    "unconfirmed",
    "provisional",
    "differential",
    "confirmed",
    "refuted",
    "entered-in-error",
];

/// A mapped Condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirCondition {
    pub subject: String,
    pub code_system: Option<String>,
    pub code: String,
    pub display: Option<String>,
    pub clinical_status: Option<&'static str>,
    pub verification_status: Option<&'static str>,
    pub onset: Option<Date>,
    pub abatement: Option<Date>,
}

/// Maps a Condition; refusals name the FHIR element.
pub fn map_condition(r: &Resource) -> Result<Mapped<FhirCondition>, InputError> {
    let verification_status = status(
        "verificationStatus",
        r.verification_status.as_ref(),
        &VERIFICATION_STATUSES,
    )?;
    if verification_status == Some("entered-in-error") {
        return Ok(Mapped::Skipped {
            status: "entered-in-error".into(),
        });
    }
    let clinical_status = status(
        "clinicalStatus",
        r.clinical_status.as_ref(),
        &CLINICAL_STATUSES,
    )?;
    let subject = subject_identifier(r.subject.as_ref())?;
    let concept = r.code.as_ref();
    let coding = concept
        .and_then(|c| {
            c.coding
                .iter()
                .find(|k| k.code.as_deref().is_some_and(|c| !c.is_empty()))
        })
        .ok_or_else(|| {
            InputError::new(
                "code.coding",
                concept.and_then(|c| c.text.as_deref()).unwrap_or("null"),
                "a Condition is stored by its coded concept (system and code)",
            )
        })?;
    let display = coding
        .display
        .clone()
        .or_else(|| concept.and_then(|c| c.text.clone()));
    let onset = date_of(
        ("onsetDateTime", r.onset_date_time.as_deref()),
        ("onsetPeriod.start", r.onset_period.as_ref()),
    )?;
    let abatement = date_of(
        ("abatementDateTime", r.abatement_date_time.as_deref()),
        ("abatementPeriod.start", r.abatement_period.as_ref()),
    )?;
    if let (Some(on), Some(off)) = (onset, abatement)
        && off < on
    {
        return Err(InputError::new(
            "abatement[x]",
            off,
            "must not be before the onset",
        ));
    }
    Ok(Mapped::Record(FhirCondition {
        subject,
        code_system: coding.system.clone(),
        code: coding.code.clone().unwrap_or_default(),
        display,
        clinical_status,
        verification_status,
        onset,
        abatement,
    }))
}

fn status(
    field: &'static str,
    concept: Option<&CodeableConcept>,
    codes: &[&'static str],
) -> Result<Option<&'static str>, InputError> {
    let Some(code) = concept.and_then(|c| c.coding.iter().find_map(|k| k.code.as_deref())) else {
        return Ok(None);
    };
    codes
        .iter()
        .find(|c| **c == code)
        .map(|c| Some(*c))
        .ok_or_else(|| InputError::new(field, code, format!("one of {}", codes.join(", "))))
}

fn date_of(
    (dt_field, date_time): (&'static str, Option<&str>),
    (period_field, period): (&'static str, Option<&Period>),
) -> Result<Option<Date>, InputError> {
    match (date_time, period.and_then(|p| p.start.as_deref())) {
        (Some(t), _) => calendar_date(dt_field, t).map(Some),
        (None, start) => optional_date(period_field, start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir_in::parse_line;

    const NEPHRITIS: &str = r#"{"resourceType":"Condition","id":"c1",
        "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
        "verificationStatus":{"coding":[{"code":"confirmed"}]},
        "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"M32.14","display":"Glomerular disease in SLE"}],"text":"Lupus nephritis"},
        "subject":{"reference":"Patient/p1"},"onsetDateTime":"2015-06-01","abatementDateTime":"2019-01-10T00:00:00Z"}"#;

    #[test]
    fn a_condition_keeps_its_code_statuses_and_dates() {
        let Mapped::Record(c) = map_condition(&parse_line(NEPHRITIS).unwrap()).unwrap() else {
            panic!("not a record")
        };
        assert_eq!(
            c.code_system.as_deref(),
            Some("http://hl7.org/fhir/sid/icd-10")
        );
        assert_eq!(c.code, "M32.14");
        assert_eq!(c.display.as_deref(), Some("Glomerular disease in SLE"));
        assert_eq!(
            (c.clinical_status, c.verification_status),
            (Some("active"), Some("confirmed"))
        );
        assert_eq!(c.onset, Some(jiff::civil::date(2015, 6, 1)));
        assert_eq!(c.abatement, Some(jiff::civil::date(2019, 1, 10)));
    }

    #[test]
    fn entered_in_error_is_skipped_and_bad_elements_refused() {
        let error = NEPHRITIS.replace(r#""code":"confirmed""#, r#""code":"entered-in-error""#);
        assert!(matches!(
            map_condition(&parse_line(&error).unwrap()),
            Ok(Mapped::Skipped { .. })
        ));
        for (from, to, field) in [
            (
                r#""code":"active""#,
                r#""code":"ongoing""#,
                "clinicalStatus",
            ),
            (
                r#""code":"confirmed""#,
                r#""code":"yes""#,
                "verificationStatus",
            ),
            (r#""code":"M32.14","#, "", "code.coding"),
            (
                r#""onsetDateTime":"2015-06-01""#,
                r#""onsetDateTime":"2020-06-01""#,
                "abatement[x]",
            ),
            (
                r#""onsetDateTime":"2015-06-01""#,
                r#""onsetDateTime":"June""#,
                "onsetDateTime",
            ),
            (r#""subject":{"reference":"Patient/p1"},"#, "", "subject"),
        ] {
            let line = NEPHRITIS.replace(from, to);
            assert_ne!(line, NEPHRITIS, "{from}");
            assert_eq!(
                map_condition(&parse_line(&line).unwrap())
                    .unwrap_err()
                    .field,
                field,
                "{to}"
            );
        }
    }
}
