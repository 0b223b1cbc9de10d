//! The importers' tables (issue #6): the subject linkage and the ledger of imported records,
//! on both backends.

use jiff::civil::date;
use rust_decimal_macros::dec;
use sledger_core::record::observation::{
    Observation, ObservationReport, ObservationSource, ObservationValue,
};
use sledger_store::StoreError;
use sledger_store::imported_record::ImportKey;
use sledger_store::linkage::LinkOrigin;
use sledger_store::observations::NewObservation;

use crate::facts::{index_study, patient};
use crate::harness::{TestDb, actor, on_both_backends};

fn key(id: &str) -> ImportKey {
    ImportKey {
        record_type: "Observation".into(),
        record_id: id.into(),
        version_id: "1".into(),
    }
}

fn c3(patient_id: &str) -> NewObservation {
    NewObservation {
        patient_id: patient_id.to_owned(),
        visit_id: None,
        observation: Observation::parse(ObservationReport {
            code_system: "http://loinc.org".into(),
            code: "4485-9".into(),
            value: ObservationValue::Quantity(dec!(0.8)),
            unit: Some("g/L".into()),
            reference_low: None,
            reference_high: None,
            effective: date(2017, 3, 1),
            specimen: None,
            source: ObservationSource::Fhir {
                import_id: "import-1".into(),
            },
        })
        .unwrap(),
    }
}

async fn observation_count(db: &TestDb) -> i64 {
    let mut tx = db.store.pool().begin_read().await.unwrap();
    let row = tx
        .fetch_optional("SELECT COUNT(*) FROM observation", &[])
        .await
        .unwrap()
        .unwrap();
    row.req_int(0).unwrap()
}

async fn keys_are_written_with_their_batch_and_only_once(db: &TestDb) {
    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .unwrap();
    let keys = [key("o-1"), key("o-2")];
    assert!(
        db.store
            .imported_keys(&study, &keys)
            .await
            .unwrap()
            .is_empty()
    );
    let batch =
        db.store
            .prepare_observations(&actor(), &study, &[c3(&p.entity_id), c3(&p.entity_id)]);
    let written = db
        .store
        .record_imported_observations(&actor(), &study, batch, &keys, "import-1")
        .await
        .unwrap();
    assert_eq!(written, 2);
    let found = db
        .store
        .imported_keys(&study, &[key("o-1"), key("o-3")])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(found.contains(&key("o-1")));
    // Another version of the same resource is another record.
    let v2 = ImportKey {
        version_id: "2".into(),
        ..key("o-1")
    };
    assert!(
        db.store
            .imported_keys(&study, std::slice::from_ref(&v2))
            .await
            .unwrap()
            .is_empty()
    );

    // A batch carrying a key already imported is refused whole: no row of it is written.
    let again = db
        .store
        .prepare_observations(&actor(), &study, &[c3(&p.entity_id)]);
    let refused = db
        .store
        .record_imported_observations(&actor(), &study, again, &[key("o-2")], "import-2")
        .await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate { .. })),
        "{refused:?}"
    );
    assert_eq!(observation_count(db).await, 2);

    // Keys without rows (a Patient already linked) are recorded and audited alone.
    db.store
        .record_import_keys(&actor(), &study, &[key("p-1")], "import-2")
        .await
        .unwrap();
    assert_eq!(
        db.store
            .imported_keys(&study, &[key("p-1")])
            .await
            .unwrap()
            .len(),
        1
    );
    let verification = sledger_store::audit::verify(db.store.pool(), &study.study_id)
        .await
        .unwrap();
    assert!(
        matches!(
            verification,
            sledger_store::audit::Verification::Intact { .. }
        ),
        "{verification:?}"
    );
}

