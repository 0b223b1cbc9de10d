//! Observations in bulk: one transaction and one audit entry per batch, on both backends
//! (multi-row INSERT on SQLite, COPY on PostgreSQL).

use jiff::civil::date;
use rust_decimal_macros::dec;
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_store::audit::{self, Verification};
use sledger_store::observations::{self, NewObservation};

use crate::facts::{index_study, patient};
use crate::harness::{TestDb, actor, on_both_backends};

fn creatinine(patient_id: &str, value: rust_decimal::Decimal, day: i8) -> NewObservation {
    NewObservation {
        patient_id: patient_id.to_owned(),
        visit_id: None,
        observation: Observation::parse(ObservationReport {
            code_system: "http://loinc.org".into(),
            code: "2160-0".into(),
            value: ObservationValue::Quantity(value),
            unit: Some("mg/dL".into()),
            reference_low: Some(dec!(0.5)),
            reference_high: Some(dec!(1.1)),
            effective: date(2017, 3, day),
            specimen: None,
            source: ObservationSource::Csv {
                import_id: "import-1".into(),
            },
        })
        .expect("a valid creatinine"),
    }
}

async fn a_batch_is_one_transaction_and_one_audit_entry(db: &TestDb) {
    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .expect("enrolled");
    // 1,234 rows: more than one multi-row INSERT statement, one transaction.
    let batch: Vec<NewObservation> = (0..1234)
        .map(|i| {
            creatinine(
                &p.entity_id,
                rust_decimal::Decimal::new(50 + i % 250, 2),
                (i % 28 + 1) as i8,
            )
        })
        .collect();
    let written = db
        .store
        .record_observations(&actor(), &study, &batch)
        .await
        .expect("recorded");
    assert_eq!(written, 1234);

    let mut tx = db.store.pool().begin_read().await.expect("read");
    let rows = tx
        .fetch_all(
            "SELECT code, value_decimal, raw_unit, source, import_id, reference_low FROM observation WHERE study_id = $1 ORDER BY id",
            &[study.study_id.as_str().into()],
        )
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1234);
    assert_eq!(rows[0].text(0).expect("code").as_deref(), Some("2160-0"));
    for row in &rows {
        let value = row.text(1).expect("value").expect("a decimal");
        assert!(
            value.len() == 4 && value.as_bytes()[1] == b'.',
            "the decimal as reported, exactly: {value}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r.text(1).expect("value").as_deref() == Some("0.50")),
        "trailing zeros kept"
    );
    assert_eq!(rows[0].text(2).expect("unit").as_deref(), Some("mg/dL"));
    assert_eq!(rows[0].text(3).expect("source").as_deref(), Some("csv"));
    assert_eq!(
        rows[0].text(4).expect("import").as_deref(),
        Some("import-1")
    );
    assert_eq!(rows[0].text(5).expect("ref").as_deref(), Some("0.5"));
    drop(tx);

    let log = audit::log(db.store.pool(), &study.study_id, 1, 100)
        .await
        .expect("log");
    let import = log.last().expect("an entry for the batch");
    assert_eq!(
        (import.record.action.as_str(), import.record.entity.as_str()),
        ("import", "observation")
    );
    let after: serde_json::Value =
        serde_json::from_str(import.record.after.as_deref().expect("after")).expect("json");
    assert_eq!(after["count"], 1234);
    // The entry's digest is the digest of the stored rows: the chain covers every row.
    let mut tx = db.store.pool().begin_read().await.expect("read");
    let stored = tx
        .fetch_all(
            &format!(
                "SELECT {} FROM observation WHERE study_id = $1 ORDER BY id",
                observations::COLUMNS
                    .map(|c| format!("CAST({c} AS TEXT)"))
                    .join(", ")
            ),
            &[study.study_id.as_str().into()],
        )
        .await
        .expect("rows");
    let texts: Vec<Vec<Option<String>>> = stored
        .iter()
        .map(|r| (0..22).map(|i| r.text(i).expect("text")).collect())
        .collect();
    let digest = observations::rows_digest(
        texts
            .iter()
            .map(|r| std::array::from_fn::<_, 22, _>(|i| r[i].as_deref())),
    );
    assert_eq!(after["rows_sha256"], digest.as_str());
    assert_eq!(after["first_id"], texts[0][1].as_deref().expect("id"));
    drop(tx);
    assert!(matches!(
        audit::verify(db.store.pool(), &study.study_id)
            .await
            .expect("verify"),
        Verification::Intact { .. }
    ));
    assert_eq!(
        db.store
            .record_observations(&actor(), &study, &[])
            .await
            .expect("empty"),
        0
    );
}

on_both_backends!(a_batch_is_one_transaction_and_one_audit_entry);

/// Migration 0003 rebuilds the observation table under its new key: run again over a store
/// holding observations, it copies every row unchanged (nothing is lost by the rebuild).
async fn the_observation_rebuild_keeps_every_row(db: &TestDb) {
    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .expect("enrolled");
    let batch: Vec<NewObservation> = (0..300)
        .map(|i| creatinine(&p.entity_id, rust_decimal::Decimal::new(60 + i, 2), 3))
        .collect();
    db.store
        .record_observations(&actor(), &study, &batch)
        .await
        .expect("recorded");
    let snapshot = "SELECT CAST(COUNT(*) AS TEXT), MIN(id), MAX(id), MIN(value_decimal), MAX(value_decimal) FROM observation WHERE study_id = $1";
    let read = |sql: &'static str| {
        let pool = db.store.pool().clone();
        let sid = study.study_id.clone();
        async move {
            let mut tx = pool.begin_read().await.expect("read");
            let row = tx
                .fetch_optional(sql, &[sid.as_str().into()])
                .await
                .expect("row")
                .expect("one row");
            (0..5)
                .map(|i| row.text(i).expect("text"))
                .collect::<Vec<_>>()
        }
    };
    let before = read(snapshot).await;
    assert_eq!(before[0].as_deref(), Some("300"));

    let migration = include_str!("../../migrations/0003_observation_key.sql");
    let statements: String = migration
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut w = db.store.pool().begin_write().await.expect("write");
    for statement in statements.split(';').filter(|s| !s.trim().is_empty()) {
        w.execute(statement, &[]).await.expect("the migration runs");
    }
    w.commit().await.expect("commit");

    assert_eq!(read(snapshot).await, before);
}

on_both_backends!(the_observation_rebuild_keeps_every_row);
