//! `POST|GET|DELETE /api/v1/session`: log in with a password (sets the session cookie), who
//! am I, log out.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sledger_store::Actor;
use utoipa::ToSchema;

use crate::authentication::{Caller, SESSION_COOKIE, session_cookie};
use crate::json_body::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub username: String,
    pub password: String,
}

/// The logged-in user: role, sites (empty for an admin, who sees every site), language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub username: String,
    pub role: String,
    pub sites: Vec<String>,
    pub all_sites: bool,
    pub language: Option<String>,
}

async fn session_out(state: &AppState, actor: &Actor) -> Result<SessionOut, ApiError> {
    let user = state
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.username == actor.0)
        .ok_or_else(|| ApiError::unauthenticated("the user is no longer registered"))?;
    Ok(SessionOut {
        sites: state.store.user_sites(&user.username).await?,
        all_sites: user.role == sledger_store::Role::Admin,
        language: state.store.language(&user.username).await?,
        role: user.role.code().to_owned(),
        username: user.username,
    })
}

/// The client's IP address (the TCP peer), "unknown" without one (tests calling the router
/// directly). Behind a proxy every client shares the proxy's address: the limit then is per
/// username only.
#[derive(Debug)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<ClientAddress, std::convert::Infallible> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// What a password login came to (shared by the API's and the HTML UI's login).
#[derive(Debug)]
pub(crate) enum LoginOutcome {
    /// Logged in: the session to set as the cookie.
    Started(sledger_store::StartedSession),
    /// Too many recent failures for this username and address: retry after these seconds
    /// (the password was not checked).
    Locked(u64),
    /// Unknown username or wrong password (counted as a failure).
    Refused,
}

/// Checks the login limit, then the password (argon2id), counting failures per username and
/// address (issue #7 item 3).
pub(crate) async fn attempt_login(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<LoginOutcome, ApiError> {
    if let Some(wait) = state.login_limit.locked(username, address) {
        return Ok(LoginOutcome::Locked(wait));
    }
    let started = state
        .store
        .start_session(username, password, state.config.session_seconds)
        .await?;
    let Some(started) = started else {
        state.login_limit.failed(username, address);
        return Ok(LoginOutcome::Refused);
    };
    state.login_limit.succeeded(username, address);
    Ok(LoginOutcome::Started(started))
}

/// The session cookie's Set-Cookie value (`max_age` 0 and an empty value clear it).
pub(crate) fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.secure { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text)
        .unwrap_or_else(|_| HeaderValue::from_static("sledger_session=; Max-Age=0"))
}

/// Log in: checks the password (argon2id) and sets the session cookie. Five failures per
/// username and address within five minutes answer 429 with `Retry-After`.
#[utoipa::path(post, operation_id = "session_login", path = "/api/v1/session", tag = "session", request_body = LoginIn,
    responses((status = 200, body = SessionOut, description = "logged in; Set-Cookie: sledger_session"),
              (status = 401, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody<LoginIn>,
) -> Result<Response, ApiError> {
    let started = match attempt_login(&state, &body.username, &body.password, &address).await? {
        LoginOutcome::Started(started) => started,
        LoginOutcome::Locked(wait) => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_login_failures",
                "Too many failed logins",
                format!(
                    "too many failed logins for this user from this address; retry in {wait} s"
                ),
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
        LoginOutcome::Refused => {
            return Err(ApiError::unauthenticated(
                "unknown username or wrong password",
            ));
        }
    };
    let out = session_out(&state, &Actor(started.user.username.clone())).await?;
    let mut response = Json(out).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(&state, &started.secret, state.config.session_seconds),
    );
    Ok(response)
}

/// Who is calling: username, role, sites, language.
#[utoipa::path(get, operation_id = "session_current", path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionOut), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn current(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SessionOut>, ApiError> {
    Ok(Json(session_out(&state, &caller.actor).await?))
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(delete, operation_id = "session_logout", path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "logged out")))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(secret) = session_cookie(&headers) {
        state.store.end_session(secret).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(response)
}
