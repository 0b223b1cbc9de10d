//! `GET|POST /api/v1/studies/{study}/patients/{code}/adverse-events`: adverse events reported
//! outside a visit, and every current adverse event of the patient.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use crate::api::infusions::CreatedOut;
use crate::api::patients::chart_json;
use crate::authentication::Caller;
use crate::json_body::JsonValue;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The patient's current adverse events (term, CTCAE grade, seriousness, relatedness, dates).
#[utoipa::path(get, operation_id = "adverse_events_list", path = "/api/v1/studies/{study}/patients/{code}/adverse-events", tag = "adverse events",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    responses((status = 200, body = Vec<Object>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let chart = chart_json(&state, &caller, &study, &code).await?;
    Ok(Json(chart["adverse_events"].clone()))
}

/// Record an adverse event: term, ctcae_grade, serious, relatedness, onset_date,
/// resolution_date, outcome (the shape of a visit's `adverse_events` items).
#[utoipa::path(post, operation_id = "adverse_events_record", path = "/api/v1/studies/{study}/patients/{code}/adverse-events", tag = "adverse events",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    request_body(content = Object, description = "term, ctcae_grade, serious, relatedness, onset_date, resolution_date, outcome"),
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<(StatusCode, Json<CreatedOut>), ApiError> {
    let ae = sledger_store::visit_wire::parse_adverse_event(&body)?;
    let study = state.store.study_as(&caller.actor, &study).await?;
    let id = state
        .store
        .record_adverse_event(&caller.actor, &study, &code, &ae)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedOut { id })))
}
