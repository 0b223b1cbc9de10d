//! The "Done when" of issue #3: the index study created from its protocol file, three patients
//! enrolled, infused and followed to month 9 from JSON files (examples/index-study/load.sh),
//! every measure per visit from `patient show`, and an audit row changed by hand named by
//! `audit verify`.

use serde_json::Value;

use crate::harness::{STUDY, TestDb, ok, on_both_backends, root, text};

fn show(db: &TestDb, code: &str) -> Value {
    let out = ok(&db.sledger(&[
        "patient", "show", code, "--study", STUDY, "--format", "json",
    ]));
    serde_json::from_str(&out).expect("patient show --format json prints JSON")
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number, got {v}"))
}

fn the_index_study_to_month_9(db: &TestDb) {
    let load = std::process::Command::new(root().join("examples/index-study/load.sh"))
        .arg(db.url())
        .env("SLEDGER", env!("CARGO_BIN_EXE_sledger"))
        .output()
        .expect("load.sh runs");
    let log = ok(&load);
    assert!(log.contains("intact:"), "{log}");

    let rows = [
        // (patient, KDIGO 2024 at m9, UPCR at m9 mg/g)
        ("IDX-01", "complete", 250.0),
        ("IDX-02", "complete", 300.0),
        ("IDX-03", "partial", 1500.0),
    ];
    for (code, kdigo, upcr) in rows {
        let chart = show(db, code);
        let visits = chart["visits"].as_array().expect("visits");
        let codes: Vec<&str> = visits.iter().filter_map(|v| v["visit"].as_str()).collect();
        assert_eq!(codes, ["baseline", "m1", "m3", "m6", "m9"], "{code}");
        let baseline = &visits[0];
        let m1 = &visits[1];
        let m9 = &visits[4];
        assert_eq!(m9["study_day"], 274, "{code}");
        assert_eq!(m9["window_status"], "in_window", "{code}");
        assert!(
            number(&m1["upcr"]["mg_per_g"]) < number(&baseline["upcr"]["mg_per_g"]),
            "{code}: proteinuria falls in the first month"
        );
        assert_eq!(number(&m9["upcr"]["mg_per_g"]), upcr, "{code}");
        assert_eq!(m9["upcr"]["source"], "24h_collection_ratio", "{code}");
        assert_eq!(
            m9["renal_response"]["kdigo_2024"]["response"], kdigo,
            "{code}: {}",
            m9["renal_response"]
        );
        assert!(
            m9["renal_response"]["eular_era_edta_2019"]["response"].is_string(),
            "{code}"
        );
        assert!(
            m9["egfr"]["egfr"].as_u64().is_some(),
            "{code}: {}",
            m9["egfr"]
        );
        assert!(
            m9["sledai2k"]["total"].as_u64().is_some(),
            "{code}: every descriptor answered"
        );
        let reduction = number(&m9["glucocorticoid"]["pct_reduction"]);
        assert!(
            (50.0..=90.0).contains(&reduction),
            "{code}: prednisone reduced by {reduction} %"
        );
        assert!(
            m9["course"]["lldas"].is_object(),
            "{code}: {}",
            m9["course"]
        );
        assert!(m9["course"]["doris"].is_object(), "{code}");
        assert!(m9["course"]["sledai_flare"].is_object(), "{code}");
        assert_eq!(baseline["renal_response"], "baseline_visit", "{code}");
    }

    let table = ok(&db.sledger(&["patient", "show", "IDX-03", "--study", STUDY]));
    assert!(table.contains("KDIGO 2024"), "{table}");
    assert!(table.contains("partial"), "{table}");

    // Tamper with entry 5 by hand: verify names it.
    let out = db.sledger(&["audit", "verify", "--study", STUDY]);
    assert!(
        text(&out.stdout).starts_with("intact: "),
        "{}",
        text(&out.stdout)
    );
    db.sql("UPDATE audit_entry SET actor = 'x' WHERE seq = 5");
    let out = db.sledger(&["audit", "verify", "--study", STUDY]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).starts_with("broken at entry 5:"),
        "{}",
        text(&out.stdout)
    );
    let log = ok(&db.sledger(&[
        "audit", "log", "--study", STUDY, "--from", "5", "--limit", "1", "--format", "json",
    ]));
    let entries: Value = serde_json::from_str(&log).expect("JSON");
    assert_eq!(entries[0]["seq"], 5);
    assert_eq!(entries[0]["actor"], "x");
}

on_both_backends!(the_index_study_to_month_9);
