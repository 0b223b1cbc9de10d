//! The HTML read pages (issue #7 item 2): each renders for an allowed role with the ids the
//! browser tests rely on (docs: the UI contract), with no inline script or style; the store's
//! authorization shows through as localized 403/404 pages.

use axum::http::Method;

use crate::harness::{TestApp, on_both_backends};
use crate::ui_support::{assert_no_inline_script_or_style, html_lang, login, page, request};

fn assert_has(html: &str, needles: &[&str]) {
    for needle in needles {
        assert!(html.contains(needle), "missing {needle:?} in:\n{html}");
    }
}

async fn every_page_renders_its_contract_ids_for_an_investigator(app: &TestApp) {
    let cookie = login(app, "inv").await;
    let pages: [(&str, &[&str]); 6] = [
        ("/", &["id=\"studies\"", "class=\"study-link\""]),
        (
            "/studies/RCT",
            &[
                "id=\"dashboard\"",
                "data-testid=\"count-screened\"",
                "data-testid=\"count-enrolled\">1<",
                "data-testid=\"count-infused\">1<",
                "data-testid=\"count-randomized\">0<",
                "id=\"visits-due\"",
                "id=\"patients\"",
                "<tr data-patient=\"P-A1\">",
                "class=\"patient-link\" href=\"/studies/RCT/patients/P-A1\"",
                "id=\"open-adverse-events\"",
                "Headache",
                "id=\"nav-reports\"",
            ],
        ),
        (
            "/studies/RCT/patients/P-A1",
            &[
                "id=\"patient\"",
                "id=\"course-plots\"",
                "<svg",
                "id=\"measure-table\"",
                "<tr data-visit=\"baseline\">",
                "id=\"infusion\"",
                "id=\"medications\"",
                "id=\"adverse-events\"",
                "id=\"new-visit\" href=\"/studies/RCT/patients/P-A1/visits/new\"",
                "/corrections/new?fact=",
            ],
        ),
        (
            "/studies/RCT/reports",
            &["id=\"report-case-series\"", "id=\"report-trial\""],
        ),
        (
            "/studies/RCT/reports/case-series",
            &["id=\"report\"", "P-A1"],
        ),
        ("/studies/RCT/reports/trial", &["id=\"report\""]),
    ];
    for (path, needles) in pages {
        let reply = page(app, path, &cookie).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert_has(&reply.text, needles);
        assert_no_inline_script_or_style(&reply);
    }
    // The adverse event links to its correction by the stored fact's id; a monitor (who may
    // not record) sees neither correction links nor the visit form link.
    let patient = page(app, "/studies/RCT/patients/P-A1", &cookie).await;
    assert!(
        patient
            .text
            .contains(&format!("/corrections/new?fact={}", app.ae_id)),
        "{}",
        patient.text
    );
    let monitor = login(app, "mon").await;
    let read_only = page(app, "/studies/RCT/patients/P-A1", &monitor).await;
    assert_eq!(read_only.status, 200);
    assert!(!read_only.text.contains("corrections/new"));
    assert!(!read_only.text.contains("id=\"new-visit\""));
    let dashboard = page(app, "/studies/RCT", &cookie).await;
    // Another site's patient is not listed; the investigator may not read the audit trail.
    assert!(!dashboard.text.contains("P-B1"));
    assert!(!dashboard.text.contains("id=\"nav-audit\""));
    // The baseline is recorded; month 1's window closed long ago (infusion 2024-01-20).
    assert_has(
        &dashboard.text,
        &["data-patient=\"P-A1\" data-visit=\"m1\" data-status=\"overdue\""],
    );
    assert!(
        !dashboard
            .text
            .contains("data-patient=\"P-A1\" data-visit=\"baseline\"")
    );
}

async fn a_patient_of_another_site_is_refused(app: &TestApp) {
    let cookie = login(app, "other").await;
    let reply = page(app, "/studies/RCT/patients/P-A1", &cookie).await;
    assert!(
        reply.status == 403 || reply.status == 404,
        "{}: {}",
        reply.status,
        reply.text
    );
    assert!(!reply.text.contains("Headache"));
    assert!(!reply.text.contains("id=\"measure-table\""));
    assert_no_inline_script_or_style(&reply);
    let missing = page(app, "/studies/NOPE", &cookie).await;
    assert_eq!(missing.status, 404);
    assert!(missing.text.contains("Not found."), "{}", missing.text);
}

