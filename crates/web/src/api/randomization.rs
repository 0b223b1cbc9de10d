//! `POST /api/v1/studies/{study}/patients/{code}/randomize` and `GET …/allocation`. The arm
//! leaves the store only for the roles that may see it (authorization.rs `sees_arms`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sledger_store::{AllocationView, ListKind};
use utoipa::ToSchema;

use crate::authentication::Caller;
use crate::json_body::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Which list to draw from (default: live).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RandomizeIn {
    /// live or test.
    #[serde(default)]
    pub list: Option<String>,
}

/// An allocation as the caller may see it: the arm only for the unblinded (or an open study).
#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationOut {
    pub patient: String,
    pub list: String,
    pub number: i64,
    pub stratum: String,
    pub allocated_at: String,
    pub allocated_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
}

impl From<AllocationView> for AllocationOut {
    fn from(a: AllocationView) -> AllocationOut {
        AllocationOut {
            patient: a.patient,
            list: a.list.code().to_owned(),
            number: a.number,
            stratum: a.stratum,
            allocated_at: a.allocated_at,
            allocated_by: a.allocated_by,
            arm: a.arm,
        }
    }
}

/// Randomize the patient (eligible, strata locked); irreversible, audited.
#[utoipa::path(post, operation_id = "randomization_randomize", path = "/api/v1/studies/{study}/patients/{code}/randomize", tag = "randomization",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    request_body = RandomizeIn,
    responses((status = 201, body = AllocationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn randomize(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
    JsonBody(body): JsonBody<RandomizeIn>,
) -> Result<(StatusCode, Json<AllocationOut>), ApiError> {
    let list: ListKind = body.list.as_deref().unwrap_or("live").parse()?;
    let study = state.store.study_as(&caller.actor, &study).await?;
    let view = state
        .store
        .randomize(&caller.actor, &study, &code, list)
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The patient's allocation (404 when not randomized).
#[utoipa::path(get, operation_id = "randomization_allocation", path = "/api/v1/studies/{study}/patients/{code}/allocation", tag = "randomization",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    responses((status = 200, body = AllocationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn allocation(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
) -> Result<Json<AllocationOut>, ApiError> {
    let study = state.store.study_as(&caller.actor, &study).await?;
    let view = state
        .store
        .allocation(&caller.actor, &study, &code)
        .await?
        .ok_or_else(|| sledger_store::StoreError::NotFound {
            entity: "allocation",
            key: code,
        })?;
    Ok(Json(view.into()))
}
