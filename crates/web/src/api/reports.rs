//! `GET /api/v1/studies/{study}/reports/case-series|trial|patients/{code}?format=json|html|md`:
//! sledger-report's reports over the patients of the caller's sites; the trial report is
//! blinded (groups A/B) for the roles that may not see arms.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sledger_core::MeasureConfig;
use sledger_core::record::visit_measures;
use sledger_report::patient_report::PatientReport;
use sledger_report::{PatientInput, TrialReport};
use sledger_store::report_input::{
    case_series_report, chart_measures, provenance, schedule, trial_input,
};
use utoipa::IntoParams;

use crate::authentication::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The report's format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    /// json (default), html or md.
    #[serde(default)]
    pub format: Option<String>,
}

fn format(q: &FormatQuery) -> Result<(sledger_report::Format, &'static str), ApiError> {
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok((sledger_report::Format::Json, "application/json")),
        "html" => Ok((sledger_report::Format::Html, "text/html; charset=utf-8")),
        "md" => Ok((
            sledger_report::Format::Markdown,
            "text/markdown; charset=utf-8",
        )),
        other => Err(ApiError::invalid("format", other, "json, html or md")),
    }
}

fn respond(text: String, media: &'static str) -> Response {
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    response
}

/// The case series: every patient's visits and measures and the cohort summary.
#[utoipa::path(get, operation_id = "reports_case_series", path = "/api/v1/studies/{study}/reports/case-series", tag = "reports",
    params(("study" = String, Path, description = "the study's code"), FormatQuery),
    responses((status = 200, description = "the report in the format asked for"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn case_series(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let (fmt, media) = format(&q)?;
    let study = state.store.study_as(&caller.actor, &study).await?;
    let charts = state.store.study_charts_as(&caller.actor, &study).await?;
    let report = case_series_report(&study, &charts, &MeasureConfig::default())?;
    Ok(respond(report.render(fmt)?, media))
}

/// The trial analysis by arm with the CONSORT flow (blinded for blinded roles).
#[utoipa::path(get, operation_id = "reports_trial", path = "/api/v1/studies/{study}/reports/trial", tag = "reports",
    params(("study" = String, Path, description = "the study's code"), FormatQuery),
    responses((status = 200, description = "the report in the format asked for"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn trial(
    State(state): State<AppState>,
    caller: Caller,
    Path(study): Path<String>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let (fmt, media) = format(&q)?;
    let study = state.store.study_as(&caller.actor, &study).await?;
    let population = state.store.trial_population(&caller.actor, &study).await?;
    let charts = state.store.study_charts_as(&caller.actor, &study).await?;
    let config = MeasureConfig::default();
    let measures = chart_measures(&charts, &config);
    let input = trial_input(
        &study,
        &population,
        &charts,
        &measures,
        provenance(&study, &config),
    );
    let report = TrialReport::build(&input, &config)?;
    Ok(respond(report.render(fmt)?, media))
}

/// One patient's visit table and course plots.
#[utoipa::path(get, operation_id = "reports_patient", path = "/api/v1/studies/{study}/reports/patients/{code}", tag = "reports",
    params(("study" = String, Path, description = "the study's code"),
           ("code" = String, Path, description = "the patient's study code"), FormatQuery),
    responses((status = 200, description = "the report in the format asked for"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn patient(
    State(state): State<AppState>,
    caller: Caller,
    Path((study, code)): Path<(String, String)>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let (fmt, media) = format(&q)?;
    let study = state.store.study_as(&caller.actor, &study).await?;
    let chart = state
        .store
        .patient_chart_as(&caller.actor, &study, &code)
        .await?;
    let config = MeasureConfig::default();
    let measures = visit_measures(&chart.record, &config);
    let report = PatientReport::build(
        provenance(&study, &config),
        &schedule(&study),
        PatientInput {
            record: &chart.record,
            measures: &measures,
        },
        &config,
    );
    Ok(respond(report.render(fmt)?, media))
}
