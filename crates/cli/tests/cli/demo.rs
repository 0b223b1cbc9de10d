//! `sledger demo` (issue #7 item 4), on SQLite: the demo file is created with the index study
//! as published in shape (KDIGO 2024 at m9: complete, complete, partial; prednisone reduced by
//! 50–90 %), the synthetic trial with 40 randomized patients and P0041, P0042 awaiting, and the
//! demo logins, which log in through the server it starts; a second run reuses the file.

use serde_json::Value;

use crate::demo_server::DemoServer;
use crate::harness::{ok, root, sqlite, text};
use crate::serve::http;

const PASSWORD: &str = "sledger-demo";
const LOGINS: [&str; 6] = [
    "admin",
    "investigator",
    "coordinator",
    "monitor",
    "statistician",
    "coordinadora",
];

fn login(port: u16, username: &str, password: &str) -> u16 {
    let body = serde_json::json!({"username": username, "password": password}).to_string();
    http(
        port,
        "POST",
        "/api/v1/session",
        &["Content-Type: application/json"],
        &body,
    )
    .map_or(0, |(status, _)| status)
}

#[test]
fn demo_creates_both_studies_and_the_logins_then_serves() {
    let db = sqlite();
    let file = db.sqlite_path().expect("a SQLite test database").to_owned();
    let server = DemoServer::start(&file, &["--fresh"]);
    eprintln!(
        "sledger demo: created and listening after {:.1} s",
        server.startup.as_secs_f64()
    );
    let printed = server.printed.join("\n");
    assert!(printed.contains("created"), "{printed}");
    for username in LOGINS {
        assert!(
            printed.contains(username),
            "the logins are printed: {printed}"
        );
    }
    assert!(
        server.url.starts_with("http://127.0.0.1:") && server.url.ends_with('/'),
        "{}",
        server.url
    );
    for username in LOGINS {
        assert_eq!(login(server.port, username, PASSWORD), 200, "{username}");
    }
    assert_eq!(login(server.port, "coordinator", "not-the-password"), 401);
    drop(server);

    for (code, kdigo) in [
        ("IDX-01", "complete"),
        ("IDX-02", "complete"),
        ("IDX-03", "partial"),
    ] {
        let chart: Value = serde_json::from_str(&ok(&db.sledger_as(
            "admin",
            &[
                "patient", "show", code, "--study", "VLD-MSC", "--format", "json",
            ],
        )))
        .expect("JSON");
        let visits = chart["visits"].as_array().expect("visits");
        let m9 = visits.last().expect("a visit");
        assert_eq!(m9["visit"], "m9", "{code}");
        assert_eq!(
            m9["renal_response"]["kdigo_2024"]["response"], kdigo,
            "{code}: {}",
            m9["renal_response"]
        );
        let reduction = m9["glucocorticoid"]["pct_reduction"]
            .as_f64()
            .expect("a reduction");
        assert!(
            (50.0..=90.0).contains(&reduction),
            "{code}: prednisone reduced by {reduction} %"
        );
    }
    let listed = ok(&db.sledger_as("admin", &["study", "list"]));
    assert!(listed.contains("ILLUSTRATIVE"), "{listed}");

    let trial: Value = serde_json::from_str(&ok(&db.sledger_as(
        "admin",
        &[
            "report",
            "trial",
            "--study",
            "MSC-LN-RCT",
            "--format",
            "json",
        ],
    )))
    .expect("JSON");
    assert_eq!(trial["consort"]["randomized"], 40, "{}", trial["consort"]);
    assert_eq!(trial["consort"]["eligible_not_randomized"], 2);
    for code in ["P0041", "P0042"] {
        let shown = ok(&db.sledger_as(
            "admin",
            &["randomization", "show", "--study", "MSC-LN-RCT", code],
        ));
        assert_eq!(shown.trim(), format!("{code}: not randomized"));
    }
    let shown = ok(&db.sledger_as(
        "admin",
        &["randomization", "show", "--study", "MSC-LN-RCT", "P0040"],
    ));
    assert!(shown.starts_with("P0040: randomized"), "{shown}");

    // A second run reuses the file: no new study, the same logins.
    let again = DemoServer::start(&file, &[]);
    assert!(
        again.printed.iter().any(|l| l.contains("reusing")),
        "{:?}",
        again.printed
    );
    assert_eq!(login(again.port, "coordinadora", PASSWORD), 200);
}

#[test]
fn demo_refuses_to_delete_or_serve_a_real_store() {
    let db = sqlite();
    ok(&db.sledger(&[
        "study",
        "create",
        "--protocol",
        root()
            .join("protocols/msc-lupus-nephritis.toml")
            .to_str()
            .unwrap(),
        "--code",
        "REAL",
    ]));
    let file = db.sqlite_path().expect("a SQLite test database").to_owned();
    for extra in [&["--fresh"][..], &[]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sledger"))
            .arg("demo")
            .arg("--db-file")
            .arg(&file)
            .args(["--port", "0"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("is not a sledger demo store (its studies: REAL;"),
            "{err}"
        );
    }
    let listed = ok(&db.sledger(&["study", "list"]));
    assert!(listed.starts_with("REAL\t"), "the store is kept: {listed}");
}
