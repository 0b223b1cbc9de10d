//! `POST /api/v1/studies/{study}/visits` (the JSON `sledger visit record` reads, written
//! all-or-nothing) and `GET …/patients/{code}/visits/{visit}` (one visit of the chart).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::patients::chart_json;
use crate::authentication::Caller;
use crate::json_body::JsonValue;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A recorded visit: its schedule position and what was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitRecordedOut {
    pub visit_id: String,
    pub patient: String,
    pub visit: String,
    pub study_day: Option<i32>,
    /// in_window, out_of_window, unscheduled or no_infusion.
    pub window_status: String,
    pub window_days_off: i64,
    /// The protocol deviation written for a visit outside its window.
    pub deviation: Option<String>,
    pub facts_written: usize,
}

/// Record one visit's facts: patient, visit, date, idempotency_key, observations, sledai,
/// visit facts by data-dictionary name, medications, adverse_events. Refused input names
/// the field (`observations[0].unit`) and writes nothing.
#[utoipa::path(post, operation_id = "visits_record", path = "/api/v1/studies/{study}/visits", tag = "visits",
    params(("study" = String, Path, description = "the study's code")),
    request_body(content = Object, description = "the visit JSON of `sledger visit record` (docs/record.md)"),
    responses((status = 201, body = VisitRecordedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<(StatusCode, Json<VisitRecordedOut>), ApiError> {
    let submission = sledger_store::visit_wire::parse_visit(&body)?;
    let (patient, visit) = (submission.patient_code.clone(), submission.visit);
    let study = state.store.study_as(&caller.actor, &study).await?;
    let summary = state
        .store
        .record_visit(&caller.actor, &study, submission)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(VisitRecordedOut {
            visit_id: summary.visit_id,
            patient,
            visit: visit.to_string(),
            study_day: summary.study_day,
            window_status: summary.timing.code().to_owned(),
            window_days_off: summary.timing.days_off(),
            deviation: summary.deviation,
            facts_written: summary.facts_written,
        }),
    ))
}

/// One visit of the patient's chart: its facts and measures (as in the patient's chart).
#[utoipa::path(get, operation_id = "visits_get", path = "/api/v1/studies/{study}/patients/{code}/visits/{visit}", tag = "visits",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code"),
           ("visit" = String, Path, description = "the visit code: baseline, m1, m3, …")),
    responses((status = 200, body = Object), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code, visit)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let chart = chart_json(&state, &caller, &study, &code).await?;
    let found = chart["visits"]
        .as_array()
        .and_then(|visits| visits.iter().find(|v| v["visit"] == visit.as_str()))
        .cloned();
    found.map(Json).ok_or_else(|| {
        sledger_store::StoreError::NotFound {
            entity: "visit",
            key: visit,
        }
        .into()
    })
}
