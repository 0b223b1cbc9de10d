//! `GET /studies/{study}/reports` and the report views `…/reports/case-series` and
//! `…/reports/trial`: sledger-report's HTML rendering (the same reports as `sledger report` and
//! the API's `?format=html`, built by the same `report_input` functions), shown inside the
//! page shell. The report's own document wraps its body in an inline `<style>`, which the CSP
//! forbids; only its body is embedded and the stylesheet carries the report's rules.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sledger_core::MeasureConfig;
use sledger_report::TrialReport;
use sledger_store::report_input::{case_series_report, chart_measures, provenance, trial_input};

use crate::problem::ApiError;
use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError, render};
use crate::ui::i18n::t;
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    shell: Shell,
    study: String,
    trial: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    shell: Shell,
    kind: &'static str,
    /// The report's HTML body, escaped by sledger-report.
    body: String,
}

/// The content of a whole HTML document's `<body>` (the document itself when it has none).
fn body_of(document: &str) -> &str {
    let start = document.find("<body>").map_or(0, |i| i + "<body>".len());
    let end = document.rfind("</body>").unwrap_or(document.len());
    document.get(start..end).unwrap_or(document)
}

pub async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(study): Path<String>,
) -> Result<Response, UiError> {
    let study = state
        .store
        .study_as(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let title = format!("{} — {}", study.code, t(viewer.lang, "nav-reports", &[]));
    let page = ReportsPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        study: study.code.clone(),
        trial: study.protocol.randomization().is_some(),
    };
    Ok(render(viewer.lang, &page))
}

pub async fn case_series(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(study): Path<String>,
) -> Result<Response, UiError> {
    let (study, charts) = crate::ui::study_and_charts(&state, &viewer, &study).await?;
    let report = case_series_report(&study, &charts, &MeasureConfig::default())
        .map_err(ApiError::from)
        .or_page(&viewer)?;
    let html = report
        .render(sledger_report::Format::Html)
        .map_err(ApiError::from)
        .or_page(&viewer)?;
    let title = format!(
        "{} — {}",
        study.code,
        t(viewer.lang, "report-case-series", &[])
    );
    let page = ReportPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        kind: "case-series",
        body: body_of(&html).to_owned(),
    };
    Ok(render(viewer.lang, &page))
}

pub async fn trial(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(study): Path<String>,
) -> Result<Response, UiError> {
    let (study, charts) = crate::ui::study_and_charts(&state, &viewer, &study).await?;
    let population = state
        .store
        .trial_population(&viewer.actor, &study)
        .await
        .or_page(&viewer)?;
    let config = MeasureConfig::default();
    let measures = chart_measures(&charts, &config);
    let input = trial_input(
        &study,
        &population,
        &charts,
        &measures,
        provenance(&study, &config),
    );
    let report = TrialReport::build(&input, &config)
        .map_err(ApiError::from)
        .or_page(&viewer)?;
    let html = report
        .render(sledger_report::Format::Html)
        .map_err(ApiError::from)
        .or_page(&viewer)?;
    let title = format!("{} — {}", study.code, t(viewer.lang, "report-trial", &[]));
    let page = ReportPage {
        shell: Shell::for_viewer(&viewer, title).with_study(&viewer, &study),
        kind: "trial",
        body: body_of(&html).to_owned(),
    };
    Ok(render(viewer.lang, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_body_of_a_document() {
        let doc = "<!DOCTYPE html>\n<html><head><style>x</style></head><body>\n<h1>R</h1>\n</body>\n</html>\n";
        assert_eq!(body_of(doc), "\n<h1>R</h1>\n");
        assert_eq!(body_of("<p>x</p>"), "<p>x</p>");
    }
}