async fn linkage_links_enrolls_exports_and_purges(db: &TestDb) {
    let study = index_study(&db.store).await;
    db.store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .unwrap();
    let ids = vec!["Patient/h-1".to_owned(), "urn:hosp|123".to_owned()];
    let linked = db
        .store
        .link_subject(&actor(), &study, &ids, "VLD-001", None)
        .await
        .unwrap();
    assert_eq!(linked.code, "VLD-001");
    // Linking the same identifiers again adds nothing.
    db.store
        .link_subject(&actor(), &study, &ids, "VLD-001", None)
        .await
        .unwrap();
    // An identifier linked to another patient is refused.
    let mut other = patient("IMP-0001");
    other.code = "IMP-0001".into();
    let patient_key = ImportKey {
        record_type: "Patient".into(),
        record_id: "h-2".into(),
        version_id: String::new(),
    };
    let refused = db
        .store
        .enroll_linked(&actor(), &study, &["Patient/h-1".into()], &other, None)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate { .. })),
        "{refused:?}"
    );
    // ... and the refused enrollment left no patient behind.
    assert!(db.store.patient(&study, "IMP-0001").await.is_err());

    let enrolled = db
        .store
        .enroll_linked(
            &actor(),
            &study,
            &["Patient/h-2".into()],
            &other,
            Some((&patient_key, "import-1")),
        )
        .await
        .unwrap();
    assert_eq!(enrolled.code, "IMP-0001");
    assert_eq!(
        db.store
            .imported_keys(&study, std::slice::from_ref(&patient_key))
            .await
            .unwrap()
            .len(),
        1
    );

    let links = db.store.linkages(&study).await.unwrap();
    let summary: Vec<(&str, &str, LinkOrigin)> = links
        .iter()
        .map(|l| {
            (
                l.hospital_identifier.as_str(),
                l.patient_code.as_str(),
                l.origin,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Patient/h-1", "VLD-001", LinkOrigin::Linked),
            ("Patient/h-2", "IMP-0001", LinkOrigin::EnrolledByImport),
            ("urn:hosp|123", "VLD-001", LinkOrigin::Linked),
        ]
    );

    // No hospital identifier reaches the audit chain.
    let mut tx = db.store.pool().begin_read().await.unwrap();
    let rows = tx
        .fetch_all(
            "SELECT COALESCE(after_json, '') FROM audit_entry WHERE study_id = $1",
            &[study.study_id.as_str().into()],
        )
        .await
        .unwrap();
    drop(tx);
    for row in rows {
        let after = row.req_text(0).unwrap();
        // The identifiers themselves, not their fragments: "123" also turns up in random ids.
        for identifier in ["h-1", "hosp|123"] {
            assert!(!after.contains(identifier), "{identifier} in {after}");
        }
    }

    assert!(db.store.purge_linkage(&actor(), &study, " ").await.is_err());
    let deleted = db
        .store
        .purge_linkage(&actor(), &study, "end of follow-up")
        .await
        .unwrap();
    assert_eq!(deleted, 3);
    assert!(db.store.linkages(&study).await.unwrap().is_empty());
    // The patients stay.
    assert_eq!(db.store.patients(&study).await.unwrap().len(), 2);
}

async fn count(db: &TestDb, table: &str) -> i64 {
    let mut tx = db.store.pool().begin_read().await.unwrap();
    let row = tx
        .fetch_optional(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .await
        .unwrap()
        .unwrap();
    row.req_int(0).unwrap()
}

/// Medications, infusions and conditions of an import: written with their keys in one
/// transaction, read back, and a batch with a key already imported refused whole.
async fn imported_facts_are_written_with_their_keys_and_read_back(db: &TestDb) {
    use sledger_core::infusion::Infusion;
    use sledger_core::measures::glucocorticoid::{Route, Schedule};
    use sledger_core::protocol::{self, CellSource, Donor};
    use sledger_core::record::medication::{
        ExposurePeriod, MedIndication, MedicationAgent, MedicationExposure, parse_dose,
    };
    use sledger_store::condition::{ClinicalStatus, Condition, VerificationStatus};
    use sledger_store::imported_fact::{ImportedFact, NewImportedFact};

    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .unwrap();
    let exposure = MedicationExposure {
        agent: MedicationAgent::Prednisone,
        dose: parse_dose(dec!(20), "mg").unwrap(),
        route: Route::Oral,
        schedule: Schedule::Daily,
        period: ExposurePeriod::new(date(2017, 2, 1), Some(date(2017, 3, 31))).unwrap(),
        indication: MedIndication::SleActivity,
    };
    let infusion = Infusion {
        date: date(2017, 3, 1),
        source: CellSource::BoneMarrow,
        donor: Donor::Allogeneic,
        route: protocol::Route::Iv,
        lot: Some("L-7".into()),
        total_cells: 90_000_000,
        weight_kg: Some(dec!(60)),
        viability_pct: None,
        premedication: None,
    };
    let condition = Condition::new(
        Some("http://hl7.org/fhir/sid/icd-10"),
        "M32.14",
        None,
        Some(ClinicalStatus::Active),
        Some(VerificationStatus::Confirmed),
        Some(date(2015, 6, 1)),
        None,
    )
    .unwrap();
    let fact = |fact: ImportedFact, id: &str| NewImportedFact {
        patient_id: p.entity_id.clone(),
        fact,
        key: ImportKey {
            record_type: "MedicationStatement".into(),
            record_id: id.into(),
            version_id: String::new(),
        },
    };
    let facts = [
        fact(ImportedFact::Medication(exposure), "m-1"),
        fact(ImportedFact::Infusion(infusion.clone()), "p-1"),
        fact(ImportedFact::Condition(condition.clone()), "c-1"),
    ];
    let written = db
        .store
        .record_imported_facts(&actor(), &study, &facts, "import-1")
        .await
        .unwrap();
    assert_eq!(written, 3);
    let record = db.store.patient_record(&study, "VLD-001").await.unwrap();
    assert_eq!(record.medications(), &[exposure]);
    let infusions = db.store.infusions(&study, "VLD-001").await.unwrap();
    assert_eq!(infusions.len(), 1);
    assert_eq!(infusions[0].infusion, infusion);
    assert_eq!(
        db.store.conditions(&study, "VLD-001").await.unwrap(),
        vec![condition.clone()]
    );

    // A batch with a key already imported is refused whole: its new fact is not written.
    let again = [
        fact(ImportedFact::Condition(condition), "c-2"),
        fact(ImportedFact::Medication(exposure), "m-1"),
    ];
    let refused = db
        .store
        .record_imported_facts(&actor(), &study, &again, "import-2")
        .await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate { .. })),
        "{refused:?}"
    );
    assert_eq!(count(db, "condition").await, 1);
    assert_eq!(count(db, "medication").await, 1);
    sledger_store::audit::verify(db.store.pool(), &study.study_id)
        .await
        .unwrap();
}

