//! One test story, two databases: each story runs on a fresh SQLite file and on a fresh
//! PostgreSQL database (created and dropped by the test). PostgreSQL is found at
//! `SLEDGER_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`); when it is
//! unreachable the PostgreSQL half prints a SKIPPED line, or fails when
//! `SLEDGER_REQUIRE_POSTGRES=1` (as in CI).

use sledger_store::backend::Tx;
use sledger_store::{Actor, Store};

pub struct TestDb {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin: String, name: String },
}

pub fn actor() -> Actor {
    Actor("test-coordinator".to_owned())
}

pub fn postgres_admin_url() -> String {
    std::env::var("SLEDGER_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub async fn sqlite() -> TestDb {
    let path = std::env::temp_dir().join(format!("sledger-test-{}.db", uuid_v7()));
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.expect("a fresh SQLite store opens");
    TestDb {
        store,
        cleanup: Cleanup::File(path),
    }
}

pub async fn postgres() -> Option<TestDb> {
    let admin = postgres_admin_url();
    let required = std::env::var("SLEDGER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let admin_pool = match sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
    {
        Ok(pool) => pool,
        Err(e) if !required => {
            eprintln!(
                "SKIPPED (PostgreSQL unreachable at {admin}: {e}); set SLEDGER_TEST_POSTGRES or start PostgreSQL"
            );
            return None;
        }
        Err(e) => panic!(
            "PostgreSQL is required (SLEDGER_REQUIRE_POSTGRES=1) but unreachable at {admin}: {e}"
        ),
    };
    let name = format!("sledger_test_{}", uuid_v7().replace('-', ""));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin_pool)
        .await
        .expect("the test may create databases");
    admin_pool.close().await;
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("SLEDGER_TEST_POSTGRES must end with /DATABASE"),
    };
    let store = Store::open(&url)
        .await
        .expect("a fresh PostgreSQL store opens");
    Some(TestDb {
        store,
        cleanup: Cleanup::Database { admin, name },
    })
}

impl TestDb {
    pub async fn cleanup(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin, name } => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin)
                    .await
                    .expect("PostgreSQL still reachable");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&pool)
                .await
                .expect("the test drops its database");
                pool.close().await;
            }
        }
    }

    /// A raw write transaction, for tests that tamper with the database as an intruder would.
    pub async fn raw(&self) -> Tx {
        self.store
            .pool()
            .begin_write()
            .await
            .expect("a raw transaction")
    }
}

fn uuid_v7() -> String {
    sledger_store::write::new_id()
}

/// Runs `story` on SQLite and on PostgreSQL, as `<story>::sqlite` and `<story>::postgres`.
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test(flavor = "multi_thread", worker_threads = 8)]
            async fn sqlite() {
                let db = crate::harness::sqlite().await;
                super::$story(&db).await;
                db.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 8)]
            async fn postgres() {
                let Some(db) = crate::harness::postgres().await else { return };
                super::$story(&db).await;
                db.cleanup().await;
            }
        }
    )*};
}
pub(crate) use on_both_backends;
