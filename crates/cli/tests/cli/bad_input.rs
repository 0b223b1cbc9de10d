//! Refusals through the CLI: `{"error": {field, value, rule}}` on stderr, exit 1, nothing
//! written; a correction re-validated and kept in the history.

use serde_json::{Value, json};

use crate::harness::{STUDY, TestDb, ok, on_both_backends, study_with_patient, text};

fn visit(observation: Value) -> Value {
    json!({
        "patient": "BAD-01", "visit": "baseline", "date": "2017-02-26",
        "idempotency_key": "BAD-01/baseline",
        "observations": [observation],
        "sledai": {"sledai_arthritis": "present"},
        "pga_hundredths": 150,
        "rescue_or_treatment_failure": false,
    })
}

fn creatinine(unit: &str) -> Value {
    json!({"code_system": "http://loinc.org", "code": "2160-0", "value": 0.9, "unit": unit})
}

fn record(db: &TestDb, doc: &Value, name: &str) -> std::process::Output {
    let path = std::env::temp_dir().join(format!("{name}-{}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).expect("write");
    let out = db.sledger(&[
        "visit",
        "record",
        path.to_str().expect("utf-8"),
        "--study",
        STUDY,
    ]);
    let _ = std::fs::remove_file(path);
    out
}

fn refusal(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(1), "stdout: {}", text(&out.stdout));
    let err: Value = serde_json::from_str(text(&out.stderr).trim())
        .unwrap_or_else(|e| panic!("JSON on stderr ({e}): {}", text(&out.stderr)));
    err["error"].clone()
}

fn facts(db: &TestDb) -> [i64; 3] {
    [
        db.count("SELECT COUNT(*) FROM visit"),
        db.count("SELECT COUNT(*) FROM observation"),
        db.count("SELECT COUNT(*) FROM audit_entry"),
    ]
}

fn refused_input_writes_nothing(db: &TestDb) {
    study_with_patient(db, "BAD-01");
    let before = facts(db);
    let rows = [
        (
            "bad unit",
            visit(creatinine("umol/L")),
            "observations[0].unit",
        ),
        (
            "unknown key",
            {
                let mut v = visit(creatinine("mg/dL"));
                v["mood"] = json!("fine");
                v
            },
            "mood",
        ),
        (
            "unknown nested key",
            visit(json!({
            "code_system": "http://loinc.org", "code": "2160-0", "value": 0.9,
            "unit": "mg/dL", "colour": "red"})),
            "observations[0].colour",
        ),
        (
            "bad SLEDAI answer",
            {
                let mut v = visit(creatinine("mg/dL"));
                v["sledai"] = json!({"sledai_arthritis": "maybe"});
                v
            },
            "sledai.sledai_arthritis",
        ),
        (
            "PGA out of range",
            {
                let mut v = visit(creatinine("mg/dL"));
                v["pga_hundredths"] = json!(301);
                v
            },
            "pga_hundredths",
        ),
        (
            "unknown patient",
            {
                let mut v = visit(creatinine("mg/dL"));
                v["patient"] = json!("BAD-404");
                v
            },
            "patient",
        ),
    ];
    for (row, doc, field) in rows {
        let err = refusal(&record(db, &doc, "bad"));
        assert_eq!(err["field"], field, "{row}: {err}");
        assert!(err["rule"].is_string(), "{row}");
        assert_eq!(facts(db), before, "{row}: nothing written");
    }

    // Good input, then the same idempotency key again.
    ok(&record(db, &visit(creatinine("mg/dL")), "good"));
    let after = facts(db);
    let err = refusal(&record(db, &visit(creatinine("mg/dL")), "again"));
    assert_eq!(err["field"], "idempotency_key", "{err}");
    assert_eq!(facts(db), after);

    // A correction to a unit the code does not allow is refused naming `unit`.
    let id = db.sql("SELECT entity_id FROM observation WHERE code = '2160-0'");
    let correct = |set: &str, reason: &str| {
        db.sledger(&[
            "correct",
            "--study",
            STUDY,
            "--entity",
            "observation",
            "--id",
            &id,
            "--set",
            set,
            "--reason",
            reason,
        ])
    };
    let err = refusal(&correct("raw_unit=umol/L", "lab sheet"));
    assert_eq!(err["field"], "unit", "{err}");
    let err = refusal(&correct("value_decimal=1.0", " "));
    assert_eq!(err["field"], "reason", "{err}");
    ok(&correct("value_decimal=1.0", "transcription error"));
    assert_eq!(
        db.sql(&format!(
            "SELECT value_decimal FROM observation WHERE entity_id = '{id}' ORDER BY version"
        )),
        "0.9\n1.0"
    );
    let show = ok(&db.sledger(&[
        "patient", "show", "BAD-01", "--study", STUDY, "--format", "json",
    ]));
    let chart: Value = serde_json::from_str(&show).expect("JSON");
    assert_eq!(chart["visits"][0]["egfr"]["creatinine_mg_dl"], 1.0);
    let log = ok(&db.sledger(&[
        "audit", "log", "--study", STUDY, "--format", "json", "--limit", "1000",
    ]));
    let entries: Value = serde_json::from_str(&log).expect("JSON");
    let last = entries.as_array().and_then(|e| e.last()).expect("entries");
    assert_eq!(last["action"], "supersede");
    assert_eq!(last["reason"], "transcription error");
    ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
}

on_both_backends!(refused_input_writes_nothing);
