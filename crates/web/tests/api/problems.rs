//! Bad input answers RFC 9457 problem+json naming the field, value and rule; a refused visit
//! writes nothing (no fact, no audit entry).

use axum::http::Method;
use serde_json::json;

use crate::harness::{TestApp, on_both_backends, visit_json};

async fn audit_length(app: &TestApp) -> usize {
    let verify = app
        .as_user(
            Some("root"),
            Method::GET,
            "/api/v1/studies/RCT/audit/verify",
            None,
        )
        .await;
    assert_eq!(verify.json["intact"], true, "{}", verify.text);
    verify.json["entries"].as_u64().unwrap() as usize
}

async fn bad_input_names_the_field(app: &TestApp) {
    let path = "/api/v1/studies/RCT/patients";
    let enroll = |month: u8| {
        json!({
            "code": "BAD-1", "site": "SA", "sex": "female", "birth_year": 1990,
            "birth_month": month, "enrollment_date": "2024-02-01"
        })
    };
    let r = app
        .as_user(Some("inv"), Method::POST, path, Some(&enroll(13)))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    assert_eq!(r.json["type"], "urn:sledger:problem:invalid_input");
    assert_eq!(r.json["code"], "invalid_input");
    assert_eq!(r.json["status"], 422);
    assert_eq!(r.json["field"], "birth_month");
    assert_eq!(r.json["value"], "13");
    assert!(
        r.json["rule"].as_str().unwrap().contains("1 to 12"),
        "{}",
        r.text
    );

    let mut unknown = enroll(5);
    unknown["name"] = json!("Jane Doe");
    let r = app
        .as_user(Some("inv"), Method::POST, path, Some(&unknown))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.json["field"], "name",
        "an unknown key is named: {}",
        r.text
    );

    let r = app
        .send(
            Method::POST,
            path,
            &[("authorization", &format!("Bearer {}", app.token("inv")))],
            None,
        )
        .await;
    assert_eq!(r.status, 422, "an empty body: {}", r.text);

    let r = app
        .as_user(Some("inv"), Method::GET, "/api/v1/studies/NOPE", None)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["field"], "study");
    assert_eq!(r.json["value"], "NOPE");

    let r = app
        .as_user(
            Some("root"),
            Method::GET,
            "/api/v1/studies/RCT/reports/trial?format=pdf",
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json["field"], "format");
}

async fn a_refused_visit_writes_nothing(app: &TestApp) {
    let chart = "/api/v1/studies/RCT/patients/P-A1";
    let visits_before = app
        .as_user(Some("inv"), Method::GET, chart, None)
        .await
        .json["visits"]
        .as_array()
        .unwrap()
        .len();
    let audit_before = audit_length(app).await;

    // A unit the creatinine does not have: refused by the parser, naming the path.
    let mut bad_unit = visit_json("m1", "2024-02-20", "P-A1/m1/bad-unit");
    bad_unit["observations"][1]["unit"] = json!("furlongs");
    let r = app
        .as_user(
            Some("inv"),
            Method::POST,
            "/api/v1/studies/RCT/visits",
            Some(&bad_unit),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.json["field"].as_str().unwrap(),
        "observations[1].unit",
        "{}",
        r.text
    );

    // Valid facts, but a SLEDAI-2K date after the visit: refused by the store after parsing.
    let mut late = visit_json("m1", "2024-02-20", "P-A1/m1/late");
    late["sledai"]["sledai_proteinuria_date"] = json!("2024-03-30");
    let r = app
        .as_user(
            Some("inv"),
            Method::POST,
            "/api/v1/studies/RCT/visits",
            Some(&late),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.json["field"]
            .as_str()
            .unwrap()
            .contains("sledai_proteinuria"),
        "{}",
        r.text
    );

    // A baseline recorded twice: refused as a duplicate, the first stays.
    let again = visit_json("baseline", "2024-01-18", "P-A1/baseline/again");
    let r = app
        .as_user(
            Some("inv"),
            Method::POST,
            "/api/v1/studies/RCT/visits",
            Some(&again),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["code"], "duplicate");

    let visits_after = app
        .as_user(Some("inv"), Method::GET, chart, None)
        .await
        .json["visits"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(visits_before, visits_after, "no visit half-saved");
    // Refusals by the store are audited as `refused` (issue #4) — nothing else is written.
    let log = app
        .as_user(
            Some("root"),
            Method::GET,
            &format!("/api/v1/studies/RCT/audit?from={}", audit_before + 1),
            None,
        )
        .await;
    for entry in log.json.as_array().unwrap() {
        assert_eq!(
            entry["action"], "refused",
            "only refusals were appended: {entry}"
        );
    }

    // The good visit goes through, with its schedule position.
    let good = visit_json("m1", "2024-02-20", "P-A1/m1");
    let r = app
        .as_user(
            Some("inv"),
            Method::POST,
            "/api/v1/studies/RCT/visits",
            Some(&good),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["visit"], "m1");
    assert_eq!(r.json["study_day"], 31);
    let got = app
        .as_user(
            Some("coord"),
            Method::GET,
            "/api/v1/studies/RCT/patients/P-A1/visits/m1",
            None,
        )
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json["date"], "2024-02-20");
    assert!(
        got.json["egfr"].is_object(),
        "the measures come with the visit: {}",
        got.text
    );
}

on_both_backends!(bad_input_names_the_field, a_refused_visit_writes_nothing);
