//! `POST /language`: the language switch in the page header. It stores the user's choice
//! (store.set_language, audited in the users' chain) so every later page and session speaks
//! it, and returns to the page it was pressed on.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::error_page::{OrPage, UiError};
use crate::ui::viewer::{Viewer, local_path};

/// The language switch's fields: the language and the page to return to (the layout puts
/// the page's path in `back`, since `Referrer-Policy: no-referrer` keeps browsers from
/// sending a Referer).
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    language: String,
    back: Option<String>,
}

/// The path of a same-origin Referer (scheme and host dropped), if the request has one.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    local_path(path).map(str::to_owned)
}

/// Stores the viewer's language and returns to the page they were on (the form's local
/// `back` path, else a same-origin Referer's path, else `/`).
pub async fn switch(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(choice): Form<LanguageForm>,
) -> Result<Response, UiError> {
    state
        .store
        .set_language(&viewer.actor, viewer.username(), &choice.language)
        .await
        .or_page(&viewer)?;
    let back = choice
        .back
        .as_deref()
        .and_then(local_path)
        .map(str::to_owned)
        .or_else(|| referer_path(&headers))
        .unwrap_or_else(|| "/".to_owned());
    Ok(Redirect::to(&back).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn returns_only_to_a_same_origin_referer() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("sledger.local:8080"));
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://sledger.local:8080/studies/X?tab=1"),
        );
        assert_eq!(referer_path(&h).as_deref(), Some("/studies/X?tab=1"));
        h.insert(
            header::REFERER,
            HeaderValue::from_static("https://evil.example/studies/X"),
        );
        assert_eq!(referer_path(&h), None);
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://sledger.local:8080//evil.example/"),
        );
        assert_eq!(referer_path(&h), None);
    }
}
