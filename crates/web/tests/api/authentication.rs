//! Logging in and out, the session cookie's attributes, the login rate limit, CSRF (cookie
//! requests checked, bearer requests exempt) and the security headers.

use axum::http::Method;
use serde_json::{Value, json};
use sledger_web::WebConfig;

use crate::harness::{PASSWORD, TestApp, on_both_backends};

fn login_body(password: &str) -> Value {
    json!({"username": "inv", "password": password})
}

/// The `name=value` of a Set-Cookie header.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn a_login_sets_a_strict_http_only_cookie_that_logout_ends(app: &TestApp) {
    let reply = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&login_body(PASSWORD)),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["username"], "inv");
    assert_eq!(reply.json["role"], "investigator");
    assert_eq!(reply.json["sites"], json!(["SA"]));
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP: no Secure — {set_cookie}"
    );
    let cookie = cookie_pair(&set_cookie);

    let me = app
        .send(Method::GET, "/api/v1/session", &[("cookie", &cookie)], None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    let patients = app
        .send(
            Method::GET,
            "/api/v1/studies/RCT/patients",
            &[("cookie", &cookie)],
            None,
        )
        .await;
    assert_eq!(patients.status, 200);

    let out = app
        .send(
            Method::DELETE,
            "/api/v1/session",
            &[("cookie", &cookie), ("sec-fetch-site", "same-origin")],
            None,
        )
        .await;
    assert_eq!(out.status, 204);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = app
        .send(Method::GET, "/api/v1/session", &[("cookie", &cookie)], None)
        .await;
    assert_eq!(after.status, 401, "an ended session opens nothing");

    let wrong = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&login_body("wrong password")),
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.headers.get("set-cookie").is_none());
    let unknown = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&json!({"username": "nobody", "password": "whatever123"})),
        )
        .await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong.json["detail"], unknown.json["detail"],
        "the same answer for both"
    );
}

async fn five_failed_logins_lock_the_user_out_with_retry_after(app: &TestApp) {
    for attempt in 1..=5 {
        let r = app
            .send(
                Method::POST,
                "/api/v1/session",
                &[],
                Some(&login_body("not the password")),
            )
            .await;
        assert_eq!(r.status, 401, "attempt {attempt}");
    }
    let locked = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&login_body(PASSWORD)),
        )
        .await;
    assert_eq!(
        locked.status, 429,
        "even the right password waits: {}",
        locked.text
    );
    assert_eq!(locked.json["code"], "too_many_login_failures");
    let retry: u64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
}

async fn cross_origin_cookie_requests_are_refused_and_bearer_requests_exempt(app: &TestApp) {
    let reply = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&login_body(PASSWORD)),
        )
        .await;
    let cookie = cookie_pair(reply.headers["set-cookie"].to_str().unwrap());
    let ae = json!({"term": "Rash", "ctcae_grade": 1, "serious": false, "relatedness": "unlikely",
                    "onset_date": "2024-02-03"});
    let path = "/api/v1/studies/RCT/patients/P-A1/adverse-events";
    let before = app
        .as_user(Some("root"), Method::GET, path, None)
        .await
        .json
        .as_array()
        .unwrap()
        .len();

    let cross = app
        .send(
            Method::POST,
            path,
            &[("cookie", &cookie), ("sec-fetch-site", "cross-site")],
            Some(&ae),
        )
        .await;
    assert_eq!(cross.status, 403, "{}", cross.text);
    assert_eq!(cross.json["code"], "cross_origin_request");
    let foreign = app
        .send(
            Method::POST,
            path,
            &[
                ("cookie", &cookie),
                ("origin", "https://evil.example"),
                ("host", "sledger.test"),
            ],
            Some(&ae),
        )
        .await;
    assert_eq!(foreign.status, 403, "{}", foreign.text);
    let after = app
        .as_user(Some("root"), Method::GET, path, None)
        .await
        .json
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        before, after,
        "a refused cross-origin request writes nothing"
    );

    let same = app
        .send(
            Method::POST,
            path,
            &[("cookie", &cookie), ("sec-fetch-site", "same-origin")],
            Some(&ae),
        )
        .await;
    assert_eq!(same.status, 201, "{}", same.text);
    let same_host = app
        .send(
            Method::POST,
            path,
            &[
                ("cookie", &cookie),
                ("origin", "http://sledger.test"),
                ("host", "sledger.test"),
            ],
            Some(&ae),
        )
        .await;
    assert_eq!(same_host.status, 201, "{}", same_host.text);

    let bearer = format!("Bearer {}", app.token("inv"));
    let script = app
        .send(
            Method::POST,
            path,
            &[("authorization", &bearer), ("sec-fetch-site", "cross-site")],
            Some(&ae),
        )
        .await;
    assert_eq!(
        script.status, 201,
        "bearer requests are exempt: {}",
        script.text
    );
}

async fn every_response_carries_the_security_headers(app: &TestApp) {
    let replies = [
        app.send(Method::GET, "/healthz", &[], None).await,
        app.send(Method::GET, "/api/v1/studies", &[], None).await,
        app.send(Method::GET, "/no/such/page", &[], None).await,
        app.as_user(Some("root"), Method::GET, "/api/v1/studies", None)
            .await,
    ];
    for r in &replies {
        assert_eq!(
            r.headers["content-security-policy"],
            sledger_web::security_headers::CSP
        );
        assert!(!sledger_web::security_headers::CSP.contains("unsafe-inline"));
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["referrer-policy"], "no-referrer");
        assert_eq!(r.headers["x-frame-options"], "DENY");
        assert!(
            r.headers.get("strict-transport-security").is_none(),
            "no HSTS without TLS"
        );
    }
    assert_eq!(replies[0].text, "ok");
    assert_eq!(replies[2].status, 404);
    assert_eq!(
        replies[2].headers["content-type"],
        "application/problem+json"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn behind_tls_the_cookie_is_secure_and_hsts_is_sent() {
    let app = crate::harness::sqlite(WebConfig {
        secure: true,
        ..WebConfig::default()
    })
    .await;
    let reply = app
        .send(
            Method::POST,
            "/api/v1/session",
            &[],
            Some(&login_body(PASSWORD)),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    assert!(
        reply.headers["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    app.cleanup().await;
}

on_both_backends!(
    a_login_sets_a_strict_http_only_cookie_that_logout_ends,
    five_failed_logins_lock_the_user_out_with_retry_after,
    cross_origin_cookie_requests_are_refused_and_bearer_requests_exempt,
    every_response_carries_the_security_headers,
);
