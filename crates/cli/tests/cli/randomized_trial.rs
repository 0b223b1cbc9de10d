//! The "Done when" of issue #4: the RCT protocol randomized end to end from the CLI — users
//! and roles, six patients enrolled with eligibility and locked strata, refusals audited,
//! blinded and unblinded views, one emergency unblinding seen by the monitor, the audit chain
//! intact — on SQLite and PostgreSQL; and `randomization simulate` as a table, JSON and SVG.

use serde_json::Value;

use crate::harness::{TestDb, ok, on_both_backends, root, text};

const STUDY: &str = "RCT";

const CRITERIA: [&str; 6] = [
    "adult",
    "ln_class",
    "biopsy_recent",
    "refractory_or_relapse",
    "sledai",
    "consent",
];

/// Exit 1 with `{"error": {"field": FIELD, …}}` on stderr; returns the rule.
fn refused(out: &std::process::Output, field: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let err: Value = serde_json::from_str(text(&out.stderr).trim()).expect("a JSON refusal");
    assert_eq!(err["error"]["field"], field, "{err}");
    err["error"]["rule"].as_str().unwrap_or_default().to_owned()
}

fn enroll_ready(db: &TestDb, who: &str, code: &str, site: &str, upcr: &str, cyc: &str) {
    ok(&db.sledger_as(
        who,
        &[
            "patient",
            "enroll",
            "--study",
            STUDY,
            "--code",
            code,
            "--site",
            site,
            "--sex",
            "female",
            "--birth",
            "1988-06",
            "--enrolled",
            "2024-05-02",
        ],
    ));
    let mut args = vec!["patient", "eligibility", code, "--study", STUDY];
    let answers: Vec<String> = CRITERIA.iter().map(|c| format!("{c}=yes")).collect();
    for a in &answers {
        args.extend(["--answer", a.as_str()]);
    }
    ok(&db.sledger_as(who, &args));
    let site_value = format!("site={site}");
    let upcr_value = format!("baseline_upcr_ge_3_g_g={upcr}");
    let cyc_value = format!("prior_cyclophosphamide={cyc}");
    let out = ok(&db.sledger_as(
        who,
        &[
            "patient",
            "strata",
            code,
            "--study",
            STUDY,
            "--set",
            &site_value,
            "--set",
            &upcr_value,
            "--set",
            &cyc_value,
            "--lock",
        ],
    ));
    assert!(out.contains("locked at"), "{out}");
}

