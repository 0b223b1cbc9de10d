//! `GET|POST /login`, `POST /logout`: the HTML login (the API's password check, login limit
//! and cookie, shared through `api::session`) and logging out.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::api::session::{ClientAddress, LoginOutcome, attempt_login, cookie};
use crate::authentication::session_cookie;
use crate::state::AppState;
use crate::ui::error_page::{UiError, render};
use crate::ui::i18n::{Lang, t};
use crate::ui::page::Shell;
use crate::ui::viewer::{PageLang, local_path};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    username: String,
    next: String,
    error: Option<String>,
}

/// Where to go after logging in (`?next=`), kept only when it is a local path.
#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn next_or_root(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or("/").to_owned()
}

fn login_page(lang: Lang, username: String, next: String, error: Option<String>) -> LoginPage {
    LoginPage {
        shell: Shell::anonymous(lang, t(lang, "login-title", &[])),
        username,
        next,
        error,
    }
}

pub async fn form(PageLang(lang): PageLang, Query(next): Query<Next>) -> Response {
    let page = login_page(
        lang,
        String::new(),
        next_or_root(next.next.as_deref()),
        None,
    );
    render(lang, &page)
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Checks the password; success → 303 to `next` (or `/`) with the session cookie; failure →
/// the form again (401, or 429 past the login limit) with a localized `.form-error`.
pub async fn submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    ClientAddress(address): ClientAddress,
    Form(login): Form<LoginForm>,
) -> Response {
    let next = next_or_root(login.next.as_deref());
    let outcome = attempt_login(&state, &login.username, &login.password, &address).await;
    let (status, error) = match outcome {
        Ok(LoginOutcome::Started(started)) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&state, &started.secret, state.config.session_seconds),
            );
            return response;
        }
        Ok(LoginOutcome::Locked(wait)) => (
            StatusCode::TOO_MANY_REQUESTS,
            t(lang, "login-locked", &[("seconds", &wait.to_string())]),
        ),
        Ok(LoginOutcome::Refused) => (StatusCode::UNAUTHORIZED, t(lang, "login-refused", &[])),
        Err(e) => return UiError::anonymous(lang, e).into_response(),
    };
    let page = login_page(lang, login.username, next, Some(error));
    let mut response = render(lang, &page);
    *response.status_mut() = status;
    response
}

/// Ends the session and clears the cookie; back to the login page.
pub async fn logout(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = state.store.end_session(secret).await
    {
        return UiError::from_store(e, lang).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, "", 0));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(next_or_root(Some("/studies/A")), "/studies/A");
        assert_eq!(next_or_root(Some("https://evil.example")), "/");
        assert_eq!(next_or_root(None), "/");
    }
}
