//! `sledger import fhir` end to end (issue #6 "Done when"): a generated bulk export of 1,000
//! patients with bad records sprinkled in — every bad record reported with its line,
//! everything valid imported; a re-import changes nothing; a SIGKILL mid-import then a re-run
//! leaves no duplicate. On SQLite and PostgreSQL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{STUDY, TestDb, ok, on_both_backends, study_with_patient, text};

fn patient(i: usize) -> String {
    json!({"resourceType": "Patient", "id": format!("h{i}"), "meta": {"versionId": "1"},
           "identifier": [{"system": "urn:hosp:mrn", "value": format!("MRN{i}")}],
           "name": [{"family": "Doe", "given": ["Jane"]}],
           "gender": "female", "birthDate": "1980-05-17"})
    .to_string()
}

fn observation(id: &str, subject: &str, code: &str, value: f64, unit: &str) -> String {
    json!({"resourceType": "Observation", "id": id, "meta": {"versionId": "1"}, "status": "final",
           "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
           "subject": {"reference": subject}, "effectiveDateTime": "2017-03-01T08:00:00Z",
           "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}})
    .to_string()
}

/// The valid observations of patient `i`: creatinine, C3 (both mapped) and CRP (raw).
fn good_observations(i: usize, per_patient: usize) -> Vec<String> {
    (0..per_patient)
        .map(|k| match k % 3 {
            0 => observation(
                &format!("o{i}-{k}"),
                &format!("Patient/h{i}"),
                "2160-0",
                0.9,
                "mg/dL",
            ),
            1 => observation(
                &format!("o{i}-{k}"),
                &format!("Patient/h{i}"),
                "4485-9",
                0.8,
                "g/L",
            ),
            _ => observation(
                &format!("o{i}-{k}"),
                &format!("Patient/h{i}"),
                "1988-5",
                3.5,
                "mg/L",
            ),
        })
        .collect()
}

struct Export {
    dir: PathBuf,
    /// (file, line, field) of every bad record.
    bad: BTreeSet<(String, usize, String)>,
    good_observations: usize,
    raw_observations: usize,
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

/// A bulk export (Patient.ndjson, Observation.ndjson) of `patients` patients with
/// `per_patient` observations each, and bad records at known lines.
fn bulk_export(name: &str, patients: usize, per_patient: usize, with_bad: bool) -> Export {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("sledger-fhir-{name}-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut bad = BTreeSet::new();
    let mut p: Vec<String> = (0..patients).map(patient).collect();
    let mut o: Vec<String> = (0..patients)
        .flat_map(|i| good_observations(i, per_patient))
        .collect();
    let good_observations = o.len();
    let raw_observations = (0..patients)
        .map(|_| (0..per_patient).filter(|k| k % 3 == 2).count())
        .sum();
    if with_bad {
        let mut put =
            |lines: &mut Vec<String>, file: &str, at: usize, line: String, field: &str| {
                lines.insert(at, line);
                bad.insert((file.to_owned(), at + 1, field.to_owned()));
            };
        put(
            &mut p,
            "Patient.ndjson",
            10,
            r#"{"resourceType":"Patient","id":"nobirth"}"#.into(),
            "birthDate",
        );
        put(
            &mut o,
            "Observation.ndjson",
            5,
            r#"{"resourceType":"Observation","id":"#.into(),
            "json",
        );
        put(
            &mut o,
            "Observation.ndjson",
            50,
            r#"{"resourceType":"Encounter","id":"e1"}"#.into(),
            "resourceType",
        );
        let no_subject = observation("nosubj", "Patient/h1", "2160-0", 1.0, "mg/dL")
            .replace(r#""subject":{"reference":"Patient/h1"},"#, "");
        put(&mut o, "Observation.ndjson", 100, no_subject, "subject");
        put(
            &mut o,
            "Observation.ndjson",
            200,
            observation("umol", "Patient/h2", "2160-0", 88.0, "umol/L"),
            "unit",
        );
        put(
            &mut o,
            "Observation.ndjson",
            300,
            observation("c3high", "Patient/h3", "4485-9", 80.0, "g/L"),
            "value",
        );
        put(
            &mut o,
            "Observation.ndjson",
            400,
            observation("stranger", "Patient/nobody", "2160-0", 1.0, "mg/dL"),
            "subject",
        );
        // A duplicate id: the first observation again, later in the file.
        let first = o[0].clone();
        put(&mut o, "Observation.ndjson", 500, first, "id");
        // A known type sledger has no fact for (a procedure other than a cell-product
        // infusion): counted, not refused.
        o.insert(
            600,
            json!({"resourceType": "Procedure", "id": "biopsy1", "status": "completed",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "90688005"}]},
            "subject": {"reference": "Patient/h1"}})
            .to_string(),
        );
    }
    if with_bad {
        let ae = |id: &str, severity: &str| {
            json!({"resourceType": "AdverseEvent", "id": id, "actuality": "actual",
                "subject": {"reference": "Patient/h4"},
                "event": {"coding": [{"code": "10037660", "display": "Pyrexia"}]},
                "date": "2017-03-02", "seriousness": {"coding": [{"code": "non-serious"}]},
                "severity": {"coding": [{"code": severity}]},
                "suspectEntity": [{"causality": [{"assessment": {"coding": [{"code": "Possible"}]}}]}]})
            .to_string()
        };
        write_lines(
            &dir.join("AdverseEvent.ndjson"),
            &[ae("ae1", "moderate"), ae("ae2", "grave")],
        );
        bad.insert(("AdverseEvent.ndjson".to_owned(), 2, "severity".to_owned()));
    }
    write_lines(&dir.join("Patient.ndjson"), &p);
    write_lines(&dir.join("Observation.ndjson"), &o);
    Export {
        dir,
        bad,
        good_observations,
        raw_observations,
    }
}

fn import(db: &TestDb, export: &Export, errors: &Path) -> std::process::Output {
    db.sledger(&[
        "import",
        "fhir",
        export.dir.to_str().expect("utf-8"),
        "--study",
        STUDY,
        "--enroll-unknown",
        "--errors",
        errors.to_str().expect("utf-8"),
    ])
}

fn reported(errors: &Path) -> BTreeSet<(String, usize, String)> {
    std::fs::read_to_string(errors)
        .expect("the error report")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            let file = Path::new(v["file"].as_str().expect("file"))
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (
                file,
                v["line"].as_u64().expect("line") as usize,
                v["field"].as_str().expect("field").to_owned(),
            )
        })
        .collect()
}

