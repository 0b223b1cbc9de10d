//! The ledger of records an import has taken in (issue #6 "re-importing the same file changes
//! nothing"): a FHIR resource by (type, id, meta.versionId), a CSV row by its key. Each key is
//! written in the same transaction as what the record produced, so a crash mid-import loses
//! nothing committed and a re-run skips exactly what was committed.

use std::collections::HashSet;

use serde_json::json;

use crate::Store;
use crate::backend::{Param, Tx};
use crate::error::StoreError;
use crate::observations::ObservationBatch;
use crate::study::Study;
use crate::write::{Actor, Write, new_id};

/// The identity of one imported record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImportKey {
    /// A FHIR resource type (`Observation`), or `csv` for a lab-extract row.
    pub record_type: String,
    pub record_id: String,
    /// `meta.versionId`, or "" when the source gives none.
    pub version_id: String,
}

/// Keys per statement (6 parameters each).
const KEYS_PER_STATEMENT: usize = 500;

impl Store {
    /// Which of `keys` the study has already imported.
    pub async fn imported_keys(
        &self,
        study: &Study,
        keys: &[ImportKey],
    ) -> Result<HashSet<ImportKey>, StoreError> {
        let mut found = HashSet::new();
        if keys.is_empty() {
            return Ok(found);
        }
        // By type, so each lookup walks the primary key (study, type, id) instead of the
        // study's whole ledger.
        let mut by_type: std::collections::BTreeMap<&str, Vec<&ImportKey>> = Default::default();
        for k in keys {
            by_type.entry(k.record_type.as_str()).or_default().push(k);
        }
        let mut tx = self.pool().begin_read().await?;
        for (record_type, keys) in by_type {
            for chunk in keys.chunks(KEYS_PER_STATEMENT) {
                // Anonymous `?` on SQLite: it resolves `$n` names one by one, quadratic in
                // the number of parameters (observations.rs).
                let sqlite = tx.backend() == crate::Backend::Sqlite;
                let placeholders: Vec<String> = (0..chunk.len())
                    .map(|i| {
                        if sqlite {
                            "?".to_owned()
                        } else {
                            format!("${}", i + 3)
                        }
                    })
                    .collect();
                let (study_p, type_p) = if sqlite { ("?", "?") } else { ("$1", "$2") };
                let sql = format!(
                    "SELECT record_type, record_id, version_id FROM imported_record \
                     WHERE study_id = {study_p} AND record_type = {type_p} AND record_id IN ({})",
                    placeholders.join(", ")
                );
                let wanted: HashSet<&ImportKey> = chunk.iter().copied().collect();
                let mut params = vec![
                    Param::from(study.study_id.as_str()),
                    Param::from(record_type),
                ];
                params.extend(chunk.iter().map(|k| Param::from(k.record_id.as_str())));
                for row in tx.fetch_all(&sql, &params).await? {
                    let key = ImportKey {
                        record_type: row.req_text(0)?,
                        record_id: row.req_text(1)?,
                        version_id: row.req_text(2)?,
                    };
                    if wanted.contains(&key) {
                        found.insert(key);
                    }
                }
            }
        }
        Ok(found)
    }

    /// Writes a prepared observation batch and the keys of the records it came from in one
    /// transaction with one audit entry; returns the rows written.
    pub async fn record_imported_observations(
        &self,
        actor: &Actor,
        study: &Study,
        batch: ObservationBatch,
        keys: &[ImportKey],
        import_id: &str,
    ) -> Result<usize, StoreError> {
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let written = crate::observations::write_batch(&mut w, study, actor, batch).await?;
        insert_keys(&mut w, keys, import_id).await?;
        if written == 0 && !keys.is_empty() {
            audit_keys(&mut w, keys.len(), import_id).await?;
        }
        w.commit().await?;
        Ok(written)
    }

    /// Records the keys of imported records that produced no row of their own (a resource
    /// already linked, a record kept only as counted), with one audit entry.
    pub async fn record_import_keys(
        &self,
        actor: &Actor,
        study: &Study,
        keys: &[ImportKey],
        import_id: &str,
    ) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        insert_keys(&mut w, keys, import_id).await?;
        audit_keys(&mut w, keys.len(), import_id).await?;
        w.commit().await
    }
}

/// The audit entry of keys written without rows of their own: how many, by which import.
pub(crate) async fn audit_keys(
    w: &mut Write,
    count: usize,
    import_id: &str,
) -> Result<(), StoreError> {
    w.audit(
        "import",
        "imported_record",
        &new_id(),
        None,
        Some(json!({"import_id": import_id, "count": count}).to_string()),
        None,
    )
    .await
}

/// Inserts the keys inside an open write; a key already present refuses the write (a record
/// is imported once).
pub(crate) async fn insert_keys(
    w: &mut Write,
    keys: &[ImportKey],
    import_id: &str,
) -> Result<(), StoreError> {
    let study_id = w.study_id().to_owned();
    let at = w.at().to_owned();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        insert_chunk(&mut w.tx, &study_id, &at, chunk, import_id).await?;
    }
    Ok(())
}

async fn insert_chunk(
    tx: &mut Tx,
    study_id: &str,
    at: &str,
    chunk: &[ImportKey],
    import_id: &str,
) -> Result<(), StoreError> {
    let sql = if tx.backend() == crate::Backend::Sqlite {
        // `INSERT … SELECT` over a VALUES list with anonymous `?` (observations.rs: SQLite
        // resolves `$n` names one by one, quadratic in the number of parameters).
        format!(
            "INSERT INTO imported_record (study_id, record_type, record_id, version_id, import_id, recorded_at) \
             SELECT ?, column1, column2, column3, ?, ? FROM (VALUES {})",
            vec!["(?,?,?)"; chunk.len()].join(",")
        )
    } else {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = 4 + i * 3;
                format!("($1, ${n}, ${}, ${}, $2, $3)", n + 1, n + 2)
            })
            .collect();
        format!(
            "INSERT INTO imported_record (study_id, record_type, record_id, version_id, import_id, recorded_at) VALUES {}",
            rows.join(", ")
        )
    };
    let mut params = vec![
        Param::from(study_id),
        Param::from(import_id),
        Param::from(at),
    ];
    for k in chunk {
        params.push(Param::from(k.record_type.as_str()));
        params.push(Param::from(k.record_id.as_str()));
        params.push(Param::from(k.version_id.as_str()));
    }
    tx.execute_owned(&sql, params).await.map_err(|e| match e {
        StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            StoreError::Duplicate {
                field: "resource",
                value: "a record of this batch is already imported".to_owned(),
            }
        }
        other => other,
    })?;
    Ok(())
}
