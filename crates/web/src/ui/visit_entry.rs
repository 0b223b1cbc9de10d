//! The visit form (issue #7 item 2): `GET /studies/{study}/patients/{code}/visits/new` shows
//! it, `POST …/visits` saves it through `Store::record_visit` (all-or-nothing, the API's and
//! CLI's path) and answers 303 to the patient page, or shows the form again with the values
//! kept and each refusal next to its field in the page language. The live scores beside the
//! form are `visit_preview.rs`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sledger_core::MeasureConfig;
use sledger_core::measures::sledai2k::Descriptor;
use sledger_core::protocol::VisitCode;
use sledger_core::record::PatientRecord;
use sledger_store::{Permission, Study};

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError};
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;
use crate::ui::visit_form::{
    ErrorKind, FormError, LAB_FIELDS, UPCR_SPECIMENS, VisitForm, YES_NO_FACTS, field_names,
    submission,
};
use crate::ui::visit_preview::{Live, LiveValue, Preview, live};

/// The write side of the UI: visit entry with live scores, corrections, randomization.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    let patient = "/studies/{study}/patients/{code}";
    axum::Router::new()
        .route(&format!("{patient}/visits/new"), get(new))
        .route(&format!("{patient}/visits"), post(record))
        .route(
            &format!("{patient}/visits/preview"),
            post(crate::ui::visit_preview::preview),
        )
        .route(
            &format!("{patient}/corrections/new"),
            get(crate::ui::correction::new),
        )
        .route(
            &format!("{patient}/corrections"),
            post(crate::ui::correction::save),
        )
        .route(
            &format!("{patient}/randomize"),
            post(crate::ui::randomize::randomize),
        )
}

/// A refusal in the page language.
pub(crate) fn error_text(lang: Lang, e: &FormError) -> String {
    let value = e.value.as_str();
    match &e.kind {
        ErrorKind::Required => t(lang, "visit-error-required", &[]),
        ErrorKind::NotANumber => t(lang, "visit-error-not-a-number", &[("value", value)]),
        ErrorKind::NotADate => t(lang, "visit-error-not-a-date", &[("value", value)]),
        ErrorKind::UnknownUnit { allowed } => t(
            lang,
            "visit-error-unknown-unit",
            &[("value", value), ("allowed", allowed)],
        ),
        ErrorKind::OutOfRange {
            min: Some(min),
            max: Some(max),
        } => t(lang, "visit-error-range", &[("min", min), ("max", max)]),
        ErrorKind::OutOfRange { max: Some(max), .. } => {
            t(lang, "visit-error-at-most", &[("max", max)])
        }
        ErrorKind::OutOfRange { min, .. } => t(
            lang,
            "visit-error-at-least",
            &[("min", min.as_deref().unwrap_or("0"))],
        ),
        ErrorKind::MustBePositive => t(lang, "visit-error-positive", &[]),
        ErrorKind::MustNotBeNegative => t(lang, "visit-error-non-negative", &[]),
        ErrorKind::WholeNumber { max } => t(lang, "visit-error-whole", &[("max", max)]),
        ErrorKind::AlreadyRecorded => t(lang, "visit-error-already-recorded", &[]),
        ErrorKind::Refused { rule } => t(lang, "visit-error-refused", &[("rule", rule)]),
    }
}

/// The live scores as the page shows them.
pub(crate) struct LiveView {
    pub title: String,
    pub sledai_label: String,
    pub sledai2k: String,
    pub egfr_label: String,
    pub egfr: String,
    pub renal_label: String,
    pub renal_response: String,
}

