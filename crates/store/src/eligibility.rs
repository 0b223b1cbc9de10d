//! Eligibility answers (`eligibility_answer`, a versioned fact) and the check randomization
//! makes: every inclusion criterion of the protocol answered "yes", every exclusion criterion
//! answered "no" (issue #4 "randomizing an ineligible patient": refused). Typed criteria
//! (age, ISN/RPS class, SLEDAI-2K, biopsy recency) are answered by the investigator like the
//! questions: the facts they need are not all captured before randomization. An age criterion
//! is also computed from the birth month and the enrollment date, and an answer it contradicts
//! is refused.

use sledger_core::InputError;
use sledger_core::protocol::{Criterion, Protocol, Rule};

use crate::Store;
use crate::authorization::{self, Permission};
use crate::backend::Tx;
use crate::error::StoreError;
use crate::fact;
use crate::study::{PatientRef, Study, require_patient};
use crate::write::{Actor, Write};

/// An answer to a criterion: does the patient meet it?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
}

impl Answer {
    /// `yes` or `no`, naming the criterion otherwise.
    pub fn parse(criterion: &str, text: &str) -> Result<Answer, InputError> {
        match text {
            "yes" => Ok(Answer::Yes),
            "no" => Ok(Answer::No),
            _ => Err(InputError::new(
                format!("eligibility.{criterion}"),
                text,
                "answer yes or no",
            )),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        }
    }
}

/// Which list a criterion is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Inclusion,
    Exclusion,
}

fn criteria(protocol: &Protocol) -> impl Iterator<Item = (Kind, &Criterion)> {
    let e = protocol.eligibility();
    e.inclusion
        .iter()
        .map(|c| (Kind::Inclusion, c))
        .chain(e.exclusion.iter().map(|c| (Kind::Exclusion, c)))
}

impl Store {
    /// Records answers to the protocol's criteria for a patient, all or nothing. A criterion
    /// answered before gets a new version (the old one stays).
    pub async fn record_eligibility(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        answers: &[(String, Answer)],
    ) -> Result<(), StoreError> {
        let result = self
            .try_record_eligibility(actor, study, patient_code, answers)
            .await;
        self.audit_refusal(actor, study, "eligibility_answer", patient_code, result)
            .await
    }

    async fn try_record_eligibility(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        answers: &[(String, Answer)],
    ) -> Result<(), StoreError> {
        if answers.is_empty() {
            return Err(InputError::new("answer", "", "give at least one criterion=yes|no").into());
        }
        for (id, _) in answers {
            if !criteria(&study.protocol).any(|(_, c)| &c.id == id) {
                let ids: Vec<&str> = criteria(&study.protocol)
                    .map(|(_, c)| c.id.as_str())
                    .collect();
                return Err(InputError::new(
                    "criterion",
                    id,
                    format!("not a criterion of the protocol ({})", ids.join(", ")),
                )
                .into());
            }
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::RecordScreening).await?;
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        // Site isolation (authorization.rs): only the patient's own sites may screen,
        // stratify or unblind it.
        authorization::authorize_site(&mut w.tx, actor, Permission::RecordScreening, &patient.site)
            .await?;
        let current = fact::ELIGIBILITY_ANSWER
            .current_where(&mut w.tx, &study.study_id, "patient_id", &patient.entity_id)
            .await?;
        for (id, answer) in answers {
            w.record_keyed(
                &fact::ELIGIBILITY_ANSWER,
                &current,
                &patient.entity_id,
                ("criterion", id),
                ("answer", answer.code()),
                "eligibility re-assessed",
            )
            .await?;
        }
        w.commit().await
    }
}

/// Refuses a patient who does not meet the protocol's criteria by the recorded answers,
/// naming the first criterion missing or failed.
pub(crate) async fn check(
    tx: &mut Tx,
    study: &Study,
    patient: &PatientRef,
) -> Result<(), StoreError> {
    let current = fact::ELIGIBILITY_ANSWER
        .current_where(tx, &study.study_id, "patient_id", &patient.entity_id)
        .await?;
    for (kind, criterion) in criteria(&study.protocol) {
        let field = format!("eligibility.{}", criterion.id);
        let Some(answer) = current
            .iter()
            .find(|f| f.text("criterion") == Some(&criterion.id))
            .and_then(|f| f.text("answer"))
        else {
            return Err(InputError::new(
                field,
                "",
                format!(
                    "not answered: \"{}\" must be answered before randomization",
                    criterion.text
                ),
            )
            .into());
        };
        let eligible = match kind {
            Kind::Inclusion => answer == "yes",
            Kind::Exclusion => answer == "no",
        };
        // An age criterion is also computed from the birth month and the enrollment date;
        // an answer it contradicts is refused.
        if let Rule::Age(range) = &criterion.rule {
            let computed = range.decide_from_birth_month(
                patient.birth_year,
                patient.birth_month,
                patient.enrollment_date,
            );
            let meets = matches!(kind, Kind::Inclusion) == eligible;
            if computed.is_some_and(|c| c != meets) {
                return Err(InputError::new(
                    field,
                    answer,
                    format!(
                        "contradicts the age computed from birth {}-{:02} at enrollment on {}: \"{}\"",
                        patient.birth_year, patient.birth_month, patient.enrollment_date, criterion.text
                    ),
                )
                .into());
            }
        }
        if !eligible {
            let rule = match kind {
                Kind::Inclusion => "inclusion criterion not met",
                Kind::Exclusion => "exclusion criterion met",
            };
            return Err(
                InputError::new(field, answer, format!("{rule}: \"{}\"", criterion.text)).into(),
            );
        }
    }
    Ok(())
}
