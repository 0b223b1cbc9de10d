//! `sledger import fhir` of MedicationStatement/Request/Administration, Procedure and
//! Condition (issue #6 item 1) end to end: good records stored for the linked patient, bad
//! ones in the error report with their line and field, resources whose status says they did
//! not happen counted and not stored, other procedures counted as not mapped; the medications
//! appear in `patient show --format json`; a re-import changes nothing; `export fhir` →
//! `import fhir` into a fresh store gives the same medications and infusions. On SQLite and
//! PostgreSQL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::harness::{self, STUDY, TestDb, ok, on_both_backends, root, text};

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
const SNOMED: &str = "http://snomed.info/sct";
const UCUM: &str = "http://unitsofmeasure.org";

fn dir(name: &str, db: &TestDb) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sledger-fhir-facts-{name}-{}-{}",
        std::process::id(),
        db.postgres_name().unwrap_or("sqlite")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn mg(value: f64) -> Value {
    json!({"value": value, "unit": "mg", "system": UCUM, "code": "mg"})
}

fn statement(id: &str, status: &str, rxnorm: &str, dose: Value, period: Value) -> Value {
    json!({"resourceType": "MedicationStatement", "id": id, "status": status,
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxnorm}]},
        "subject": {"reference": "Patient/h1"}, "effectivePeriod": period,
        "reasonCode": [{"text": "SLE activity"}],
        "dosage": [{"route": {"coding": [{"system": SNOMED, "code": "26643006"}]},
                    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": dose}]}]})
}

fn request(id: &str, status: &str, rxnorm: &str) -> Value {
    json!({"resourceType": "MedicationRequest", "id": id, "status": status, "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxnorm}]},
        "subject": {"reference": "Patient/h1"}, "authoredOn": "2017-02-25",
        "dispenseRequest": {"validityPeriod": {"start": "2017-03-01", "end": "2017-08-31"}},
        "dosageInstruction": [{"route": {"coding": [{"system": SNOMED, "code": "26643006"}]},
                    "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": mg(200.0)}]}]})
}

fn administration(id: &str, effective: Option<&str>) -> Value {
    let mut a = json!({"resourceType": "MedicationAdministration", "id": id,
        "status": "completed",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "6902"}]},
        "subject": {"reference": "Patient/h1"},
        "dosage": {"route": {"coding": [{"system": SNOMED, "code": "47625008"}]}, "dose": mg(500.0)}});
    if let Some(e) = effective {
        a["effectiveDateTime"] = json!(e);
    }
    a
}

fn infusion(id: &str, notes: &[&str]) -> Value {
    json!({"resourceType": "Procedure", "id": id, "status": "completed",
        "code": {"coding": [{"system": "https://sledger.example/fhir/CodeSystem/procedure",
                             "code": "cell-product-infusion"}]},
        "subject": {"reference": "Patient/h1"}, "performedDateTime": "2017-09-01",
        "note": notes.iter().map(|n| json!({"text": n})).collect::<Vec<_>>()})
}

fn condition(id: &str, verification: &str, clinical: &str) -> Value {
    json!({"resourceType": "Condition", "id": id,
        "clinicalStatus": {"coding": [{"code": clinical}]},
        "verificationStatus": {"coding": [{"code": verification}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "M32.14",
                             "display": "Glomerular disease in SLE"}]},
        "subject": {"reference": "Patient/h1"}, "onsetDateTime": "2015-06-01"})
}

