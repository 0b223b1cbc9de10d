//! sledger-web: sledger over HTTP (DESIGN §6, issue #7). The JSON API under `/api/v1`
//! (`api/`), described by the OpenAPI 3.1 document at `/api/openapi.json`; authentication by
//! session cookie or bearer token (`authentication.rs`), CSRF protection (`csrf.rs`),
//! security headers (`security_headers.rs`), the login rate limit (`login_limit.rs`) and
//! RFC 9457 errors (`problem.rs`). Authorization is not here: every store method the API
//! calls checks the actor's role and sites itself (sledger-store's `authorization.rs`).
//! The HTML UI for people is under `/` (`ui/`, issue #7 item 2).
//! The only crate that knows HTTP (ARCHITECTURE.md invariant 2).

pub mod api;
pub mod authentication;
pub mod csrf;
pub mod json_body;
pub mod login_limit;
pub mod problem;
pub mod security_headers;
pub mod state;
pub mod ui;

use std::net::SocketAddr;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;

pub use problem::{ApiError, Problem};
pub use state::{AppState, WebConfig};

/// The whole application: the API, its document, `/healthz`, with CSRF protection and the
/// security headers on every response.
pub fn router(state: AppState) -> Router {
    let (api, document) = api::routes().split_for_parts();
    let document = std::sync::Arc::new(document);
    let openapi = get(move || {
        let document = document.clone();
        async move { axum::Json(document.as_ref().clone()) }
    });
    api.route("/api/openapi.json", openapi)
        .route("/healthz", get(|| async { "ok" }))
        .merge(ui::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(csrf::protect))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers::add,
        ))
        // A tracing span per request (method, path, status, latency; bodies never logged).
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// An unknown path: a problem for the API (and anything a script asks for as JSON), the
/// localized HTML 404 page for a person (the language lookup only then).
async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (mut parts, _) = request.into_parts();
    let wants_html = parts
        .headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && !parts.uri.path().starts_with("/api/") {
        use axum::extract::FromRequestParts;
        let Ok(lang) = ui::viewer::PageLang::from_request_parts(&mut parts, &state).await;
        return ui::error_page::UiError::not_found(lang.0, parts.uri.path()).into_response();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_endpoint",
        "Not found",
        "no endpoint at this path (see /api/openapi.json)",
    )
    .into_response()
}

/// The OpenAPI document as JSON text (for `sledger serve --openapi` and the snapshot test).
pub fn openapi_json() -> String {
    let (_, document) = api::routes().split_for_parts();
    document.to_pretty_json().unwrap_or_default()
}

/// Serves `state` on `address` until the process is stopped (ctrl-c ends it gracefully).
pub async fn serve(state: AppState, address: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    serve_on(state, listener).await
}

/// Serves `state` on an already bound `listener` until the process is stopped (ctrl-c ends it
/// gracefully). Binding first lets a caller print the actual address (`--port 0` picks a free
/// port, `sledger demo` prints it for the browser test) before serving.
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, "sledger serving");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