fn counts(db: &TestDb) -> (i64, i64, i64, i64) {
    (
        db.count("SELECT COUNT(*) FROM observation"),
        db.count("SELECT COUNT(*) FROM patient"),
        db.count("SELECT COUNT(*) FROM subject_linkage"),
        db.count("SELECT COUNT(*) FROM imported_record"),
    )
}

fn bulk_export_with_bad_records_then_reimport(db: &TestDb) {
    study_with_patient(db, "IDX-01");
    let export = bulk_export("bulk", 1000, 3, true);
    let errors = export.dir.join("errors.jsonl");
    let first = import(db, &export, &errors);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    assert_eq!(reported(&errors), export.bad);
    let after_first = counts(db);
    assert_eq!(
        after_first,
        (export.good_observations as i64, 1001, 2000, 4001),
        "{}",
        text(&first.stderr)
    );
    let summary = text(&first.stderr);
    assert!(
        summary.contains(&format!("unmapped kept raw {}", export.raw_observations)),
        "{summary}"
    );
    assert!(summary.contains("refused 9"), "{summary}");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM adverse_event WHERE term = 'Pyrexia' AND ctcae_grade = 2"),
        1
    );
    assert!(
        summary.contains("Procedure not mapped (counted, not stored) 1"),
        "{summary}"
    );
    // No hospital identifier in the clinical tables.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM patient WHERE code LIKE '%MRN%' OR code LIKE 'h%'"),
        0
    );
    // Only the linkage knows the hospital identifiers; export shows them.
    let links = ok(&db.sledger(&["linkage", "export", "--study", STUDY]));
    assert!(links.contains("urn:hosp:mrn|MRN7,R-"), "{links}");

    // Re-import: nothing changes, every record skipped, the same refusals.
    let again = import(db, &export, &errors);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(counts(db), after_first);
    assert!(
        text(&again.stderr).contains("imported 0, skipped as already imported 4001"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(reported(&errors), export.bad);
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));

    // Purging the linkage removes it alone.
    ok(&db.sledger(&[
        "linkage",
        "purge",
        "--study",
        STUDY,
        "--reason",
        "end of follow-up",
    ]));
    assert_eq!(counts(db), (after_first.0, 1001, 0, 4001));
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
    let _ = std::fs::remove_dir_all(&export.dir);
}

fn killed_mid_import_then_rerun_duplicates_nothing(db: &TestDb) {
    study_with_patient(db, "IDX-01");
    let export = bulk_export("kill", 20, 1500, false);
    let errors = export.dir.join("errors.jsonl");
    let mut landed = false;
    for attempt in 0..5u64 {
        let mut child = db
            .command(&[
                "import",
                "fhir",
                export.dir.to_str().expect("utf-8"),
                "--study",
                STUDY,
                "--enroll-unknown",
                "--errors",
                errors.to_str().expect("utf-8"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let before = db.count("SELECT COUNT(*) FROM observation");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if db.count("SELECT COUNT(*) FROM observation") > before {
                std::thread::sleep(Duration::from_millis(10 * attempt));
                landed |= child.try_wait().expect("wait").is_none();
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().ok(); // SIGKILL on Unix
        child.wait().expect("reaped");
        let rows = db.count("SELECT COUNT(*) FROM observation");
        // Whole batches only, and every row's record remembered with it.
        assert_eq!(
            rows,
            db.count("SELECT COUNT(*) FROM imported_record WHERE record_type = 'Observation'")
        );
        if landed {
            assert!(
                (rows as usize) < export.good_observations,
                "the kill landed after the end"
            );
            break;
        }
    }
    assert!(landed, "no kill landed mid-import in 5 attempts");
    let rerun = import(db, &export, &errors);
    ok(&rerun);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM observation"),
        export.good_observations as i64
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM (SELECT record_id FROM imported_record GROUP BY record_type, record_id HAVING COUNT(*) > 1) d"),
        0
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM patient"), 21);
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
    let _ = std::fs::remove_dir_all(&export.dir);
}

on_both_backends!(
    bulk_export_with_bad_records_then_reimport,
    killed_mid_import_then_rerun_duplicates_nothing,
);
