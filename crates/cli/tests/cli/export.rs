//! Issue #6 items 2–5: the index study (examples/index-study/load.sh) exported as FHIR R4
//! NDJSON, ODM 1.3.2 and SDTM CSV on both databases, each export checked by the outside
//! validator its readers use (validators.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{STUDY, TestDb, ok, on_both_backends, root};
use crate::validators;

fn load_index_study(db: &TestDb) {
    let load = std::process::Command::new(root().join("examples/index-study/load.sh"))
        .arg(db.url())
        .env("SLEDGER", env!("CARGO_BIN_EXE_sledger"))
        .output()
        .expect("load.sh runs");
    let log = ok(&load);
    assert!(log.contains("intact:"), "{log}");
}

fn out_dir(db: &TestDb, kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sledger-export-{kind}-{}-{}",
        std::process::id(),
        db.postgres_name().unwrap_or("sqlite")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ndjson(dir: &Path, resource_type: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(format!("{resource_type}.ndjson")))
        .unwrap_or_else(|e| panic!("{resource_type}.ndjson: {e}"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON resource per line"))
        .collect()
}

fn check_fhir(db: &TestDb) {
    let dir = out_dir(db, "fhir");
    ok(&db.sledger(&[
        "export",
        "fhir",
        "--study",
        STUDY,
        "--out",
        dir.to_str().expect("utf-8 path"),
    ]));
    let patients = ndjson(&dir, "Patient");
    assert_eq!(patients.len(), 3);
    for p in &patients {
        // The study code is the only identifier; birth month only.
        assert_eq!(p["identifier"].as_array().map(Vec::len), Some(1), "{p}");
        let birth = p["birthDate"].as_str().expect("birthDate");
        assert_eq!(birth.len(), 7, "{p}");
    }
    assert_eq!(patients[0]["identifier"][0]["value"], "IDX-01");
    assert_eq!(patients[2]["gender"], "male");
    assert_eq!(ndjson(&dir, "ResearchStudy").len(), 1);
    assert_eq!(ndjson(&dir, "ResearchSubject").len(), 3);
    assert_eq!(ndjson(&dir, "Procedure").len(), 3, "one infusion each");
    assert!(!ndjson(&dir, "MedicationStatement").is_empty());
    assert!(!ndjson(&dir, "AdverseEvent").is_empty());

    let observations = ndjson(&dir, "Observation");
    let mut by_code: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for o in &observations {
        for c in o["code"]["coding"].as_array().expect("coding") {
            by_code
                .entry(c["code"].as_str().expect("code").to_owned())
                .or_default()
                .push(o);
        }
    }
    // Labs by LOINC, with the unit as reported and its UCUM code.
    let creatinine = by_code.get("2160-0").expect("serum creatinine 2160-0");
    assert_eq!(
        creatinine.len(),
        16,
        "5 visits × 3 patients and one imported"
    );
    let ids: std::collections::BTreeSet<&str> = observations
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(ids.len(), observations.len(), "Observation ids are unique");
    assert_eq!(
        creatinine[0]["valueQuantity"]["system"],
        "http://unitsofmeasure.org"
    );
    assert!(creatinine[0]["referenceRange"].is_array());
    // Derived measures at every visit: SLEDAI-2K and eGFR (LOINC 98979-8, CKD-EPI 2021).
    assert_eq!(by_code.get("sledai-2k").map(Vec::len), Some(15));
    let egfr = by_code.get("egfr").expect("eGFR");
    assert_eq!(egfr.len(), 15);
    assert_eq!(by_code.get("98979-8").map(Vec::len), Some(15));
    assert!(
        egfr[0]["method"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("sledger-core")),
        "{}",
        egfr[0]
    );
    // Renal response at every follow-up visit (not at baseline): 4 × 3.
    assert_eq!(
        by_code.get("renal-response-kdigo-2024").map(Vec::len),
        Some(12)
    );
    validators::run_python("validate_fhir.py", &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The id of the first serum creatinine observation (its store entity id).
fn first_creatinine(db: &TestDb) -> String {
    let dir = out_dir(db, "fhir-ids");
    ok(&db.sledger(&[
        "export",
        "fhir",
        "--study",
        STUDY,
        "--out",
        dir.to_str().expect("utf-8 path"),
    ]));
    let id = ndjson(&dir, "Observation")
        .into_iter()
        .find(|o| o["code"]["coding"][0]["code"] == "2160-0")
        .and_then(|o| o["id"].as_str().map(str::to_owned))
        .expect("a creatinine observation");
    let _ = std::fs::remove_dir_all(&dir);
    id
}

fn check_odm(db: &TestDb) {
    // A correction: the ODM value is an Update with the correction's reason and actor.
    let id = first_creatinine(db);
    ok(&db.sledger_as(
        "dm-coordinator",
        &[
            "correct",
            "--study",
            STUDY,
            "--entity",
            "observation",
            "--id",
            &id,
            "--set",
            "value_decimal=1.23",
            "--reason",
            "transcription error",
        ],
    ));
    let dir = out_dir(db, "odm");
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("study.xml");
    ok(&db.sledger(&[
        "export",
        "odm",
        "--study",
        STUDY,
        "--out",
        file.to_str().expect("utf-8 path"),
    ]));
    let xml = std::fs::read_to_string(&file).expect("ODM written");
    assert!(xml.contains(r#"FileType="Transactional""#));
    assert!(xml.contains(r#"ODMVersion="1.3.2""#));
    for visit in ["SE.BASELINE", "SE.M1", "SE.M3", "SE.M6", "SE.M9"] {
        assert!(
            xml.contains(&format!(r#"<StudyEventDef OID="{visit}""#)),
            "{visit}"
        );
    }
    assert_eq!(xml.matches("<SubjectData ").count(), 3);
    // Every value carries the audit record of the entry that wrote it.
    assert_eq!(
        xml.matches("<ItemData ").count(),
        xml.matches("<AuditRecord>").count()
    );
    // The imported values name the import's actor.
    assert!(xml.contains(r#"<UserRef UserOID="USR.lab-feed"/>"#));
    let corrected = xml
        .split("<ItemData ")
        .find(|chunk| chunk.contains(r#"Value="1.23""#))
        .expect("the corrected value");
    assert!(
        corrected.contains(r#"TransactionType="Update""#),
        "{corrected}"
    );
    assert!(
        corrected.contains("<ReasonForChange>transcription error</ReasonForChange>"),
        "{corrected}"
    );
    assert!(
        corrected.contains(r#"<UserRef UserOID="USR.dm-coordinator"/>"#),
        "{corrected}"
    );
    assert!(xml.contains(r#"<CodeListItem CodedValue="present">"#));
    for form in ["F.LAB", "F.SLEDAI2K", "F.EX", "F.CM", "F.AE"] {
        assert!(
            xml.contains(&format!(r#"<FormData FormOID="{form}">"#)),
            "{form}"
        );
    }
    assert_odm_references_resolve(&xml);
    validators::xmllint_odm(&file);
    let _ = std::fs::remove_dir_all(&dir);
}

fn csv_rows(dir: &Path, domain: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(dir.join(format!("{domain}.csv")))
        .unwrap_or_else(|e| panic!("{domain}.csv: {e}"));
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let at = rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[at].as_str()).collect()
}

fn check_sdtm(db: &TestDb) {
    let dir = out_dir(db, "sdtm");
    ok(&db.sledger(&[
        "export",
        "sdtm",
        "--study",
        STUDY,
        "--out",
        dir.to_str().expect("utf-8 path"),
    ]));
    let dm = csv_rows(&dir, "dm");
    assert_eq!(dm.len(), 4);
    assert_eq!(
        column(&dm, "USUBJID"),
        ["VLD-MSC-IDX-01", "VLD-MSC-IDX-02", "VLD-MSC-IDX-03"]
    );
    assert_eq!(column(&dm, "SEX"), ["F", "F", "M"]);
    assert_eq!(
        column(&dm, "RFSTDTC")[0],
        "2017-03-01",
        "the infusion is day 0"
    );
    let ex = csv_rows(&dir, "ex");
    assert_eq!(column(&ex, "EXDOSE"), ["90000000"; 3]);
    let lb = csv_rows(&dir, "lb");
    for (testcd, seq) in column(&lb, "LBTESTCD").iter().zip(column(&lb, "LBSEQ")) {
        assert!(!testcd.is_empty() && testcd.len() <= 8, "{testcd} at {seq}");
    }
    // --SEQ is unique within each subject.
    let mut seen = std::collections::BTreeSet::new();
    for (u, seq) in column(&lb, "USUBJID").iter().zip(column(&lb, "LBSEQ")) {
        assert!(seen.insert((*u, seq)), "duplicate LBSEQ {seq} for {u}");
    }
    assert!(column(&lb, "LBSTRESU").contains(&"mg/dL"));
    assert!(column(&lb, "VISIT").contains(&"MONTH 9"));
    let qs = csv_rows(&dir, "qs");
    let totals = column(&qs, "QSTESTCD")
        .iter()
        .filter(|c| **c == "SLEDTOT")
        .count();
    assert_eq!(totals, 15, "a SLEDAI-2K total per visit");
    assert_eq!(
        qs.len() - 1,
        15 * 25,
        "24 descriptors and the total per visit"
    );
    assert!(!csv_rows(&dir, "ae")[1..].is_empty());
    assert!(!csv_rows(&dir, "cm")[1..].is_empty());
    assert_eq!(csv_rows(&dir, "ds").len(), 4);
    validators::pandas_and_r(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two creatinines from a lab extract (bulk import: one audit entry for the batch), the second
/// on the same code as the visit form's, joined to IDX-01's month-1 visit by date.
fn import_lab_extract(db: &TestDb) {
    let file = std::env::temp_dir().join(format!(
        "sledger-export-labs-{}-{}.csv",
        std::process::id(),
        db.postgres_name().unwrap_or("sqlite")
    ));
    std::fs::write(
        &file,
        "patient,code_system,code,value,unit,effective_date,specimen,reference_low,reference_high\n\
         IDX-01,http://loinc.org,2160-0,1.0,mg/dL,2017-03-15,,0.5,1.1\n\
         IDX-01,http://loinc.org,14682-9,90,umol/L,2017-03-16,,45,90\n",
    )
    .expect("CSV written");
    ok(&db.sledger_as(
        "lab-feed",
        &[
            "observation",
            "import",
            file.to_str().expect("utf-8 path"),
            "--study",
            STUDY,
        ],
    ));
    let _ = std::fs::remove_file(&file);
}

fn the_index_study_exports(db: &TestDb) {
    load_index_study(db);
    import_lab_extract(db);
    check_fhir(db);
    check_odm(db);
    check_sdtm(db);
}

on_both_backends!(the_index_study_exports);

/// xmllint checks the schema, not ODM's references: every `…OID="X"` that refers to a
/// definition (ItemOID, ItemGroupOID, FormOID, StudyEventOID, CodeListOID,
/// MeasurementUnitOID, UserOID, LocationOID) must name an element defined with `OID="X"`.
fn assert_odm_references_resolve(xml: &str) {
    let values = |attr: &str| -> Vec<String> {
        let needle = format!(" {attr}=\"");
        xml.match_indices(&needle)
            .map(|(at, _)| {
                let rest = &xml[at + needle.len()..];
                rest[..rest.find('"').expect("closing quote")].to_owned()
            })
            .collect()
    };
    let defined: std::collections::BTreeSet<String> = values("OID").into_iter().collect();
    for attr in [
        "ItemOID",
        "ItemGroupOID",
        "FormOID",
        "StudyEventOID",
        "CodeListOID",
        "MeasurementUnitOID",
        "UserOID",
        "LocationOID",
    ] {
        for oid in values(attr) {
            assert!(defined.contains(&oid), "{attr}=\"{oid}\" has no definition");
        }
    }
}
