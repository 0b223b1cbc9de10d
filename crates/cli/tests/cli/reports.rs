//! `sledger report` end to end (issue #5 "Done when"): the index study loaded by
//! examples/index-study/load.sh, then the case series as HTML, Markdown and JSON and one
//! patient's report, on both databases.

use serde_json::Value;

use crate::harness::{STUDY, TestDb, ok, on_both_backends, root, text};

fn load_index_study(db: &TestDb) {
    let load = std::process::Command::new(root().join("examples/index-study/load.sh"))
        .arg(db.url())
        .env("SLEDGER", env!("CARGO_BIN_EXE_sledger"))
        .output()
        .expect("load.sh runs");
    assert!(ok(&load).contains("intact:"));
}

fn out_file(db: &TestDb, name: &str) -> std::path::PathBuf {
    let tag = db
        .url()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>();
    std::env::temp_dir().join(format!(
        "sledger-report-{}-{name}",
        &tag[tag.len().saturating_sub(24)..]
    ))
}

fn case_series_of_the_index_study(db: &TestDb) {
    load_index_study(db);

    let html_path = out_file(db, "case-series.html");
    let html_arg = html_path.to_string_lossy().into_owned();
    ok(&db.sledger(&[
        "report",
        "case-series",
        "--study",
        STUDY,
        "--format",
        "html",
        "--out",
        &html_arg,
    ]));
    let html = std::fs::read_to_string(&html_path).expect("the report was written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
    for code in ["IDX-01", "IDX-02", "IDX-03"] {
        assert!(html.contains(&format!("<h3>{code} —")), "{code}");
    }
    // Six course panels per patient and four cohort spaghetti plots, all inline.
    assert_eq!(html.matches("<svg ").count(), 3 * 6 + 4);
    assert!(!html.contains("<script") && !html.contains("<link"));
    // The files record no C4: every C4 cell is missing, never a number.
    assert!(html.contains("<td class=\"missing\">\u{2014}</td>"));
    assert!(html.contains("Rules applied") && html.contains("renal.md §3.2"));
    assert!(html.contains("Cohort summary") && html.contains("(exact)"));
    std::fs::remove_file(&html_path).ok();

    let md = ok(&db.sledger(&["report", "case-series", "--study", STUDY, "--format", "md"]));
    assert!(md.starts_with("# Case series — VLD-MSC"), "{md}");
    assert!(md.contains("| m9 | 274 | 250 |"), "{md}");

    let json: Value = serde_json::from_str(&ok(&db.sledger(&[
        "report",
        "case-series",
        "--study",
        STUDY,
        "--format",
        "json",
    ])))
    .expect("JSON");
    assert_eq!(json["report"], "case_series");
    assert_eq!(json["patients"].as_array().map(Vec::len), Some(3));
    let idx03 = &json["patients"][2];
    assert_eq!(idx03["code"], "IDX-03");
    assert_eq!(idx03["visits"][4]["renal_response"], "partial");
    assert_eq!(idx03["pct_reduction_at_last_visit"], 62.5);
    assert!(idx03["visits"][4]["c4_g_l"].is_null());
    let upcr = &json["cohort_summary"][0];
    assert_eq!(upcr["variable"], "UPCR");
    assert_eq!(upcr["change"]["pairs"], 3);
    // R: wilcox.test(c(250, 300, 1500), c(3200, 2400, 5200), paired = TRUE) → V = 0, p = 0.25.
    assert_eq!(upcr["change"]["statistic"], 0.0);
    let p = upcr["change"]["p_value"].as_f64().expect("a p-value");
    assert!((p - 0.25).abs() < 1e-9 * 0.25, "{p}");
    assert_eq!(
        json["provenance"]["engine_version"],
        env!("CARGO_PKG_VERSION")
    );

    let patient = ok(&db.sledger(&[
        "report", "patient", "IDX-02", "--study", STUDY, "--format", "html",
    ]));
    assert!(patient.contains("Patient course — IDX-02"));
    assert_eq!(patient.matches("<svg ").count(), 6);

    let refused = db.sledger(&["report", "patient", "NOPE", "--study", STUDY]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("\"field\""),
        "{}",
        text(&refused.stderr)
    );
    // The single-arm index protocol declares no primary endpoint: no trial analysis.
    let refused = db.sledger(&["report", "trial", "--study", STUDY]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    let err: Value = serde_json::from_str(text(&refused.stderr).trim()).expect("a JSON refusal");
    assert_eq!(err["error"]["field"], "protocol", "{err}");
}

on_both_backends!(case_series_of_the_index_study);

/// The arms' display names in protocols/msc-ln-rct.toml.
const ARM_NAMES: [&str; 2] = [
    "Allogeneic BM-MSC 2 × 10⁶ cells/kg",
    "Placebo: 100 mL saline IV",
];

fn trial_report_blinded_and_unblinded(db: &TestDb) {
    let made = ok(&db.sledger_as(
        "generator",
        &[
            "demo",
            "trial",
            "--study",
            "RCT",
            "--patients",
            "16",
            "--seed",
            "7",
        ],
    ));
    assert!(made.contains("16 patients enrolled"), "{made}");
    ok(&db.sledger_as(
        "root",
        &["user", "add", "--username", "root", "--role", "admin"],
    ));
    ok(&db.sledger_as(
        "root",
        &[
            "user",
            "add",
            "--username",
            "stat",
            "--role",
            "statistician",
        ],
    ));

    let open = ok(&db.sledger_as(
        "root",
        &["report", "trial", "--study", "RCT", "--format", "html"],
    ));
    assert!(open.contains("Trial analysis — RCT"));
    assert!(open.contains("Allocated to msc") && open.contains("Allocated to placebo"));
    for name in ARM_NAMES {
        assert!(
            open.contains(name),
            "the unblinded version names the arms: {name}"
        );
    }
    assert_eq!(open.matches("<svg ").count(), 2, "CONSORT and Kaplan–Meier");
    assert!(open.contains("Assessed for eligibility (n=16)"));

    for format in ["html", "md", "json"] {
        let blinded = ok(&db.sledger_as(
            "stat",
            &["report", "trial", "--study", "RCT", "--format", format],
        ));
        for arm in [
            "Allocated to msc",
            "Allocated to placebo",
            "\"msc\"",
            "\"placebo\"",
            "| msc |",
            "| placebo |",
        ] {
            assert!(!blinded.contains(arm), "{format}: {arm}");
        }
        for name in ARM_NAMES {
            assert!(!blinded.contains(name), "{format}: {name}");
        }
        assert!(
            blinded.contains("Group A") || blinded.contains("\"label\": \"A\""),
            "{format}"
        );
    }
    let json: Value = serde_json::from_str(&ok(&db.sledger_as(
        "stat",
        &["report", "trial", "--study", "RCT", "--format", "json"],
    )))
    .expect("JSON");
    assert_eq!(json["blinded"], true);
    assert!(
        json["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .all(|g| g["arm"].is_null())
    );
    let randomized: u64 = json["consort"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["allocated"].as_u64().expect("a count"))
        .sum();
    assert_eq!(json["consort"]["randomized"].as_u64(), Some(randomized));

    // An actor who is not a registered user gets nothing.
    let refused = db.sledger_as("stranger", &["report", "trial", "--study", "RCT"]);
    assert_eq!(refused.status.code(), Some(1));
    // Each reading is audited, and the chain stays intact.
    let verify = ok(&db.sledger(&["audit", "verify", "--study", "RCT"]));
    assert!(verify.starts_with("intact:"), "{verify}");
}

on_both_backends!(trial_report_blinded_and_unblinded);
