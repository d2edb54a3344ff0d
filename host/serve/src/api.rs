//! The HTTP API: routes, handlers and the access-log layer. Every route is
//! declared once in [`routes`], which both builds the router and lists what
//! `docs/openapi.json` must describe.

use crate::batch::{self, Format};
use crate::error::ApiError;
use crate::shadow::{self, Summary};
use crate::state::AppState;
use crate::tenants::{DEFAULT_TENANT, Tenant, valid_tenant_name};
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Json, Router};
use chrono::Utc;
use cxr_host::Decision;
use cxr_host::input::parse_interaction;
use cxr_host::text::Shown;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::sync::OwnedSemaphorePermit;

/// The header choosing the tenant.
pub const TENANT_HEADER: &str = "X-Tenant";
/// Response header: the tenant that decided.
pub const TENANT_RESPONSE_HEADER: &str = "x-cxr-tenant";
/// Response header: the version of the pipeline that decided.
pub const VERSION_RESPONSE_HEADER: &str = "x-cxr-pipeline-version";

/// The OpenAPI document of this API (kept in `docs/openapi.json`;
/// `openapi.json` beside this crate's manifest links to it, so the packaged crate carries it).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// One route: method, path and handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    /// Mounted only when an admin token is configured.
    pub admin: bool,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
    Route {
        method,
        path,
        admin: path.starts_with("/admin/"),
        handler: on(filter, handler),
    }
}

/// Every route this server can serve.
pub fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/v1/decide", decide),
        route(Method::POST, "/v1/decide/batch", decide_batch),
        route(Method::GET, "/healthz", healthz),
        route(Method::GET, "/readyz", readyz),
        route(Method::GET, "/metrics", metrics),
        route(Method::GET, "/openapi.json", openapi),
        route(Method::POST, "/admin/reload", admin_reload),
    ]
}

/// The router for `state`: admin routes only when an admin token is set.
pub fn router(state: AppState) -> Router {
    let admin = state.options().admin_token.is_some();
    routes()
        .into_iter()
        .filter(|r| admin || !r.admin)
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::no_route(method.as_str(), uri.path())
}

/// Counts and logs every request; errors are counted by kind.
async fn access_log(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let tenant = request
        .headers()
        .get(TENANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(64)
        .collect::<String>();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let metrics = &state.0.metrics;
    metrics.request(&route, method.as_str(), status, elapsed.as_secs_f64());
    let kind = response.extensions().get::<crate::metrics::ErrorKind>().copied();
    if let Some(kind) = kind {
        metrics.error(kind);
    }
    let micros = elapsed.as_micros() as u64;
    if let Some(kind) = kind {
        tracing::info!(%method, %route, status, micros, tenant = %Shown(&tenant), error = kind.as_str(), "request");
    } else if route.starts_with("/v1/") || route.starts_with("/admin/") {
        tracing::info!(%method, %route, status, micros, tenant = %Shown(&tenant), "request");
    } else {
        tracing::debug!(%method, %route, status, micros, "request");
    }
    response
}

impl AppState {
    /// The tenant a request is for: `X-Tenant`, else `default` when it exists.
    fn tenant_for(&self, headers: &HeaderMap) -> Result<Arc<Tenant>, ApiError> {
        let map = self.0.tenants.load();
        let Some(value) = headers.get(TENANT_HEADER) else {
            return map.tenants.get(DEFAULT_TENANT).cloned().ok_or_else(|| {
                ApiError::bad_request(
                    format!("the {TENANT_HEADER} header is required (this server has no `{DEFAULT_TENANT}` tenant)"),
                    Some(TENANT_HEADER),
                )
            });
        };
        let name = value.to_str().unwrap_or("").trim();
        if !valid_tenant_name(name) {
            let shown: String = name.chars().take(64).collect();
            return Err(ApiError {
                message: format!("unknown tenant {shown:?}: tenant names are 1-64 characters of a-z, 0-9, _ and -"),
                ..ApiError::unknown_tenant(&shown)
            });
        }
        map.tenants.get(name).cloned().ok_or_else(|| ApiError::unknown_tenant(name))
    }

    /// 413 at once when the declared body is over the limit.
    fn check_length(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let limit = self.0.options.max_body_bytes;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(ApiError::too_large(limit));
        }
        Ok(())
    }

    /// A decision slot: a free one at once, else a place in the bounded
    /// queue to wait for one, first come first served. 503 at once when the
    /// queue is full; the request's deadline (around the caller) ends a wait
    /// that takes too long.
    async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        let shared = &self.0;
        if let Ok(permit) = shared.slots.clone().try_acquire_owned() {
            shared.metrics.queue_wait(0.0);
            return Ok(permit);
        }
        let max_queue = shared.options.max_queue;
        let place = QueuePlace::take(self, max_queue)
            .ok_or_else(|| ApiError::saturated(shared.options.max_concurrency.max(1), max_queue))?;
        let permit = shared.slots.clone().acquire_owned().await;
        drop(place);
        permit.map_err(|_| ApiError::internal("the decision slots are closed"))
    }

    /// Runs `work` under the request deadline.
    async fn within_deadline<T>(&self, work: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
        let deadline = self.0.options.deadline;
        tokio::time::timeout(deadline, work)
            .await
            .unwrap_or_else(|_| Err(ApiError::deadline(deadline.as_millis())))
    }
}

