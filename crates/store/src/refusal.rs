//! Refused attempts are audited (issue #4 "Bad input": nothing consumed, the attempt
//! audited): the refused write rolls back, then an entry of action `refused` naming the field,
//! value and rule is appended in a transaction of its own.

use serde_json::{Value, json};

use crate::Store;
use crate::error::StoreError;
use crate::study::Study;
use crate::write::{Actor, Write};

/// `{"field", "value", "rule"}` of a refusal.
pub fn refusal_json(err: &StoreError) -> Value {
    let (field, value, rule) = match err {
        StoreError::Input(e) => (e.field.to_string(), e.value.clone(), e.rule.to_string()),
        StoreError::NotFound { entity, key } => (
            (*entity).to_owned(),
            key.clone(),
            format!("no {entity} {key:?} in this study"),
        ),
        StoreError::Duplicate { field, value } => (
            (*field).to_owned(),
            value.clone(),
            "already recorded".to_owned(),
        ),
        StoreError::Forbidden { actor, rule } => ("actor".to_owned(), actor.clone(), rule.clone()),
        other => ("".to_owned(), String::new(), other.to_string()),
    };
    json!({ "field": field, "value": value, "rule": rule })
}

impl Store {
    /// Passes `result` through; a refusal is first audited as `refused` on the study's chain
    /// (`entity`, `key` name what was attempted).
    pub(crate) async fn audit_refusal<T>(
        &self,
        actor: &Actor,
        study: &Study,
        entity: &str,
        key: &str,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.audit_refusal_on(actor, &study.study_id, entity, key, result)
            .await
    }

    /// The same on the audit chain `chain` (a study id, or the user registry's chain).
    pub(crate) async fn audit_refusal_on<T>(
        &self,
        actor: &Actor,
        chain: &str,
        entity: &str,
        key: &str,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Err(err) = &result else {
            return result;
        };
        if !err.is_refusal() {
            return result;
        }
        let mut w = Write::begin(self.pool(), chain, actor).await?;
        w.audit(
            "refused",
            entity,
            key,
            None,
            Some(json!({ "error": refusal_json(err) }).to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        result
    }
}
