//! `GET /studies/{study}/patients/{code}`: one patient's page — the course plots (sledger-
//! report's SVG panels), the per-visit measure table with every recorded fact and a link to
//! correct it, the infusion, medications and adverse events, the allocation and, for an
//! eligible-looking patient not yet randomized, the randomize button. Read through the API's
//! own store calls (patient_chart_as authorizes the viewer for the patient's site; a patient
//! of another site is the store's 403/404 page). Measures come from sledger-core via
//! `PatientCourse`; nothing is recomputed here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use rust_decimal::Decimal;
use sledger_core::MeasureConfig;
use sledger_core::measures::sledai2k::ItemState;
use sledger_core::record::observation::{LabCatalogue, ObservationValue};
use sledger_report::patient_course::{FlareCell, VisitRow};
use sledger_report::svg::patient_plots::patient_panels;
use sledger_store::{PatientChart, Permission, Study};

use crate::state::AppState;
use crate::ui::dashboard::{course_of, response_label};
use crate::ui::error_page::{OrPage, UiError, render};
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

/// A recorded fact of a visit with the id its correction form takes.
struct FactCell {
    label: String,
    value: String,
    /// The fact's entity id (`…/corrections/new?fact=ID`).
    id: String,
}

struct MeasureRow {
    visit: String,
    date: String,
    study_day: String,
    window: String,
    sledai2k: String,
    flare: String,
    egfr: String,
    creatinine: String,
    upcr: String,
    protein_24h: String,
    renal_response: String,
    prednisone: String,
    pga: String,
    facts: Vec<FactCell>,
}

struct MedicationRow {
    agent: String,
    dose_mg: String,
    start: String,
    end: String,
}

struct AdverseEventRow {
    /// The stored fact's entity id (its correction link).
    id: String,
    term: String,
    grade: u8,
    serious: bool,
    onset: String,
    resolution: String,
}

struct InfusionRow {
    date: String,
    cells: String,
    source: String,
    donor: String,
}

#[derive(Template)]
#[template(path = "patient.html")]
struct PatientPage {
    shell: Shell,
    study: String,
    code: String,
    site: String,
    sex: String,
    birth: String,
    enrolled: String,
    plots: Vec<String>,
    rows: Vec<MeasureRow>,
    infusions: Vec<InfusionRow>,
    medications: Vec<MedicationRow>,
    adverse_events: Vec<AdverseEventRow>,
    may_record: bool,
    /// The allocation as the viewer may see it: the arm, or "allocated — blinded".
    allocation: Option<String>,
    offer_randomize: bool,
}

/// The wire code of a serializable enum (`bone_marrow`, `allogeneic`, …).
fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn text(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), |d| d.normalize().to_string())
}

fn flare_label(lang: Lang, flare: FlareCell) -> String {
    let id = match flare {
        FlareCell::Yes => "flare-yes",
        FlareCell::No => "flare-no",
        FlareCell::Undetermined => "flare-undetermined",
        FlareCell::NotApplicable => "flare-not-applicable",
    };
    t(lang, id, &[])
}

/// The recorded facts of the chart's visit `index`: each observation and each answered
/// SLEDAI-2K descriptor, with its stored entity id.
fn facts_of(lang: Lang, chart: &PatientChart, index: usize) -> Vec<FactCell> {
    let (Some(visit), Some(stored)) = (chart.record.visits().get(index), chart.visits.get(index))
    else {
        return Vec::new();
    };
    let mut facts: Vec<FactCell> = visit
        .observations()
        .iter()
        .zip(&stored.observation_facts)
        .map(|(o, f)| {
            let label = LabCatalogue::entry(o.system(), o.code()).map_or_else(
                || o.code().to_owned(),
                |e| t(lang, &format!("lab-{:?}", e.item), &[]),
            );
            let value = match o.value() {
                ObservationValue::Quantity(d) => d.normalize().to_string(),
                ObservationValue::Text(s) => s.clone(),
                ObservationValue::Boolean(b) => t(lang, if *b { "yes" } else { "no" }, &[]),
            };
            let unit = o.unit().map(|u| format!(" {u}")).unwrap_or_default();
            FactCell {
                label,
                value: format!("{value}{unit}"),
                id: f.entity_id.clone(),
            }
        })
        .collect();
    let answers = visit.sledai_answers();
    facts.extend(stored.sledai_facts.iter().map(|(descriptor, f)| {
        let state = answers
            .get(descriptor.index())
            .and_then(|a| a.state)
            .map_or("blank", |s| match s {
                ItemState::Present => "present",
                ItemState::Absent => "absent",
                ItemState::NotAssessed => "not-assessed",
            });
        FactCell {
            label: format!(
                "SLEDAI-2K {}",
                t(lang, &format!("sledai-item-{}", descriptor.name()), &[])
            ),
            value: t(lang, &format!("sledai-{state}"), &[]),
            id: f.entity_id.clone(),
        }
    }));
    facts
}