/// The input, and the (line, field) of every record it should refuse.
fn clinical_ndjson(path: &Path) -> BTreeSet<(usize, String)> {
    let mut stranger = statement(
        "m-stranger",
        "active",
        "8640",
        mg(5.0),
        json!({"start": "2017-04-01"}),
    );
    stranger["subject"] = json!({"reference": "Patient/nobody"});
    let lines: Vec<(Value, Option<&str>)> = vec![
        (
            statement(
                "m-high",
                "completed",
                "8640",
                mg(20.0),
                json!({"start": "2017-02-01", "end": "2017-03-31"}),
            ),
            None,
        ),
        (
            statement(
                "m-low",
                "active",
                "8640",
                mg(5.0),
                json!({"start": "2017-04-01"}),
            ),
            None,
        ),
        (request("r-hcq", "active", "5521"), None),
        (
            administration("a-pulse", Some("2017-03-01T09:00:00Z")),
            None,
        ),
        (
            statement(
                "m-not-taken",
                "not-taken",
                "8640",
                mg(5.0),
                json!({"start": "2017-04-01"}),
            ),
            None,
        ),
        (request("r-cancelled", "cancelled", "5521"), None),
        (
            statement(
                "m-tablet",
                "active",
                "8640",
                json!({"value": 1, "unit": "tablet"}),
                json!({"start": "2017-04-01"}),
            ),
            Some("dosage.doseAndRate.doseQuantity.unit"),
        ),
        (
            request("r-unknown", "active", "999999"),
            Some("medicationCodeableConcept"),
        ),
        (administration("a-undated", None), Some("effective[x]")),
        (
            infusion(
                "p-second",
                &[
                    "bone_marrow allogeneic cell product, route iv, 60000000 total cells",
                    "lot IBGM-002",
                    "viability 93.5 %",
                    "weight 61.2 kg",
                ],
            ),
            None,
        ),
        (
            json!({"resourceType": "Procedure", "id": "p-biopsy", "status": "completed",
                "code": {"coding": [{"system": SNOMED, "code": "90688005"}]},
                "subject": {"reference": "Patient/h1"}, "performedDateTime": "2016-11-02"}),
            None,
        ),
        (infusion("p-no-note", &[]), Some("note")),
        (condition("c-ln", "confirmed", "active"), None),
        (condition("c-error", "entered-in-error", "active"), None),
        (
            condition("c-bad", "confirmed", "ongoing"),
            Some("clinicalStatus"),
        ),
        (stranger, Some("subject")),
    ];
    let mut bad = BTreeSet::new();
    let mut text = String::new();
    for (i, (line, field)) in lines.iter().enumerate() {
        text.push_str(&line.to_string());
        text.push('\n');
        if let Some(f) = field {
            bad.insert((i + 1, (*f).to_owned()));
        }
    }
    std::fs::write(path, text).expect("write");
    bad
}

fn import(db: &TestDb, path: &Path, errors: &Path) -> std::process::Output {
    db.sledger(&[
        "import",
        "fhir",
        path.to_str().expect("utf-8"),
        "--study",
        STUDY,
        "--errors",
        errors.to_str().expect("utf-8"),
    ])
}

fn reported(errors: &Path) -> BTreeSet<(usize, String)> {
    std::fs::read_to_string(errors)
        .expect("the error report")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            assert!(v["resource_id"].is_string(), "{l}");
            assert!(v["problem"].is_string(), "{l}");
            (
                v["line"].as_u64().expect("line") as usize,
                v["field"].as_str().expect("field").to_owned(),
            )
        })
        .collect()
}

fn counts(db: &TestDb) -> [i64; 4] {
    ["medication", "infusion", "condition", "imported_record"]
        .map(|t| db.count(&format!("SELECT COUNT(*) FROM {t}")))
}

fn chart(db: &TestDb) -> Value {
    let out = ok(&db.sledger(&[
        "patient", "show", "--study", STUDY, "IDX-01", "--format", "json",
    ]));
    serde_json::from_str(&out).expect("JSON")
}

/// A chart's array as a set of its items' JSON text (the order of reading is not the point).
fn items(chart: &Value, key: &str) -> BTreeSet<String> {
    chart[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}: {chart}"))
        .iter()
        .map(Value::to_string)
        .collect()
}

/// A fresh database of the same kind as `db`.
fn sibling(db: &TestDb) -> TestDb {
    match db {
        TestDb::Sqlite { .. } => harness::sqlite(),
        TestDb::Postgres { .. } => harness::postgres("fhir_round_trip").expect("PostgreSQL"),
    }
}

