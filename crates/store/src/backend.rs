//! The two databases behind one small interface: SQL text with `$1…$n` placeholders (both
//! SQLite and PostgreSQL accept them), parameters and columns of the two types the schema
//! uses (TEXT and BIGINT).
//!
//! Written here rather than with `sqlx::Any`, which DESIGN §8 rules out; the dispatch is an
//! enum per pool, transaction and row, so every query is one string for both backends.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction};

use crate::error::StoreError;
use crate::fact::ColumnType;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The `VALUES` rows of a multi-row INSERT binding `rows × width` parameters in order:
/// anonymous `?` on SQLite, which resolves `$n` names one by one (quadratic in their number),
/// `$1…$n` on PostgreSQL.
pub(crate) fn values_rows(backend: Backend, rows: usize, width: usize) -> String {
    let row = |r: usize| match backend {
        Backend::Sqlite => format!("({})", vec!["?"; width].join(", ")),
        Backend::Postgres => {
            let cells: Vec<String> = (1..=width).map(|i| format!("${}", r * width + i)).collect();
            format!("({})", cells.join(", "))
        }
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// A connection pool to one of the two databases. SQLite has one writer at a time
/// (DESIGN §5): writers of this process take turns on an async lock instead of sleeping in
/// SQLite's busy handler, whose back-off (up to 100 ms a nap) left the lock idle while
/// writers slept — a third of the API's visit-entry throughput.
#[derive(Debug, Clone)]
pub enum Pool {
    /// Readers, and the one writer connection with the turn its writers take: a dedicated
    /// writer keeps its page cache between writes, which a pooled connection loses whenever
    /// another connection of the pool wrote.
    Sqlite(SqlitePool, SqliteWriter),
    Postgres(PgPool),
}

/// How long a writer waits for its turn before falling back to SQLite's own busy timeout
/// (a write opened while the same task holds another would otherwise wait forever).
const WRITER_TURN_WAIT: Duration = Duration::from_secs(30);

/// The SQLite writer: one connection and the async lock its writers queue on.
#[derive(Debug, Clone)]
pub struct SqliteWriter {
    connection: SqlitePool,
    turn: Arc<tokio::sync::Mutex<()>>,
}

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int(i64),
    /// A NULL text value.
    Null,
    /// A NULL integer: PostgreSQL refuses a text-typed NULL for a BIGINT column.
    NullInt,
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_owned())
    }
}

impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}

impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(v.clone())
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<bool> for Param {
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}

impl<T: Into<Param>> From<Option<T>> for Param {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// A row read from either database.
#[derive(Debug)]
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Row {
    /// The TEXT column at `index` (None for NULL).
    pub fn text(&self, index: usize) -> Result<Option<String>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(index)?,
            Row::Postgres(r) => r.try_get(index)?,
        })
    }

    /// The TEXT column at `index`, which the schema declares NOT NULL.
    pub fn req_text(&self, index: usize) -> Result<String, StoreError> {
        self.text(index)?
            .ok_or(StoreError::Corrupt("a NOT NULL text column is NULL"))
    }

    /// The BIGINT column at `index` (None for NULL).
    pub fn int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(index)?,
            Row::Postgres(r) => r.try_get(index)?,
        })
    }

    /// The BIGINT column at `index`, which the schema declares NOT NULL.
    pub fn req_int(&self, index: usize) -> Result<i64, StoreError> {
        self.int(index)?
            .ok_or(StoreError::Corrupt("a NOT NULL integer column is NULL"))
    }
}

/// An open transaction on either database. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    /// A SQLite transaction and, for a write, this process's writer turn (held to the end).
    Sqlite(
        Transaction<'static, Sqlite>,
        Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Text(s) => q.bind(s),
                Param::Int(i) => q.bind(i),
                Param::Null => q.bind(None::<String>),
                Param::NullInt => q.bind(None::<i64>),
            };
        }
        q
    }};
}

impl Tx {
    /// Runs a statement; returns the number of rows it affected.
    pub async fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64, StoreError> {
        self.execute_owned(sql, params.to_vec()).await
    }

