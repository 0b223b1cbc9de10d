//! Helpers of the HTML UI's tests: form posts, logging in through `/login`, reading pages
//! with the session cookie as a browser would (Sec-Fetch-Site: same-origin on posts).

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use sledger_store::Actor;
use tower::ServiceExt;

use crate::harness::{PASSWORD, Reply, TestApp};

/// Percent-encodes a form value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Sends a request with an optional urlencoded form body.
pub async fn request(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&[(&str, &str)]>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let body = match form {
        Some(fields) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            let text: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            Body::from(text.join("&"))
        }
        None => Body::empty(),
    };
    let response = app
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        headers,
        json: serde_json::Value::Null,
        text,
    }
}

/// A same-origin form post (what a browser sends for our own forms).
pub async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let mut headers = vec![("sec-fetch-site", "same-origin")];
    if let Some(c) = cookie {
        headers.push(("cookie", c));
    }
    request(app, Method::POST, path, &headers, Some(fields)).await
}

/// A page as the holder of `cookie`.
pub async fn page(app: &TestApp, path: &str, cookie: &str) -> Reply {
    request(
        app,
        Method::GET,
        path,
        &[("cookie", cookie), ("accept", "text/html")],
        None,
    )
    .await
}

/// Logs `user` in through the login form (setting the test password first) and returns the
/// `sledger_session=…` cookie pair.
pub async fn login(app: &TestApp, user: &str) -> String {
    app.state
        .store
        .set_password(&Actor("root".to_owned()), user, PASSWORD)
        .await
        .unwrap();
    let reply = post_form(
        app,
        "/login",
        None,
        &[("username", user), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

/// The page is whole HTML with no inline script or style (the CSP forbids both, so they
/// would silently not work in a browser).
pub fn assert_no_inline_script_or_style(reply: &Reply) {
    let html = &reply.text;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    for (at, _) in html.match_indices("<script") {
        let tag_end = html[at..].find('>').map_or(html.len(), |e| at + e);
        assert!(
            html[at..tag_end].contains(" src="),
            "inline script: {}",
            &html[at..tag_end]
        );
    }
    assert!(!html.contains(" style="), "a style attribute");
    assert!(
        html.contains(r#"<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>"#),
        "htmx configured without eval or injected styles"
    );
    assert!(!html.contains("<style"), "a style element");
    assert!(
        !html.contains("hx-on"),
        "an hx-on attribute (inline script)"
    );
    assert_eq!(
        reply.headers["content-security-policy"],
        sledger_web::security_headers::CSP
    );
}

/// The `lang` of the page's `<html>` element.
pub fn html_lang(html: &str) -> &str {
    html.split("<html lang=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}
