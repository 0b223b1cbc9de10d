//! Emergency unblinding of one patient (issue #4 item 2; ICH E9 §2.3.2): a reason is
//! required, the event is audited and kept in `unblinding`, the requester learns that
//! patient's arm and nobody else's, and monitors can list every unblinding.

use serde_json::json;
use sledger_core::InputError;

use crate::Store;
use crate::allocation::allocation_of;
use crate::authorization::{self, Permission};
use crate::error::StoreError;
use crate::fact;
use crate::study::{Study, require_patient};
use crate::write::{Actor, Write, new_id};

/// What the requester learns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unblinded {
    pub patient: String,
    pub number: i64,
    pub arm: String,
    pub at: String,
}

/// An unblinding event as monitors see it (no arm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnblindingEvent {
    pub patient: String,
    pub reason: String,
    pub requested_at: String,
    pub requested_by: String,
}

impl Store {
    /// Unblinds one randomized patient for `actor` (admin or investigator), with a reason.
    pub async fn unblind(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        reason: &str,
    ) -> Result<Unblinded, StoreError> {
        let result = self.try_unblind(actor, study, patient_code, reason).await;
        self.audit_refusal(actor, study, "unblinding", patient_code, result)
            .await
    }

    async fn try_unblind(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        reason: &str,
    ) -> Result<Unblinded, StoreError> {
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::Unblind).await?;
        if reason.trim().is_empty() {
            return Err(InputError::new(
                "reason",
                reason,
                "an emergency unblinding needs a reason",
            )
            .into());
        }
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        // Site isolation (authorization.rs): only the patient's own sites may screen,
        // stratify or unblind it.
        authorization::authorize_site(&mut w.tx, actor, Permission::Unblind, &patient.site).await?;
        let Some(allocation) =
            allocation_of(&mut w.tx, &study.study_id, &patient.entity_id).await?
        else {
            return Err(InputError::new(
                "patient",
                patient_code,
                "not randomized: there is no allocation to unblind",
            )
            .into());
        };
        let id = new_id();
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO unblinding (study_id, id, patient_id, allocation_id, reason, requested_at, requested_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                study.study_id.as_str().into(),
                id.as_str().into(),
                patient.entity_id.as_str().into(),
                allocation.id.as_str().into(),
                reason.into(),
                at.as_str().into(),
                actor.0.as_str().into(),
            ],
        )
        .await?;
        let after = json!({ "patient": patient_code, "number": allocation.number, "list": allocation.list.code() });
        w.audit(
            "unblind",
            "allocation",
            &allocation.id,
            None,
            Some(after.to_string()),
            Some(reason.to_owned()),
        )
        .await?;
        w.commit().await?;
        Ok(Unblinded {
            patient: patient_code.to_owned(),
            number: allocation.number,
            arm: allocation.arm,
            at,
        })
    }

    /// Every unblinding of the study, oldest first (admin, investigator, monitor, unblinded
    /// statistician).
    pub async fn unblindings(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<Vec<UnblindingEvent>, StoreError> {
        let result = self.try_unblindings(actor, study).await;
        self.audit_refusal(actor, study, "unblinding", &study.code, result)
            .await
    }

    async fn try_unblindings(
        &self,
        actor: &Actor,
        study: &Study,
    ) -> Result<Vec<UnblindingEvent>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        authorization::authorize(&mut tx, actor, Permission::ViewUnblindings).await?;
        let codes: std::collections::HashMap<String, String> = fact::PATIENT
            .current_all(&mut tx, &study.study_id)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.entity_id.clone(),
                    p.text("code").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let rows = tx
            .fetch_all(
                "SELECT patient_id, reason, requested_at, requested_by FROM unblinding \
                 WHERE study_id = $1 ORDER BY requested_at, id",
                &[study.study_id.as_str().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(UnblindingEvent {
                    patient: codes.get(&r.req_text(0)?).cloned().unwrap_or_default(),
                    reason: r.req_text(1)?,
                    requested_at: r.req_text(2)?,
                    requested_by: r.req_text(3)?,
                })
            })
            .collect()
    }
}
