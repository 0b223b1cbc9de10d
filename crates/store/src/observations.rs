//! Recording observations in bulk (issue #3 "Speed"; the path registry loads take).
//!
//! Observations arrive already parsed (sledger-core's `Observation::parse` refused the bad
//! ones). They are written in batches, one transaction each: multi-row INSERTs on SQLite,
//! COPY on PostgreSQL. Each batch appends ONE audit entry whose `after` holds the number of
//! rows, the first and last row id and the SHA-256 of the rows' canonical text, so the chain
//! covers every row without doubling the writes; a crash loses nothing committed and leaves
//! no half batch.

use serde_json::json;
use sha2::{Digest, Sha256};
use sledger_core::record::observation::{Observation, ObservationSource, ObservationValue};

use crate::Store;
use crate::backend::{Param, Tx};
use crate::error::StoreError;
use crate::study::{Study, enum_code};
use crate::write::{Actor, Write, new_id};

/// One observation to record, for a patient (entity id) and optionally a visit (entity id).
#[derive(Debug, Clone)]
pub struct NewObservation {
    pub patient_id: String,
    pub visit_id: Option<String>,
    pub observation: Observation,
}

/// The columns of one observation row, in INSERT order (bookkeeping first).
const COLUMNS: [&str; 22] = [
    "study_id",
    "id",
    "entity_id",
    "version",
    "retracted",
    "recorded_at",
    "recorded_by",
    "reason",
    "patient_id",
    "visit_id",
    "code_system",
    "code",
    "value_decimal",
    "value_text",
    "value_bool",
    "raw_unit",
    "reference_low",
    "reference_high",
    "effective_date",
    "specimen",
    "source",
    "import_id",
];

/// Rows per multi-row INSERT on SQLite (22 parameters each; well under SQLite's limit).
const ROWS_PER_STATEMENT: usize = 400;

/// The text of each column of one row (None for NULL); also the canonical form hashed into
/// the batch's audit entry.
fn row_values(study_id: &str, at: &str, actor: &str, o: &NewObservation) -> [Option<String>; 22] {
    let obs = &o.observation;
    let (value_decimal, value_text, value_bool) = match obs.value() {
        ObservationValue::Quantity(d) => (Some(d.to_string()), None, None),
        ObservationValue::Text(t) => (None, Some(t.clone()), None),
        ObservationValue::Boolean(b) => (None, None, Some(i64::from(*b).to_string())),
    };
    let (source, import_id) = match obs.source() {
        ObservationSource::Form => ("form", None),
        ObservationSource::Fhir { import_id } => ("fhir", Some(import_id.clone())),
        ObservationSource::Csv { import_id } => ("csv", Some(import_id.clone())),
    };
    let (low, high) = obs.reference_range();
    let id = new_id();
    [
        Some(study_id.to_owned()),
        Some(id.clone()),
        Some(id),
        Some("1".to_owned()),
        Some("0".to_owned()),
        Some(at.to_owned()),
        Some(actor.to_owned()),
        None,
        Some(o.patient_id.clone()),
        o.visit_id.clone(),
        Some(obs.system().uri().to_owned()),
        Some(obs.code().to_owned()),
        value_decimal,
        value_text,
        value_bool,
        obs.unit().map(str::to_owned),
        low.map(|d| d.to_string()),
        high.map(|d| d.to_string()),
        Some(obs.effective().to_string()),
        obs.specimen().map(|s| enum_code(&s)),
        Some(source.to_owned()),
        import_id,
    ]
}

/// Integer columns (version, retracted, value_bool): bound as integers.
fn is_int_column(index: usize) -> bool {
    matches!(index, 3 | 4 | 14)
}

impl Store {
    /// Records `batch` in one transaction with one audit entry; returns the rows written.
    pub async fn record_observations(
        &self,
        actor: &Actor,
        study: &Study,
        batch: &[NewObservation],
    ) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let at = w.at().to_owned();
        let rows: Vec<[Option<String>; 22]> = batch
            .iter()
            .map(|o| row_values(&study.study_id, &at, &actor.0, o))
            .collect();
        let mut digest = Sha256::new();
        for row in &rows {
            for value in row {
                match value {
                    Some(v) => {
                        digest.update(v.len().to_string().as_bytes());
                        digest.update(b":");
                        digest.update(v.as_bytes());
                    }
                    None => digest.update(b"-"),
                }
            }
        }
        let rows_sha256: String = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        match w.tx {
            Tx::Postgres(_) => copy_rows(&mut w.tx, &rows).await?,
            Tx::Sqlite(_) => insert_rows(&mut w.tx, &rows).await?,
        }
        let after = json!({
            "count": rows.len(),
            "first_id": rows.first().and_then(|r| r[1].clone()),
            "last_id": rows.last().and_then(|r| r[1].clone()),
            "rows_sha256": rows_sha256,
        });
        w.audit(
            "import",
            "observation",
            &new_id(),
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(rows.len())
    }
}

async fn insert_rows(tx: &mut Tx, rows: &[[Option<String>; 22]]) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = format!("INSERT INTO observation ({}) VALUES ", COLUMNS.join(", "));
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for (c, value) in row.iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                // Positional `?`: SQLite resolves `$n` names one by one, which is quadratic in
                // the number of parameters of a multi-row INSERT.
                sql.push('?');
                params.push(match value {
                    None => Param::Null,
                    Some(v) if is_int_column(c) => v.parse().map_or(Param::Null, Param::Int),
                    Some(v) => Param::Text(v.clone()),
                });
            }
            sql.push(')');
        }
        tx.execute(&sql, &params).await?;
    }
    Ok(())
}

/// PostgreSQL COPY in CSV form: NULL is an unquoted empty field, text is always quoted.
async fn copy_rows(tx: &mut Tx, rows: &[[Option<String>; 22]]) -> Result<(), StoreError> {
    let Some(pg) = tx.postgres() else {
        return Err(StoreError::Config(
            "COPY is a PostgreSQL statement".to_owned(),
        ));
    };
    let mut csv = String::with_capacity(rows.len() * 256);
    for row in rows {
        for (c, value) in row.iter().enumerate() {
            if c > 0 {
                csv.push(',');
            }
            if let Some(v) = value {
                csv.push('"');
                csv.push_str(&v.replace('"', "\"\""));
                csv.push('"');
            }
        }
        csv.push('\n');
    }
    let statement = format!(
        "COPY observation ({}) FROM STDIN WITH (FORMAT csv)",
        COLUMNS.join(", ")
    );
    let mut copy = pg.copy_in_raw(&statement).await?;
    copy.send(csv.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}
