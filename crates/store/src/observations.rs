//! Recording observations in bulk (issue #3 "Speed"; the path registry loads take).
//!
//! Observations arrive already parsed (sledger-core's `Observation::parse` refused the bad
//! ones). A batch is first *prepared* ([`Store::prepare_observations`]: ids, the text of every
//! column, the digest, the statement parameters or the COPY text), which is pure CPU work an
//! importer does on its parsing thread; then it is *written* in one transaction
//! ([`Store::record_observation_batch`]): multi-row INSERTs on SQLite, COPY on PostgreSQL.
//! Each batch appends ONE audit entry whose `after` holds the number of rows, the first and
//! last row id and the SHA-256 of the rows' canonical text ([`rows_digest`]), so the chain
//! covers every row without doubling the writes; a crash loses nothing committed and leaves
//! no half batch.

use serde_json::json;
use sha2::{Digest, Sha256};
use sledger_core::record::observation::{Observation, ObservationSource, ObservationValue};

use crate::Store;
use crate::backend::{Param, Tx};
use crate::error::StoreError;
use crate::study::{Study, enum_code};
use crate::write::{Actor, Write, new_id, now};

/// One observation to record, for a patient (entity id) and optionally a visit (entity id).
#[derive(Debug, Clone)]
pub struct NewObservation {
    pub patient_id: String,
    pub visit_id: Option<String>,
    pub observation: Observation,
}

/// The columns of one observation row, in canonical order (bookkeeping first).
pub const COLUMNS: [&str; 22] = [
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

/// Rows per multi-row INSERT on SQLite (15 parameters each; SQLite allows 32,766).
const ROWS_PER_STATEMENT: usize = 500;

/// The SHA-256 (hex) of rows in canonical form: per column, `len:text`, or `-` for NULL.
/// Recomputing it from the stored rows (ordered by id) checks a batch's audit entry.
pub fn rows_digest<'a>(rows: impl IntoIterator<Item = [Option<&'a str>; 22]>) -> String {
    let mut digest = Sha256::new();
    for row in rows {
        digest_row(&mut digest, &row);
    }
    hex(&digest.finalize())
}