fn measure_row(lang: Lang, chart: &PatientChart, row: &VisitRow) -> MeasureRow {
    let index = chart
        .record
        .visits()
        .iter()
        .position(|v| v.code() == row.code && v.date().to_string() == row.date);
    let window = index
        .and_then(|i| chart.visits.get(i))
        .map(|s| t(lang, &format!("window-{}", s.window_status), &[]))
        .unwrap_or_default();
    MeasureRow {
        visit: row.visit.clone(),
        date: row.date.clone(),
        study_day: row
            .study_day
            .map_or_else(|| "—".to_owned(), |d| d.to_string()),
        window,
        sledai2k: row.sledai2k.text().unwrap_or_else(|| "—".to_owned()),
        flare: flare_label(lang, row.sledai_flare),
        egfr: row.egfr.map_or_else(|| "—".to_owned(), |e| e.to_string()),
        creatinine: text(row.creatinine_mg_dl),
        upcr: text(row.upcr_mg_g),
        protein_24h: text(row.protein_24h_g_day),
        renal_response: response_label(lang, row.renal_response),
        prednisone: text(row.prednisone_mg_day),
        pga: text(row.pga),
        facts: index.map(|i| facts_of(lang, chart, i)).unwrap_or_default(),
    }
}

/// Whether to offer the randomize button: not yet allocated, then `randomize::can_offer`
/// (a randomized study, a role that may randomize, an eligible patient, strata locked). The
/// store checks everything again when the button is pressed (its refusal is shown then).
async fn offers_randomization(
    state: &AppState,
    viewer: &Viewer,
    study: &Study,
    code: &str,
    allocated: bool,
) -> Result<bool, UiError> {
    if allocated {
        return Ok(false);
    }
    crate::ui::randomize::can_offer(state, viewer, study, code)
        .await
        .or_page(viewer)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((study, code)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let lang = viewer.lang;
    let study = state
        .store
        .study_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let chart = state
        .store
        .patient_chart_as(&viewer.actor, &study, &code)
        .await
        .or_page(&viewer)?;
    // The chart read above authorized the viewer for this patient's site.
    let infusions = state
        .store
        .infusions(&study, &code)
        .await
        .or_page(&viewer)?;
    let allocation = if study.protocol.randomization().is_some() {
        state
            .store
            .allocation(&viewer.actor, &study, &code)
            .await
            .or_page(&viewer)?
    } else {
        None
    };
    let offer_randomize =
        offers_randomization(&state, &viewer, &study, &code, allocation.is_some()).await?;
    let config = MeasureConfig::default();
    let course = course_of(&chart, &config);
    let rows = course
        .visits
        .iter()
        .map(|row| measure_row(lang, &chart, row))
        .collect();
    let p = &chart.patient;
    let title = format!("{} — {}", p.code, study.code);
    let page = PatientPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        study: study.code.clone(),
        code: p.code.clone(),
        site: p.site.clone(),
        sex: t(lang, &format!("sex-{}", code_of(&p.sex)), &[]),
        birth: format!("{:04}-{:02}", p.birth_year, p.birth_month),
        enrolled: p.enrollment_date.to_string(),
        // The plots count days from the infusion: without one there is no axis to draw on.
        plots: if chart.record.infusion_date().is_some() {
            patient_panels(&course)
        } else {
            Vec::new()
        },
        rows,
        infusions: infusions
            .iter()
            .map(|i| {
                let i = &i.infusion;
                InfusionRow {
                    date: i.date.to_string(),
                    cells: i.total_cells.to_string(),
                    source: t(lang, &format!("source-{}", code_of(&i.source)), &[]),
                    donor: t(lang, &format!("donor-{}", code_of(&i.donor)), &[]),
                }
            })
            .collect(),
        medications: chart
            .record
            .medications()
            .iter()
            .map(|m| MedicationRow {
                agent: sledger_report::patient_course::agent_name(m.agent).to_owned(),
                dose_mg: (Decimal::from(m.dose.ug()) / Decimal::from(1000))
                    .normalize()
                    .to_string(),
                start: m.period.start().to_string(),
                end: m
                    .period
                    .end()
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            })
            .collect(),
        adverse_events: chart
            .adverse_events
            .iter()
            .zip(&chart.adverse_event_facts)
            .map(|(a, f)| AdverseEventRow {
                id: f.entity_id.clone(),
                term: a.term().to_owned(),
                grade: a.grade().get(),
                serious: a.seriousness() == sledger_store::adverse_event::Seriousness::Serious,
                onset: a.onset().to_string(),
                resolution: a
                    .resolution()
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            })
            .collect(),
        may_record: viewer.may(Permission::CaptureRecords),
        allocation: allocation.map(|a| match a.arm {
            Some(arm) => t(lang, "allocation-arm", &[("arm", &arm)]),
            None => t(lang, "allocation-blinded", &[]),
        }),
        offer_randomize,
    };
    Ok(render(lang, &page))
}
