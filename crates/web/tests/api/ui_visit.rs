//! The write side of the HTML UI (issue #7 item 2): the visit form with its live scores and
//! checks, corrections with a reason, the randomize button. Every story runs on SQLite and
//! PostgreSQL.

use sledger_store::{Actor, Answer, Lock, Role, Study};
use sledger_web::ui::i18n::Lang;
use sledger_web::ui::viewer::Viewer;

use crate::harness::{STUDY, TestApp, on_both_backends};
use crate::ui_support::{assert_no_inline_script_or_style, login, page, post_form, request};

const PATIENT_URL: &str = "/studies/RCT/patients/P-A1";

fn root() -> Actor {
    Actor("root".to_owned())
}

async fn study(app: &TestApp) -> Study {
    app.state.store.study(STUDY).await.unwrap()
}

/// The text of the element with `data-testid="<id>"` (or `id="<id>"`), up to its closing tag.
fn element<'a>(html: &'a str, attribute: &str) -> &'a str {
    let Some(at) = html.find(attribute) else {
        panic!("no {attribute} in {html}")
    };
    let rest = &html[at..];
    let start = rest.find('>').map_or(0, |i| i + 1);
    let end = rest[start..].find('<').map_or(rest.len(), |i| start + i);
    &rest[start..end]
}

/// Fact rows of a patient's visits, every version (a refused visit must add none).
async fn fact_rows(app: &TestApp) -> i64 {
    let mut total = 0;
    for table in [
        "visit",
        "observation",
        "sledai_item",
        "visit_fact",
        "medication",
    ] {
        let mut tx = app.state.store.pool().begin_read().await.unwrap();
        let row = tx
            .fetch_optional(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .unwrap()
            .unwrap();
        total += row.req_int(0).unwrap();
    }
    total
}

/// The m1 visit of P-A1 as the form sends it.
fn m1_form(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("idempotency_key", key),
        ("visit", "m1"),
        ("date", "2024-02-20"),
        ("creatinine", "1,0"),
        ("creatinine_unit", "mg/dL"),
        ("upcr", "1000"),
        ("upcr_unit", "mg/g"),
        ("upcr_specimen", "24h_collection"),
        ("sledai_arthritis", "present"),
        ("pga", "1.2"),
        ("prednisone", "20"),
        ("rescue_or_treatment_failure", "false"),
    ]
}

async fn the_form_page_offers_the_contract_fields(app: &TestApp) {
    let cookie = login(app, "coord").await;
    let reply = page(app, &format!("{PATIENT_URL}/visits/new"), &cookie).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_no_inline_script_or_style(&reply);
    let html = &reply.text;
    for needle in [
        "id=\"visit-form\"",
        "select id=\"visit\" name=\"visit\"",
        "name=\"date\"",
        "name=\"creatinine\"",
        "name=\"creatinine_unit\"",
        "name=\"upcr_unit\"",
        "name=\"sledai_seizure\"",
        "name=\"sledai_leukopenia\"",
        "name=\"pga\"",
        "name=\"prednisone\"",
        "id=\"live-scores\"",
        "hx-trigger=\"input changed delay:300ms\"",
        "hx-post=\"/studies/RCT/patients/P-A1/visits/preview\"",
        "id=\"error-creatinine\" class=\"field-error\"",
        "id=\"save-visit\"",
        // Ticking a descriptor does not change its value: the checkboxes post on "change".
        "id=\"sledai-items\" hx-post=\"/studies/RCT/patients/P-A1/visits/preview\" hx-trigger=\"change delay:300ms\"",
        // The baseline is recorded: the next visit is preselected.
        "<option value=\"m1\" selected>",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    assert_eq!(html.matches("type=\"checkbox\" name=\"sledai_").count(), 24);
    // A monitor may not record: the localized 403 page.
    let monitor = login(app, "mon").await;
    let reply = page(app, &format!("{PATIENT_URL}/visits/new"), &monitor).await;
    assert_eq!(reply.status, 403);
    let before = fact_rows(app).await;
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits"),
        Some(&monitor),
        &m1_form("monitor"),
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.text);
    assert_eq!(fact_rows(app).await, before);
}

