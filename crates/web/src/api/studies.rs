//! `GET /api/v1/studies`, `GET /api/v1/studies/{study}`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::authentication::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A study in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudyOut {
    pub code: String,
    pub title: String,
}

/// A study and its protocol's outline.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudyDetail {
    pub code: String,
    pub title: String,
    pub protocol_id: String,
    pub protocol_version: String,
    /// The scheduled visits' codes (`baseline`, `m1`, …).
    pub visits: Vec<String>,
    /// The arms' ids (a randomized study); empty for a single-arm study.
    pub arms: Vec<String>,
}

/// Every study.
#[utoipa::path(get, operation_id = "studies_list", path = "/api/v1/studies", tag = "studies",
    responses((status = 200, body = Vec<StudyOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<StudyOut>>, ApiError> {
    let studies = state.store.studies_as(&caller.actor).await?;
    Ok(Json(
        studies
            .into_iter()
            .map(|(code, title)| StudyOut { code, title })
            .collect(),
    ))
}

/// One study.
#[utoipa::path(get, operation_id = "studies_get", path = "/api/v1/studies/{study}", tag = "studies",
    params(("study" = String, Path, description = "the study's code")),
    responses((status = 200, body = StudyDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
) -> Result<Json<StudyDetail>, ApiError> {
    let study = state.store.study_as(&caller.actor, &study).await?;
    Ok(Json(StudyDetail {
        protocol_id: study.protocol.id().to_owned(),
        protocol_version: study.protocol.version().to_owned(),
        visits: study
            .protocol
            .schedule()
            .visits()
            .iter()
            .map(|v| v.code().to_string())
            .collect(),
        arms: study.protocol.arms().iter().map(|a| a.id.clone()).collect(),
        code: study.code,
        title: study.title,
    }))
}
