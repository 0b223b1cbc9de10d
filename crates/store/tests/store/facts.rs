//! Facts: created once, corrected by supersession, never updated or deleted.

use jiff::civil::date;
use rust_decimal_macros::dec;
use serde_json::{Map, json};
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route};
use sledger_core::sex::RecordedSex;
use sledger_store::fact;
use sledger_store::{NewPatient, Store, StoreError, Study, Write};

use crate::harness::{TestDb, actor, on_both_backends};

pub const INDEX_PROTOCOL: &str = include_str!("../../../../protocols/msc-lupus-nephritis.toml");

pub async fn index_study(store: &Store) -> Study {
    store
        .create_study(
            &actor(),
            "VLD-MSC",
            "msc-lupus-nephritis.toml",
            INDEX_PROTOCOL,
        )
        .await
        .expect("the index study is created from its protocol")
}

pub fn patient(code: &str) -> NewPatient {
    NewPatient {
        code: code.to_owned(),
        site: "HCUV".to_owned(),
        sex: RecordedSex::Female,
        birth_year: 1980,
        birth_month: 5,
        enrollment_date: date(2017, 2, 1),
    }
}

async fn study_from_protocol_and_enrollment(db: &TestDb) {
    let study = index_study(&db.store).await;
    assert_eq!(study.protocol.id(), "msc-lupus-nephritis");
    let again = db.store.study("VLD-MSC").await.expect("found by code");
    assert_eq!(again.study_id, study.study_id);
    let dup = db
        .store
        .create_study(
            &actor(),
            "VLD-MSC",
            "msc-lupus-nephritis.toml",
            INDEX_PROTOCOL,
        )
        .await;
    assert!(
        matches!(dup, Err(StoreError::Duplicate { field: "code", .. })),
        "{dup:?}"
    );

    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .expect("enrolled");
    assert_eq!(db.store.patient(&study, "VLD-001").await.expect("found"), p);
    let dup = db.store.enroll(&actor(), &study, &patient("VLD-001")).await;
    assert!(
        matches!(dup, Err(StoreError::Duplicate { field: "code", .. })),
        "{dup:?}"
    );
    let unknown = db.store.patient(&study, "VLD-404").await;
    assert!(
        matches!(
            unknown,
            Err(StoreError::NotFound {
                entity: "patient",
                ..
            })
        ),
        "{unknown:?}"
    );
}

async fn bad_input_names_the_field_and_writes_nothing(db: &TestDb) {
    let study = index_study(&db.store).await;
    let mut bad = patient("Maria Lopez");
    let err = db.store.enroll(&actor(), &study, &bad).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "code"),
        "{err:?}"
    );
    bad = patient("VLD-002");
    bad.birth_month = 13;
    let err = db.store.enroll(&actor(), &study, &bad).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "birth_month"),
        "{err:?}"
    );
    let bad_protocol = "id = \"x\"\nunknown_key = 1\n";
    let err = db
        .store
        .create_study(&actor(), "BAD", "bad.toml", bad_protocol)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Protocol(e) if e.line >= 1),
        "{err:?}"
    );
    // Nothing half-written: only the study's own entries are in its chain.
    let log = sledger_store::audit::log(db.store.pool(), &study.study_id, 1, 100)
        .await
        .expect("log");
    assert_eq!(log.len(), 1, "{log:?}");
}

async fn corrections_supersede_and_keep_history(db: &TestDb) {
    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-003"))
        .await
        .expect("enrolled");

    let mut w = Write::begin(db.store.pool(), &study.study_id, &actor())
        .await
        .expect("write");
    let mut changes = Map::new();
    changes.insert("birth_month".into(), json!(6));
    let v2 = w
        .supersede(
            &fact::PATIENT,
            &p.entity_id,
            changes,
            "transcription error in the CRF",
        )
        .await
        .expect("superseded");
    w.commit().await.expect("committed");
    assert_eq!(v2.version, 2);
    assert_eq!(
        db.store
            .patient(&study, "VLD-003")
            .await
            .expect("found")
            .birth_month,
        6
    );

    let mut tx = db.store.pool().begin_read().await.expect("read");
    let history = fact::PATIENT
        .history(&mut tx, &study.study_id, &p.entity_id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2, "the old version stays");
    assert_eq!(history[0].int("birth_month"), Some(5));
    assert_eq!(
        history[1].reason.as_deref(),
        Some("transcription error in the CRF")
    );
    drop(tx);

    let mut w = Write::begin(db.store.pool(), &study.study_id, &actor())
        .await
        .expect("write");
    let err = w
        .supersede(&fact::PATIENT, &p.entity_id, Map::new(), " ")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Input(e) if e.field == "reason"),
        "a correction needs a reason"
    );
    drop(w);

    let mut w = Write::begin(db.store.pool(), &study.study_id, &actor())
        .await
        .expect("write");
    w.retract(&fact::PATIENT, &p.entity_id, "enrolled in error")
        .await
        .expect("retracted");
    w.commit().await.expect("committed");
    let gone = db.store.patient(&study, "VLD-003").await;
    assert!(
        matches!(gone, Err(StoreError::NotFound { .. })),
        "a retracted patient is not current"
    );
    let mut tx = db.store.pool().begin_read().await.expect("read");
    assert_eq!(
        fact::PATIENT
            .history(&mut tx, &study.study_id, &p.entity_id)
            .await
            .expect("history")
            .len(),
        3
    );
}

async fn infusion_records_the_cell_product(db: &TestDb) {
    let study = index_study(&db.store).await;
    db.store
        .enroll(&actor(), &study, &patient("VLD-004"))
        .await
        .expect("enrolled");
    let infusion = Infusion {
        date: date(2017, 3, 1),
        source: CellSource::BoneMarrow,
        donor: Donor::Allogeneic,
        route: Route::Iv,
        lot: Some("IBGM-17-003".to_owned()),
        total_cells: 90_000_000,
        weight_kg: Some(dec!(60)),
        viability_pct: Some(dec!(96.5)),
        premedication: None,
    };
    let id = db
        .store
        .record_infusion(&actor(), &study, "VLD-004", infusion.clone())
        .await
        .expect("recorded");
    let mut tx = db.store.pool().begin_read().await.expect("read");
    let stored = fact::INFUSION
        .current(&mut tx, &study.study_id, &id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.text("cells_per_kg"), Some("1500000"));
    assert_eq!(stored.text("product_source"), Some("bone_marrow"));
    assert_eq!(stored.text("total_cells"), Some("90000000"));
    drop(tx);
    let read = db
        .store
        .infusions(&study, "VLD-004")
        .await
        .expect("read back");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].entity_id, id);
    assert_eq!(read[0].infusion, infusion);
    let err = db
        .store
        .record_infusion(&actor(), &study, "VLD-404", infusion)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::NotFound {
            entity: "patient",
            ..
        }
    ));
}

on_both_backends!(
    study_from_protocol_and_enrollment,
    bad_input_names_the_field_and_writes_nothing,
    corrections_supersede_and_keep_history,
    infusion_records_the_cell_product,
);
