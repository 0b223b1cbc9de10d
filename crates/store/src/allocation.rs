//! Randomizing a patient (issue #4 items 2–3): one transaction that checks the patient is
//! eligible, not yet randomized and has complete, locked stratum values, takes the next
//! unused slot of the stratum's list (or, for minimization, computes the arm from the seed and
//! the prior allocations, replayed in order), numbers the allocation and audits it. There is
//! no correction path: an allocation is irreversible.
//!
//! Concurrency: [`Write::begin`] serializes writes per study before anything is read — on
//! PostgreSQL by the study's advisory lock (READ COMMITTED: every later statement sees the
//! allocations committed before the lock was granted), on SQLite by `BEGIN IMMEDIATE` — so the
//! slot is always chosen after the lock is held. The unique indexes on (list, stratum,
//! sequence) and (list, number) make a duplicate impossible even if that were broken.
//!
//! Concealment: the arm leaves the store only for roles that may see it
//! (authorization.rs); the audit entry carries a keyed digest of the arm, not the arm.

use serde_json::{Map, Value, json};
use sledger_core::InputError;
use sledger_core::protocol::Method;
use sledger_core::randomization::Minimization;

use crate::Store;
use crate::authorization::{self, Permission};
use crate::backend::Tx;
use crate::eligibility;
use crate::error::StoreError;
use crate::randomization_list::{ListKind, arm_id, extend_list, keyed_digest, seed_of};
use crate::stratum::{locked_values, plan};
use crate::study::{Study, require_patient};
use crate::write::{Actor, Write, new_id};

/// An allocation as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationView {
    pub patient: String,
    pub list: ListKind,
    /// The allocation number, 1, 2, … per list in the order of randomization.
    pub number: i64,
    /// The stratum label ("site=HCUV, …").
    pub stratum: String,
    pub allocated_at: String,
    pub allocated_by: String,
    /// The arm id, only for roles that may see it.
    pub arm: Option<String>,
}

/// A stored allocation row.
#[derive(Debug, Clone)]
pub(crate) struct StoredAllocation {
    pub id: String,
    pub list: ListKind,
    pub number: i64,
    pub stratum: String,
    pub arm: String,
    pub allocated_at: String,
    pub allocated_by: String,
}

/// The allocation of a patient, if randomized.
pub(crate) async fn allocation_of(
    tx: &mut Tx,
    study_id: &str,
    patient_id: &str,
) -> Result<Option<StoredAllocation>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT id, list_kind, allocation_no, stratum, arm, allocated_at, allocated_by \
             FROM allocation WHERE study_id = $1 AND patient_id = $2",
            &[study_id.into(), patient_id.into()],
        )
        .await?;
    row.map(|r| {
        Ok(StoredAllocation {
            id: r.req_text(0)?,
            list: r
                .req_text(1)?
                .parse()
                .map_err(|_| StoreError::Corrupt("allocation.list_kind is not test or live"))?,
            number: r.req_int(2)?,
            stratum: r.req_text(3)?,
            arm: r.req_text(4)?,
            allocated_at: r.req_text(5)?,
            allocated_by: r.req_text(6)?,
        })
    })
    .transpose()
}

impl Store {
    /// Randomizes the patient on list `kind`. Refusals (ineligible, already randomized,
    /// strata missing or unlocked, not set up, forbidden) consume nothing and are audited.
    pub async fn randomize(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        kind: ListKind,
    ) -> Result<AllocationView, StoreError> {
        let result = self.try_randomize(actor, study, patient_code, kind).await;
        self.audit_refusal(actor, study, "allocation", patient_code, result)
            .await
    }

