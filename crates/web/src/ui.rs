//! The HTML UI under `/` (issue #7 item 2, DESIGN §8): server-rendered askama templates, htmx
//! for the live parts, English and Spanish. Every page reads through the same store methods
//! as the JSON API, so the store's authorization applies unchanged; nothing here decides what
//! a role may see beyond hiding links the store would refuse.

pub mod assets;
pub mod audit;
pub mod correction;
pub mod dashboard;
pub mod error_page;
pub mod i18n;
pub mod language;
pub mod login;
pub mod page;
pub mod patient;
pub mod randomize;
pub mod reports;
pub mod studies;
pub mod viewer;
pub mod visit_entry;
pub mod visit_form;
pub mod visit_preview;
pub mod visits_due;

use axum::Router;
use axum::routing::{get, post};
use sledger_store::{PatientChart, Study};

use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError};
use crate::ui::viewer::Viewer;

/// A study and the charts of the patients the viewer may see (the store authorizes both):
/// what the dashboard and the reports start from.
pub(crate) async fn study_and_charts(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<(Study, Vec<PatientChart>), UiError> {
    let study = state
        .store
        .study_as(&viewer.actor, code)
        .await
        .or_page(viewer)?;
    let charts = state
        .store
        .study_charts_as(&viewer.actor, &study)
        .await
        .or_page(viewer)?;
    Ok((study, charts))
}

/// Every HTML route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{name}", get(assets::get))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", post(language::switch))
        .route("/", get(studies::list))
        .route("/studies/{study}", get(dashboard::show))
        .route("/studies/{study}/patients/{code}", get(patient::show))
        .route("/studies/{study}/reports", get(reports::index))
        .route(
            "/studies/{study}/reports/case-series",
            get(reports::case_series),
        )
        .route("/studies/{study}/reports/trial", get(reports::trial))
        .route("/studies/{study}/audit", get(audit::log))
        .merge(visit_entry::routes())
}
