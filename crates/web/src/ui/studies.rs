//! `GET /`: the studies the viewer may read, each a link to its dashboard.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError, render};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

/// A study in the list.
#[derive(Debug)]
struct StudyRow {
    code: String,
    title: String,
}

#[derive(Template)]
#[template(path = "studies.html")]
struct StudiesPage {
    shell: Shell,
    studies: Vec<StudyRow>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, UiError> {
    let studies = state
        .store
        .studies_as(&viewer.actor)
        .await
        .or_page(&viewer)?
        .into_iter()
        .map(|(code, title)| StudyRow { code, title })
        .collect();
    let shell = Shell::for_viewer(&viewer, viewer_title(&viewer));
    Ok(render(viewer.lang, &StudiesPage { shell, studies }))
}

fn viewer_title(viewer: &Viewer) -> String {
    crate::ui::i18n::t(viewer.lang, "studies-title", &[])
}
