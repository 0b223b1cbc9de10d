//! A condition (diagnosis or problem) as the hospital coded it, imported from a FHIR R4
//! Condition (issue #6 item 1; migration 0005): the code as sent, the FHIR clinical and
//! verification status, onset and abatement dates. No measure reads it: it is kept so the
//! record of the subject is complete (comorbidities, the lupus nephritis diagnosis).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sledger_core::InputError;

use crate::Store;
use crate::column::{self, Columns, code_of, text_or_null};
use crate::error::StoreError;
use crate::fact;
use crate::study::{Study, require_patient};

/// FHIR R4 condition-clinical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClinicalStatus {
    Active,
    Recurrence,
    Relapse,
    Inactive,
    Remission,
    Resolved,
}

/// FHIR R4 condition-ver-status (`entered-in-error` is never stored: the importer skips it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationStatus {
    Unconfirmed,
    Provisional,
    Differential,
    Confirmed,
    Refuted,
}

pub const CLINICAL_STATUSES: &str = "active, recurrence, relapse, inactive, remission, resolved";
pub const VERIFICATION_STATUSES: &str =
    "unconfirmed, provisional, differential, confirmed, refuted";

/// One condition. Built only by [`Condition::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    code_system: Option<String>,
    code: String,
    display: Option<String>,
    clinical_status: Option<ClinicalStatus>,
    verification_status: Option<VerificationStatus>,
    onset: Option<Date>,
    abatement: Option<Date>,
}

impl Condition {
    /// Refused, naming the field: an empty or over-long `code` (1–100 characters), an
    /// `abatement_date` before `onset_date`.
    pub fn new(
        code_system: Option<&str>,
        code: &str,
        display: Option<&str>,
        clinical_status: Option<ClinicalStatus>,
        verification_status: Option<VerificationStatus>,
        onset: Option<Date>,
        abatement: Option<Date>,
    ) -> Result<Condition, InputError> {
        let code = code.trim();
        if code.is_empty() || code.chars().count() > 100 {
            return Err(InputError::new("code", code, "a code, 1–100 characters"));
        }
        if let (Some(on), Some(off)) = (onset, abatement)
            && off < on
        {
            return Err(InputError::new(
                "abatement_date",
                off,
                "must not be before onset_date",
            ));
        }
        let keep = |t: Option<&str>| {
            t.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        Ok(Condition {
            code_system: keep(code_system),
            code: code.to_owned(),
            display: keep(display),
            clinical_status,
            verification_status,
            onset,
            abatement,
        })
    }

    pub fn code_system(&self) -> Option<&str> {
        self.code_system.as_deref()
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn display(&self) -> Option<&str> {
        self.display.as_deref()
    }

    pub fn clinical_status(&self) -> Option<ClinicalStatus> {
        self.clinical_status
    }

    pub fn verification_status(&self) -> Option<VerificationStatus> {
        self.verification_status
    }

    pub fn onset(&self) -> Option<Date> {
        self.onset
    }

    pub fn abatement(&self) -> Option<Date> {
        self.abatement
    }
}

/// The row of `condition` for `patient_id`.
pub(crate) fn values(patient_id: &str, c: &Condition) -> Columns {
    let mut v = Columns::new();
    v.insert("patient_id".into(), patient_id.into());
    v.insert("code_system".into(), text_or_null(c.code_system.clone()));
    v.insert("code".into(), c.code.clone().into());
    v.insert("display".into(), text_or_null(c.display.clone()));
    v.insert(
        "clinical_status".into(),
        text_or_null(c.clinical_status.map(|s| code_of(&s))),
    );
    v.insert(
        "verification_status".into(),
        text_or_null(c.verification_status.map(|s| code_of(&s))),
    );
    v.insert(
        "onset_date".into(),
        text_or_null(c.onset.map(|d| d.to_string())),
    );
    v.insert(
        "abatement_date".into(),
        text_or_null(c.abatement.map(|d| d.to_string())),
    );
    v
}

/// Parses a stored (or corrected) row.
pub(crate) fn parse(values: &Columns) -> Result<Condition, InputError> {
    Condition::new(
        column::text(values, "code_system"),
        column::required_text(values, "code")?,
        column::text(values, "display"),
        column::code(values, "clinical_status", CLINICAL_STATUSES)?,
        column::code(values, "verification_status", VERIFICATION_STATUSES)?,
        column::date(values, "onset_date")?,
        column::date(values, "abatement_date")?,
    )
}

impl Store {
    /// The current, not retracted conditions of the patient with study code `code`, by onset
    /// (unknown onsets last).
    pub async fn conditions(
        &self,
        study: &Study,
        code: &str,
    ) -> Result<Vec<Condition>, StoreError> {
        let sid = study.study_id.as_str();
        let mut tx = self.pool().begin_read().await?;
        let patient = require_patient(&mut tx, sid, code).await?;
        let rows = fact::CONDITION
            .current_where(&mut tx, sid, "patient_id", &patient.entity_id)
            .await?;
        drop(tx);
        let mut out = rows
            .iter()
            .map(|f| {
                parse(&f.values).map_err(|e| {
                    StoreError::Input(InputError {
                        field: format!("condition[{}].{}", f.entity_id, e.field).into(),
                        ..e
                    })
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|c| (c.onset.is_none(), c.onset, c.code.clone()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_condition_is_checked_and_round_trips() {
        let c = Condition::new(
            Some("http://hl7.org/fhir/sid/icd-10"),
            "M32.14",
            Some("Glomerular disease in SLE"),
            Some(ClinicalStatus::Active),
            Some(VerificationStatus::Confirmed),
            Some(date(2015, 6, 1)),
            None,
        )
        .expect("valid");
        assert_eq!(parse(&values("p", &c)), Ok(c));
        let err = Condition::new(
            None,
            "M32",
            None,
            None,
            None,
            Some(date(2015, 6, 1)),
            Some(date(2015, 5, 1)),
        )
        .unwrap_err();
        assert_eq!(err.field, "abatement_date");
        assert_eq!(
            Condition::new(None, " ", None, None, None, None, None)
                .unwrap_err()
                .field,
            "code"
        );
    }
}
