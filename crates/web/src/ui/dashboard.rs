//! `GET /studies/{study}`: the study dashboard — counts (screened, enrolled, infused,
//! randomized), the visits due or overdue today, every visible patient with the latest renal
//! response and SLEDAI-2K, and the open adverse events. Everything is read through the same
//! store calls as the API (study_charts_as is limited to the viewer's sites) and every measure
//! comes from sledger-core through sledger-report's `PatientCourse` (never recomputed here).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sledger_core::MeasureConfig;
use sledger_core::record::visit_measures;
use sledger_report::PatientInput;
use sledger_report::patient_course::{PatientCourse, ResponseCell};
use sledger_store::{PatientChart, Screening};

use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError, render};
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;
use crate::ui::visits_due::visits_due;

/// The dashboard's counts over the viewer's patients.
#[derive(Debug, Default)]
struct Counts {
    /// Patients with eligibility answers recorded.
    screened: usize,
    enrolled: usize,
    /// Patients with a recorded infusion (day 0).
    infused: usize,
    /// Patients allocated on the live list.
    randomized: usize,
}

struct DueRow {
    patient: String,
    visit: String,
    opens: String,
    closes: String,
    status: &'static str,
    status_label: String,
}

struct PatientRow {
    code: String,
    site: String,
    infusion: String,
    last_visit: String,
    renal_response: String,
    sledai2k: String,
}

struct AdverseEventRow {
    patient: String,
    term: String,
    grade: u8,
    serious: bool,
    onset: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    today: String,
    counts: Counts,
    randomized_study: bool,
    due: Vec<DueRow>,
    patients: Vec<PatientRow>,
    adverse_events: Vec<AdverseEventRow>,
}

/// The localized label of a renal response (KDIGO 2024, renal.md §3.2).
pub fn response_label(lang: Lang, cell: ResponseCell) -> String {
    let id = match cell {
        ResponseCell::Baseline => "response-baseline",
        ResponseCell::Complete => "response-complete",
        ResponseCell::Partial => "response-partial",
        ResponseCell::None => "response-none",
        ResponseCell::NotEvaluable => "response-not-evaluable",
    };
    t(lang, id, &[])
}

/// The chart's course as the reports show it: sledger-core's measures per visit.
pub fn course_of(chart: &PatientChart, config: &MeasureConfig) -> PatientCourse {
    let measures = visit_measures(&chart.record, config);
    PatientCourse::of(
        PatientInput {
            record: &chart.record,
            measures: &measures,
        },
        config,
    )
}

/// The latest evaluated renal response and the latest assessed SLEDAI-2K of a course.
fn latest(lang: Lang, course: &PatientCourse) -> (String, String) {
    let response = course
        .visits
        .iter()
        .rev()
        .map(|v| v.renal_response)
        .find(|r| !matches!(r, ResponseCell::Baseline | ResponseCell::NotEvaluable))
        .map_or_else(|| "—".to_owned(), |r| response_label(lang, r));
    let sledai = course
        .visits
        .iter()
        .rev()
        .find_map(|v| v.sledai2k.text())
        .unwrap_or_else(|| "—".to_owned());
    (response, sledai)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, UiError> {
    let lang = viewer.lang;
    let (study, charts) = crate::ui::study_and_charts(&state, &viewer, &code).await?;
    let statuses = state
        .store
        .enrollment_status_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let today = jiff::Zoned::now().date();
    let config = MeasureConfig::default();
    let schedule = study.protocol.schedule();

    let mut counts = Counts {
        enrolled: charts.len(),
        ..Counts::default()
    };
    for status in &statuses {
        if status.screening != Screening::NotScreened {
            counts.screened += 1;
        }
        if status.randomized {
            counts.randomized += 1;
        }
    }

    let mut due = Vec::new();
    let mut patients = Vec::new();
    let mut adverse_events = Vec::new();
    for chart in &charts {
        let infusion = chart.record.infusion_date();
        if let Some(day0) = infusion {
            counts.infused += 1;
            let recorded: Vec<_> = chart.record.visits().iter().map(|v| v.code()).collect();
            for d in visits_due(schedule, day0, &recorded, today) {
                due.push(DueRow {
                    patient: chart.patient.code.clone(),
                    visit: d.visit.to_string(),
                    opens: d.opens.to_string(),
                    closes: d.closes.to_string(),
                    status: d.status.code(),
                    status_label: t(lang, &format!("due-{}", d.status.code()), &[]),
                });
            }
        }
        let course = course_of(chart, &config);
        let (renal_response, sledai2k) = latest(lang, &course);
        patients.push(PatientRow {
            code: chart.patient.code.clone(),
            site: chart.patient.site.clone(),
            infusion: infusion.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            last_visit: course
                .visits
                .last()
                .map_or_else(|| "—".to_owned(), |v| format!("{} ({})", v.visit, v.date)),
            renal_response,
            sledai2k,
        });
        for ae in chart
            .adverse_events
            .iter()
            .filter(|a| a.resolution().is_none())
        {
            adverse_events.push(AdverseEventRow {
                patient: chart.patient.code.clone(),
                term: ae.term().to_owned(),
                grade: ae.grade().get(),
                serious: ae.seriousness() == sledger_store::adverse_event::Seriousness::Serious,
                onset: ae.onset().to_string(),
            });
        }
    }
    // Overdue first, then by the window's last day: what needs a call today on top.
    due.sort_by(|a, b| {
        (a.status != "overdue", &a.closes, &a.patient).cmp(&(
            b.status != "overdue",
            &b.closes,
            &b.patient,
        ))
    });

    let title = format!("{} — {}", study.code, t(lang, "dashboard-title", &[]));
    let shell = Shell::for_viewer(&viewer, title).with_study(&viewer, &study);
    let page = DashboardPage {
        randomized_study: study.protocol.randomization().is_some(),
        shell,
        today: today.to_string(),
        counts,
        due,
        patients,
        adverse_events,
    };
    Ok(render(lang, &page))
}
