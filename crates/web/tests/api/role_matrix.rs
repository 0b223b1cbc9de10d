//! Every endpoint × every role (issue #7 item 3): admin, investigator, coordinator, monitor,
//! statistician, an investigator of another site, and anonymous → the expected answer,
//! asserted for every cell. The table must name every operation of the OpenAPI document, so
//! a new endpoint cannot skip it.

use std::collections::BTreeSet;

use axum::http::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, on_both_backends};

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 2xx.
    Ok,
    /// Authorized, then refused by the data (422 not set up, 404 not randomized): any 4xx
    /// but 401 and 403.
    Refused,
    /// 403 problem+json, code `forbidden`.
    Denied,
    /// 401 problem+json, code `unauthenticated`.
    Unauthenticated,
}
use Expect::{Denied as D, Ok as O, Refused as R, Unauthenticated as U};

/// The columns: admin, investigator, coordinator, monitor, statistician, other site, anonymous.
const CALLERS: [Option<&str>; 7] = [
    Some("root"),
    Some("inv"),
    Some("coord"),
    Some("mon"),
    Some("stat"),
    Some("other"),
    None,
];

struct Row {
    method: Method,
    /// The OpenAPI path template.
    template: &'static str,
    expect: [Expect; 7],
}

fn rows() -> Vec<Row> {
    let row = |method: Method, template: &'static str, expect: [Expect; 7]| Row {
        method,
        template,
        expect,
    };
    let read = [O, O, O, O, O, D, U];
    let capture = [O, O, O, D, D, D, U];
    let audit = [O, D, D, O, D, D, U];
    vec![
        row(Method::GET, "/api/v1/session", [O, O, O, O, O, O, U]),
        row(Method::DELETE, "/api/v1/session", [O, O, O, O, O, O, O]),
        row(Method::GET, "/api/v1/studies", [O, O, O, O, O, O, U]),
        row(
            Method::GET,
            "/api/v1/studies/{study}",
            [O, O, O, O, O, O, U],
        ),
        row(
            Method::GET,
            "/api/v1/studies/{study}/patients",
            [O, O, O, O, O, O, U],
        ),
        row(Method::POST, "/api/v1/studies/{study}/patients", capture),
        row(Method::GET, "/api/v1/studies/{study}/patients/{code}", read),
        row(
            Method::GET,
            "/api/v1/studies/{study}/patients/{code}/infusions",
            read,
        ),
        row(
            Method::POST,
            "/api/v1/studies/{study}/patients/{code}/infusions",
            capture,
        ),
        row(Method::POST, "/api/v1/studies/{study}/visits", capture),
        row(
            Method::GET,
            "/api/v1/studies/{study}/patients/{code}/visits/{visit}",
            read,
        ),
        row(Method::POST, "/api/v1/studies/{study}/corrections", capture),
        row(
            Method::GET,
            "/api/v1/studies/{study}/patients/{code}/adverse-events",
            read,
        ),
        row(
            Method::POST,
            "/api/v1/studies/{study}/patients/{code}/adverse-events",
            capture,
        ),
        row(
            Method::POST,
            "/api/v1/studies/{study}/patients/{code}/randomize",
            [R, R, R, D, D, D, U],
        ),
        row(
            Method::GET,
            "/api/v1/studies/{study}/patients/{code}/allocation",
            [R, R, R, R, R, D, U],
        ),
        row(
            Method::GET,
            "/api/v1/studies/{study}/reports/case-series",
            [O, O, O, O, O, O, U],
        ),
        row(
            Method::GET,
            "/api/v1/studies/{study}/reports/trial",
            [O, O, O, O, O, O, U],
        ),
        row(
            Method::GET,
            "/api/v1/studies/{study}/reports/patients/{code}",
            read,
        ),
        row(Method::GET, "/api/v1/studies/{study}/audit", audit),
        row(Method::GET, "/api/v1/studies/{study}/audit/verify", audit),
    ]
}

