//! Error responses: a status, a JSON body `{"error": ..., "field": ...}`
//! naming the field or header at fault when there is one, and the kind
//! counted in `cxr_http_errors_total`.

use crate::metrics::HttpErrorKind as ErrorKind;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxr_fleet::TenantError;
use cxr_host::io::{BodyError, Problem};
use serde::Serialize;

/// A request that could not be answered with a decision.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: ErrorKind,
    pub message: String,
    /// The input field or header at fault, when known.
    pub field: Option<String>,
    /// Seconds after which a retry may succeed (`Retry-After`).
    pub retry_after: Option<u32>,
}

/// The JSON body of an error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    pub error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
}

impl ApiError {
    fn new(status: StatusCode, kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            field: field.map(str::to_string),
            ..Self::new(StatusCode::BAD_REQUEST, ErrorKind::BadInput, message)
        }
    }

    /// 400 for an interaction that cannot be read, naming the field.
    pub fn input(p: &Problem) -> Self {
        Self::bad_request(p.to_string(), p.field())
    }

    /// 400 for a batch body that is neither a JSON array nor JSON Lines.
    pub fn body(e: &BodyError) -> Self {
        Self::bad_request(e.to_string(), None)
    }

    /// The answer when no tenant can be chosen: 400 when one is needed or
    /// `X-Tenant` is repeated,
    /// 404 for an unknown one, 503 for one whose pipeline failed to load.
    pub fn tenant(e: &TenantError) -> Self {
        let header = Some(crate::api::TENANT_HEADER.to_string());
        match e {
            TenantError::NoDefault => Self::bad_request(
                format!("the {} header is required (this server has no `default` tenant)", crate::api::TENANT_HEADER),
                Some(crate::api::TENANT_HEADER),
            ),
            TenantError::Repeated(n) => Self::bad_request(
                format!(
                    "the {} header is given {n} times; give it once (a request is for one tenant)",
                    crate::api::TENANT_HEADER
                ),
                Some(crate::api::TENANT_HEADER),
            ),
            TenantError::InvalidName(_) | TenantError::Unknown(_) => ApiError {
                field: header,
                ..Self::new(StatusCode::NOT_FOUND, ErrorKind::UnknownTenant, e.to_string())
            },
            TenantError::Broken { .. } => ApiError {
                field: header,
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorKind::TenantUnavailable, e.to_string())
            },
        }
    }

    /// 404: no such route.
    pub fn no_route(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorKind::NotFound,
            format!("no route for {method} {path} (see /openapi.json)"),
        )
    }

    /// 413: the body is over the limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::TooLarge,
            format!("request body is over the {limit}-byte limit (--max-body-bytes)"),
        )
    }

    /// 408: the body did not arrive in time.
    pub fn body_timeout(secs: u64) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorKind::BadInput,
            format!("the request body did not arrive within {secs} s (--body-timeout-secs)"),
        )
    }

    /// 413: a batch with more items than the limit.
    pub fn too_many_items(items: usize, limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::TooLarge,
            format!("the batch has {items} items, over the {limit}-item limit (--max-batch-items); blank lines count as items"),
        )
    }

    /// 413: a batch whose decisions would pass the response size limit.
    pub fn response_too_large(limit: usize, items: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::TooLarge,
            format!("the decisions would pass the {limit}-byte response limit (--max-response-bytes) at item {items}; send smaller batches"),
        )
    }

    /// 503 with `Retry-After: 1`: every decision slot is busy and the
    /// queue of requests waiting for one is full.
    pub fn saturated(slots: usize, queue: usize) -> Self {
        ApiError {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorKind::Saturated,
                format!(
                    "server busy: all {slots} decision slots are in use (--max-concurrency) and {queue} requests are waiting for one (--max-queue); retry shortly"
                ),
            )
        }
    }

    /// 503: the request ran past its deadline.
    pub fn deadline(ms: u128) -> Self {
        ApiError {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorKind::Deadline,
                format!("request exceeded its deadline of {ms} ms (--deadline-ms)"),
            )
        }
    }

    /// 401: missing or wrong admin token.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorKind::Unauthorized,
            "admin routes need `Authorization: Bearer TOKEN` with the server's --admin-token",
        )
    }

    /// 500: a fault of the server itself (never a plugin's: that is a fallback decision).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            field: self.field.as_deref(),
        };
        // Messages can quote input: JSON whose bytes hold no raw control or bidi character.
        let text = cxr_host::text::to_json(&body).unwrap_or_else(|_| "{\"error\":\"internal error\"}".to_string());
        let mut response = (self.status, [(header::CONTENT_TYPE, "application/json")], text).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        // The access-log layer counts the error by kind.
        response.extensions_mut().insert(self.kind);
        response
    }
}
