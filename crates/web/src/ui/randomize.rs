//! The randomize button (issue #4, issue #7 item 2): `POST
//! /studies/{study}/patients/{code}/randomize` allocates the patient on the live list through
//! `Store::randomize` (as the API does: eligibility, locked strata, role and site are checked
//! by the store, in its transaction; irreversible and audited) and shows the allocation as the
//! viewer may see it — the arm, or "allocated — blinded" for blinded roles (the store leaves
//! the arm out, authorization.rs `sees_arms`).
//!
//! The patient page calls [`can_offer`] to decide whether to show the button and
//! [`form_html`] / [`allocation_html`] to render it and an existing allocation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sledger_store::{AllocationView, ListKind, Permission, Screening, StoreError, Study};

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError};
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

/// Whether the patient page should offer `button#randomize` to `viewer`: a randomized study,
/// a role that may randomize, and a patient who is eligible by the recorded answers, has
/// locked stratum values and is not randomized yet. The store checks all of it again when
/// the button is pressed; this only avoids offering what it would refuse.
pub async fn can_offer(
    state: &AppState,
    viewer: &Viewer,
    study: &Study,
    code: &str,
) -> Result<bool, StoreError> {
    if !viewer.may(Permission::Randomize) || study.protocol.randomization().is_none() {
        return Ok(false);
    }
    let store = &state.store;
    if store
        .allocation(&viewer.actor, study, code)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    if store.screening_of(&viewer.actor, study, code).await? != Screening::Eligible {
        return Ok(false);
    }
    Ok(store.strata_of(study, code).await?.locked_at.is_some())
}

#[derive(Template)]
#[template(path = "visit/randomize_form.html")]
struct RandomizeForm<'a> {
    action: &'a str,
    confirm: String,
    button: String,
}

/// `form#randomize-form` with `button#randomize` for the patient at `patient_url`
/// (`/studies/{study}/patients/{code}`), in `lang`; htmx swaps the allocation in its place,
/// and without JavaScript the post shows the allocation page.
pub fn form_html(lang: Lang, patient_url: &str) -> String {
    let action = format!("{patient_url}/randomize");
    RandomizeForm {
        action: &action,
        confirm: t(lang, "randomize-confirm", &[]),
        button: t(lang, "randomize-button", &[]),
    }
    .render()
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "visit/allocation.html")]
struct Allocation {
    text: String,
}

/// The allocation sentence: number, stratum and the arm's name, or "allocated — blinded"
/// when the store withheld the arm from this viewer.
fn allocation_text(lang: Lang, study: &Study, view: &AllocationView) -> String {
    let number = view.number.to_string();
    match &view.arm {
        Some(arm) => {
            let name = study
                .protocol
                .arm(arm)
                .map_or_else(|| arm.clone(), |a| a.name.clone());
            t(
                lang,
                "randomize-allocated",
                &[
                    ("number", &number),
                    ("stratum", &view.stratum),
                    ("arm", &name),
                ],
            )
        }
        None => t(
            lang,
            "randomize-allocated-blinded",
            &[("number", &number), ("stratum", &view.stratum)],
        ),
    }
}

/// `[data-testid=allocation]` for an allocation, in `lang`.
pub fn allocation_html(lang: Lang, study: &Study, view: &AllocationView) -> String {
    Allocation {
        text: allocation_text(lang, study, view),
    }
    .render()
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "visit/randomized.html")]
struct RandomizedPage {
    shell: Shell,
    patient_url: String,
    refusal: String,
}

/// `POST /studies/{study}/patients/{code}/randomize`: allocates on the live list; a refusal
/// (already randomized, not eligible, strata not locked) is shown with the store's reason.
pub async fn randomize(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((study, code)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let study = state
        .store
        .study_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let lang = viewer.lang;
    let patient_url = format!("/studies/{}/patients/{code}", study.code);
    let refusal = match state
        .store
        .randomize(&viewer.actor, &study, &code, ListKind::Live)
        .await
    {
        // htmx swaps the allocation in place of the form; a plain post goes back to the
        // patient page, which shows the allocation as the viewer may see it.
        Ok(view) if headers.contains_key("hx-request") => {
            return Ok(Html(allocation_html(lang, &study, &view)).into_response());
        }
        Ok(_) => return Ok(Redirect::to(&patient_url).into_response()),
        Err(StoreError::Input(e)) => t(
            lang,
            "randomize-refused",
            &[(
                "detail",
                &t(
                    lang,
                    "error-invalid-detail",
                    &[("field", &e.field), ("value", &e.value), ("rule", &e.rule)],
                ),
            )],
        ),
        Err(e) => return Err(UiError::for_viewer(&viewer, e)),
    };
    let title = t(lang, "randomize-title", &[]);
    let page = RandomizedPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        patient_url,
        refusal,
    };
    match page.render() {
        Ok(html) => Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()),
        Err(e) => Err(UiError::for_viewer(&viewer, ApiError::internal(&e))),
    }
}