async fn the_preview_scores_sledai_egfr_and_response(app: &TestApp) {
    let cookie = login(app, "coord").await;
    let before = fact_rows(app).await;
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits/preview"),
        Some(&cookie),
        &m1_form("preview"),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let html = &reply.text;
    // Arthritis (4) ticked, every other descriptor absent.
    assert_eq!(element(html, "data-testid=\"live-sledai2k\""), "4");
    // CKD-EPI 2021, female, 38 years, creatinine 1.0 mg/dL (renal.md §1.3):
    // 142 × (1.0/0.7)^−1.200 × 0.9938^38 × 1.012 = 73.96 → 74.
    assert_eq!(
        element(html, "data-testid=\"live-egfr\""),
        "74 mL/min/1.73 m²"
    );
    // UPCR 3200 → 1000 mg/g at m1, no baseline eGFR fall: a partial response is not yet
    // complete; whichever it is, it is decided (no input missing).
    let response = element(html, "data-testid=\"live-renal-response\"");
    assert!(
        !response.contains("still needs"),
        "renal response decided: {response}"
    );
    // Every field's error element comes back (empty: nothing refused), swapped out of band.
    assert!(html.contains(
        "id=\"error-creatinine_unit\" class=\"field-error\" hx-swap-oob=\"true\"></span>"
    ));
    assert_eq!(fact_rows(app).await, before, "a preview writes nothing");

    // An incomplete form says what each score still needs.
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits/preview"),
        Some(&cookie),
        &[("visit", "m1"), ("date", "2024-02-20")],
    )
    .await;
    let egfr = element(&reply.text, "data-testid=\"live-egfr\"");
    // In words, not the data dictionary's names.
    assert_eq!(egfr, "still needs: serum creatinine");
    // A date not typed yet is named by the scores, not flagged as an error while typing.
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits/preview"),
        Some(&cookie),
        &[
            ("visit", "m1"),
            ("creatinine", "1.0"),
            ("creatinine_unit", "mg/dL"),
        ],
    )
    .await;
    assert_eq!(element(&reply.text, "id=\"error-date\""), "");
    let egfr = element(&reply.text, "data-testid=\"live-egfr\"");
    assert_eq!(egfr, "still needs: the date");
}

async fn a_bad_unit_is_named_next_to_its_field_in_spanish(app: &TestApp) {
    app.state
        .store
        .set_language(&root(), "coord", "es")
        .await
        .unwrap();
    let cookie = login(app, "coord").await;
    let mut form = m1_form("bad-unit");
    form[4] = ("creatinine_unit", "mg/L");
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits/preview"),
        Some(&cookie),
        &form,
    )
    .await;
    assert_eq!(reply.status, 200);
    let error = element(&reply.text, "id=\"error-creatinine_unit\"");
    assert!(
        error.contains("La unidad «mg/L» no se admite aquí"),
        "{}",
        reply.text
    );
    assert!(error.contains("mg/dL"), "{error}");
    // The full post (no JavaScript) shows the form again, values kept, in Spanish.
    let before = fact_rows(app).await;
    let reply = post_form(app, &format!("{PATIENT_URL}/visits"), Some(&cookie), &form).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_no_inline_script_or_style(&reply);
    assert!(reply.text.contains("<html lang=\"es\""));
    assert!(
        element(&reply.text, "id=\"error-creatinine_unit\"").contains("no se admite"),
        "{}",
        reply.text
    );
    assert!(
        reply
            .text
            .contains("name=\"upcr\" inputmode=\"decimal\" value=\"1000\"")
    );
    assert!(reply.text.contains("La visita no se ha guardado"));
    assert_eq!(
        fact_rows(app).await,
        before,
        "a refused visit writes nothing"
    );
}

