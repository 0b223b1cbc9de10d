//! A writer killed with SIGKILL in the middle of a 10,000-observation visit (issue #3 "Bad
//! input and faults"): afterwards the database holds the whole visit or none of it, and the
//! audit chain verifies.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{STUDY, TestDb, ok, on_both_backends, study_with_patient, text};

const ROWS: usize = 10_000;

fn big_visit(code: &str) -> std::path::PathBuf {
    let observations: Vec<_> = (0..ROWS)
        .map(|i| {
            json!({"code_system": "http://loinc.org", "code": "2160-0",
                   "value": 0.5 + (i % 200) as f64 / 100.0, "unit": "mg/dL"})
        })
        .collect();
    let doc = json!({
        "patient": code, "visit": "baseline", "date": "2017-02-26",
        "idempotency_key": format!("{code}/baseline"), "observations": observations,
    });
    let path = std::env::temp_dir().join(format!("sledger-big-{code}-{}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).expect("write");
    path
}

/// Whether the writer's transaction has begun writing: the SQLite WAL has grown, or the
/// PostgreSQL backend holds a transaction id.
fn writing(db: &TestDb, wal_before: u64) -> bool {
    match db.sqlite_path() {
        Some(path) => {
            std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len())
                > wal_before + 256 * 1024
        }
        None => {
            let name = db.postgres_name().expect("postgres");
            db.count(&format!(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{name}' AND backend_xid IS NOT NULL"
            )) > 0
        }
    }
}

fn observations_of(db: &TestDb, code: &str) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM observation o JOIN patient p ON p.entity_id = o.patient_id \
         WHERE p.code = '{code}'"
    ))
}

fn killed_mid_write_leaves_all_or_nothing(db: &TestDb) {
    let mut landed = 0;
    for attempt in 0..6 {
        let code = format!("KILL-{attempt}");
        study_with_patient(db, &code);
        let file = big_visit(&code);
        let wal_before = db
            .sqlite_path()
            .and_then(|p| std::fs::metadata(format!("{}-wal", p.display())).ok())
            .map_or(0, |m| m.len());
        let mut child = db
            .command(&[
                "visit",
                "record",
                file.to_str().expect("utf-8"),
                "--study",
                STUDY,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Poll until the transaction is writing, then wait a little longer each attempt.
        let started = Instant::now();
        let mut mid = false;
        while started.elapsed() < Duration::from_secs(60) {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if writing(db, wal_before) {
                std::thread::sleep(Duration::from_millis(20 * attempt));
                mid = child.try_wait().expect("wait").is_none();
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().ok(); // SIGKILL on Unix
        let status = child.wait().expect("reaped");
        let _ = std::fs::remove_file(&file);
        let rows = observations_of(db, &code);
        assert!(
            rows == 0 || rows == ROWS as i64,
            "attempt {attempt}: {rows} observations after the kill (status {status:?})"
        );
        let verify = db.sledger(&["audit", "verify", "--study", STUDY]);
        assert!(
            verify.status.success(),
            "attempt {attempt}: {}",
            text(&verify.stdout)
        );
        if mid && rows == 0 {
            landed += 1;
            break;
        }
    }
    assert!(landed > 0, "no kill landed mid-transaction in 6 attempts");
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
}

on_both_backends!(killed_mid_write_leaves_all_or_nothing);
