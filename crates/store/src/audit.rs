//! The tamper-evident audit chain (DESIGN §5; issue #3 item 5).
//!
//! Every write appends an entry — actor, time, action, entity, before and after, reason — in
//! the same transaction as the write. Each entry carries the SHA-256 of the previous entry of
//! its study, so changing, removing or reordering any entry breaks every hash after it;
//! [`verify`] recomputes the chain and names the first broken entry. Appends are serialized per
//! study: on PostgreSQL by a transaction-scoped advisory lock on the study, on SQLite by the
//! database's single writer (`BEGIN IMMEDIATE`).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::backend::{Param, Pool, Tx};
use crate::error::StoreError;

/// `prev_hash` of a study's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit entry says happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub actor: String,
    /// `create`, `supersede`, `retract`, `import`, `refuse` …
    pub action: String,
    /// The table or aggregate written (`patient`, `observation`, …).
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    #[serde(flatten)]
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// The SHA-256 of an entry's content and its predecessor's hash, as lowercase hex. Each field
/// is length-prefixed so that no two different entries serialize alike.
pub fn entry_hash(
    study_id: &str,
    seq: i64,
    at: &str,
    record: &AuditRecord,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        Some(v) => {
            h.update(v.len().to_string().as_bytes());
            h.update(b":");
            h.update(v.as_bytes());
        }
        None => h.update(b"-"),
    };
    field(Some(study_id));
    field(Some(&seq.to_string()));
    field(Some(at));
    field(Some(&record.actor));
    field(Some(&record.action));
    field(Some(&record.entity));
    field(Some(&record.entity_id));
    field(record.before.as_deref());
    field(record.after.as_deref());
    field(record.reason.as_deref());
    field(Some(prev_hash));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A 64-bit key for a study's advisory lock.
fn lock_key(study_id: &str) -> i64 {
    let digest = Sha256::digest(study_id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The tail of a study's chain inside one write transaction; appends continue from it.
#[derive(Debug)]
pub struct Chain {
    study_id: String,
    seq: i64,
    hash: String,
}

impl Chain {
    /// Locks the study's chain for this transaction and reads its tail.
    pub async fn open(tx: &mut Tx, study_id: &str) -> Result<Chain, StoreError> {
        if let Tx::Postgres(_) = tx {
            tx.execute(
                "SELECT pg_advisory_xact_lock($1)",
                &[Param::Int(lock_key(study_id))],
            )
            .await?;
        }
        let tail = tx
            .fetch_optional(
                "SELECT seq, hash FROM audit_entry WHERE study_id = $1 ORDER BY seq DESC LIMIT 1",
                &[study_id.into()],
            )
            .await?;
        let (seq, hash) = match tail {
            Some(row) => (row.req_int(0)?, row.req_text(1)?),
            None => (0, GENESIS.to_owned()),
        };
        Ok(Chain {
            study_id: study_id.to_owned(),
            seq,
            hash,
        })
    }

    /// Appends one entry stamped `at`.
    pub async fn append(
        &mut self,
        tx: &mut Tx,
        at: &str,
        record: AuditRecord,
    ) -> Result<AuditEntry, StoreError> {
        let entry = self.link(at, record);
        self.insert(tx, std::slice::from_ref(&entry)).await?;
        Ok(entry)
    }

    /// Appends `records` in order, stamped `at`: the hashes are chained in memory and the
    /// entries written with as few multi-row INSERTs as the parameter limit allows.
    pub async fn append_many(
        &mut self,
        tx: &mut Tx,
        at: &str,
        records: Vec<AuditRecord>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let entries: Vec<AuditEntry> = records.into_iter().map(|r| self.link(at, r)).collect();
        self.insert(tx, &entries).await?;
        Ok(entries)
    }

    /// The next entry of the chain (its sequence number and hash); moves the tail to it.
    fn link(&mut self, at: &str, record: AuditRecord) -> AuditEntry {
        let seq = self.seq + 1;
        let hash = entry_hash(&self.study_id, seq, at, &record, &self.hash);
        self.seq = seq;
        AuditEntry {
            seq,
            at: at.to_owned(),
            record,
            prev_hash: std::mem::replace(&mut self.hash, hash.clone()),
            hash,
        }
    }

    async fn insert(&self, tx: &mut Tx, entries: &[AuditEntry]) -> Result<(), StoreError> {
        const WIDTH: usize = 12;
        for chunk in entries.chunks(crate::fact::MAX_PARAMETERS / WIDTH) {
            let rows = crate::backend::values_rows(tx.backend(), chunk.len(), WIDTH);
            let sql = format!(
                "INSERT INTO audit_entry (study_id, seq, at, actor, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash) VALUES {}",
                rows
            );
            let mut params: Vec<Param> = Vec::with_capacity(chunk.len() * WIDTH);
            for e in chunk {
                params.extend([
                    self.study_id.as_str().into(),
                    e.seq.into(),
                    e.at.as_str().into(),
                    e.record.actor.as_str().into(),
                    e.record.action.as_str().into(),
                    e.record.entity.as_str().into(),
                    e.record.entity_id.as_str().into(),
                    e.record.before.clone().into(),
                    e.record.after.clone().into(),
                    e.record.reason.clone().into(),
                    e.prev_hash.as_str().into(),
                    e.hash.as_str().into(),
                ]);
            }
            tx.execute(&sql, &params).await?;
        }
        Ok(())
    }
}

/// The outcome of recomputing a study's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    /// Every entry's hash matches its content and its predecessor.
    Intact { entries: i64 },
    /// The first entry that does not verify, and why.
    Broken { seq: i64, problem: String },
}

const PAGE: i64 = 10_000;

/// Recomputes the chain of `study_id` from the first entry and names the first broken one.
pub async fn verify(pool: &Pool, study_id: &str) -> Result<Verification, StoreError> {
    verify_in(&mut pool.begin_read().await?, study_id).await
}

/// [`verify`] within the read transaction `tx`.
async fn verify_in(tx: &mut Tx, study_id: &str) -> Result<Verification, StoreError> {
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_owned();
    loop {
        let rows = tx
            .fetch_all(
                "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash \
                 FROM audit_entry WHERE study_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                &[study_id.into(), expected_seq.into(), PAGE.into()],
            )
            .await?;
        if rows.is_empty() {
            return Ok(Verification::Intact {
                entries: expected_seq - 1,
            });
        }
        for row in &rows {
            let entry = read_entry(row)?;
            if entry.seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    problem: format!("entry {expected_seq} is missing (next is {})", entry.seq),
                });
            }
            if entry.prev_hash != prev {
                return Ok(Verification::Broken {
                    seq: entry.seq,
                    problem: "prev_hash is not the hash of the previous entry".to_owned(),
                });
            }
            let recomputed = entry_hash(
                study_id,
                entry.seq,
                &entry.at,
                &entry.record,
                &entry.prev_hash,
            );
            if recomputed != entry.hash {
                return Ok(Verification::Broken {
                    seq: entry.seq,
                    problem:
                        "the entry's content does not match its hash (changed after it was written)"
                            .to_owned(),
                });
            }
            prev = entry.hash;
            expected_seq += 1;
        }
    }
}

