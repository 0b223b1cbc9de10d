//! Who is looking at a page: the HTML counterpart of the API's `Caller`. A request without a
//! valid session is sent to the login page (303 to `/login?next=PATH`) instead of receiving a
//! 401 problem, since a person, not a script, is on the other end. The page language is
//! decided here too (the user's stored choice, else Accept-Language, else English).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use sledger_store::{Actor, Permission, Role};

use crate::authentication::Caller;
use crate::state::AppState;
use crate::ui::error_page::UiError;
use crate::ui::i18n::{self, Lang};

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub role: Role,
    /// The granted sites (empty for an admin, who sees every site).
    pub sites: Vec<String>,
    pub lang: Lang,
    /// The path of the page asked for (for the language switch's return).
    pub path: String,
}

impl Viewer {
    pub fn username(&self) -> &str {
        &self.actor.0
    }

    /// Whether the store would let this role do `permission` (used only to hide links and
    /// buttons the store would refuse anyway; the store still decides).
    pub fn may(&self, permission: Permission) -> bool {
        sledger_store::authorization::allows(self.role, permission)
    }
}

/// The language of a request without a logged-in user: Accept-Language, else English.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(i18n::from_accept_language)
        .unwrap_or_default()
}

/// The language of any page request: the logged-in user's stored choice first.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl FromRequestParts<AppState> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<PageLang, std::convert::Infallible> {
        if let Ok(caller) = Caller::from_request_parts(parts, state).await
            && let Ok(Some(code)) = state.store.language(&caller.actor.0).await
            && let Some(lang) = Lang::from_tag(&code)
        {
            return Ok(PageLang(lang));
        }
        Ok(PageLang(browser_lang(&parts.headers)))
    }
}

/// Percent-encodes a path for a query value (RFC 3986 unreserved and `/` kept).
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A local path to return to, or `None` when `target` could leave this site (an absolute or
/// scheme-relative URL, a backslash trick): an open redirect would let a link on another site
/// bounce a user through our login to anywhere.
pub fn local_path(target: &str) -> Option<&str> {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control);
    ok.then_some(target)
}

/// The path of the page an htmx request was made from (`HX-Current-URL`), if it is ours.
fn htmx_page(headers: &HeaderMap) -> Option<String> {
    let url = headers.get("hx-current-url")?.to_str().ok()?;
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    local_path(rest.strip_prefix(host)?).map(str::to_owned)
}

/// To the login page, returning afterwards to the page asked for (a form post cannot be
/// replayed by a redirect, so it returns to `/`). An htmx request (a live panel whose session
/// ended) would swap the login page into the panel if redirected: it gets 401 with
/// `HX-Redirect`, which htmx turns into a whole-page visit of the login page.
fn to_login(parts: &Parts) -> Response {
    if parts.headers.contains_key("hx-request") {
        let back = htmx_page(&parts.headers).unwrap_or_else(|| "/".to_owned());
        let target = format!("/login?next={}", encode_query_value(&back));
        let mut response = axum::http::StatusCode::UNAUTHORIZED.into_response();
        if let Ok(value) = axum::http::HeaderValue::from_str(&target) {
            response.headers_mut().insert("hx-redirect", value);
        }
        return response;
    }
    let path = if parts.method == axum::http::Method::GET {
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    } else {
        "/"
    };
    Redirect::to(&format!("/login?next={}", encode_query_value(path))).into_response()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let Ok(caller) = Caller::from_request_parts(parts, state).await else {
            return Err(to_login(parts));
        };
        let lang_headers = parts.headers.clone();
        let fail = |e: sledger_store::StoreError| {
            UiError::from_store(e, browser_lang(&lang_headers)).into_response()
        };
        let users = state.store.users().await.map_err(fail)?;
        let Some(user) = users.into_iter().find(|u| u.username == caller.actor.0) else {
            return Err(to_login(parts));
        };
        let sites = state.store.user_sites(&user.username).await.map_err(fail)?;
        let stored = state.store.language(&user.username).await.map_err(fail)?;
        let lang = stored
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or_else(|| browser_lang(&parts.headers));
        Ok(Viewer {
            role: user.role,
            sites,
            lang,
            path: parts.uri.path().to_owned(),
            actor: caller.actor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/studies/X"), Some("/studies/X"));
        assert_eq!(local_path("/"), Some("/"));
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "",
            "studies",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn encodes_a_path_for_the_next_parameter() {
        assert_eq!(
            encode_query_value("/studies/A B?x=1&y"),
            "/studies/A%20B%3Fx%3D1%26y"
        );
    }
}