/// A batch larger than one statement's parameter limit (3,000 exposures, interleaved with
/// conditions so that runs of each table alternate) is written whole: every fact with its own
/// audit entry, in order, the chain intact.
async fn a_large_imported_batch_spans_several_statements_and_keeps_one_entry_per_fact(db: &TestDb) {
    use sledger_core::measures::glucocorticoid::{Route, Schedule};
    use sledger_core::record::medication::{
        ExposurePeriod, MedIndication, MedicationAgent, MedicationExposure, parse_dose,
    };
    use sledger_store::audit::Verification;
    use sledger_store::condition::Condition;
    use sledger_store::imported_fact::{ImportedFact, NewImportedFact};

    let study = index_study(&db.store).await;
    let p = db
        .store
        .enroll(&actor(), &study, &patient("VLD-001"))
        .await
        .unwrap();
    let before = count(db, "audit_entry").await;
    let exposure = MedicationExposure {
        agent: MedicationAgent::Prednisone,
        dose: parse_dose(dec!(20), "mg").unwrap(),
        route: Route::Oral,
        schedule: Schedule::Daily,
        period: ExposurePeriod::new(date(2017, 2, 1), Some(date(2017, 3, 31))).unwrap(),
        indication: MedIndication::SleActivity,
    };
    let condition = Condition::new(
        None,
        "M32.14",
        None,
        None,
        None,
        Some(date(2015, 6, 1)),
        None,
    )
    .unwrap();
    let facts: Vec<NewImportedFact> = (0..3_000)
        .map(|i| NewImportedFact {
            patient_id: p.entity_id.clone(),
            fact: if i == 1_500 || i == 2_999 {
                ImportedFact::Condition(condition.clone())
            } else {
                ImportedFact::Medication(exposure)
            },
            key: key(&format!("r-{i}")),
        })
        .collect();
    let written = db
        .store
        .record_imported_facts(&actor(), &study, &facts, "import-big")
        .await
        .unwrap();
    assert_eq!(written, 3_000);
    assert_eq!(count(db, "medication").await, 2_998);
    assert_eq!(count(db, "condition").await, 2);
    assert_eq!(count(db, "audit_entry").await - before, 3_000);
    let verification = sledger_store::audit::verify(db.store.pool(), &study.study_id)
        .await
        .unwrap();
    assert!(
        matches!(verification, Verification::Intact { entries } if entries == count(db, "audit_entry").await),
        "{verification:?}"
    );
    // The planner's statistics refresh after the load (ANALYZE / PRAGMA optimize) and the
    // ledger is still read the same.
    db.store.refresh_statistics().await.unwrap();
    assert_eq!(count(db, "imported_record").await, 3_000);
}

on_both_backends!(
    imported_facts_are_written_with_their_keys_and_read_back,
    a_large_imported_batch_spans_several_statements_and_keeps_one_entry_per_fact,
    keys_are_written_with_their_batch_and_only_once,
    linkage_links_enrolls_exports_and_purges,
);
