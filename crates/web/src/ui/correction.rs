//! Corrections from the patient page (issue #3 item 4, issue #7 item 2):
//! `GET /studies/{study}/patients/{code}/corrections/new?fact=ID` shows the recorded value and
//! a form for the new one with a required reason; `POST …/corrections` supersedes the fact
//! through `Store::correct` (the API's `sledger correct` path: re-validated by core, the old
//! version kept with who, when and why) and answers 303 to the patient page.
//!
//! The fact is looked up in the patient's chart as the viewer may read it, so a fact id of
//! another patient or site is "not found" here, whatever the store would allow.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value};
use sledger_core::measures::sledai2k::{Descriptor, ItemState};
use sledger_core::record::observation::ObservationValue;
use sledger_store::PatientChart;
use sledger_store::column::code_of;

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::UiError;
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;
use crate::ui::visit_entry::{PatientContext, error_text, patient_context, require_capture};
use crate::ui::visit_form::{FormError, number};

/// A fact the form corrects, with its current value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Observation {
        code: String,
        value: String,
        unit: Option<String>,
    },
    Sledai {
        descriptor: Descriptor,
        state: Option<ItemState>,
    },
    AdverseEvent {
        term: String,
        grade: u8,
    },
}

impl Target {
    /// The fact table `Store::correct` takes.
    fn table(&self) -> &'static str {
        match self {
            Target::Observation { .. } => "observation",
            Target::Sledai { .. } => "sledai_item",
            Target::AdverseEvent { .. } => "adverse_event",
        }
    }

    /// The recorded value as the page shows it.
    fn current(&self, lang: Lang) -> String {
        match self {
            Target::Observation { code, value, unit } => {
                format!("{code}: {value} {}", unit.as_deref().unwrap_or_default())
                    .trim_end()
                    .to_owned()
            }
            Target::Sledai { descriptor, state } => format!(
                "{}: {}",
                t(lang, &format!("visit-sledai-{}", descriptor.name()), &[]),
                state.map_or_else(
                    || t(lang, "visit-answer-unknown", &[]),
                    |s| t(lang, &format!("correction-state-{}", code_of(&s)), &[])
                )
            ),
            Target::AdverseEvent { term, grade } => format!("{term}: CTCAE {grade}"),
        }
    }
}

/// The fact with entity id `id` in the chart: an observation, a SLEDAI-2K answer or an
/// adverse event of this patient.
fn find(chart: &PatientChart, id: &str) -> Option<Target> {
    for (stored, visit) in chart.visits.iter().zip(chart.record.visits()) {
        let observations = stored.observation_facts.iter().zip(visit.observations());
        if let Some((_, o)) = observations.into_iter().find(|(f, _)| f.entity_id == id) {
            let value = match o.value() {
                ObservationValue::Quantity(d) => d.normalize().to_string(),
                ObservationValue::Text(s) => s.clone(),
                ObservationValue::Boolean(b) => b.to_string(),
            };
            return Some(Target::Observation {
                code: o.code().to_owned(),
                value,
                unit: o.unit().map(str::to_owned),
            });
        }
        if let Some((d, _)) = stored.sledai_facts.iter().find(|(_, f)| f.entity_id == id) {
            return Some(Target::Sledai {
                descriptor: *d,
                state: visit.sledai_answers()[d.index()].state,
            });
        }
    }
    chart
        .adverse_event_facts
        .iter()
        .zip(&chart.adverse_events)
        .find(|(f, _)| f.entity_id == id)
        .map(|(_, a)| Target::AdverseEvent {
            term: a.term().to_owned(),
            grade: a.grade().get(),
        })
}

#[derive(Template)]
#[template(path = "visit/correction.html")]
struct CorrectionPage {
    shell: Shell,
    patient_url: String,
    fact: String,
    current: String,
    /// observation, sledai_item or adverse_event.
    kind: &'static str,
    value: String,
    unit: String,
    /// (code, label, selected) of the SLEDAI-2K answer select.
    states: Vec<(String, String, bool)>,
    grade: String,
    reason: String,
    refused: bool,
    errors: HashMap<String, String>,
}

impl CorrectionPage {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// `?fact=ID`.
#[derive(Debug, Deserialize)]
pub struct FactQuery {
    pub fact: String,
}

fn not_found(viewer: &Viewer, id: &str) -> UiError {
    UiError::for_viewer(
        viewer,
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Not found",
            format!("no correctable fact {id:?} of this patient"),
        ),
    )
}

