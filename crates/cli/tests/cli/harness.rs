//! A fresh database per test, reached by the real binary, with `sqlite3` / `psql` for what an
//! intruder (or a check) does by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const STUDY: &str = "VLD-MSC";

/// Where the test's database is.
pub enum TestDb {
    Sqlite {
        path: PathBuf,
    },
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

fn unique() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    )
}

pub fn sqlite() -> TestDb {
    TestDb::Sqlite {
        path: std::env::temp_dir().join(format!("sledger-cli-{}.db", unique())),
    }
}

/// A fresh PostgreSQL database, or None (after a SKIPPED line) when PostgreSQL is unreachable
/// and not required.
pub fn postgres(test: &str) -> Option<TestDb> {
    let admin = std::env::var("SLEDGER_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let required = std::env::var("SLEDGER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let name = format!("sledger_cli_{}", unique());
    let created = Command::new("psql")
        .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
        .output();
    match created {
        Ok(out) if out.status.success() => {}
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            assert!(
                !required,
                "PostgreSQL is required (SLEDGER_REQUIRE_POSTGRES=1) but unreachable at {admin}: {why}"
            );
            eprintln!("SKIPPED {test} on PostgreSQL (unreachable at {admin}: {why})");
            return None;
        }
    }
    let (base, _) = admin
        .rsplit_once('/')
        .expect("SLEDGER_TEST_POSTGRES ends with /DATABASE");
    let url = format!("{base}/{name}");
    Some(TestDb::Postgres { admin, name, url })
}

impl TestDb {
    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { path } => format!("sqlite://{}", path.display()),
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    /// Runs `sledger --db URL ARGS…`.
    pub fn sledger(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .expect("the sledger binary runs")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_as("cli-test", args)
    }

    /// Runs `sledger --db URL --actor ACTOR ARGS…`.
    pub fn sledger_as(&self, actor: &str, args: &[&str]) -> Output {
        self.command_as(actor, args)
            .output()
            .expect("the sledger binary runs")
    }

    pub fn command_as(&self, actor: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sledger"));
        c.arg("--db").arg(self.url()).arg("--actor").arg(actor);
        c.args(args);
        c
    }

    /// Runs SQL by hand (`sqlite3 FILE` / `psql URL`), returning the output's text.
    pub fn sql(&self, sql: &str) -> String {
        let out = match self {
            TestDb::Sqlite { path } => Command::new("sqlite3").arg(path).arg(sql).output(),
            TestDb::Postgres { url, .. } => Command::new("psql")
                .args([url.as_str(), "-tAqc", sql])
                .output(),
        }
        .expect("sqlite3 / psql runs");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A COUNT(*) query.
    pub fn count(&self, sql: &str) -> i64 {
        self.sql(sql).parse().expect("a count")
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            TestDb::Sqlite { path } => Some(path),
            TestDb::Postgres { .. } => None,
        }
    }

    /// The PostgreSQL database name.
    pub fn postgres_name(&self) -> Option<&str> {
        match self {
            TestDb::Postgres { name, .. } => Some(name),
            TestDb::Sqlite { .. } => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite { path } => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDb::Postgres { admin, name, .. } => {
                let _ = Command::new("psql")
                    .args([
                        admin.as_str(),
                        "-qc",
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ])
                    .output();
            }
        }
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Text of an output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a command succeeded, showing its output otherwise.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Creates the index study and enrolls and infuses `code` (IDX-01's details).
pub fn study_with_patient(db: &TestDb, code: &str) {
    if !db
        .sledger(&["study", "list"])
        .stdout
        .starts_with(STUDY.as_bytes())
    {
        let protocol = root().join("protocols/msc-lupus-nephritis.toml");
        ok(&db.sledger(&[
            "study",
            "create",
            "--protocol",
            protocol.to_str().expect("utf-8 path"),
            "--code",
            STUDY,
        ]));
    }
    ok(&db.sledger(&[
        "patient",
        "enroll",
        "--study",
        STUDY,
        "--code",
        code,
        "--site",
        "VLD",
        "--sex",
        "female",
        "--birth",
        "1985-04",
        "--enrolled",
        "2017-02-20",
    ]));
    ok(&db.sledger(&[
        "infusion",
        "record",
        "--study",
        STUDY,
        "--patient",
        code,
        "--date",
        "2017-03-01",
        "--source",
        "bone_marrow",
        "--donor",
        "allogeneic",
        "--cells",
        "90000000",
    ]));
}

/// Runs `story` on SQLite and on PostgreSQL, as `<story>::sqlite` and `<story>::postgres`.
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[test]
            fn sqlite() {
                super::$story(&crate::harness::sqlite());
            }

            #[test]
            fn postgres() {
                if let Some(db) = crate::harness::postgres(stringify!($story)) {
                    super::$story(&db);
                }
            }
        }
    )*};
}
pub(crate) use on_both_backends;
