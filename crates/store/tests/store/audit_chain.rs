//! The audit chain: every write audited in its transaction, tampering detected and named,
//! concurrent writers still make one valid chain.

use sledger_store::audit::{self, Verification};
use sledger_store::backend::Param;

use crate::facts::{index_study, patient};
use crate::harness::{TestDb, actor, on_both_backends};

async fn every_write_is_audited_and_the_chain_verifies(db: &TestDb) {
    let study = index_study(&db.store).await;
    db.store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .expect("enrolled");
    db.store
        .enroll(&actor(), &study, &patient("VLD-002"))
        .await
        .expect("enrolled");
    let log = audit::log(db.store.pool(), &study.study_id, 1, 100)
        .await
        .expect("log");
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.record.action.as_str(), e.record.entity.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("create", "study"),
            ("create", "site"),
            ("create", "patient"),
            ("create", "patient")
        ]
    );
    assert_eq!(log[0].prev_hash, audit::GENESIS);
    for pair in log.windows(2) {
        assert_eq!(
            pair[1].prev_hash, pair[0].hash,
            "each entry holds its predecessor's hash"
        );
    }
    assert!(
        log[2]
            .record
            .after
            .as_deref()
            .is_some_and(|a| a.contains("VLD-001"))
    );
    assert_eq!(
        audit::verify(db.store.pool(), &study.study_id)
            .await
            .expect("verify"),
        Verification::Intact { entries: 4 }
    );
}

async fn changing_any_audit_row_by_hand_is_named(db: &TestDb) {
    let study = index_study(&db.store).await;
    for i in 0..5 {
        db.store
            .enroll(&actor(), &study, &patient(&format!("VLD-{i:03}")))
            .await
            .expect("enrolled");
    }
    // An intruder edits entry 4's content.
    let mut tx = db.raw().await;
    tx.execute(
        "UPDATE audit_entry SET after_json = $1 WHERE study_id = $2 AND seq = 4",
        &[
            Param::Text("{\"code\":\"VLD-999\"}".into()),
            study.study_id.as_str().into(),
        ],
    )
    .await
    .expect("tamper");
    tx.commit().await.expect("tamper committed");
    match audit::verify(db.store.pool(), &study.study_id)
        .await
        .expect("verify")
    {
        Verification::Broken { seq, problem } => {
            assert_eq!(seq, 4, "{problem}");
            assert!(problem.contains("content"), "{problem}");
        }
        other => panic!("tampering not detected: {other:?}"),
    }
}

async fn rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(db: &TestDb) {
    let study = index_study(&db.store).await;
    for i in 0..3 {
        db.store
            .enroll(&actor(), &study, &patient(&format!("VLD-{i:03}")))
            .await
            .expect("enrolled");
    }
    let entries = audit::log(db.store.pool(), &study.study_id, 1, 100)
        .await
        .expect("log");
    let mut forged = entries[2].record.clone();
    forged.actor = "someone-else".into();
    let hash = audit::entry_hash(
        &study.study_id,
        3,
        &entries[2].at,
        &forged,
        &entries[2].prev_hash,
    );
    let mut tx = db.raw().await;
    tx.execute(
        "UPDATE audit_entry SET actor = $1, hash = $2 WHERE study_id = $3 AND seq = 3",
        &[
            "someone-else".into(),
            hash.into(),
            study.study_id.as_str().into(),
        ],
    )
    .await
    .expect("forge");
    tx.commit().await.expect("forged");
    assert!(
        matches!(
            audit::verify(db.store.pool(), &study.study_id)
                .await
                .expect("verify"),
            Verification::Broken { seq: 4, .. }
        ),
        "a consistent forgery of entry 3 still breaks entry 4's link"
    );
    // Deleting an entry is caught too.
    let mut tx = db.raw().await;
    tx.execute(
        "DELETE FROM audit_entry WHERE study_id = $1 AND seq = 2",
        &[study.study_id.as_str().into()],
    )
    .await
    .expect("delete");
    tx.commit().await.expect("deleted");
    assert!(matches!(
        audit::verify(db.store.pool(), &study.study_id)
            .await
            .expect("verify"),
        Verification::Broken { seq: 2, .. }
    ));
}

async fn eight_concurrent_writers_make_one_valid_chain(db: &TestDb) {
    let study = index_study(&db.store).await;
    let mut writers = Vec::new();
    for w in 0..8 {
        let store = db.store.clone();
        let study = study.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..10 {
                store
                    .enroll(&actor(), &study, &patient(&format!("W{w}-{i:02}")))
                    .await
                    .expect("concurrent enrollment");
            }
        }));
    }
    for writer in writers {
        writer.await.expect("writer finished");
    }
    // study + site + 80 patients.
    assert_eq!(
        audit::verify(db.store.pool(), &study.study_id)
            .await
            .expect("verify"),
        Verification::Intact { entries: 82 }
    );
}

on_both_backends!(
    every_write_is_audited_and_the_chain_verifies,
    changing_any_audit_row_by_hand_is_named,
    rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link,
    eight_concurrent_writers_make_one_valid_chain,
);
