//! `POST /api/v1/studies/{study}/corrections`: supersede a recorded fact with a reason, or
//! retract it (`sledger correct`); the old version stays.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::authentication::Caller;
use crate::json_body::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A correction: the fact (table and entity id), the new column values or `retract`, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionIn {
    /// The fact table: patient, infusion, visit, observation, sledai_item, visit_fact,
    /// medication, adverse_event, …
    pub entity: String,
    /// The fact's entity id.
    pub id: String,
    /// Column → new value (omit when retracting).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub set: Map<String, Value>,
    /// Withdraw the fact (recorded in error) instead of correcting it.
    #[serde(default)]
    pub retract: bool,
    /// Why (required).
    pub reason: String,
}

/// The fact's new version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactVersionOut {
    pub entity: String,
    pub id: String,
    pub version: i64,
    pub retracted: bool,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Correct or retract a fact, with a reason.
#[utoipa::path(post, operation_id = "corrections_correct", path = "/api/v1/studies/{study}/corrections", tag = "corrections",
    params(("study" = String, Path, description = "the study's code")), request_body = CorrectionIn,
    responses((status = 200, body = FactVersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    JsonBody(body): JsonBody<CorrectionIn>,
) -> Result<Json<FactVersionOut>, ApiError> {
    if body.retract && !body.set.is_empty() {
        return Err(ApiError::invalid(
            "set",
            "",
            "give either set or retract, not both",
        ));
    }
    let study = state.store.study_as(&caller.actor, &study).await?;
    let version = if body.retract {
        state
            .store
            .retract(&caller.actor, &study, &body.entity, &body.id, &body.reason)
            .await?
    } else {
        state
            .store
            .correct(
                &caller.actor,
                &study,
                &body.entity,
                &body.id,
                body.set,
                &body.reason,
            )
            .await?
    };
    Ok(Json(FactVersionOut {
        entity: body.entity,
        id: version.entity_id,
        version: version.version,
        retracted: version.retracted,
        recorded_at: version.recorded_at,
        recorded_by: version.recorded_by,
    }))
}
