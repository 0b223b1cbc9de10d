//! The JSON API under `/api/v1` (issue #7 item 1): one module per resource, each handler
//! short — parse, call the store (which authorizes), shape the response. Routes are
//! registered with `utoipa_axum::routes!`, so the OpenAPI document is built from the same
//! list as the router and cannot drift.

pub mod adverse_events;
pub mod audit;
pub mod corrections;
pub mod infusions;
pub mod patients;
pub mod randomization;
pub mod reports;
pub mod session;
pub mod studies;
pub mod visits;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The document's header; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(title = "sledger API", description = "Capture and read the data of cell-therapy studies in SLE (docs/api.md)."),
    modifiers(&BearerScheme),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

/// The two ways to authenticate: a bearer token and the session cookie.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sledger_session"))),
        );
    }
}

/// Every API route, with its OpenAPI description.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(session::login, session::current, session::logout))
        .routes(routes!(studies::list))
        .routes(routes!(studies::get))
        .routes(routes!(patients::list, patients::enroll))
        .routes(routes!(patients::get))
        .routes(routes!(infusions::list, infusions::record))
        .routes(routes!(visits::record))
        .routes(routes!(visits::get))
        .routes(routes!(corrections::correct))
        .routes(routes!(adverse_events::list, adverse_events::record))
        .routes(routes!(randomization::randomize))
        .routes(routes!(randomization::allocation))
        .routes(routes!(reports::case_series))
        .routes(routes!(reports::trial))
        .routes(routes!(reports::patient))
        .routes(routes!(audit::log))
        .routes(routes!(audit::verify))
}
