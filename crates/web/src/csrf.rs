//! CSRF protection (issue #7 item 3): tower-http's `CsrfLayer` (the Sec-Fetch-Site / Origin
//! check of Go 1.25's CrossOriginProtection) on every cookie-authenticated request; bearer-token
//! requests are exempt, since a browser never attaches a bearer token on its own. The layer's
//! bypass hook sees only the method and URI, so this small middleware decides per request and
//! answers a refusal as problem+json.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::{Layer, ServiceExt};
use tower_http::csrf::{CsrfLayer, ProtectionError};

use crate::authentication::bearer_token;
use crate::problem::ApiError;

fn refusal(_: ProtectionError) -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_origin_request",
        "Cross-origin request refused",
        "a state-changing request from another origin (Sec-Fetch-Site / Origin) is refused",
    )
    .into_response()
}

pub async fn protect(request: Request, next: Next) -> Response {
    if bearer_token(request.headers()).is_some() {
        return next.run(request).await;
    }
    let layer =
        CsrfLayer::new().with_rejection_response(refusal as fn(ProtectionError) -> Response);
    match layer.layer(next).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