async fn a_saved_visit_appears_in_the_chart(app: &TestApp) {
    let cookie = login(app, "coord").await;
    let before = fact_rows(app).await;
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits"),
        Some(&cookie),
        &m1_form("ui-test/m1"),
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    assert_eq!(reply.headers["location"], PATIENT_URL);
    let study = study(app).await;
    let chart = app.state.store.patient_chart(&study, "P-A1").await.unwrap();
    let m1 = chart
        .record
        .visits()
        .iter()
        .find(|v| v.code().to_string() == "m1")
        .expect("m1 recorded");
    assert_eq!(m1.observations().len(), 2);
    assert_eq!(m1.pga().map(|p| p.hundredths()), Some(120));
    assert!(fact_rows(app).await > before);

    // The same submission again (a double click): the store refuses the key, nothing written.
    let after = fact_rows(app).await;
    let mut again = m1_form("ui-test/m1");
    again[1] = ("visit", "unscheduled");
    let reply = post_form(app, &format!("{PATIENT_URL}/visits"), Some(&cookie), &again).await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert!(reply.text.contains("id=\"form-error\""), "{}", reply.text);
    assert_eq!(fact_rows(app).await, after);

    // m1 is recorded now: the form refuses it on the visit field.
    let reply = post_form(
        app,
        &format!("{PATIENT_URL}/visits"),
        Some(&cookie),
        &m1_form("ui-test/m1-bis"),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert!(
        element(&reply.text, "id=\"error-visit\"").contains("already recorded"),
        "{}",
        reply.text
    );
    assert_eq!(fact_rows(app).await, after);
}

async fn a_correction_needs_a_reason_and_keeps_the_old_version(app: &TestApp) {
    let study = study(app).await;
    let chart = app.state.store.patient_chart(&study, "P-A1").await.unwrap();
    let creatinine = chart.visits[0]
        .observation_facts
        .iter()
        .zip(chart.record.visits()[0].observations())
        .find(|(_, o)| o.code() == "2160-0")
        .map(|(f, _)| f.entity_id.clone())
        .expect("the baseline creatinine");
    let cookie = login(app, "inv").await;
    let form_url = format!("{PATIENT_URL}/corrections/new?fact={creatinine}");
    let reply = page(app, &form_url, &cookie).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_no_inline_script_or_style(&reply);
    assert!(reply.text.contains("id=\"correction-form\""));
    assert!(
        reply
            .text
            .contains("<textarea id=\"reason\" name=\"reason\"")
    );
    assert!(element(&reply.text, "id=\"current-value\"").contains("1.1 mg/dL"));

    let post = |reason: &'static str| {
        let creatinine = creatinine.clone();
        let cookie = cookie.clone();
        async move {
            post_form(
                app,
                &format!("{PATIENT_URL}/corrections"),
                Some(&cookie),
                &[
                    ("fact", creatinine.as_str()),
                    ("value", "1.2"),
                    ("unit", "mg/dL"),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    let refused = post("  ").await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        !element(&refused.text, "id=\"error-reason\"").is_empty(),
        "{}",
        refused.text
    );
    let history = app
        .state
        .store
        .history(&study, "observation", &creatinine)
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "nothing superseded without a reason");

    let saved = post("transcription error: the lab report says 1.2").await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(saved.headers["location"], PATIENT_URL);
    let history = app
        .state
        .store
        .history(&study, "observation", &creatinine)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].text("value_decimal"), Some("1.1"));
    assert_eq!(history[1].text("value_decimal"), Some("1.2"));
    let chart = app.state.store.patient_chart(&study, "P-A1").await.unwrap();
    let value = chart.record.visits()[0]
        .observations()
        .iter()
        .find(|o| o.code() == "2160-0")
        .map(|o| o.value().clone());
    assert_eq!(
        value,
        Some(sledger_core::record::observation::ObservationValue::Quantity("1.2".parse().unwrap()))
    );
    // A fact id that is not this patient's: not found.
    let reply = page(
        app,
        &format!("{PATIENT_URL}/corrections/new?fact=nope"),
        &cookie,
    )
    .await;
    assert_eq!(reply.status, 404);
}

/// Eligible by every criterion and strata locked: ready to randomize.
async fn make_ready(app: &TestApp, code: &str) {
    let store = &app.state.store;
    let study = study(app).await;
    let patient = sledger_store::NewPatient {
        code: code.to_owned(),
        site: "HCUV".to_owned(),
        sex: sledger_core::sex::RecordedSex::Male,
        birth_year: 1990,
        birth_month: 1,
        enrollment_date: "2024-01-12".parse().unwrap(),
    };
    store.enroll(&root(), &study, &patient).await.unwrap();
    let yes: Vec<(String, Answer)> = [
        "adult",
        "ln_class",
        "biopsy_recent",
        "refractory_or_relapse",
        "sledai",
        "consent",
    ]
    .iter()
    .map(|c| ((*c).to_owned(), Answer::Yes))
    .collect();
    store
        .record_eligibility(&root(), &study, code, &yes)
        .await
        .unwrap();
    let strata: Vec<(String, String)> = [
        ("site", "HCUV"),
        ("baseline_upcr_ge_3_g_g", "yes"),
        ("prior_cyclophosphamide", "no"),
    ]
    .iter()
    .map(|(f, l)| ((*f).to_owned(), (*l).to_owned()))
    .collect();
    store
        .set_strata(&root(), &study, code, &strata, Lock::Lock)
        .await
        .unwrap();
}

