//! One write: a transaction, the study's audit chain and who is writing. Every fact written
//! through it gets its audit entry in the same transaction (DESIGN invariant 4); dropping it
//! without [`Write::commit`] rolls everything back.

use serde_json::{Map, Value};

use crate::audit::{AuditRecord, Chain};
use crate::backend::{Pool, Tx};
use crate::error::StoreError;
use crate::fact::{FactTable, FactVersion};

/// Who is writing (a user name, or `sledger-cli:<login>` for the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

/// A new identifier: UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time as an RFC 3339 UTC timestamp.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// An open write on one study.
#[derive(Debug)]
pub struct Write {
    pub tx: Tx,
    chain: Chain,
    actor: Actor,
    at: String,
    study_id: String,
}

impl Write {
    /// Begins a write on `study_id` and locks its audit chain.
    pub async fn begin(pool: &Pool, study_id: &str, actor: &Actor) -> Result<Write, StoreError> {
        let mut tx = pool.begin_write().await?;
        let chain = Chain::open(&mut tx, study_id).await?;
        Ok(Write {
            tx,
            chain,
            actor: actor.clone(),
            at: now(),
            study_id: study_id.to_owned(),
        })
    }

    pub fn study_id(&self) -> &str {
        &self.study_id
    }

    /// Who is writing.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The timestamp of this write.
    pub fn at(&self) -> &str {
        &self.at
    }

    /// Appends an audit entry for something that is not a fact row (a study, a refusal).
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<String>,
        after: Option<String>,
        reason: Option<String>,
    ) -> Result<(), StoreError> {
        let record = AuditRecord {
            actor: self.actor.0.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            before,
            after,
            reason,
        };
        self.chain.append(&mut self.tx, &self.at, record).await?;
        Ok(())
    }

    /// Records a new fact (version 1 of a new entity) and its audit entry; returns the entity id.
    pub async fn create(
        &mut self,
        table: &FactTable,
        values: Map<String, Value>,
    ) -> Result<String, StoreError> {
        let mut ids = self.create_many(table, vec![values]).await?;
        ids.pop()
            .ok_or(StoreError::Corrupt("a write created no fact"))
    }

    /// Records new facts of one table, each with its own audit entry, in two statements (one
    /// for the facts, one for their entries) instead of two per fact; returns the entity ids
    /// in order.
    pub async fn create_many(
        &mut self,
        table: &FactTable,
        rows: Vec<Map<String, Value>>,
    ) -> Result<Vec<String>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let facts: Vec<FactVersion> = rows
            .into_iter()
            .map(|values| FactVersion {
                id: new_id(),
                entity_id: new_id(),
                version: 1,
                retracted: false,
                recorded_at: self.at.clone(),
                recorded_by: self.actor.0.clone(),
                reason: None,
                values,
            })
            .collect();
        table
            .insert_many(&mut self.tx, &self.study_id, &facts)
            .await?;
        let records = facts
            .iter()
            .map(|fact| AuditRecord {
                actor: self.actor.0.clone(),
                action: "create".to_owned(),
                entity: table.name.to_owned(),
                entity_id: fact.entity_id.clone(),
                before: None,
                after: Some(fact.to_json()),
                reason: None,
            })
            .collect();
        self.chain
            .append_many(&mut self.tx, &self.at, records)
            .await?;
        Ok(facts.into_iter().map(|f| f.entity_id).collect())
    }

    /// Writes a new version of `entity_id` with `changes` applied (a correction), with the
    /// reason; the old version stays. Returns the new version.
    pub async fn supersede(
        &mut self,
        table: &FactTable,
        entity_id: &str,
        changes: Map<String, Value>,
        reason: &str,
    ) -> Result<FactVersion, StoreError> {
        self.new_version(table, entity_id, changes, false, reason)
            .await
    }

    /// Records one keyed answer of a patient (an eligibility criterion's answer, a stratum
    /// factor's level) among the patient's `current` rows of `table`: nothing when it is
    /// already the current value, a new version (with `reason`) when it changed, a new entity
    /// otherwise.
    pub async fn record_keyed(
        &mut self,
        table: &FactTable,
        current: &[FactVersion],
        patient_id: &str,
        (key_column, key): (&str, &str),
        (value_column, value): (&str, &str),
        reason: &str,
    ) -> Result<(), StoreError> {
        match current.iter().find(|f| f.text(key_column) == Some(key)) {
            Some(old) if old.text(value_column) == Some(value) => {}
            Some(old) => {
                let mut changes = Map::new();
                changes.insert(value_column.into(), value.into());
                self.supersede(table, &old.entity_id, changes, reason)
                    .await?;
            }
            None => {
                let mut values = Map::new();
                values.insert("patient_id".into(), patient_id.into());
                values.insert(key_column.into(), key.into());
                values.insert(value_column.into(), value.into());
                self.create(table, values).await?;
            }
        }
        Ok(())
    }

    /// Withdraws `entity_id` (recorded in error): a new version marked retracted, with the
    /// reason. Nothing is deleted.
    pub async fn retract(
        &mut self,
        table: &FactTable,
        entity_id: &str,
        reason: &str,
    ) -> Result<FactVersion, StoreError> {
        self.new_version(table, entity_id, Map::new(), true, reason)
            .await
    }

    async fn new_version(
        &mut self,
        table: &FactTable,
        entity_id: &str,
        changes: Map<String, Value>,
        retracted: bool,
        reason: &str,
    ) -> Result<FactVersion, StoreError> {
        if reason.trim().is_empty() {
            return Err(
                sledger_core::InputError::new("reason", "", "a correction needs a reason").into(),
            );
        }
        let Some(current) = table
            .current(&mut self.tx, &self.study_id, entity_id)
            .await?
        else {
            return Err(StoreError::NotFound {
                entity: table.name,
                key: entity_id.to_owned(),
            });
        };
        if current.retracted {
            return Err(StoreError::Input(sledger_core::InputError::new(
                "entity_id",
                entity_id,
                "this fact was retracted; record a new one instead",
            )));
        }
        let mut values = current.values.clone();
        for (column, value) in changes {
            if table.column(&column).is_none() {
                return Err(sledger_core::InputError::new(
                    "column",
                    &column,
                    format!("{} has no column {column}", table.name),
                )
                .into());
            }
            values.insert(column, value);
        }
        let next = FactVersion {
            id: new_id(),
            entity_id: entity_id.to_owned(),
            version: current.version + 1,
            retracted,
            recorded_at: self.at.clone(),
            recorded_by: self.actor.0.clone(),
            reason: Some(reason.to_owned()),
            values,
        };
        table.insert(&mut self.tx, &self.study_id, &next).await?;
        let action = if retracted { "retract" } else { "supersede" };
        self.audit(
            action,
            table.name,
            entity_id,
            Some(current.to_json()),
            Some(next.to_json()),
            Some(reason.to_owned()),
        )
        .await?;
        Ok(next)
    }

    /// Commits the facts and their audit entries together.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await
    }
}