fn digest_row(digest: &mut Sha256, row: &[Option<&str>; 22]) {
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A batch ready to write: what [`Store::record_observation_batch`] binds or copies.
#[derive(Debug)]
pub struct ObservationBatch {
    study_id: String,
    recorded_at: String,
    recorded_by: String,
    encoded: Encoded,
    count: usize,
    first_id: Option<String>,
    last_id: Option<String>,
    rows_sha256: String,
}

#[derive(Debug)]
enum Encoded {
    /// Per INSERT statement, the varying columns of its rows, row after row.
    Sqlite(Vec<Vec<Param>>),
    /// The COPY text (CSV) of every row.
    Postgres(String),
}

impl ObservationBatch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The text of each column of one row, in [`COLUMNS`] order (None for NULL).
fn row_text(constants: &[&str; 3], id: &str, o: &NewObservation) -> [Option<String>; 22] {
    let [study_id, at, actor] = *constants;
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
    [
        Some(study_id.to_owned()),
        Some(id.to_owned()),
        Some(id.to_owned()),
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

/// The columns that differ from row to row of a batch, by index in [`COLUMNS`]: `id` (which
/// also fills `entity_id`) and everything after the bookkeeping. The others are one value per
/// batch, bound once per statement.
const VARYING_AT: [usize; 15] = [1, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];

/// value_bool: bound as an integer.
const VALUE_BOOL: usize = 14;

impl Store {
    /// Turns parsed observations into a batch ready to write. Pure CPU work (no IO): an
    /// importer calls it on its parsing thread, so the writer only binds and inserts.
    pub fn prepare_observations(
        &self,
        actor: &Actor,
        study: &Study,
        batch: &[NewObservation],
    ) -> ObservationBatch {
        let recorded_at = now();
        let constants = [
            study.study_id.as_str(),
            recorded_at.as_str(),
            actor.0.as_str(),
        ];
        let postgres = matches!(self.pool(), crate::backend::Pool::Postgres(_));
        let mut digest = Sha256::new();
        let mut statements: Vec<Vec<Param>> = Vec::new();
        let mut csv = String::new();
        let (mut first_id, mut last_id) = (None, None);
        for (i, o) in batch.iter().enumerate() {
            let id = new_id();
            let row = row_text(&constants, &id, o);
            digest_row(&mut digest, &row.each_ref().map(Option::as_deref));
            if postgres {
                push_csv_row(&mut csv, &row);
            } else {
                if i % ROWS_PER_STATEMENT == 0 {
                    let rows = (batch.len() - i).min(ROWS_PER_STATEMENT);
                    statements.push(Vec::with_capacity(rows * VARYING_AT.len()));
                }
                if let Some(params) = statements.last_mut() {
                    let mut row = row;
                    params.extend(VARYING_AT.iter().map(|&c| match row[c].take() {
                        None => Param::Null,
                        Some(v) if c == VALUE_BOOL => v.parse().map_or(Param::Null, Param::Int),
                        Some(v) => Param::Text(v),
                    }));
                }
            }
            if i == 0 {
                first_id = Some(id.clone());
            }
            last_id = Some(id);
        }
        ObservationBatch {
            study_id: study.study_id.clone(),
            recorded_at,
            recorded_by: actor.0.clone(),
            encoded: if postgres {
                Encoded::Postgres(csv)
            } else {
                Encoded::Sqlite(statements)
            },
            count: batch.len(),
            first_id,
            last_id,
            rows_sha256: hex(&digest.finalize()),
        }
    }

    /// Records `batch` in one transaction with one audit entry; returns the rows written.
    pub async fn record_observations(
        &self,
        actor: &Actor,
        study: &Study,
        batch: &[NewObservation],
    ) -> Result<usize, StoreError> {
        let prepared = self.prepare_observations(actor, study, batch);
        self.record_observation_batch(actor, study, prepared).await
    }

    /// Writes a prepared batch in one transaction with one audit entry; returns the rows
    /// written.
    pub async fn record_observation_batch(
        &self,
        actor: &Actor,
        study: &Study,
        batch: ObservationBatch,
    ) -> Result<usize, StoreError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        let written = write_batch(&mut w, study, actor, batch).await?;
        w.commit().await?;
        Ok(written)
    }
}

/// Writes a prepared batch and its audit entry inside an open write (the importers add the
/// keys of the records it came from to the same transaction).
pub(crate) async fn write_batch(
    w: &mut Write,
    study: &Study,
    actor: &Actor,
    batch: ObservationBatch,
) -> Result<usize, StoreError> {
    if batch.is_empty() {
        return Ok(0);
    }
    if batch.study_id != study.study_id || batch.recorded_by != actor.0 {
        return Err(StoreError::Config(
            "an observation batch is written by the actor, to the study, it was prepared for"
                .to_owned(),
        ));
    }
    let after = json!({
        "count": batch.count,
        "first_id": batch.first_id,
        "last_id": batch.last_id,
        "recorded_at": batch.recorded_at,
        "rows_sha256": batch.rows_sha256,
    });
    let constants = [
        Param::Text(batch.study_id),
        Param::Text(batch.recorded_at),
        Param::Text(batch.recorded_by),
    ];
    match batch.encoded {
        Encoded::Postgres(csv) => copy_rows(&mut w.tx, &csv).await?,
        Encoded::Sqlite(statements) => insert_rows(&mut w.tx, &constants, statements).await?,
    }
    w.audit(
        "import",
        "observation",
        &new_id(),
        None,
        Some(after.to_string()),
        None,
    )
    .await?;
    Ok(batch.count)
}

/// `INSERT … SELECT` over a `VALUES` list of the varying columns; the batch's constants are
/// the first three parameters. Anonymous `?` only: SQLite resolves `$n` names one by one,
/// which is quadratic in the number of parameters of a multi-row INSERT, and sqlx numbers
/// anonymous parameters on its own, so they cannot be mixed with `?NNN`.
fn insert_sql(rows: usize) -> String {
    // COLUMNS is the 8 bookkeeping columns, then the varying ones after `id`.
    let rest: Vec<String> = (2..=VARYING_AT.len())
        .map(|k| format!("column{k}"))
        .collect();
    let row = format!("({})", vec!["?"; VARYING_AT.len()].join(","));
    format!(
        "INSERT OR ROLLBACK INTO observation ({}) SELECT ?, column1, column1, 1, 0, ?, ?, NULL, {} FROM (VALUES {})",
        COLUMNS.join(", "),
        rest.join(", "),
        vec![row; rows].join(",")
    )
}

async fn insert_rows(
    tx: &mut Tx,
    constants: &[Param; 3],
    statements: Vec<Vec<Param>>,
) -> Result<(), StoreError> {
    // With the foreign keys checked at commit and a conflict rolling back the whole
    // transaction (a batch is all or nothing anyway), no statement can fail half-way, so
    // SQLite keeps no statement journal: it copied every page each statement touched.
    tx.execute("PRAGMA defer_foreign_keys = ON", &[]).await?;
    let full = insert_sql(ROWS_PER_STATEMENT);
    for params in statements {
        let rows = params.len() / VARYING_AT.len();
        let mut bound = Vec::with_capacity(constants.len() + params.len());
        bound.extend_from_slice(constants);
        bound.extend(params);
        if rows == ROWS_PER_STATEMENT {
            tx.execute_owned(&full, bound).await?;
        } else {
            tx.execute_owned(&insert_sql(rows), bound).await?;
        }
    }
    Ok(())
}

/// One row as COPY CSV: NULL is an unquoted empty field, text is always quoted.
fn push_csv_row(csv: &mut String, row: &[Option<String>; 22]) {
    for (c, value) in row.iter().enumerate() {
        if c > 0 {
            csv.push(',');
        }
        if let Some(v) = value {
            csv.push('"');
            if v.contains('"') {
                csv.push_str(&v.replace('"', "\"\""));
            } else {
                csv.push_str(v);
            }
            csv.push('"');
        }
    }
    csv.push('\n');
}

/// PostgreSQL COPY of the prepared CSV text.
async fn copy_rows(tx: &mut Tx, csv: &str) -> Result<(), StoreError> {
    let Some(pg) = tx.postgres() else {
        return Err(StoreError::Config(
            "COPY is a PostgreSQL statement".to_owned(),
        ));
    };
    let statement = format!(
        "COPY observation ({}) FROM STDIN WITH (FORMAT csv)",
        COLUMNS.join(", ")
    );
    let mut copy = pg.copy_in_raw(&statement).await?;
    copy.send(csv.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_insert_selects_each_column_from_its_place() {
        let sql = insert_sql(2);
        assert!(sql.contains("INSERT OR ROLLBACK INTO observation (study_id, id"));
        assert!(
            sql.contains("SELECT ?, column1, column1, 1, 0, ?, ?, NULL, column2, column3, column4")
        );
        assert!(sql.ends_with(
            "column15 FROM (VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?))"
        ));
        assert_eq!(VARYING_AT[1..], (8..COLUMNS.len()).collect::<Vec<_>>());
        assert_eq!(COLUMNS[VARYING_AT[0]], "id");
        assert_eq!(COLUMNS[VALUE_BOOL], "value_bool");
    }

    #[test]
    fn the_digest_distinguishes_null_from_empty_and_splits_fields() {
        let mut a: [Option<&str>; 22] = [None; 22];
        let mut b = a;
        b[3] = Some("");
        assert_ne!(rows_digest([a]), rows_digest([b]));
        a[0] = Some("ab");
        b = [None; 22];
        b[0] = Some("a");
        b[1] = Some("b");
        assert_ne!(rows_digest([a]), rows_digest([b]));
    }
}
