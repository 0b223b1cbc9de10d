//! `/assets/*`: the stylesheet and the vendored htmx (DESIGN §8: no JavaScript build step),
//! embedded in the binary so the server is one file. Immutable for a given build, so cached
//! for a year; a new release changes the `?v=` the layout appends.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// htmx 2.0.x from the npm package `htmx.org`, unchanged (licence: assets/htmx.LICENSE).
const HTMX: &[u8] = include_bytes!("../../assets/htmx.min.js");
const HTMX_LICENSE: &[u8] = include_bytes!("../../assets/htmx.LICENSE");
const CSS: &[u8] = include_bytes!("../../assets/sledger.css");

/// The version the layout appends to asset URLs (`?v=`), so a new build is fetched anew.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One embedded asset by name: body and media type.
fn asset(name: &str) -> Option<(&'static [u8], &'static str)> {
    match name {
        "htmx.min.js" => Some((HTMX, "text/javascript; charset=utf-8")),
        "htmx.LICENSE" => Some((HTMX_LICENSE, "text/plain; charset=utf-8")),
        "sledger.css" => Some((CSS, "text/css; charset=utf-8")),
        _ => None,
    }
}

pub async fn get(Path(name): Path<String>) -> Response {
    let Some((body, media_type)) = asset(&name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_htmx_2_and_its_licence() {
        let (js, kind) = asset("htmx.min.js").expect("htmx");
        assert!(kind.starts_with("text/javascript"));
        assert!(String::from_utf8_lossy(js).contains("2.0."), "htmx 2.0.x");
        assert!(asset("htmx.LICENSE").is_some());
        assert!(asset("../Cargo.toml").is_none());
    }
}