fn the_rct_randomized_end_to_end(db: &TestDb) {
    let protocol = root().join("protocols/msc-ln-rct.toml");
    let protocol = protocol.to_str().expect("utf-8 path");
    ok(&db.sledger(&["study", "create", "--protocol", protocol, "--code", STUDY]));

    // Users: the first is an admin (registered while the registry is empty); then the admin
    // registers the others, and unknown actors are refused.
    ok(&db.sledger(&["user", "add", "--username", "root", "--role", "admin"]));
    for (name, role) in [
        ("ana", "coordinator"),
        ("ines", "investigator"),
        ("mon", "monitor"),
        ("stat", "statistician"),
        ("ustat", "unblinded_statistician"),
    ] {
        // Site isolation (issue #7): everyone works at both sites of the trial.
        ok(&db.sledger_as(
            "root",
            &[
                "user",
                "add",
                "--username",
                name,
                "--role",
                role,
                "--site",
                "HCUV",
                "--site",
                "HURH",
            ],
        ));
    }
    let users = ok(&db.sledger(&["user", "list"]));
    assert_eq!(users.lines().count(), 6, "{users}");
    refused(
        &db.sledger_as(
            "ana",
            &["user", "add", "--username", "eve", "--role", "admin"],
        ),
        "actor",
    );
    let registry = ok(&db.sledger(&["user", "verify"]));
    assert_eq!(
        registry.trim(),
        "intact: 17 entries",
        "six users, ten site grants and one refusal"
    );

    let rule = refused(
        &db.sledger_as("ana", &["randomization", "setup", "--study", STUDY]),
        "actor",
    );
    assert!(rule.contains("coordinator"), "{rule}");
    refused(
        &db.sledger_as(
            "root",
            &["randomization", "setup", "--study", STUDY, "--ratio", "2:1"],
        ),
        "ratio",
    );
    let set_up = ok(&db.sledger_as(
        "root",
        &["randomization", "setup", "--study", STUDY, "--ratio", "1:1"],
    ));
    assert!(set_up.contains("minimization over 8 strata"), "{set_up}");

    let patients = [
        ("P01", "HCUV", "no", "no"),
        ("P02", "HCUV", "yes", "no"),
        ("P03", "HURH", "no", "yes"),
        ("P04", "HURH", "yes", "yes"),
        ("P05", "HCUV", "yes", "yes"),
        ("P06", "HURH", "no", "no"),
    ];
    for (code, site, upcr, cyc) in patients {
        enroll_ready(db, "ana", code, site, upcr, cyc);
    }

    // Refusals: a seventh patient without locked strata, then ineligible; a stranger.
    ok(&db.sledger_as(
        "ana",
        &[
            "patient",
            "enroll",
            "--study",
            STUDY,
            "--code",
            "P07",
            "--site",
            "HCUV",
            "--sex",
            "female",
            "--birth",
            "1990-01",
            "--enrolled",
            "2024-05-03",
        ],
    ));
    let mut args = vec!["patient", "eligibility", "P07", "--study", STUDY];
    let answers: Vec<String> = CRITERIA
        .iter()
        .map(|c| format!("{c}={}", if *c == "sledai" { "no" } else { "yes" }))
        .collect();
    for a in &answers {
        args.extend(["--answer", a.as_str()]);
    }
    ok(&db.sledger_as("ana", &args));
    refused(
        &db.sledger_as("ana", &["randomize", "P07", "--study", STUDY]),
        "eligibility.sledai",
    );
    refused(
        &db.sledger_as(
            "ana",
            &[
                "patient",
                "strata",
                "P07",
                "--study",
                STUDY,
                "--set",
                "site=HURH",
            ],
        ),
        "site",
    );
    refused(
        &db.sledger_as("mallory", &["randomize", "P01", "--study", STUDY]),
        "actor",
    );
    refused(
        &db.sledger_as(
            "ana",
            &["randomize", "P01", "--study", STUDY, "--list", "dry"],
        ),
        "list",
    );

    // Randomize all six as the (blinded) coordinator: number only.
    for (n, (code, ..)) in patients.iter().enumerate() {
        let out = ok(&db.sledger_as("ana", &["randomize", code, "--study", STUDY]));
        assert_eq!(
            out.trim(),
            format!("randomized {code}: number {} (live list)", n + 1),
            "blinded output"
        );
    }
    refused(
        &db.sledger_as("ana", &["randomize", "P01", "--study", STUDY]),
        "patient",
    );

    // Blinded roles see the number; admin and the unblinded statistician see the arm.
    let mut arms = Vec::new();
    for (code, ..) in patients {
        for who in ["ana", "ines", "mon", "stat"] {
            let out = ok(&db.sledger_as(who, &["randomization", "show", code, "--study", STUDY]));
            assert!(out.contains("randomized, number"), "{who}: {out}");
            assert!(!out.contains("arm"), "{who} must not see the arm: {out}");
        }
        let out = ok(&db.sledger_as("root", &["randomization", "show", code, "--study", STUDY]));
        let arm = out
            .trim()
            .rsplit("arm ")
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(arm == "msc" || arm == "placebo", "{out}");
        arms.push(arm);
    }
    // Exports carry the arm only for actors who may see it (issue #6, ARCHITECTURE invariant 8).
    for (who, visible) in [("stat", false), ("ustat", true), ("nobody", false)] {
        let dir = std::env::temp_dir().join(format!(
            "sledger-rct-sdtm-{who}-{}-{}",
            std::process::id(),
            db.postgres_name().unwrap_or("sqlite")
        ));
        ok(&db.sledger_as(
            who,
            &[
                "export",
                "sdtm",
                "--study",
                STUDY,
                "--out",
                dir.to_str().expect("utf-8"),
            ],
        ));
        let mut dm = csv::Reader::from_path(dir.join("dm.csv")).expect("dm.csv");
        let at = dm
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == "ARM")
            .expect("ARM column");
        let exported: Vec<String> = dm
            .records()
            .map(|r| r.expect("row")[at].to_owned())
            .collect();
        if visible {
            // P01–P06 randomized; P07, enrolled but not randomized, has no arm.
            assert_eq!(exported[..6], arms[..], "{who}");
            assert_eq!(exported[6..], [""], "{who}");
        } else {
            assert!(
                exported.iter().all(String::is_empty),
                "{who} must not see arms: {exported:?}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    for who in ["ana", "ines", "mon", "stat"] {
        refused(
            &db.sledger_as(who, &["randomization", "list", "--study", STUDY]),
            "actor",
        );
    }
    let list = ok(&db.sledger_as(
        "ustat",
        &["randomization", "list", "--study", STUDY, "--json"],
    ));
    let rows: Value = serde_json::from_str(&list).expect("JSON list");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    for (row, (code, arm)) in rows.iter().zip(patients.iter().map(|p| p.0).zip(&arms)) {
        assert_eq!(row["patient"], *code);
        assert_eq!(row["arm"], arm.as_str());
    }
    // Both arms are used. How near 3:3 six patients end depends on the store's secret seed
    // (minimization with p = 0.8 reaches 5:1 a few times in a hundred: a flaky bound here);
    // the exact allocations for a known seed are tested in the store's
    // `minimization_replays_from_the_seed`.
    let msc = arms.iter().filter(|a| *a == "msc").count();
    assert!((1..=5).contains(&msc), "both arms are used: {arms:?}");

    // Emergency unblinding: a reason is required; the investigator learns P03's arm; the
    // monitor sees the event; the blinded statistician does not.
    refused(
        &db.sledger_as("ines", &["unblind", "P03", "--study", STUDY]),
        "reason",
    );
    let out = ok(&db.sledger_as(
        "ines",
        &[
            "unblind",
            "P03",
            "--study",
            STUDY,
            "--reason",
            "suspected anaphylaxis, treating physician must know",
        ],
    ));
    assert!(out.contains(&format!("arm {}", arms[2])), "{out}");
    let events = ok(&db.sledger_as("mon", &["randomization", "unblindings", "--study", STUDY]));
    assert!(
        events.contains("P03") && events.contains("ines"),
        "{events}"
    );
    assert!(events.contains("suspected anaphylaxis"), "{events}");
    refused(
        &db.sledger_as("stat", &["randomization", "unblindings", "--study", STUDY]),
        "actor",
    );

    // Nothing consumed by the refusals: six allocations, numbered 1..6.
    assert_eq!(db.count("SELECT COUNT(*) FROM allocation"), 6);
    assert_eq!(db.count("SELECT MAX(allocation_no) FROM allocation"), 6);
    // The audit trail records the refusals and never an arm.
    let refusals = db.count("SELECT COUNT(*) FROM audit_entry WHERE action = 'refused'");
    assert!(refusals >= 9, "{refusals} refused entries");
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_entry WHERE after_json LIKE '%\"msc\"%' OR after_json LIKE '%\"placebo\"%'"
        ),
        0,
        "no arm in the audit trail"
    );
    let verify = ok(&db.sledger(&["audit", "verify", "--study", STUDY]));
    assert!(verify.starts_with("intact: "), "{verify}");
}