async fn the_audit_page_is_for_monitors_and_refused_to_coordinators(app: &TestApp) {
    let monitor = login(app, "mon").await;
    let dashboard = page(app, "/studies/RCT", &monitor).await;
    assert!(dashboard.text.contains("id=\"nav-audit\""));
    let audit = page(app, "/studies/RCT/audit", &monitor).await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert_has(
        &audit.text,
        &[
            "id=\"audit-log\"",
            "id=\"audit-verify\"",
            "data-intact=\"true\"",
            "The hash chain is intact",
        ],
    );
    assert_no_inline_script_or_style(&audit);
    // Newest first.
    let seqs: Vec<i64> = audit
        .text
        .split("data-seq=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert!(seqs.len() > 3, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");

    let coordinator = login(app, "coord").await;
    let refused = request(
        app,
        Method::GET,
        "/studies/RCT/audit",
        &[("cookie", &coordinator), ("accept-language", "es")],
        None,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(html_lang(&refused.text), "es");
    assert!(
        refused.text.contains("Su rol no permite ver esta página."),
        "{}",
        refused.text
    );
    assert!(!refused.text.contains("id=\"audit-log\""));
    assert_no_inline_script_or_style(&refused);
}

async fn accept_language_es_renders_the_dashboard_in_spanish(app: &TestApp) {
    let cookie = login(app, "inv").await;
    let reply = request(
        app,
        Method::GET,
        "/studies/RCT/patients/P-A1",
        &[("cookie", &cookie), ("accept-language", "es-ES,es;q=0.9")],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(html_lang(&reply.text), "es");
    assert_has(
        &reply.text,
        &[
            "Acontecimientos adversos",
            "Informes",
            "Registrar una visita",
            "Creatinina",
        ],
    );
    let dashboard = request(
        app,
        Method::GET,
        "/studies/RCT",
        &[("cookie", &cookie), ("accept-language", "es")],
        None,
    )
    .await;
    assert_has(&dashboard.text, &["vencida", "Pacientes", "aleatorizados"]);
}

async fn the_randomize_button_and_the_allocation_follow_the_store(app: &TestApp) {
    use sledger_store::{Actor, Answer, ListKind, Lock};
    let store = &app.state.store;
    let root = Actor("root".to_owned());
    let study = store.study_as(&root, "RCT").await.unwrap();
    store
        .set_up_randomization(&root, &study, None)
        .await
        .unwrap();
    // A patient at one of the protocol's stratification sites, visible to both users.
    for user in ["inv", "mon"] {
        store.grant_site(&root, user, "HCUV").await.unwrap();
    }
    let patient = sledger_store::NewPatient {
        code: "P-R1".to_owned(),
        site: "HCUV".to_owned(),
        sex: sledger_core::sex::RecordedSex::Female,
        birth_year: 1990,
        birth_month: 2,
        enrollment_date: "2024-02-01".parse().unwrap(),
    };
    store.enroll(&root, &study, &patient).await.unwrap();
    let investigator = login(app, "inv").await;
    let monitor = login(app, "mon").await;
    let before = page(app, "/studies/RCT/patients/P-R1", &investigator).await;
    assert!(
        !before.text.contains("randomize-form"),
        "strata not locked yet"
    );

    let answers: Vec<(String, Answer)> = [
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
        .record_eligibility(&root, &study, "P-R1", &answers)
        .await
        .unwrap();
    let strata = vec![
        ("site".to_owned(), "HCUV".to_owned()),
        ("baseline_upcr_ge_3_g_g".to_owned(), "yes".to_owned()),
        ("prior_cyclophosphamide".to_owned(), "no".to_owned()),
    ];
    store
        .set_strata(&root, &study, "P-R1", &strata, Lock::Lock)
        .await
        .unwrap();
    let ready = page(app, "/studies/RCT/patients/P-R1", &investigator).await;
    assert!(
        ready.text.contains("<form id=\"randomize-form\" method=\"post\" action=\"/studies/RCT/patients/P-R1/randomize\">"),
        "{}",
        ready.text
    );
    assert!(ready.text.contains("id=\"randomize\""));
    assert!(!ready.text.contains("data-testid=\"allocation\""));
    let not_for_monitor = page(app, "/studies/RCT/patients/P-R1", &monitor).await;
    assert_eq!(not_for_monitor.status, 200);
    assert!(!not_for_monitor.text.contains("randomize-form"));

    store
        .randomize(&root, &study, "P-R1", ListKind::Live)
        .await
        .unwrap();
    let after = page(app, "/studies/RCT/patients/P-R1", &investigator).await;
    assert!(!after.text.contains("randomize-form"), "randomized once");
    assert!(
        after
            .text
            .contains("data-testid=\"allocation\">allocated — blinded<"),
        "{}",
        after.text
    );
    let admin = login(app, "root").await;
    let unblinded = page(app, "/studies/RCT/patients/P-R1", &admin).await;
    assert!(
        unblinded
            .text
            .contains("data-testid=\"allocation\">allocated to "),
        "{}",
        unblinded.text
    );
    let study = app.state.store.study("RCT").await.expect("study");
    let entries = || async {
        match sledger_store::audit::verify(app.state.store.pool(), &study.study_id)
            .await
            .expect("verify")
        {
            sledger_store::audit::Verification::Intact { entries } => entries,
            broken => panic!("{broken:?}"),
        }
    };
    let before = entries().await;
    let dashboard = page(app, "/studies/RCT", &investigator).await;
    assert!(
        dashboard
            .text
            .contains("data-testid=\"count-randomized\">1<")
    );
    assert!(dashboard.text.contains("data-testid=\"count-screened\">1<"));
    // Viewing the dashboard writes nothing: no audit entry per page view.
    assert_eq!(entries().await, before);
}

on_both_backends!(
    the_randomize_button_and_the_allocation_follow_the_store,
    every_page_renders_its_contract_ids_for_an_investigator,
    a_patient_of_another_site_is_refused,
    the_audit_page_is_for_monitors_and_refused_to_coordinators,
    accept_language_es_renders_the_dashboard_in_spanish,
);