    async fn try_randomize(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
        kind: ListKind,
    ) -> Result<AllocationView, StoreError> {
        let plan = plan(study)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let role = authorization::authorize(&mut w.tx, actor, Permission::Randomize).await?;
        let patient = require_patient(&mut w.tx, &study.study_id, patient_code).await?;
        authorization::authorize_site(&mut w.tx, actor, Permission::Randomize, &patient.site)
            .await?;
        let seed = seed_of(&mut w.tx, study, kind).await?;
        if let Some(done) = allocation_of(&mut w.tx, &study.study_id, &patient.entity_id).await? {
            return Err(InputError::new(
                "patient",
                patient_code,
                format!(
                    "already randomized (number {} on the {} list): an allocation is irreversible",
                    done.number, done.list
                ),
            )
            .into());
        }
        eligibility::check(&mut w.tx, study, &patient).await?;
        let Some(values) =
            locked_values(&mut w.tx, plan, &study.study_id, &patient.entity_id).await?
        else {
            return Err(InputError::new(
                "strata",
                patient_code,
                "stratum values are not locked: record them and lock them first \
                 (sledger patient strata CODE --set factor=level … --lock)",
            )
            .into());
        };
        let stratum = plan.stratum(&values)?;
        let index = plan.stratum_index(&stratum);
        let label = stratum.label(plan.factors());

        let (sequence_no, arm) = match plan.method() {
            Method::PermutedBlocks(_) => {
                let sequence_no = next_in_stratum(&mut w.tx, study, kind, index).await?;
                let arm = match slot_arm(&mut w.tx, study, kind, index, sequence_no).await? {
                    Some(arm) => arm,
                    None => {
                        extend_list(&mut w, study, plan, kind, &seed, index, sequence_no).await?;
                        slot_arm(&mut w.tx, study, kind, index, sequence_no)
                            .await?
                            .ok_or(StoreError::Corrupt("an extended list lacks the next slot"))?
                    }
                };
                (sequence_no, arm)
            }
            Method::Minimization(design) => {
                let prior = w
                    .tx
                    .fetch_all(
                        "SELECT stratum_index, arm FROM allocation WHERE study_id = $1 AND list_kind = $2 ORDER BY allocation_no",
                        &[study.study_id.as_str().into(), kind.code().into()],
                    )
                    .await?;
                let strata = plan.strata();
                let mut m = Minimization::new(design.clone(), seed);
                for row in &prior {
                    let levels = usize::try_from(row.req_int(0)?)
                        .ok()
                        .and_then(|i| strata.get(i))
                        .ok_or(StoreError::Corrupt(
                            "a stratum index beyond the plan's strata",
                        ))?;
                    let replayed = arm_id(study, m.allocate(&levels.0)?.0)?;
                    if replayed != row.req_text(1)? {
                        return Err(StoreError::Corrupt(
                            "the minimization replay differs from the stored allocations",
                        ));
                    }
                }
                let arm = arm_id(study, m.allocate(&stratum.0)?.0)?;
                (prior.len() as i64 + 1, arm)
            }
        };
        let number =
            w.tx.fetch_optional(
                "SELECT MAX(allocation_no) FROM allocation WHERE study_id = $1 AND list_kind = $2",
                &[study.study_id.as_str().into(), kind.code().into()],
            )
            .await?
            .and_then(|r| r.int(0).ok().flatten())
            .unwrap_or(0)
                + 1;
        let id = new_id();
        let at = w.at().to_owned();
        w.tx.execute(
            "INSERT INTO allocation (study_id, id, patient_id, list_kind, sequence_no, stratum, arm, allocated_at, allocated_by, allocation_no, stratum_index) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                study.study_id.as_str().into(),
                id.as_str().into(),
                patient.entity_id.as_str().into(),
                kind.code().into(),
                sequence_no.into(),
                label.as_str().into(),
                arm.as_str().into(),
                at.as_str().into(),
                actor.0.as_str().into(),
                number.into(),
                (index as i64).into(),
            ],
        )
        .await?;
        let values_json: Map<String, Value> = values
            .iter()
            .map(|(f, l)| (f.clone(), Value::from(l.clone())))
            .collect();
        let after = json!({
            "patient": patient_code, "list": kind.code(), "number": number,
            "stratum": label, "values": values_json,
            "arm_digest": keyed_digest(&seed, &format!("{id}|{arm}")),
        });
        w.audit(
            "randomize",
            "allocation",
            &id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(AllocationView {
            patient: patient_code.to_owned(),
            list: kind,
            number,
            stratum: label,
            allocated_at: at,
            allocated_by: actor.0.clone(),
            arm: authorization::sees_arms(role, study.protocol.blinding()).then_some(arm),
        })
    }

    /// The allocation of a patient as `actor` may see it (None: not randomized).
    pub async fn allocation(
        &self,
        actor: &Actor,
        study: &Study,
        patient_code: &str,
    ) -> Result<Option<AllocationView>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let role = authorization::authorize(&mut tx, actor, Permission::ViewAllocation).await?;
        let patient = require_patient(&mut tx, &study.study_id, patient_code).await?;
        authorization::authorize_site(&mut tx, actor, Permission::ViewAllocation, &patient.site)
            .await?;
        let stored = allocation_of(&mut tx, &study.study_id, &patient.entity_id).await?;
        Ok(stored.map(|a| AllocationView {
            patient: patient_code.to_owned(),
            list: a.list,
            number: a.number,
            stratum: a.stratum,
            allocated_at: a.allocated_at,
            allocated_by: a.allocated_by,
            arm: authorization::sees_arms(role, study.protocol.blinding()).then_some(a.arm),
        }))
    }
}

/// The next sequence number of a stratum's list: one past the highest taken.
async fn next_in_stratum(
    tx: &mut Tx,
    study: &Study,
    kind: ListKind,
    index: usize,
) -> Result<i64, StoreError> {
    let max = tx
        .fetch_optional(
            "SELECT MAX(sequence_no) FROM allocation WHERE study_id = $1 AND list_kind = $2 AND stratum_index = $3",
            &[study.study_id.as_str().into(), kind.code().into(), (index as i64).into()],
        )
        .await?
        .and_then(|r| r.int(0).ok().flatten())
        .unwrap_or(0);
    Ok(max + 1)
}

async fn slot_arm(
    tx: &mut Tx,
    study: &Study,
    kind: ListKind,
    index: usize,
    sequence_no: i64,
) -> Result<Option<String>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT arm FROM randomization_slot WHERE study_id = $1 AND list_kind = $2 AND stratum_index = $3 AND sequence_no = $4",
            &[
                study.study_id.as_str().into(),
                kind.code().into(),
                (index as i64).into(),
                sequence_no.into(),
            ],
        )
        .await?;
    row.map(|r| r.req_text(0)).transpose()
}