/// A request's place in the queue for a decision slot: counted while held,
/// and its wait recorded when it is given up (slot found or deadline passed).
struct QueuePlace<'a> {
    state: &'a AppState,
    since: Instant,
}

impl<'a> QueuePlace<'a> {
    fn take(state: &'a AppState, max_queue: usize) -> Option<Self> {
        let queued = &state.0.queued;
        let mut n = queued.load(Ordering::Relaxed);
        loop {
            if n >= max_queue {
                return None;
            }
            match queued.compare_exchange_weak(n, n + 1, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => break,
                Err(now) => n = now,
            }
        }
        state.0.metrics.queue_depth(1);
        Some(QueuePlace { state, since: Instant::now() })
    }
}

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.state.0.queued.fetch_sub(1, Ordering::AcqRel);
        self.state.0.metrics.queue_depth(-1);
        self.state.0.metrics.queue_wait(self.since.elapsed().as_secs_f64());
    }
}

/// Reads the whole body, up to the limit (413 beyond).
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(ApiError::too_large(limit)),
        Err(e) => Err(ApiError::bad_request(format!("reading the request body: {e}"), None)),
    }
}

fn with_tenant_headers(mut response: Response, tenant: &Tenant) -> Response {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tenant.name) {
        headers.insert(HeaderName::from_static(TENANT_RESPONSE_HEADER), v);
    }
    if let Ok(v) = HeaderValue::from_str(&tenant.live.version) {
        headers.insert(HeaderName::from_static(VERSION_RESPONSE_HEADER), v);
    }
    response
}

fn join_error(e: tokio::task::JoinError) -> ApiError {
    tracing::error!("decision task failed: {}", Shown(&e.to_string()));
    ApiError::internal(format!("the decision task failed: {e}"))
}

/// `POST /v1/decide`: one interaction in, one decision out.
async fn decide(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let tenant = state.tenant_for(&headers)?;
    state.check_length(&headers)?;
    let work = async {
        let permit = state.slot().await?;
        let bytes = read_body(body, state.0.options.max_body_bytes).await?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the body is not UTF-8 (at byte {})", e.valid_up_to()), None))?;
        let ix = parse_interaction(text).result.map_err(|e| {
            state.0.metrics.input_error(&tenant.name);
            ApiError::input(&e)
        })?;
        let now = Utc::now();
        let (live, shared, name) = (tenant.live.clone(), state.clone(), tenant.name.clone());
        let (decision, ix) = tokio::task::spawn_blocking(move || {
            // The slot is held until the decision is made, even when the
            // request's deadline passed meanwhile.
            let _permit = permit;
            let d = live.pipeline.decide(&ix, now);
            shared.0.metrics.decision(&name, &d);
            (d, ix)
        })
        .await
        .map_err(join_error)?;
        if tenant.shadow.is_some() {
            shadow::spawn(&state, &tenant, vec![(ix, Summary::of(&decision))], now);
        }
        Ok(with_tenant_headers(json_response(&decision)?, &tenant))
    };
    state.within_deadline(work).await
}

