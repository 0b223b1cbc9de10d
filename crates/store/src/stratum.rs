//! A patient's stratum values (issue #4): one versioned fact per stratification factor,
//! checked against the protocol's declared levels, then locked. Randomization reads the values
//! as locked, so the allocation is bound to what was recorded at that moment; after the lock
//! they cannot change.

use serde_json::{Map, Value, json};
use sledger_core::InputError;
use sledger_core::protocol::RandomizationPlan;

use crate::Store;
use crate::authorization::{self, Permission};
use crate::backend::Tx;
use crate::error::StoreError;
use crate::fact;
use crate::study::{Study, require_patient};
use crate::write::{Actor, Write};

/// Whether to lock the values after recording them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Lock: every factor must then have a value.
    Lock,
    /// Leave unlocked (values can still change).
    Leave,
}

/// A patient's stratum values and whether they are locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumValues {
    /// (factor, level) in the protocol's factor order, for the factors recorded.
    pub values: Vec<(String, String)>,
    /// When they were locked, if they were.
    pub locked_at: Option<String>,
}

/// The study's randomization plan, or a refusal naming `randomization`.
pub(crate) fn plan(study: &Study) -> Result<&RandomizationPlan, StoreError> {
    study.protocol.randomization().ok_or_else(|| {
        InputError::new(
            "randomization",
            &study.code,
            "the study's protocol has no [randomization] table (docs/randomization.md)",
        )
        .into()
    })
}

impl Store {
    /// Records (or changes, before the lock) stratum values of a patient, then locks them
    /// when `lock` says so. All or nothing, one audit entry per fact and one for the lock.
    pub async fn set_strata(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        values: &[(String, String)],
        lock: Lock,
    ) -> Result<StratumValues, StoreError> {
        let result = self
            .try_set_strata(actor, study, patient_code, values, lock)
            .await;
        self.audit_refusal(actor, study, "stratum_value", patient_code, result)
            .await
    }

    async fn try_set_strata(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        values: &[(String, String)],
        lock: Lock,
    ) -> Result<StratumValues, StoreError> {
        let plan = plan(study)?;
        for (name, level) in values {
            let factor = plan
                .factors()
                .iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = plan.factors().iter().map(|f| f.name()).collect();
                    InputError::new(
                        "factor",
                        name,
                        format!(
                            "not a stratification factor of the protocol ({})",
                            names.join(", ")
                        ),
                    )
                })?;
            factor.level_index(level)?;
        }
        if values.is_empty() && lock == Lock::Leave {
            return Err(InputError::new("set", "", "give factor=level or --lock").into());
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::RecordScreening).await?;
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        // Site isolation (authorization.rs): only the patient's own sites may screen,
        // stratify or unblind it.
        authorization::authorize_site(&mut w.tx, actor, Permission::RecordScreening, &patient.site)
            .await?;
        if let Some(at) = locked_at(&mut w.tx, &study.study_id, &patient.entity_id).await? {
            return Err(InputError::new(
                "strata",
                patient_code,
                format!("locked at {at}: stratum values cannot change after locking"),
            )
            .into());
        }
        for (name, level) in values {
            // The site factor is the site the patient was enrolled at.
            if name == "site" && level != &patient.site {
                return Err(InputError::new(
                    "site",
                    level,
                    format!("the patient is enrolled at site {}", patient.site),
                )
                .into());
            }
        }
        let current = fact::STRATUM_VALUE
            .current_where(&mut w.tx, &study.study_id, "patient_id", &patient.entity_id)
            .await?;
        for (name, level) in values {
            w.record_keyed(
                &fact::STRATUM_VALUE,
                &current,
                &patient.entity_id,
                ("factor", name),
                ("level", level),
                "stratum value changed before locking",
            )
            .await?;
        }
        let recorded =
            recorded_values(&mut w.tx, plan, &study.study_id, &patient.entity_id).await?;
        let mut locked = None;
        if lock == Lock::Lock {
            plan.stratum(&recorded)?;
            let snapshot: Map<String, Value> = recorded
                .iter()
                .map(|(f, l)| (f.clone(), Value::from(l.clone())))
                .collect();
            let after = json!({ "patient": patient_code, "values": snapshot }).to_string();
            let snapshot = Value::Object(snapshot).to_string();
            let at = w.at().to_owned();
            w.tx.execute(
                "INSERT INTO stratum_lock (study_id, patient_id, values_json, locked_at, locked_by) VALUES ($1, $2, $3, $4, $5)",
                &[
                    study.study_id.as_str().into(),
                    patient.entity_id.as_str().into(),
                    snapshot.as_str().into(),
                    at.as_str().into(),
                    actor.0.as_str().into(),
                ],
            )
            .await?;
            w.audit(
                "lock",
                "stratum_lock",
                &patient.entity_id,
                None,
                Some(after),
                None,
            )
            .await?;
            locked = Some(at);
        }
        w.commit().await?;
        Ok(StratumValues {
            values: recorded,
            locked_at: locked,
        })
    }

    /// A patient's stratum values and lock.
    pub async fn strata_of(
        &self,
        study: &Study,
        patient_code: &str,
    ) -> Result<StratumValues, StoreError> {
        let plan = plan(study)?;
        let mut tx = self.pool().begin_read().await?;
        let patient = require_patient(&mut tx, &study.study_id, patient_code).await?;
        let values = recorded_values(&mut tx, plan, &study.study_id, &patient.entity_id).await?;
        let locked_at = locked_at(&mut tx, &study.study_id, &patient.entity_id).await?;
        Ok(StratumValues { values, locked_at })
    }
}

/// The current values, in the plan's factor order.
async fn recorded_values(
    tx: &mut Tx,
    plan: &RandomizationPlan,
    study_id: &str,
    patient_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let current = fact::STRATUM_VALUE
        .current_where(tx, study_id, "patient_id", patient_id)
        .await?;
    Ok(plan
        .factors()
        .iter()
        .filter_map(|f| {
            current
                .iter()
                .find(|v| v.text("factor") == Some(f.name()))
                .and_then(|v| v.text("level"))
                .map(|l| (f.name().to_owned(), l.to_owned()))
        })
        .collect())
}

async fn locked_at(
    tx: &mut Tx,
    study_id: &str,
    patient_id: &str,
) -> Result<Option<String>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT locked_at FROM stratum_lock WHERE study_id = $1 AND patient_id = $2",
            &[study_id.into(), patient_id.into()],
        )
        .await?;
    row.map(|r| r.req_text(0)).transpose()
}

/// The values as locked, in the plan's factor order; None when not locked.
pub(crate) async fn locked_values(
    tx: &mut Tx,
    plan: &RandomizationPlan,
    study_id: &str,
    patient_id: &str,
) -> Result<Option<Vec<(String, String)>>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT values_json FROM stratum_lock WHERE study_id = $1 AND patient_id = $2",
            &[study_id.into(), patient_id.into()],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let json: Map<String, Value> = serde_json::from_str(&row.req_text(0)?)
        .map_err(|_| StoreError::Corrupt("stratum_lock.values_json is not a JSON object"))?;
    Ok(Some(
        plan.factors()
            .iter()
            .filter_map(|f| {
                json.get(f.name())
                    .and_then(Value::as_str)
                    .map(|l| (f.name().to_owned(), l.to_owned()))
            })
            .collect(),
    ))
}