on_both_backends!(the_rct_randomized_end_to_end);

/// `randomization simulate`: the RCT's minimization and a block design of the same trial, as
/// JSON, and the SVG histogram.
#[test]
fn simulate_reports_balance_predictability_and_an_svg() {
    let rct = root().join("protocols/msc-ln-rct.toml");
    let rct_text = std::fs::read_to_string(&rct).expect("the RCT protocol");
    let head = rct_text.split("[randomization]\n").next().expect("head");
    let dir = std::env::temp_dir().join(format!("sledger-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let blocks = dir.join("blocks.toml");
    std::fs::write(
        &blocks,
        format!(
            "{head}[randomization]\nmethod = \"permuted_blocks\"\nblock_sizes = [2]\n\n\
             [randomization.levels]\nsite = [\"HCUV\", \"HURH\"]\n\
             baseline_upcr_ge_3_g_g = [\"no\", \"yes\"]\nprior_cyclophosphamide = [\"no\", \"yes\"]\n"
        ),
    )
    .expect("write");
    let svg = dir.join("hist.svg");
    let sledger = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sledger"))
            .args(args)
            .output()
            .expect("runs")
    };
    let json = ok(&sledger(&[
        "randomization",
        "simulate",
        "--protocol",
        blocks.to_str().expect("utf-8"),
        "--patients",
        "40",
        "--runs",
        "300",
        "--json",
        "--svg",
        svg.to_str().expect("utf-8"),
    ]));
    let report: Value = serde_json::from_str(&json).expect("JSON");
    // Blocks of 2 (Blackwell & Hodges): the second of each pair is known, the first a coin:
    // 3/4, a little less when a stratum ends on the first of a pair.
    let p = report["predictability"].as_f64().expect("block design");
    assert!(p > 0.7 && p <= 0.75, "{p}");
    assert_eq!(report["per_stratum"].as_array().expect("strata").len(), 8);
    // Each stratum's list is balanced after every pair: the stratum imbalance is 0 or 1.
    for s in report["per_stratum"].as_array().expect("strata") {
        assert!(s["max"].as_f64().expect("max") <= 1.0, "{s}");
    }
    let runs: u64 = report["overall"]["histogram"]
        .as_array()
        .expect("histogram")
        .iter()
        .map(|b| b[1].as_u64().expect("runs"))
        .sum();
    assert_eq!(runs, 300);
    let picture = std::fs::read_to_string(&svg).expect("the SVG was written");
    assert!(picture.starts_with("<svg"), "{picture}");
    assert_eq!(
        picture.matches("<rect x=").count(),
        report["overall"]["histogram"]
            .as_array()
            .expect("bars")
            .len()
    );

    let table = ok(&sledger(&[
        "randomization",
        "simulate",
        "--protocol",
        rct.to_str().expect("utf-8"),
        "--patients",
        "20",
        "--runs",
        "200",
    ]));
    assert!(
        table.starts_with("minimization 1:1: 20 patients × 200 runs"),
        "{table}"
    );
    assert!(table.contains("overall"), "{table}");
    assert!(
        table.contains("site=HURH, baseline_upcr_ge_3_g_g=yes"),
        "{table}"
    );
    let out = sledger(&[
        "randomization",
        "simulate",
        "--protocol",
        rct.to_str().expect("utf-8"),
        "--patients",
        "0",
        "--runs",
        "10",
    ]);
    refused(&out, "patients");
    let _ = std::fs::remove_dir_all(&dir);
}