fn medications_infusions_and_conditions_then_reimport_and_round_trip(db: &TestDb) {
    harness::study_with_patient(db, "IDX-01");
    ok(&db.sledger(&[
        "linkage",
        "add",
        "--study",
        STUDY,
        "--patient",
        "IDX-01",
        "--identifier",
        "Patient/h1",
    ]));
    let work = dir("in", db);
    let input = work.join("clinical.ndjson");
    let errors = work.join("errors.jsonl");
    let bad = clinical_ndjson(&input);
    let first = import(db, &input, &errors);
    let summary = text(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{summary}");
    assert_eq!(reported(&errors), bad, "{summary}");
    assert!(
        summary
            .contains("imported 6, skipped as already imported 0, unmapped kept raw 0, refused 6"),
        "{summary}"
    );
    for counted in [
        "Procedure not mapped (counted, not stored) 1",
        "MedicationStatement not-taken not stored for its status 1",
        "MedicationRequest cancelled not stored for its status 1",
        "Condition entered-in-error not stored for its status 1",
    ] {
        assert!(summary.contains(counted), "{counted}: {summary}");
    }
    // Four medications, the second infusion beside the one recorded by hand, one condition;
    // every stored record in the ledger; no hospital identifier in the clinical tables.
    let after_first = counts(db);
    assert_eq!(after_first, [4, 2, 1, 6]);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM condition WHERE patient_id LIKE '%h1%'"),
        0
    );

    let c = chart(db);
    let meds = c["medications"].as_array().expect("medications");
    assert_eq!(meds.len(), 4, "{c}");
    let prednisone: Vec<(u64, &str, Option<&str>)> = meds
        .iter()
        .filter(|m| m["agent"] == "prednisone")
        .map(|m| {
            (
                m["dose_ug"].as_u64().expect("dose"),
                m["start_date"].as_str().expect("start"),
                m["end_date"].as_str(),
            )
        })
        .collect();
    assert!(
        prednisone.contains(&(20_000, "2017-02-01", Some("2017-03-31")))
            && prednisone.contains(&(5_000, "2017-04-01", None)),
        "{prednisone:?}"
    );
    assert!(
        meds.iter().any(|m| m["agent"] == "hydroxychloroquine"
            && m["schedule"] == "bid"
            && m["end_date"] == "2017-08-31"),
        "{c}"
    );
    assert!(
        meds.iter().any(|m| m["agent"] == "methylprednisolone"
            && m["route"] == "iv"
            && m["schedule"] == "single"
            && m["dose_ug"] == 500_000),
        "{c}"
    );
    let infusions = c["infusions"].as_array().expect("infusions");
    assert_eq!(infusions.len(), 2, "{c}");
    assert_eq!(infusions[1]["lot"], "IBGM-002");
    assert_eq!(infusions[1]["weight_kg"], json!(61.2));
    assert_eq!(c["conditions"][0]["code"], "M32.14");
    assert_eq!(c["conditions"][0]["clinical_status"], "active");

    // Re-import: nothing changes, every stored record skipped, the same refusals.
    let again = import(db, &input, &errors);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("imported 0, skipped as already imported 6"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(counts(db), after_first);
    assert_eq!(reported(&errors), bad);
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));

    // Export, then import the export's medications and infusions into a fresh store.
    let exported = dir("export", db);
    ok(&db.sledger(&[
        "export",
        "fhir",
        "--study",
        STUDY,
        "--out",
        exported.to_str().expect("utf-8"),
    ]));
    let back = dir("back", db);
    for file in ["Procedure.ndjson", "MedicationStatement.ndjson"] {
        std::fs::copy(exported.join(file), back.join(file)).expect("copy");
    }
    let fresh = sibling(db);
    let protocol = root().join("protocols/msc-lupus-nephritis.toml");
    ok(&fresh.sledger(&[
        "study",
        "create",
        "--protocol",
        protocol.to_str().expect("utf-8"),
        "--code",
        STUDY,
    ]));
    ok(&fresh.sledger(&[
        "patient",
        "enroll",
        "--study",
        STUDY,
        "--code",
        "IDX-01",
        "--site",
        "VLD",
        "--sex",
        "female",
        "--birth",
        "1985-04",
        "--enrolled",
        "2017-02-20",
    ]));
    ok(&fresh.sledger(&[
        "linkage",
        "add",
        "--study",
        STUDY,
        "--patient",
        "IDX-01",
        "--identifier",
        "Patient/IDX-01",
    ]));
    let round = fresh.sledger(&[
        "import",
        "fhir",
        back.to_str().expect("utf-8"),
        "--study",
        STUDY,
        "--errors",
        back.join("errors.jsonl").to_str().expect("utf-8"),
    ]);
    let summary = ok(&round) + &text(&round.stderr);
    assert!(summary.contains("imported 6,"), "{summary}");
    let (original, copy) = (chart(db), chart(&fresh));
    assert_eq!(items(&copy, "medications"), items(&original, "medications"));
    assert_eq!(items(&copy, "infusions"), items(&original, "infusions"));
    ok(&fresh.sledger(&["audit", "verify", "--study", STUDY]));
    for d in [work, exported, back] {
        let _ = std::fs::remove_dir_all(d);
    }
}

on_both_backends!(medications_infusions_and_conditions_then_reimport_and_round_trip);
