//! The one HTTP error (issue #7 "Bad input"): RFC 9457 `application/problem+json` with a
//! stable snake_case `code` and, for refused input, the `field`, `value` and `rule` of
//! sledger-core's `InputError`. Internal causes go to the log (tracing), never to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use sledger_report::ReportError;
use sledger_score::FieldError;
use sledger_store::StoreError;
use utoipa::ToSchema;

/// The media type of a problem document (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem document: what went wrong, in a form a program and a person can read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:sledger:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// This occurrence, in words.
    pub detail: String,
    /// The stable snake_case code (the UI translates it).
    pub code: String,
    /// The input field that broke a rule (a path such as `observations[2].unit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The offending value, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The rule the value broke.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// An API error: a problem to send (boxed: results stay small), and optionally a
/// `Retry-After` in seconds.
#[derive(Debug)]
pub struct ApiError {
    pub problem: Box<Problem>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A problem without a field.
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            problem: Box::new(Problem {
                kind: format!("urn:sledger:problem:{code}"),
                title: title.to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                code: code.to_owned(),
                field: None,
                value: None,
                rule: None,
            }),
            retry_after: None,
        }
    }

    /// Refused input naming the field, the value and the rule (422).
    pub fn invalid(field: &str, value: impl Into<String>, rule: &str) -> ApiError {
        let value = value.into();
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "Invalid input",
            if field.is_empty() {
                rule.to_owned()
            } else {
                format!("{field}: {rule}")
            },
        );
        e.problem.field = Some(field.to_owned());
        e.problem.value = Some(value);
        e.problem.rule = Some(rule.to_owned());
        e
    }

    /// No credentials, or credentials that are not valid (401).
    pub fn unauthenticated(detail: &str) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            detail,
        )
    }

    /// A fault of ours: logged with its cause, answered without it (500).
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server could not complete the request; the cause is in its log",
        )
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> ApiError {
        let value = match &e.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        ApiError::invalid(&e.field, value, &e.rule)
    }
}

impl From<sledger_core::InputError> for ApiError {
    fn from(e: sledger_core::InputError) -> ApiError {
        ApiError::invalid(&e.field, e.value, &e.rule)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Input(e) => ApiError::invalid(&e.field, e.value, &e.rule),
            StoreError::NotFound { entity, key } => {
                let mut p = ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "Not found",
                    format!("no {entity} {key:?}"),
                );
                p.problem.field = Some(entity.to_owned());
                p.problem.value = Some(key);
                p
            }
            StoreError::Duplicate { field, value } => {
                let mut p = ApiError::new(
                    StatusCode::CONFLICT,
                    "duplicate",
                    "Already recorded",
                    format!("{field} {value:?} is already recorded: nothing was written"),
                );
                p.problem.field = Some(field.to_owned());
                p.problem.value = Some(value);
                p.problem.rule = Some("already recorded".to_owned());
                p
            }
            StoreError::Forbidden { actor, rule } => {
                let mut p = ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", &rule);
                p.problem.field = Some("actor".to_owned());
                p.problem.value = Some(actor);
                p.problem.rule = Some(rule);
                p
            }
            StoreError::Protocol(e) => {
                ApiError::invalid("protocol", e.to_string(), "a loadable protocol")
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> ApiError {
        let (field, value) = match &e {
            ReportError::NoPatients { study } => ("study", study.clone()),
            ReportError::NoPrimaryEndpoint { protocol } => ("protocol", protocol.clone()),
            ReportError::UnsupportedEndpoint { variant, .. } => {
                ("primary_endpoint.variant", variant.clone())
            }
            ReportError::Json(_) => return ApiError::internal(&e),
        };
        ApiError::invalid(field, value, &e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sledger_core::InputError;

    #[test]
    fn refused_input_names_field_value_and_rule() {
        let e: ApiError =
            StoreError::Input(InputError::new("birth_month", 13, "must be 1 to 12")).into();
        assert_eq!(e.problem.status, 422);
        assert_eq!(e.problem.code, "invalid_input");
        assert_eq!(e.problem.field.as_deref(), Some("birth_month"));
        assert_eq!(e.problem.value.as_deref(), Some("13"));
        assert_eq!(e.problem.rule.as_deref(), Some("must be 1 to 12"));
    }

    #[test]
    fn faults_do_not_leak_their_cause() {
        let e: ApiError = StoreError::Config("password=hunter2 at db host".to_owned()).into();
        assert_eq!(e.problem.status, 500);
        assert!(!e.problem.detail.contains("hunter2"));
    }
}