fn viewer(name: &str, role: Role) -> Viewer {
    Viewer {
        actor: Actor(name.to_owned()),
        role,
        sites: vec!["SA".to_owned(), "HCUV".to_owned()],
        lang: Lang::En,
        path: PATIENT_URL.to_owned(),
    }
}

async fn randomize_is_offered_done_once_and_refused_to_a_monitor(app: &TestApp) {
    let store = &app.state.store;
    let study = study(app).await;
    store
        .set_up_randomization(&root(), &study, None)
        .await
        .unwrap();
    // The protocol stratifies by site (HCUV, HURH): the test users work there too.
    for user in ["inv", "coord", "mon"] {
        store.grant_site(&root(), user, "HCUV").await.unwrap();
    }
    let coordinator = viewer("coord", Role::Coordinator);
    let monitor = viewer("mon", Role::Monitor);
    let offer = |v: Viewer| {
        let study = study.clone();
        async move {
            sledger_web::ui::randomize::can_offer(&app.state, &v, &study, "P-H1")
                .await
                .unwrap()
        }
    };
    assert!(
        !sledger_web::ui::randomize::can_offer(&app.state, &coordinator, &study, "P-A1")
            .await
            .unwrap(),
        "not eligible, no strata"
    );
    make_ready(app, "P-H1").await;
    assert!(offer(coordinator.clone()).await);
    assert!(!offer(monitor).await, "a monitor may not randomize");

    let h1 = "/studies/RCT/patients/P-H1";
    let url = format!("{h1}/randomize");
    let mon = login(app, "mon").await;
    let reply = post_form(app, &url, Some(&mon), &[]).await;
    assert_eq!(reply.status, 403, "{}", reply.text);
    assert!(
        store
            .allocation(&root(), &study, "P-H1")
            .await
            .unwrap()
            .is_none()
    );

    let coord = login(app, "coord").await;
    let reply = post_form(app, &url, Some(&coord), &[]).await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    assert_eq!(reply.headers["location"], h1);
    let patient = page(app, h1, &coord).await;
    assert!(
        patient.text.contains("data-testid=\"allocation\""),
        "{}",
        patient.text
    );
    assert!(!offer(coordinator).await, "randomized: no more button");

    // Twice: refused with the store's reason, nothing allocated again.
    let inv = login(app, "inv").await;
    let reply = post_form(app, &url, Some(&inv), &[]).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert!(
        element(&reply.text, "id=\"randomize-refused\"").contains("already randomized"),
        "{}",
        reply.text
    );

    // An investigator randomizes another patient; htmx gets the allocation in place, blinded.
    make_ready(app, "P-H2").await;
    let reply = request(
        app,
        axum::http::Method::POST,
        "/studies/RCT/patients/P-H2/randomize",
        &[
            ("sec-fetch-site", "same-origin"),
            ("cookie", &inv),
            ("hx-request", "true"),
        ],
        Some(&[]),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let allocation = element(&reply.text, "data-testid=\"allocation\"");
    assert!(allocation.contains("allocated, blinded"), "{allocation}");
    assert!(
        store
            .allocation(&root(), &study, "P-H2")
            .await
            .unwrap()
            .is_some()
    );
}

on_both_backends!(
    the_form_page_offers_the_contract_fields,
    the_preview_scores_sledai_egfr_and_response,
    a_bad_unit_is_named_next_to_its_field_in_spanish,
    a_saved_visit_appears_in_the_chart,
    a_correction_needs_a_reason_and_keeps_the_old_version,
    randomize_is_offered_done_once_and_refused_to_a_monitor,
);
