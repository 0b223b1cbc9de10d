//! HTML error pages: a store refusal (403 forbidden, 404 not found, 422 invalid input, …)
//! becomes a page in the viewer's language with the same status code the API would answer,
//! mapped by the API's own `ApiError` conversion so the two never disagree.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::problem::ApiError;
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::Viewer;

/// A refused or failed page request.
#[derive(Debug)]
pub struct UiError {
    pub status: StatusCode,
    pub problem: ApiError,
    pub shell: Box<Shell>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    shell: &'a Shell,
    status: u16,
    explanation: String,
    detail: String,
}

/// The message id of the explanation for `status`.
fn explanation_id(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error-forbidden",
        404 => "error-not-found",
        409 => "error-conflict",
        422 => "error-invalid",
        429 => "error-too-many",
        _ => "error-internal",
    }
}

impl UiError {
    /// An error shown with the viewer's header and navigation.
    pub fn for_viewer(viewer: &Viewer, problem: impl Into<ApiError>) -> UiError {
        let problem = problem.into();
        let status = StatusCode::from_u16(problem.problem.status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let title = t(viewer.lang, explanation_id(status), &[]);
        UiError {
            status,
            shell: Box::new(Shell::for_viewer(viewer, title)),
            problem,
        }
    }

    /// An error shown to someone not (yet) known.
    pub fn anonymous(lang: Lang, problem: impl Into<ApiError>) -> UiError {
        let problem = problem.into();
        let status = StatusCode::from_u16(problem.problem.status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let title = t(lang, explanation_id(status), &[]);
        UiError {
            status,
            shell: Box::new(Shell::anonymous(lang, title)),
            problem,
        }
    }

    /// A store error for someone not (yet) known.
    pub fn from_store(e: sledger_store::StoreError, lang: Lang) -> UiError {
        UiError::anonymous(lang, ApiError::from(e))
    }

    /// A 404 for a path that names nothing.
    pub fn not_found(lang: Lang, what: &str) -> UiError {
        UiError::anonymous(
            lang,
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "Not found", what),
        )
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let lang = self.shell.lang;
        let p = &self.problem.problem;
        // The localized sentence says what happened; the detail names the field, value and
        // rule (or the store's reason) so a refusal can be acted on.
        let detail = match (&p.field, &p.value, &p.rule) {
            (Some(field), Some(value), Some(rule)) if self.status.as_u16() == 422 => t(
                lang,
                "error-invalid-detail",
                &[("field", field), ("value", value), ("rule", rule)],
            ),
            _ => p.detail.clone(),
        };
        let page = ErrorPage {
            shell: &self.shell,
            status: self.status.as_u16(),
            explanation: t(lang, explanation_id(self.status), &[]),
            detail,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => ApiError::internal(&e).into_response(),
        }
    }
}

/// `result.or_page(&viewer)?`: a store or API error as the viewer's localized error page.
pub trait OrPage<T> {
    fn or_page(self, viewer: &Viewer) -> Result<T, UiError>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, viewer: &Viewer) -> Result<T, UiError> {
        self.map_err(|e| UiError::for_viewer(viewer, e))
    }
}

/// Renders a template as a 200 page, or the error page when rendering fails.
pub fn render(viewer_lang: Lang, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => UiError::anonymous(viewer_lang, ApiError::internal(&e)).into_response(),
    }
}
