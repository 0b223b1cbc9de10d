//! A JSON request body parsed into the handler's wire struct, refused as problem+json naming
//! the field (sledger-score's decoder: unknown keys, wrong types, missing fields) instead of
//! axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::ApiError;

/// The largest body the API reads (a visit with every fact is a few kilobytes).
const MAX_BODY_BYTES: usize = 1 << 20;

/// A parsed JSON body.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let value = json_value(req, state).await?;
        Ok(JsonBody(sledger_score::decode::decode(&value)?))
    }
}

/// The body as a JSON value (for bodies whose keys are checked further on, as a visit's).
pub async fn json_value<S: Send + Sync>(req: Request, state: &S) -> Result<Value, ApiError> {
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(|e| ApiError::invalid("", "", &format!("unreadable body: {e}")))?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid("", "", "a body of at most 1 MiB"));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid("", "", &format!("not valid JSON: {e}")))
}

/// A body that is a JSON value (a visit: its keys are checked by the visit's own parser).
#[derive(Debug)]
pub struct JsonValue(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonValue {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Ok(JsonValue(json_value(req, state).await?))
    }
}
