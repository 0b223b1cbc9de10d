//! The HTML login, logout, language choice and the frame every page shares (issue #7 item 2).

use axum::http::Method;

use crate::harness::{TestApp, on_both_backends};
use crate::ui_support::{
    assert_no_inline_script_or_style, html_lang, login, page, post_form, request,
};

async fn a_wrong_password_shows_the_form_again_with_a_localized_error(app: &TestApp) {
    for (accept, message) in [
        ("en", "Unknown username or wrong password."),
        (
            "es-ES,es;q=0.9",
            "Usuario desconocido o contraseña incorrecta.",
        ),
    ] {
        let reply = request(
            app,
            Method::POST,
            "/login",
            &[
                ("sec-fetch-site", "same-origin"),
                ("accept-language", accept),
            ],
            Some(&[("username", "inv"), ("password", "wrong")]),
        )
        .await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert!(reply.text.contains("id=\"login-form\""), "{}", reply.text);
        assert!(reply.text.contains("class=\"form-error\""));
        assert!(reply.text.contains(message), "{accept}: {}", reply.text);
        assert!(reply.headers.get("set-cookie").is_none());
        assert_no_inline_script_or_style(&reply);
    }
}

async fn the_login_limit_applies_to_the_form_with_a_message(app: &TestApp) {
    for _ in 0..5 {
        let reply = post_form(
            app,
            "/login",
            None,
            &[("username", "coord"), ("password", "wrong")],
        )
        .await;
        assert_eq!(reply.status, 401);
    }
    let reply = post_form(
        app,
        "/login",
        None,
        &[("username", "coord"), ("password", "wrong")],
    )
    .await;
    assert_eq!(reply.status, 429);
    assert!(
        reply.text.contains("Too many failed logins"),
        "{}",
        reply.text
    );
}

