//! `GET|POST /api/v1/studies/{study}/patients`, `GET …/patients/{code}`: the patients of the
//! caller's sites, enrollment, and one patient's chart with every measure per visit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sledger_core::MeasureConfig;
use sledger_core::record::visit_measures;
use sledger_core::sex::RecordedSex;
use sledger_store::{NewPatient, PatientRef};
use utoipa::ToSchema;

use crate::authentication::Caller;
use crate::json_body::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A patient: pseudonymous code, site, sex, birth month, enrollment date.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientOut {
    pub code: String,
    pub site: String,
    pub sex: String,
    /// Year and month of birth, `YYYY-MM`.
    pub birth: String,
    pub enrollment_date: String,
}

impl From<&PatientRef> for PatientOut {
    fn from(p: &PatientRef) -> PatientOut {
        PatientOut {
            code: p.code.clone(),
            site: p.site.clone(),
            sex: serde_json::to_value(p.sex)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            birth: format!("{:04}-{:02}", p.birth_year, p.birth_month),
            enrollment_date: p.enrollment_date.to_string(),
        }
    }
}

/// A patient to enroll (no names: a pseudonymous code).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollIn {
    pub code: String,
    pub site: String,
    /// female, male, other, intersex or unknown.
    pub sex: String,
    pub birth_year: i16,
    pub birth_month: u8,
    /// `YYYY-MM-DD`.
    pub enrollment_date: String,
}

/// An ISO date or a refusal naming the field.
pub(crate) fn date(field: &str, text: &str) -> Result<Date, ApiError> {
    text.parse()
        .map_err(|_| ApiError::invalid(field, text, "an ISO date, YYYY-MM-DD"))
}

/// The patients of the study at the caller's sites, by code.
#[utoipa::path(get, operation_id = "patients_list", path = "/api/v1/studies/{study}/patients", tag = "patients",
    params(("study" = String, Path, description = "the study's code")),
    responses((status = 200, body = Vec<PatientOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
) -> Result<Json<Vec<PatientOut>>, ApiError> {
    let study = state.store.study_as(&caller.actor, &study).await?;
    let patients = state.store.patients_as(&caller.actor, &study).await?;
    Ok(Json(patients.iter().map(PatientOut::from).collect()))
}

/// Enroll a patient at one of the caller's sites.
#[utoipa::path(post, operation_id = "patients_enroll", path = "/api/v1/studies/{study}/patients", tag = "patients",
    params(("study" = String, Path, description = "the study's code")), request_body = EnrollIn,
    responses((status = 201, body = PatientOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn enroll(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    JsonBody(body): JsonBody<EnrollIn>,
) -> Result<(StatusCode, Json<PatientOut>), ApiError> {
    let sex: RecordedSex =
        serde_json::from_value(Value::String(body.sex.clone())).map_err(|_| {
            ApiError::invalid("sex", &body.sex, "female, male, other, intersex or unknown")
        })?;
    let patient = NewPatient {
        enrollment_date: date("enrollment_date", &body.enrollment_date)?,
        code: body.code,
        site: body.site,
        sex,
        birth_year: body.birth_year,
        birth_month: body.birth_month,
    };
    let study = state.store.study_as(&caller.actor, &study).await?;
    let enrolled = state.store.enroll(&caller.actor, &study, &patient).await?;
    Ok((StatusCode::CREATED, Json(PatientOut::from(&enrolled))))
}

/// The patient's chart as JSON: `sledger patient show --format json`.
pub(crate) async fn chart_json(
    state: &AppState,
    caller: &Caller,
    study: &str,
    code: &str,
) -> Result<Value, ApiError> {
    let study = state.store.study_as(&caller.actor, study).await?;
    let chart = state
        .store
        .patient_chart_as(&caller.actor, &study, code)
        .await?;
    let config = MeasureConfig::default();
    let measures = visit_measures(&chart.record, &config);
    // The chart read above authorized the actor for this patient's site.
    let infusions = state.store.infusions(&study, code).await?;
    let conditions = state.store.conditions(&study, code).await?;
    Ok(sledger_store::chart_wire::chart_json(
        &chart,
        &infusions,
        &conditions,
        &measures,
        &config,
    ))
}

/// One patient: facts and every measure per visit, as `sledger patient show --format json`.
#[utoipa::path(get, operation_id = "patients_get", path = "/api/v1/studies/{study}/patients/{code}", tag = "patients",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code")),
    responses((status = 200, body = Object, description = "patient, visits with measures, medications, adverse events, deviations"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(chart_json(&state, &caller, &study, &code).await?))
}
