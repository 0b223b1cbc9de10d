//! `sledger import csv FILE --mapping MAP.toml` end to end (issue #6 item 5): local codes and
//! units mapped, bad rows reported with their line, a re-import skipped, on both backends.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{STUDY, TestDb, ok, on_both_backends, study_with_patient, text};

const MAPPING: &str = r#"
date_format = "%d/%m/%Y"
[columns]
patient = "PATIENT"
code = "TEST"
value = "RESULT"
unit = "UNITS"
effective_date = "COLLECTED"
id = "ACCESSION"
[codes]
CREA = "2160-0"
C3 = "4485-9"
[units]
"mg/dl" = "mg/dL"
"#;

fn lab_extract_with_mapping(db: &TestDb) {
    study_with_patient(db, "IDX-01");
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sledger-csv-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("labs.csv");
    let mapping = dir.join("map.toml");
    let errors = dir.join("errors.jsonl");
    std::fs::write(&mapping, MAPPING).expect("write");
    std::fs::write(
        &file,
        "ACCESSION,PATIENT,TEST,RESULT,UNITS,COLLECTED\n\
         A1,IDX-01,CREA,0.9,mg/dl,01/03/2017\n\
         A2,IDX-01,C3,0.8,g/L,01/03/2017\n\
         A3,IDX-01,1988-5,3.5,mg/L,01/03/2017\n\
         A4,IDX-01,CREA,88,umol/L,01/03/2017\n\
         A5,NOBODY,CREA,0.9,mg/dl,01/03/2017\n\
         A6,IDX-01,C3,0.8,g/L,2017-03-01\n\
         A1,IDX-01,CREA,0.9,mg/dl,01/03/2017\n",
    )
    .expect("write");
    let args = [
        "import",
        "csv",
        file.to_str().expect("utf-8"),
        "--mapping",
        mapping.to_str().expect("utf-8"),
        "--study",
        STUDY,
        "--errors",
        errors.to_str().expect("utf-8"),
    ];
    let out = db.sledger(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let reported: BTreeSet<(u64, String)> = std::fs::read_to_string(&errors)
        .expect("report")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            (
                v["line"].as_u64().expect("line"),
                v["field"].as_str().expect("field").to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(u64, String)> =
        [(5, "unit"), (6, "PATIENT"), (7, "COLLECTED"), (8, "id")]
            .into_iter()
            .map(|(l, f)| (l, f.to_owned()))
            .collect();
    assert_eq!(reported, expected);
    let stored = "SELECT COUNT(*) FROM observation WHERE source = 'csv'";
    assert_eq!(db.count(stored), 3);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM observation WHERE code = '2160-0' AND raw_unit = 'mg/dL'"),
        1
    );
    let again = db.sledger(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("skipped as already imported 3"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(db.count(stored), 3);
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
    let _ = std::fs::remove_dir_all(&dir);
}

on_both_backends!(lab_extract_with_mapping);