fn page(
    viewer: &Viewer,
    ctx: &PatientContext,
    fact: &str,
    target: &Target,
    form: &HashMap<String, String>,
    errors: &[FormError],
) -> CorrectionPage {
    let lang = viewer.lang;
    let typed = |name: &str| form.get(name).cloned();
    let (value, unit, grade, state) = match target {
        Target::Observation { value, unit, .. } => (
            typed("value").unwrap_or_else(|| value.clone()),
            typed("unit").unwrap_or_else(|| unit.clone().unwrap_or_default()),
            String::new(),
            None,
        ),
        Target::Sledai { state, .. } => (
            String::new(),
            String::new(),
            String::new(),
            typed("state").or_else(|| state.map(|s| code_of(&s))),
        ),
        Target::AdverseEvent { grade, .. } => (
            String::new(),
            String::new(),
            typed("ctcae_grade").unwrap_or_else(|| grade.to_string()),
            None,
        ),
    };
    let states = ["present", "absent", "not_assessed"]
        .into_iter()
        .map(|s| {
            (
                s.to_owned(),
                t(lang, &format!("correction-state-{s}"), &[]),
                state.as_deref() == Some(s),
            )
        })
        .collect();
    let title = t(lang, "correction-title", &[]);
    CorrectionPage {
        shell: Shell::for_viewer(viewer, title).with_study(viewer, &ctx.study),
        patient_url: ctx.patient_url.clone(),
        fact: fact.to_owned(),
        current: target.current(lang),
        kind: target.table(),
        value,
        unit,
        states,
        grade,
        reason: typed("reason").unwrap_or_default(),
        refused: !errors.is_empty(),
        errors: errors
            .iter()
            .map(|e| (e.field.clone(), error_text(lang, e)))
            .collect(),
    }
}

fn render(status: StatusCode, lang: Lang, page: &CorrectionPage) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => UiError::anonymous(lang, ApiError::internal(&e)).into_response(),
    }
}

/// `GET …/corrections/new?fact=ID`: the correction form of one fact.
pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
    Query(query): Query<FactQuery>,
) -> Result<Response, UiError> {
    require_capture(&viewer)?;
    let ctx = patient_context(&state, &viewer, &study, &code).await?;
    let target = find(&ctx.chart, &query.fact).ok_or_else(|| not_found(&viewer, &query.fact))?;
    let page = page(&viewer, &ctx, &query.fact, &target, &HashMap::new(), &[]);
    Ok(render(StatusCode::OK, viewer.lang, &page))
}

/// The column changes of the form for `target`, or the refusal of a field.
fn changes(
    target: &Target,
    form: &HashMap<String, String>,
) -> Result<Map<String, Value>, FormError> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut out = Map::new();
    match target {
        Target::Observation { .. } => {
            let value = number("value", field("value"))?;
            out.insert("value_decimal".into(), value.normalize().to_string().into());
            let unit = field("unit");
            out.insert(
                "raw_unit".into(),
                if unit.is_empty() {
                    Value::Null
                } else {
                    unit.into()
                },
            );
        }
        Target::Sledai { .. } => {
            out.insert("state".into(), field("state").into());
        }
        Target::AdverseEvent { .. } => {
            out.insert("ctcae_grade".into(), field("ctcae_grade").into());
        }
    }
    Ok(out)
}

/// The form field a store refusal names (core's `unit`, `value`, `state`, `ctcae_grade`,
/// and the store's own `reason`).
fn form_field(field: &str) -> &str {
    match field {
        "value_decimal" => "value",
        "raw_unit" => "unit",
        other => other.rsplit('.').next().unwrap_or(other),
    }
}

/// `POST …/corrections`: supersedes the fact with the reason, or shows the form again.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let ctx = patient_context(&state, &viewer, &study, &code).await?;
    let fact = form.get("fact").cloned().unwrap_or_default();
    let target = find(&ctx.chart, &fact).ok_or_else(|| not_found(&viewer, &fact))?;
    let refused = |errors: Vec<FormError>, status| {
        let page = page(&viewer, &ctx, &fact, &target, &form, &errors);
        render(status, viewer.lang, &page)
    };
    let set = match changes(&target, &form) {
        Ok(set) => set,
        Err(e) => return Ok(refused(vec![e], StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let reason = form.get("reason").map_or("", String::as_str);
    let result = state
        .store
        .correct(
            &viewer.actor,
            &ctx.study,
            target.table(),
            &fact,
            set,
            reason,
        )
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&ctx.patient_url).into_response()),
        Err(sledger_store::StoreError::Input(e)) => {
            let e = FormError::from_input(form_field(&e.field), &e);
            Ok(refused(vec![e], StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(UiError::for_viewer(&viewer, e)),
    }
}