/// The concrete path and body of a row's request by `caller` (`n`: a call counter, so
/// writes by different callers do not collide).
fn request(app: &TestApp, row: &Row, caller: &str, n: usize) -> (String, Option<Value>) {
    let path = row
        .template
        .replace("{study}", "RCT")
        .replace("{code}", "P-A1")
        .replace("{visit}", "baseline");
    let path = if path.contains("/reports/") {
        format!("{path}?format=json")
    } else {
        path
    };
    let body = match (row.method.clone(), row.template) {
        (Method::POST, "/api/v1/studies/{study}/patients") => Some(json!({
            "code": format!("E-{caller}-{n}"), "site": "SA", "sex": "female",
            "birth_year": 1990, "birth_month": 5, "enrollment_date": "2024-02-01"
        })),
        (Method::POST, "/api/v1/studies/{study}/patients/{code}/infusions") => Some(json!({
            "date": "2024-01-20", "source": "bone_marrow", "donor": "allogeneic", "cells": 90000000
        })),
        (Method::POST, "/api/v1/studies/{study}/visits") => Some(crate::harness::visit_json(
            "unscheduled",
            "2024-03-01",
            &format!("P-A1/unscheduled/{caller}/{n}"),
        )),
        (Method::POST, "/api/v1/studies/{study}/corrections") => Some(json!({
            "entity": "adverse_event", "id": app.ae_id, "set": {"ctcae_grade": 2},
            "reason": "grade re-assessed"
        })),
        (Method::POST, "/api/v1/studies/{study}/patients/{code}/adverse-events") => Some(json!({
            "term": "Nausea", "ctcae_grade": 1, "serious": false, "relatedness": "unlikely",
            "onset_date": "2024-02-02"
        })),
        (Method::POST, "/api/v1/studies/{study}/patients/{code}/randomize") => Some(json!({})),
        _ => None,
    };
    (path, body)
}

async fn every_endpoint_as_every_role(app: &TestApp) {
    let mut n = 0;
    for row in rows() {
        for (caller, expect) in CALLERS.iter().zip(row.expect) {
            n += 1;
            let name = caller.unwrap_or("anonymous");
            let (path, body) = request(app, &row, name, n);
            let reply = app
                .as_user(*caller, row.method.clone(), &path, body.as_ref())
                .await;
            let cell = format!(
                "{} {} as {name}: {} {}",
                row.method, path, reply.status, reply.text
            );
            let s = reply.status.as_u16();
            match expect {
                Expect::Ok => assert!(reply.status.is_success(), "expected 2xx — {cell}"),
                Expect::Refused => {
                    assert!(
                        (400..500).contains(&s) && s != 401 && s != 403,
                        "expected a refusal past authorization — {cell}"
                    )
                }
                Expect::Denied => {
                    assert_eq!(s, 403, "expected 403 — {cell}");
                    assert_eq!(reply.json["code"], "forbidden", "{cell}");
                }
                Expect::Unauthenticated => {
                    assert_eq!(s, 401, "expected 401 — {cell}");
                    assert_eq!(reply.json["code"], "unauthenticated", "{cell}");
                }
            }
            if !reply.status.is_success() {
                assert_eq!(
                    reply.headers["content-type"], "application/problem+json",
                    "{cell}"
                );
            }
        }
    }
}

async fn users_see_only_their_sites_patients(app: &TestApp) {
    let codes = |reply: crate::harness::Reply| -> BTreeSet<String> {
        reply
            .json
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|p| p["code"].as_str().map(str::to_owned))
            .collect()
    };
    let path = "/api/v1/studies/RCT/patients";
    let admin = codes(app.as_user(Some("root"), Method::GET, path, None).await);
    assert!(
        admin.contains("P-A1") && admin.contains("P-B1"),
        "{admin:?}"
    );
    let inv = codes(app.as_user(Some("inv"), Method::GET, path, None).await);
    assert!(inv.contains("P-A1") && !inv.contains("P-B1"), "{inv:?}");
    let other = codes(app.as_user(Some("other"), Method::GET, path, None).await);
    assert_eq!(other, BTreeSet::from(["P-B1".to_owned()]));
    // The other site's investigator cannot enroll at, nor correct facts of, site SA.
    let refused = app
        .as_user(
            Some("other"),
            Method::POST,
            path,
            Some(&json!({
                "code": "X-1", "site": "SA", "sex": "male", "birth_year": 1980, "birth_month": 1,
                "enrollment_date": "2024-02-01"
            })),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let own = app
        .as_user(
            Some("other"),
            Method::POST,
            path,
            Some(&json!({
                "code": "X-2", "site": "SB", "sex": "male", "birth_year": 1980, "birth_month": 1,
                "enrollment_date": "2024-02-01"
            })),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.text);
}

#[test]
fn the_matrix_names_every_operation_of_the_document() {
    let document: Value = serde_json::from_str(&sledger_web::openapi_json()).expect("JSON");
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let mut tested: BTreeSet<String> = rows()
        .iter()
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    // Logging in is the one public operation: tested in authentication.rs.
    tested.insert("POST /api/v1/session".to_owned());
    assert_eq!(documented, tested);
}

on_both_backends!(
    every_endpoint_as_every_role,
    users_see_only_their_sites_patients
);