fn live_text(lang: Lang, value: &LiveValue, shown: impl Fn(&str) -> String) -> String {
    match value {
        LiveValue::Value(v) => shown(v),
        LiveValue::Bounds {
            lower,
            upper,
            missing,
        } => t(
            lang,
            "visit-live-bounds",
            &[
                ("lower", lower),
                ("upper", upper),
                ("missing", &missing.join(", ")),
            ],
        ),
        LiveValue::Missing(missing) => {
            // The data-dictionary names, in words where we have them (visit.ftl `missing-*`).
            let names: Vec<String> = missing
                .iter()
                .map(|n| crate::ui::i18n::t_or(lang, &format!("missing-{n}"), n))
                .collect();
            t(
                lang,
                "visit-live-missing",
                &[("missing", &names.join(", "))],
            )
        }
        LiveValue::BaselineVisit => t(lang, "visit-live-baseline", &[]),
    }
}

impl LiveView {
    pub(crate) fn new(lang: Lang, p: &Preview) -> LiveView {
        LiveView {
            title: t(lang, "visit-live-title", &[]),
            sledai_label: t(lang, "visit-live-sledai2k", &[]),
            sledai2k: live_text(lang, &p.sledai2k, str::to_owned),
            egfr_label: t(lang, "visit-live-egfr", &[]),
            egfr: live_text(lang, &p.egfr, |v| {
                t(lang, "visit-live-egfr-value", &[("value", v)])
            }),
            renal_label: t(lang, "visit-live-renal-response", &[]),
            renal_response: live_text(lang, &p.renal_response, |v| {
                t(lang, &format!("visit-response-{v}"), &[])
            }),
        }
    }
}

/// Each field's refusal text ("" when none), for every `#error-<field>` of the form.
pub(crate) fn error_texts(lang: Lang, errors: &[FormError]) -> Vec<(String, String)> {
    let mut names = field_names();
    for e in errors {
        if !names.contains(&e.field) {
            names.push(e.field.clone());
        }
    }
    names
        .into_iter()
        .map(|name| {
            let text: Vec<String> = errors
                .iter()
                .filter(|e| e.field == name)
                .map(|e| error_text(lang, e))
                .collect();
            (name, text.join(" "))
        })
        .collect()
}

/// An option of a select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A lab row of the form.
struct LabRow {
    name: &'static str,
    label: String,
    value: String,
    unit_field: String,
    units: Vec<Choice>,
    reference: Option<(String, String, String)>,
}

/// A SLEDAI-2K checkbox.
struct SledaiBox {
    name: String,
    label: String,
    checked: bool,
}

/// A yes/no fact's select.
struct YesNo {
    name: &'static str,
    label: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "visit/form.html")]
struct VisitPage {
    shell: Shell,
    title: String,
    patient_url: String,
    refused: bool,
    form_error: Option<String>,
    idempotency_key: String,
    visits: Vec<Choice>,
    date: String,
    labs: Vec<LabRow>,
    specimens: Vec<Choice>,
    sledai: Vec<SledaiBox>,
    pga: String,
    prednisone: String,
    yes_no: Vec<YesNo>,
    errors: HashMap<String, String>,
    live: LiveView,
}

impl VisitPage {
    /// The refusal text of `field` ("" when none).
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

fn choice(value: &str, label: String, selected: bool) -> Choice {
    Choice {
        value: value.to_owned(),
        label,
        selected,
    }
}

/// The visit codes the form offers: the protocol's schedule and `unscheduled`; the first
/// scheduled visit not yet recorded is preselected.
fn visit_choices(study: &Study, record: &PatientRecord, form: &VisitForm) -> Vec<Choice> {
    let recorded: Vec<VisitCode> = record.visits().iter().map(|v| v.code()).collect();
    let mut codes: Vec<VisitCode> = study
        .protocol
        .schedule()
        .visits()
        .iter()
        .map(|v| v.code())
        .collect();
    codes.push(VisitCode::Unscheduled);
    let chosen = form.get("visit").map(str::to_owned).or_else(|| {
        codes
            .iter()
            .find(|c| !recorded.contains(c))
            .map(ToString::to_string)
    });
    codes
        .iter()
        .map(|c| {
            let code = c.to_string();
            let selected = chosen.as_deref() == Some(code.as_str());
            choice(&code, code.clone(), selected)
        })
        .collect()
}

/// What a page about one patient needs: the viewer's study and the patient's record.
pub(crate) struct PatientContext {
    pub study: Study,
    pub record: PatientRecord,
    pub chart: sledger_store::PatientChart,
    pub patient_url: String,
}

/// Reads the study and the patient's chart as the viewer may (the store authorizes).
pub(crate) async fn patient_context(
    state: &AppState,
    viewer: &Viewer,
    study: &str,
    code: &str,
) -> Result<PatientContext, UiError> {
    let study = state
        .store
        .study_as(&viewer.actor, study)
        .await
        .or_page(viewer)?;
    let chart = state
        .store
        .patient_chart_as(&viewer.actor, &study, code)
        .await
        .or_page(viewer)?;
    Ok(PatientContext {
        patient_url: format!("/studies/{}/patients/{}", study.code, chart.patient.code),
        record: chart.record.clone(),
        chart,
        study,
    })
}

/// The viewer may record visits (the store refuses others anyway; this hides the form).
pub(crate) fn require_capture(viewer: &Viewer) -> Result<(), UiError> {
    if viewer.may(Permission::CaptureRecords) {
        return Ok(());
    }
    Err(UiError::for_viewer(
        viewer,
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            "this role may not record or correct facts",
        ),
    ))
}

