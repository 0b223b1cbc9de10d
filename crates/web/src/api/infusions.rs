//! `GET|POST /api/v1/studies/{study}/patients/{code}/infusions`: the cell-product infusions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sledger_core::infusion::Infusion;
use sledger_core::protocol::{CellSource, Donor, Route};
use sledger_store::column::{code_of, parse_code};
use utoipa::ToSchema;

use crate::api::patients::date;
use crate::authentication::Caller;
use crate::json_body::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// An infusion to record (the fields of `sledger infusion record`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InfusionIn {
    /// `YYYY-MM-DD`: day 0 of the patient's schedule.
    pub date: String,
    /// bone_marrow, umbilical_cord, adipose or car_t.
    pub source: String,
    /// allogeneic or autologous.
    pub donor: String,
    /// Total cells infused.
    pub cells: u64,
    /// iv (the default).
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub weight_kg: Option<Decimal>,
    #[serde(default)]
    pub lot: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub viability_pct: Option<Decimal>,
    #[serde(default)]
    pub premedication: Option<String>,
}

/// A recorded infusion.
#[derive(Debug, Serialize, ToSchema)]
pub struct InfusionOut {
    pub id: String,
    pub date: String,
    pub source: String,
    pub donor: String,
    pub route: String,
    pub total_cells: u64,
    pub weight_kg: Option<String>,
    pub cells_per_kg: Option<String>,
    pub lot: Option<String>,
    pub viability_pct: Option<String>,
    pub premedication: Option<String>,
}

/// The id of a written fact.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOut {
    pub id: String,
}

/// The patient's infusions, by date.
#[utoipa::path(get, operation_id = "infusions_list", path = "/api/v1/studies/{study}/patients/{code}/infusions", tag = "infusions",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    responses((status = 200, body = Vec<InfusionOut>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
) -> Result<Json<Vec<InfusionOut>>, ApiError> {
    let study = state.store.study_as(&caller.actor, &study).await?;
    let infusions = state
        .store
        .infusions_as(&caller.actor, &study, &code)
        .await?;
    Ok(Json(
        infusions
            .into_iter()
            .map(|s| {
                let i = s.infusion;
                InfusionOut {
                    id: s.entity_id,
                    date: i.date.to_string(),
                    source: code_of(&i.source),
                    donor: code_of(&i.donor),
                    route: code_of(&i.route),
                    total_cells: i.total_cells,
                    weight_kg: i.weight_kg.map(|w| w.to_string()),
                    cells_per_kg: i.cells_per_kg().map(|c| c.round_dp(0).to_string()),
                    lot: i.lot,
                    viability_pct: i.viability_pct.map(|v| v.to_string()),
                    premedication: i.premedication,
                }
            })
            .collect(),
    ))
}

/// Record an infusion of the cell product.
#[utoipa::path(post, operation_id = "infusions_record", path = "/api/v1/studies/{study}/patients/{code}/infusions", tag = "infusions",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    request_body = InfusionIn,
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
    JsonBody(body): JsonBody<InfusionIn>,
) -> Result<(StatusCode, Json<CreatedOut>), ApiError> {
    let route = body.route.as_deref().unwrap_or("iv");
    let infusion = Infusion {
        date: date("date", &body.date)?,
        source: parse_code::<CellSource>(
            "source",
            &body.source,
            "bone_marrow, umbilical_cord, adipose, car_t",
        )?,
        donor: parse_code::<Donor>("donor", &body.donor, "allogeneic, autologous")?,
        route: parse_code::<Route>("route", route, "iv")?,
        lot: body.lot,
        total_cells: body.cells,
        weight_kg: body.weight_kg,
        viability_pct: body.viability_pct,
        premedication: body.premedication,
    };
    let study = state.store.study_as(&caller.actor, &study).await?;
    let id = state
        .store
        .record_infusion(&caller.actor, &study, &code, infusion)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedOut { id })))
}