/// `POST /v1/decide/batch`: a JSON array or JSON Lines in, one decision per
/// element out, in order, in the same format.
async fn decide_batch(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let tenant = state.tenant_for(&headers)?;
    state.check_length(&headers)?;
    let work = async {
        let permit = state.slot().await?;
        let bytes = read_body(body, state.0.options.max_body_bytes).await?;
        let (format, items) = batch::parse(&bytes)?;
        let now = Utc::now();
        let with_shadow = tenant.shadow.is_some();
        let (live, shared, name) = (tenant.live.clone(), state.clone(), tenant.name.clone());
        let (decisions, work) = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut decisions = Vec::with_capacity(items.len());
            let mut work = Vec::new();
            for item in items {
                let d = match item.parsed {
                    Ok(ix) => {
                        let mut d = live.pipeline.decide(&ix, now);
                        d.line = item.line;
                        if with_shadow {
                            work.push((ix, Summary::of(&d)));
                        }
                        d
                    }
                    Err(record) => record,
                };
                shared.0.metrics.decision(&name, &d);
                decisions.push(d);
            }
            (decisions, work)
        })
        .await
        .map_err(join_error)?;
        shadow::spawn(&state, &tenant, work, now);
        let response = match format {
            Format::Array => json_response(&decisions)?,
            Format::Lines => json_lines(&decisions)?,
        };
        Ok(with_tenant_headers(response, &tenant))
    };
    state.within_deadline(work).await
}

fn json_lines(decisions: &[Decision]) -> Result<Response, ApiError> {
    let mut out = Vec::with_capacity(decisions.len() * 512);
    for d in decisions {
        cxr_host::text::to_json_writer(&mut out, d).map_err(|e| ApiError::internal(format!("writing a decision: {e}")))?;
        out.push(b'\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out).into_response())
}

/// A JSON response whose bytes hold no raw control, bidi or line-separator
/// character (plugin text in decisions is `\uXXXX`-escaped; values unchanged).
fn json_response<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = cxr_host::text::to_json(value).map_err(|e| ApiError::internal(format!("writing a decision: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /healthz`: the process is up and answering.
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 while tenants are loaded and no shutdown has begun,
/// with each tenant's pipeline version and what the last reload reported.
async fn readyz(State(state): State<AppState>) -> Response {
    let map = state.tenants();
    let last = state.last_reload();
    let draining = state.draining();
    let ready = !draining && !map.tenants.is_empty();
    let body = json!({
        "ready": ready,
        "draining": draining,
        "generation": map.generation,
        "tenants": map.statuses(),
        "last_reload": {
            "ok": last.ok,
            "generation": last.generation,
            "finished_at": last.finished_at,
            "errors": last.errors,
        },
    });
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    match json_response(&body) {
        Ok(mut response) => {
            *response.status_mut() = status;
            response
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /metrics`: Prometheus metrics (OpenMetrics text).
async fn metrics(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], state.metrics_text()).into_response()
}

/// `GET /openapi.json`: this API's OpenAPI document.
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `POST /admin/reload`: reloads every tenant (like SIGHUP). 200 when every
/// file loaded; 422 when some failed (those tenants keep their previous
/// pipeline); the body is the reload report either way.
async fn admin_reload(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let expected = state.0.options.admin_token.as_deref().ok_or_else(ApiError::unauthorized)?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(given.trim().as_bytes(), expected.as_bytes()) {
        return Err(ApiError::unauthorized());
    }
    let report = state.reload().await;
    let status = if report.ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = json_response(&report)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3creT"));
        assert!(!constant_time_eq(b"s3cret", b"s3cre"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