fn page(
    viewer: &Viewer,
    ctx: &PatientContext,
    form: &VisitForm,
    outcome: &Live,
    form_error: Option<String>,
) -> VisitPage {
    let lang = viewer.lang;
    let patient = ctx.chart.patient.code.as_str();
    let title = t(lang, "visit-new-title", &[("patient", patient)]);
    let shell = Shell::for_viewer(viewer, title.clone()).with_study(viewer, &ctx.study);
    let labs = LAB_FIELDS
        .iter()
        .map(|f| {
            let unit_field = f.unit_field();
            let typed = form.get(&unit_field);
            let units = if f.has_unit() {
                f.units()
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        let selected = typed.map_or(i == 0, |t| t == *u);
                        choice(u, (*u).to_owned(), selected)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let reference = f.reference_field().map(|name| {
                let label = if name.ends_with("_low") {
                    t(lang, "visit-field-ref-low", &[])
                } else {
                    t(lang, "visit-field-ref-high", &[])
                };
                let value = form.value(&name).to_owned();
                (name, label, value)
            });
            LabRow {
                name: f.name,
                label: t(lang, &format!("visit-lab-{}", f.name), &[]),
                value: form.value(f.name).to_owned(),
                unit_field,
                units,
                reference,
            }
        })
        .collect();
    let specimen = form.get("upcr_specimen").unwrap_or("24h_collection");
    let specimens = UPCR_SPECIMENS
        .iter()
        .map(|s| {
            choice(
                s,
                t(lang, &format!("visit-specimen-{s}"), &[]),
                *s == specimen,
            )
        })
        .collect();
    let sledai = Descriptor::ALL
        .into_iter()
        .map(|d| {
            let name = format!("sledai_{}", d.name());
            SledaiBox {
                label: t(lang, &format!("visit-sledai-{}", d.name()), &[]),
                checked: form.checked(&name),
                name,
            }
        })
        .collect();
    let yes_no = YES_NO_FACTS
        .iter()
        .map(|name| {
            let typed = form.get(name).unwrap_or("");
            YesNo {
                name,
                label: t(lang, &format!("visit-field-{name}"), &[]),
                choices: [("", "unknown"), ("true", "true"), ("false", "false")]
                    .into_iter()
                    .map(|(v, l)| choice(v, t(lang, &format!("visit-answer-{l}"), &[]), typed == v))
                    .collect(),
            }
        })
        .collect();
    // A refusal of a field the form does not show (none is expected: every input the visit
    // JSON is built from has its error element) is shown above the form, never dropped.
    let names = field_names();
    let unplaced: Vec<String> = outcome
        .errors
        .iter()
        .filter(|e| !names.contains(&e.field))
        .map(|e| format!("{}: {}", e.field, error_text(lang, e)))
        .collect();
    let form_error = match (form_error, unplaced.is_empty()) {
        (Some(text), _) => Some(text),
        (None, false) => Some(unplaced.join(" ")),
        (None, true) => None,
    };
    VisitPage {
        shell,
        title,
        patient_url: ctx.patient_url.clone(),
        refused: !outcome.errors.is_empty() || form_error.is_some(),
        form_error,
        idempotency_key: form
            .get("idempotency_key")
            .map_or_else(sledger_store::write::new_id, str::to_owned),
        visits: visit_choices(&ctx.study, &ctx.record, form),
        date: form.value("date").to_owned(),
        labs,
        specimens,
        sledai,
        pga: form.value("pga").to_owned(),
        prednisone: form.value("prednisone").to_owned(),
        yes_no,
        errors: error_texts(lang, &outcome.errors).into_iter().collect(),
        live: LiveView::new(lang, &outcome.preview),
    }
}

fn render(status: StatusCode, lang: Lang, page: &VisitPage) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => UiError::anonymous(lang, ApiError::internal(&e)).into_response(),
    }
}