    /// [`Tx::execute`] taking its parameters by value: a bulk INSERT binds its strings
    /// without copying them once more.
    pub async fn execute_owned(
        &mut self,
        sql: &str,
        params: Vec<Param>,
    ) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Tx::Sqlite(tx, _) => bind_all!(sqlx::query(sql), params)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), params)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a query and returns all its rows.
    pub async fn fetch_all(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>, StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        let params = params.to_vec();
        Ok(match self {
            Tx::Sqlite(tx, _) => bind_all!(sqlx::query(sql), params)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), params)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    /// Runs `SELECT <columns> <rest>` and returns its rows as JSON arrays (text as strings,
    /// integers as numbers, NULL as null). On SQLite the rows are aggregated in the database
    /// into ONE result row: a read of thousands of small rows (a patient's five years of
    /// facts) then crosses from sqlx's SQLite worker thread once instead of once per row,
    /// which cost a thread wake-up each. PostgreSQL streams rows on the connection itself,
    /// where plain rows are cheaper than building JSON in the server.
    pub async fn fetch_json_rows(
        &mut self,
        columns: &[(&str, ColumnType)],
        rest: &str,
        params: &[Param],
    ) -> Result<Vec<Vec<serde_json::Value>>, StoreError> {
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        if let Tx::Sqlite(..) = self {
            return parse_json_rows(&self.fetch_json_text(&names, rest, params).await?);
        }
        let rows = self
            .fetch_all(&format!("SELECT {} {rest}", names.join(", ")), params)
            .await?;
        rows.iter()
            .map(|row| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, ty))| {
                        Ok(match ty {
                            ColumnType::Text => {
                                row.text(i)?.map_or(serde_json::Value::Null, Into::into)
                            }
                            ColumnType::Int => {
                                row.int(i)?.map_or(serde_json::Value::Null, Into::into)
                            }
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// `SELECT <columns> <rest>` as the JSON text of an array of row arrays, aggregated in
    /// the database on both backends and left unparsed: a bulk reader (a whole study's
    /// charts) parses it on another thread while the database runs its next query.
    pub async fn fetch_json_text(
        &mut self,
        columns: &[&str],
        rest: &str,
        params: &[Param],
    ) -> Result<String, StoreError> {
        let list = columns.join(", ");
        let sql = match self {
            Tx::Sqlite(..) => format!("SELECT json_group_array(json_array({list})) {rest}"),
            Tx::Postgres(_) => format!(
                "SELECT COALESCE(json_agg(json_build_array({list})), '[]'::json)::text {rest}"
            ),
        };
        let row = self.fetch_optional(&sql, params).await?;
        Ok(match row {
            Some(row) => row.text(0)?.unwrap_or_else(|| "[]".to_owned()),
            None => "[]".to_owned(),
        })
    }

    /// Runs a query expected to return at most one row.
    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[Param],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.fetch_all(sql, params).await?.into_iter().next())
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx, turn) => {
                tx.commit().await?;
                drop(turn);
            }
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Which database this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// The PostgreSQL transaction, for COPY.
    pub fn postgres(&mut self) -> Option<&mut Transaction<'static, Postgres>> {
        match self {
            Tx::Postgres(tx) => Some(tx),
            Tx::Sqlite(..) => None,
        }
    }
}

/// Where the database is: `sqlite://PATH` (also `sqlite:PATH`) or `postgres://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUrl {
    pub backend: Backend,
    pub url: String,
}

impl FromStr for DbUrl {
    type Err = StoreError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "--db {url:?}: expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE"
            )));
        };
        Ok(DbUrl {
            backend,
            url: url.to_owned(),
        })
    }
}

impl Pool {
    /// Connects and runs the embedded migrations (DESIGN §5). SQLite: WAL, foreign keys, a
    /// busy timeout, the file created if missing.
    pub async fn connect(url: &DbUrl) -> Result<Pool, StoreError> {
        let pool = match url.backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(&url.url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
                    // Statement journals (multi-row INSERTs need one) in memory, not in a
                    // temporary file: on disk they wrote 6× the data of a bulk import.
                    .pragma("temp_store", "memory")
                    // 64 MiB of page cache per connection (the default is 2 MiB), so a
                    // 10,000-row batch does not spill its pages to the WAL before commit.
                    .pragma("cache_size", "-65536");
                let writer = SqliteWriter {
                    connection: SqlitePoolOptions::new()
                        .max_connections(1)
                        .acquire_timeout(WRITER_TURN_WAIT)
                        .connect_with(options.clone())
                        .await?,
                    turn: Arc::new(tokio::sync::Mutex::new(())),
                };
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(4)
                        .connect_with(options)
                        .await?,
                    writer,
                )
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(&url.url)?;
                Pool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(8)
                        .connect_with(options)
                        .await?,
                )
            }
        };
        pool.migrate().await?;
        Ok(pool)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = sqlx::migrate!("./migrations");
        let embedded: Vec<(i64, Vec<u8>)> = migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| (m.version, m.checksum.to_vec()))
            .collect();
        // Every command opens the store: when the applied migrations are exactly the embedded
        // ones (versions and checksums), one query replaces the migrator's locked round trips.
        if self.applied_migrations().await.ok() == Some(embedded) {
            return Ok(());
        }
        match self {
            Pool::Sqlite(p, _) => migrator.run(p).await?,
            Pool::Postgres(p) => migrator.run(p).await?,
        }
        Ok(())
    }

    /// The migrations applied successfully, in order: (version, checksum).
    async fn applied_migrations(&self) -> Result<Vec<(i64, Vec<u8>)>, sqlx::Error> {
        const SQL: &str =
            "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version";
        match self {
            Pool::Sqlite(p, _) => sqlx::query_as(SQL).fetch_all(p).await,
            Pool::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await,
        }
    }

    /// Begins a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// concurrent writers queue on the busy timeout instead of failing on upgrade.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(_, writer) => {
                let turn = tokio::time::timeout(WRITER_TURN_WAIT, writer.turn.clone().lock_owned())
                    .await
                    .ok();
                Tx::Sqlite(writer.connection.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a read transaction (one consistent snapshot).
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(p, _) => Tx::Sqlite(p.begin().await?, None),
            Pool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p, writer) => {
                writer.connection.close().await;
                p.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Parses the text of [`Tx::fetch_json_text`] into rows.
pub fn parse_json_rows(text: &str) -> Result<Vec<Vec<serde_json::Value>>, StoreError> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Corrupt("the rows aggregated as JSON do not parse"))
}
