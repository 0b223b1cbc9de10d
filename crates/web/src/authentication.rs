//! Who is calling (issue #7 items 1 and 3): a bearer token (`Authorization: Bearer …`, for
//! scripts) or the session cookie (for people). Either resolves to a username, the store's
//! `Actor`; what that actor may do is decided by the store (`authorization.rs`), not here.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sledger_store::Actor;

use crate::problem::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sledger_session";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub via: Credential,
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    BearerToken,
    SessionCookie,
}

/// The bearer token of a request, if it has one.
pub fn bearer_token(parts: &axum::http::HeaderMap) -> Option<&str> {
    let value = parts.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The session cookie's value, if the request carries one.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        if let Some(token) = bearer_token(&parts.headers) {
            return match state.store.api_token_user(token).await? {
                Some(username) => Ok(Caller {
                    actor: Actor(username),
                    via: Credential::BearerToken,
                }),
                None => Err(ApiError::unauthenticated("unknown or revoked bearer token")),
            };
        }
        if let Some(secret) = session_cookie(&parts.headers) {
            return match state.store.session_user(secret).await? {
                Some(username) => Ok(Caller {
                    actor: Actor(username),
                    via: Credential::SessionCookie,
                }),
                None => Err(ApiError::unauthenticated(
                    "the session has ended or expired; log in again",
                )),
            };
        }
        Err(ApiError::unauthenticated(
            "log in (POST /api/v1/session) or send Authorization: Bearer <token>",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn finds_the_bearer_token_and_the_session_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer slt_abc"),
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; sledger_session=sls_x; b=2"),
        );
        assert_eq!(bearer_token(&h), Some("slt_abc"));
        assert_eq!(session_cookie(&h), Some("sls_x"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer_token(&h), None);
    }
}