/// `GET /studies/{study}/patients/{code}/visits/new`: the empty form.
pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
) -> Result<Response, UiError> {
    require_capture(&viewer)?;
    let ctx = patient_context(&state, &viewer, &study, &code).await?;
    // The scores start from the preselected visit (the first scheduled one not recorded).
    let mut values = HashMap::new();
    if let Some(first) = visit_choices(&ctx.study, &ctx.record, &VisitForm::default())
        .into_iter()
        .find(|c| c.selected)
    {
        values.insert("visit".to_owned(), first.value);
    }
    let form = VisitForm::new(values);
    let outcome = Live {
        errors: Vec::new(),
        preview: live(&form, &ctx.record, &MeasureConfig::default()).preview,
    };
    let page = page(&viewer, &ctx, &form, &outcome, None);
    Ok(render(StatusCode::OK, viewer.lang, &page))
}

/// `POST /studies/{study}/patients/{code}/visits`: saves the visit, or shows the form again
/// with the refusals next to their fields (nothing written: the store writes all or nothing).
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    require_capture(&viewer)?;
    let ctx = patient_context(&state, &viewer, &study, &code).await?;
    let form = VisitForm::new(values);
    let outcome = live(&form, &ctx.record, &MeasureConfig::default());
    if !outcome.errors.is_empty() {
        let page = page(&viewer, &ctx, &form, &outcome, None);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, viewer.lang, &page));
    }
    let refused = |errors: Vec<FormError>, form_error: Option<String>, status| {
        let outcome = Live {
            errors,
            preview: outcome.preview.clone(),
        };
        let page = page(&viewer, &ctx, &form, &outcome, form_error);
        render(status, viewer.lang, &page)
    };
    let submitted = match submission(&form, &ctx.chart.patient.code) {
        Ok(s) => s,
        Err(errors) => return Ok(refused(errors, None, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    match state
        .store
        .record_visit(&viewer.actor, &ctx.study, submitted)
        .await
    {
        Ok(_) => Ok(Redirect::to(&ctx.patient_url).into_response()),
        Err(e) => {
            let problem = ApiError::from(e);
            let status = StatusCode::from_u16(problem.problem.status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status == StatusCode::FORBIDDEN || status.is_server_error() {
                return Err(UiError::for_viewer(&viewer, problem));
            }
            let p = &problem.problem;
            let field = p.field.clone().unwrap_or_default();
            let value = p.value.clone().unwrap_or_default();
            let rule = p.rule.clone().unwrap_or_else(|| p.detail.clone());
            if field_names().contains(&field) {
                let e = FormError::from_input(
                    field.clone(),
                    &sledger_core::InputError::new(field, value, rule),
                );
                return Ok(refused(vec![e], None, status));
            }
            let text = t(
                viewer.lang,
                "error-invalid-detail",
                &[("field", &field), ("value", &value), ("rule", &rule)],
            );
            Ok(refused(Vec::new(), Some(text), status))
        }
    }
}