async fn a_login_sets_the_cookie_and_redirects_home(app: &TestApp) {
    let anonymous = request(app, Method::GET, "/?page=2", &[], None).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.headers["location"], "/login?next=/%3Fpage%3D2");

    // An htmx request without a session: 401 and HX-Redirect to the login, back to its page.
    let live = request(
        app,
        Method::POST,
        "/language",
        &[
            ("sec-fetch-site", "same-origin"),
            ("hx-request", "true"),
            ("host", "sledger.test"),
            (
                "hx-current-url",
                "http://sledger.test/studies/RCT/patients/P-A1",
            ),
        ],
        Some(&[("language", "es")]),
    )
    .await;
    assert_eq!(live.status, 401);
    assert_eq!(
        live.headers["hx-redirect"],
        "/login?next=/studies/RCT/patients/P-A1"
    );

    let post = post_form(app, "/language", None, &[("language", "es")]).await;
    assert_eq!(post.status, 303);
    assert_eq!(post.headers["location"], "/login?next=/");

    let form = request(app, Method::GET, "/login?next=/studies/RCT", &[], None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("name=\"username\""));
    assert!(form.text.contains("name=\"password\""));
    assert!(form.text.contains("value=\"/studies/RCT\""));
    assert_no_inline_script_or_style(&form);

    let cookie = login(app, "inv").await;
    assert!(cookie.starts_with("sledger_session=sls_"), "{cookie}");
    let home = page(app, "/", &cookie).await;
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(home.text.contains("id=\"studies\""));
    assert!(
        home.text
            .contains("class=\"study-link\" href=\"/studies/RCT\"")
    );
    assert!(home.text.contains("id=\"logout\""));
    assert!(home.text.contains("inv"));
    assert_no_inline_script_or_style(&home);

    // Logging in with ?next= returns there; a foreign next is ignored.
    let reply = post_form(
        app,
        "/login",
        None,
        &[
            ("username", "inv"),
            ("password", crate::harness::PASSWORD),
            ("next", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(reply.headers["location"], "/");

    let out = post_form(app, "/logout", Some(&cookie), &[]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = page(app, "/", &cookie).await;
    assert_eq!(after.status, 303, "the session ended");
}

async fn the_language_follows_accept_language_then_the_stored_choice(app: &TestApp) {
    let cookie = login(app, "mon").await;
    let spanish = request(
        app,
        Method::GET,
        "/",
        &[
            ("cookie", &cookie),
            ("accept-language", "es-ES,es;q=0.9,en;q=0.5"),
        ],
        None,
    )
    .await;
    assert_eq!(html_lang(&spanish.text), "es");
    assert!(spanish.text.contains("Estudios"), "{}", spanish.text);

    let switched = request(
        app,
        Method::POST,
        "/language",
        &[
            ("cookie", &cookie),
            ("sec-fetch-site", "same-origin"),
            ("host", "sledger.test"),
            ("referer", "http://sledger.test/studies/RCT"),
        ],
        Some(&[("language", "en")]),
    )
    .await;
    assert_eq!(switched.status, 303, "{}", switched.text);
    assert_eq!(switched.headers["location"], "/studies/RCT");
    // The stored choice outranks the browser's.
    let english = request(
        app,
        Method::GET,
        "/",
        &[("cookie", &cookie), ("accept-language", "es")],
        None,
    )
    .await;
    assert_eq!(html_lang(&english.text), "en");
    assert!(english.text.contains("Studies"));

    let back = post_form(app, "/language", Some(&cookie), &[("language", "es")]).await;
    assert_eq!(back.headers["location"], "/");
    // The layout's form says where to return (browsers send no Referer: no-referrer policy).
    let form_back = post_form(
        app,
        "/language",
        Some(&cookie),
        &[("language", "es"), ("back", "/studies/RCT/reports")],
    )
    .await;
    assert_eq!(form_back.headers["location"], "/studies/RCT/reports");
    let foreign = post_form(
        app,
        "/language",
        Some(&cookie),
        &[("language", "es"), ("back", "//evil.example/")],
    )
    .await;
    assert_eq!(foreign.headers["location"], "/");
    assert_eq!(html_lang(&page(app, "/", &cookie).await.text), "es");

    let refused = post_form(app, "/language", Some(&cookie), &[("language", "fr")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("language"), "{}", refused.text);
}

async fn a_cross_origin_form_post_is_refused(app: &TestApp) {
    let cookie = login(app, "inv").await;
    let reply = request(
        app,
        Method::POST,
        "/language",
        &[("cookie", &cookie), ("sec-fetch-site", "cross-site")],
        Some(&[("language", "es")]),
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.text);
    let lang = app.state.store.language("inv").await.unwrap();
    assert_eq!(lang, None, "nothing stored");
    let login = request(
        app,
        Method::POST,
        "/login",
        &[("sec-fetch-site", "cross-site")],
        Some(&[("username", "inv"), ("password", crate::harness::PASSWORD)]),
    )
    .await;
    assert_eq!(login.status, 403);
}

async fn assets_are_served_with_a_long_cache(app: &TestApp) {
    let js = request(app, Method::GET, "/assets/htmx.min.js", &[], None).await;
    assert_eq!(js.status, 200);
    assert!(
        js.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(js.text.contains("2.0."));
    let css = request(app, Method::GET, "/assets/sledger.css", &[], None).await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let missing = request(app, Method::GET, "/assets/nope.js", &[], None).await;
    assert_eq!(missing.status, 404);
    // An unknown page is the HTML 404 for a browser, the problem for the API.
    let html = request(
        app,
        Method::GET,
        "/nowhere",
        &[("accept", "text/html")],
        None,
    )
    .await;
    assert_eq!(html.status, 404);
    assert!(html.text.starts_with("<!DOCTYPE html>"));
    let api = request(
        app,
        Method::GET,
        "/api/v1/nowhere",
        &[("accept", "text/html")],
        None,
    )
    .await;
    assert_eq!(api.status, 404);
    assert!(api.text.contains("no_such_endpoint"));
}

on_both_backends!(
    a_wrong_password_shows_the_form_again_with_a_localized_error,
    the_login_limit_applies_to_the_form_with_a_message,
    a_login_sets_the_cookie_and_redirects_home,
    the_language_follows_accept_language_then_the_stored_choice,
    a_cross_origin_form_post_is_refused,
    assets_are_served_with_a_long_cache,
);