/// Entries of a study in order, from `from_seq`, at most `limit`.
pub async fn log(
    pool: &Pool,
    study_id: &str,
    from_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    log_in(&mut pool.begin_read().await?, study_id, from_seq, limit).await
}

/// [`log`] within the read transaction `tx`.
async fn log_in(
    tx: &mut Tx,
    study_id: &str,
    from_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash \
             FROM audit_entry WHERE study_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
            &[study_id.into(), from_seq.into(), limit.into()],
        )
        .await?;
    rows.iter().map(read_entry).collect()
}

fn read_entry(row: &crate::backend::Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.req_int(0)?,
        at: row.req_text(1)?,
        record: AuditRecord {
            actor: row.req_text(2)?,
            action: row.req_text(3)?,
            entity: row.req_text(4)?,
            entity_id: row.req_text(5)?,
            before: row.text(6)?,
            after: row.text(7)?,
            reason: row.text(8)?,
        },
        prev_hash: row.req_text(9)?,
        hash: row.req_text(10)?,
    })
}

impl crate::Store {
    /// A study's audit entries from `from_seq` (at most `limit`), for an actor who may read
    /// the audit trail (admin, monitor).
    pub async fn audit_log_as(
        &self,
        actor: &crate::Actor,
        study: &crate::Study,
        from_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        // Checked and read in one snapshot.
        let mut tx = self.pool().begin_read().await?;
        crate::authorization::authorize(&mut tx, actor, crate::Permission::ReadAudit).await?;
        log_in(&mut tx, &study.study_id, from_seq, limit).await
    }

    /// Recomputes a study's audit chain, for an actor who may read the audit trail.
    pub async fn verify_audit_as(
        &self,
        actor: &crate::Actor,
        study: &crate::Study,
    ) -> Result<Verification, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        crate::authorization::authorize(&mut tx, actor, crate::Permission::ReadAudit).await?;
        verify_in(&mut tx, &study.study_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            actor: "coordinator".into(),
            action: "create".into(),
            entity: "patient".into(),
            entity_id: "p1".into(),
            before: None,
            after: Some("{}".into()),
            reason: None,
        }
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = entry_hash("s", 1, "2025-01-01T00:00:00Z", &record(), GENESIS);
        assert_eq!(base.len(), 64);
        let mut other = record();
        other.after = Some("{ }".into());
        assert_ne!(
            base,
            entry_hash("s", 1, "2025-01-01T00:00:00Z", &other, GENESIS)
        );
        let mut other = record();
        other.reason = Some(String::new());
        assert_ne!(
            base,
            entry_hash("s", 1, "2025-01-01T00:00:00Z", &other, GENESIS),
            "NULL differs from empty"
        );
        assert_ne!(
            base,
            entry_hash("s", 2, "2025-01-01T00:00:00Z", &record(), GENESIS)
        );
        assert_ne!(
            base,
            entry_hash("s", 1, "2025-01-01T00:00:00Z", &record(), &"1".repeat(64))
        );
    }

    #[test]
    fn length_prefixes_keep_fields_apart() {
        let mut a = record();
        a.actor = "ab".into();
        a.action = "c".into();
        let mut b = record();
        b.actor = "a".into();
        b.action = "bc".into();
        assert_ne!(
            entry_hash("s", 1, "t", &a, GENESIS),
            entry_hash("s", 1, "t", &b, GENESIS)
        );
    }
}
