//! The HTTP API: routes, handlers and the access-log layer. Every route is
//! declared once in [`routes`], which both builds the router and lists what
//! `docs/openapi.json` must describe.

use crate::error::ApiError;
use crate::shadow;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, RawQuery, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cxr_fleet::Tenant;
use cxr_host::Decision;
use cxr_host::fields::Reading;
use cxr_host::io::{BatchOptions, Format, Input, Position, Problem, RecentIds, decide_batch, error_record, parse_body};
use cxr_host::policy::{self, Now};
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
/// Response header: the request id the request carried (`Cxr-Request-Id`
/// or `X-Request-Id`).
pub const REQUEST_ID_RESPONSE_HEADER: &str = "cxr-request-id";

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
        route(Method::POST, "/v1/decide/batch", decide_batch_route),
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
    let (tenant, request_id) = {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .chars()
                .take(policy::MAX_REQUEST_ID_LEN)
                .collect::<String>()
        };
        let id = header(policy::REQUEST_ID_HEADER);
        let id = if id.is_empty() { header(policy::REQUEST_ID_ALT_HEADER) } else { id };
        (header(TENANT_HEADER).chars().take(64).collect::<String>(), id)
    };
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let metrics = &state.0.metrics;
    metrics.request(&route, method.as_str(), status, elapsed.as_secs_f64());
    let kind = response.extensions().get::<crate::metrics::HttpErrorKind>().copied();
    if let Some(kind) = kind {
        metrics.error(kind);
    }
    let micros = elapsed.as_micros() as u64;
    let request_id = Shown(&request_id);
    if let Some(kind) = kind {
        tracing::info!(%method, %route, status, micros, tenant = %Shown(&tenant), %request_id, error = kind.as_str(), "request");
    } else if route.starts_with("/v1/") || route.starts_with("/admin/") {
        tracing::info!(%method, %route, status, micros, tenant = %Shown(&tenant), %request_id, "request");
    } else {
        tracing::debug!(%method, %route, status, micros, "request");
    }
    response
}

/// What a decide request asks besides its interactions (the policy of
/// `cxr_host::policy`): the decision time and the request id.
struct RequestParams {
    /// `Cxr-Now` or `?now=`; else the clock when the request is decided.
    now: Now,
    /// `Cxr-Request-Id` or `X-Request-Id`.
    request_id: Option<String>,
}

impl RequestParams {
    /// Reads the parameters; a bad one is a 400 naming it.
    fn read(headers: &HeaderMap, query: Option<&str>) -> Result<Self, ApiError> {
        let text = |name: &str| -> Result<Option<String>, ApiError> {
            match headers.get(name) {
                None => Ok(None),
                Some(v) => v
                    .to_str()
                    .map(|s| Some(s.to_string()))
                    .map_err(|_| ApiError::bad_request(format!("the {name} header is not visible ASCII"), Some(name))),
            }
        };
        let query_now = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| pair.strip_prefix(policy::NOW_PARAM).and_then(|v| v.strip_prefix('=')))
            .map(percent_decoded);
        let (now_text, now_field) = match text(policy::NOW_HEADER)? {
            Some(t) => (Some(t), policy::NOW_HEADER),
            None => (query_now, policy::NOW_PARAM),
        };
        let now = match now_text {
            None => Now::Clock,
            Some(t) => Now::Fixed(policy::parse_now(&t).map_err(|e| ApiError::bad_request(format!("{now_field}: {e}"), Some(now_field)))?),
        };
        let (id_text, id_field) = match text(policy::REQUEST_ID_HEADER)? {
            Some(t) => (Some(t), policy::REQUEST_ID_HEADER),
            None => (text(policy::REQUEST_ID_ALT_HEADER)?, policy::REQUEST_ID_ALT_HEADER),
        };
        let request_id = id_text
            .map(|t| policy::check_request_id(&t).map_err(|e| ApiError::bad_request(format!("{id_field}: {e}"), Some(id_field))))
            .transpose()?;
        Ok(RequestParams { now, request_id })
    }
}

/// A query value with its `%XX` escapes decoded (`+` stays a plus: an
/// RFC 3339 offset, not a space).
fn percent_decoded(v: &str) -> String {
    percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned()
}

impl AppState {
    /// The tenant a request is for: `X-Tenant`, else `default` when it
    /// exists; `X-Tenant` given twice is a 400 (the fleet's one rule).
    fn tenant_for(&self, headers: &HeaderMap) -> Result<Arc<Tenant>, ApiError> {
        let values = headers.get_all(TENANT_HEADER).iter().map(HeaderValue::as_bytes);
        self.0.fleet.resolve_header(values).map_err(|e| ApiError::tenant(&e))
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
        let Some(place) = QueuePlace::take(self, max_queue) else {
            let slots = shared.options.max_concurrency.max(1);
            shared.shedding.refused(slots, max_queue);
            return Err(ApiError::saturated(slots, max_queue));
        };
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

/// Reads the whole body, up to the limit (413 beyond), within the body
/// timeout (408 beyond). Called before a decision slot is taken: a client
/// sending its body slowly holds its connection, never a slot.
async fn read_body(state: &AppState, body: Body) -> Result<Bytes, ApiError> {
    let (limit, timeout) = (state.0.options.max_body_bytes, state.0.options.body_timeout);
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Err(_) => Err(ApiError::body_timeout(timeout.as_secs())),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(ApiError::too_large(limit)),
        Ok(Err(e)) => Err(ApiError::bad_request(format!("reading the request body: {e}"), None)),
    }
}

fn with_tenant_headers(mut response: Response, tenant: &Tenant, request_id: Option<&str>) -> Response {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tenant.name) {
        headers.insert(HeaderName::from_static(TENANT_RESPONSE_HEADER), v);
    }
    if let Ok(v) = HeaderValue::from_str(&tenant.live.version) {
        headers.insert(HeaderName::from_static(VERSION_RESPONSE_HEADER), v);
    }
    if let Some(v) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        headers.insert(HeaderName::from_static(REQUEST_ID_RESPONSE_HEADER), v);
    }
    response
}

fn join_error(e: tokio::task::JoinError) -> ApiError {
    tracing::error!("decision task failed: {}", Shown(&e.to_string()));
    ApiError::internal(format!("the decision task failed: {e}"))
}

/// `POST /v1/decide`: one interaction in, one decision out.
async fn decide(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery, body: Body) -> Result<Response, ApiError> {
    let params = RequestParams::read(&headers, query.as_deref())?;
    let tenant = state.tenant_for(&headers)?;
    state.check_length(&headers)?;
    let bytes = read_body(&state, body).await?;
    let work = async {
        let permit = state.slot().await?;
        let (_, parsed) = Input::bytes(Position::Single, &bytes, state.0.options.max_body_bytes).parse();
        let ix = parsed.map_err(|problem| {
            state.0.fleet.metrics().input_error(&tenant.name, problem.kind());
            ApiError::input(&problem)
        })?;
        // One reading of the clock per request, shared with the shadow.
        let now: DateTime<Utc> = params.now.at();
        let request_id = params.request_id.clone();
        let (live, fleet, name) = (tenant.live.clone(), state.0.fleet.clone(), tenant.name.clone());
        let (decision, ix) = tokio::task::spawn_blocking(move || {
            // The slot is held until the decision is made, even when the
            // request's deadline passed meanwhile.
            let _permit = permit;
            let started = Instant::now();
            let mut d = live.pipeline.decide(&ix, now);
            d.request_id = request_id;
            fleet.metrics().decision(&name, &d, Some(started.elapsed().as_secs_f64()));
            (d, ix)
        })
        .await
        .map_err(join_error)?;
        if tenant.shadow.is_some() {
            shadow::spawn(&state, &tenant, vec![(ix, Reading::of(&decision))], now);
        }
        Ok(with_tenant_headers(json_response(&decision)?, &tenant, params.request_id.as_deref()))
    };
    state.within_deadline(work).await
}

/// `POST /v1/decide/batch`: a JSON array or JSON Lines in, one decision per
/// element out, in order, in the same format; an element that cannot be
/// read, or repeats an earlier element's id, is an error record in its place.
/// Bounded: at most `--max-batch-items` items (413), at most
/// `--max-response-bytes` of decisions (413, deciding stops there), and
/// deciding stops when the deadline passes (the items left get error
/// records naming it, and the slot is free at once).
async fn decide_batch_route(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery, body: Body) -> Result<Response, ApiError> {
    let params = RequestParams::read(&headers, query.as_deref())?;
    let tenant = state.tenant_for(&headers)?;
    state.check_length(&headers)?;
    let bytes = read_body(&state, body).await?;
    let options = &state.0.options;
    let max_items = options.max_batch_items;
    if let Some(n) = lines_in(&bytes).filter(|&n| n > max_items) {
        return Err(ApiError::too_many_items(n, max_items));
    }
    let (format, inputs) = parse_body(&bytes, policy::MAX_INTERACTION_BYTES).map_err(|e| ApiError::body(&e))?;
    drop(bytes);
    if inputs.len() > max_items {
        return Err(ApiError::too_many_items(inputs.len(), max_items));
    }
    let deadline = options.deadline;
    let ends = Instant::now() + deadline;
    let permit = state.within_deadline(state.slot()).await?;
    let now: DateTime<Utc> = params.now.at();
    let with_shadow = tenant.shadow.is_some();
    let opts = BatchOptions {
        // One slot, one thread: concurrency is bounded by the slots.
        jobs: 1,
        now: Some(now),
        request_id: params.request_id.clone(),
        ..BatchOptions::default()
    };
    let max_bytes = options.max_response_bytes;
    let (live, fleet, name) = (tenant.live.clone(), state.0.fleet.clone(), tenant.name.clone());
    let (out, work) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut out = BatchOutput::new(format, max_bytes);
        let mut seen = RecentIds::new(opts.duplicate_window);
        let mut work = Vec::new();
        let mut chunks = inputs.chunks(BATCH_CHUNK);
        for chunk in chunks.by_ref() {
            for decided in decide_batch(&live.pipeline, chunk, &opts, &mut seen, with_shadow) {
                fleet.metrics().decision(&name, &decided.decision, None);
                if let Some(ix) = decided.interaction {
                    work.push((ix, Reading::of(&decided.decision)));
                }
                out.push(&decided.decision)?;
            }
            if Instant::now() >= ends {
                break;
            }
        }
        // The deadline passed: what is left is not decided.
        let why = Problem::Other(format!("not decided: the request's deadline of {} ms (--deadline-ms) passed", deadline.as_millis()));
        for input in chunks.flatten() {
            let (id, _) = input.parse();
            let mut record = error_record(input.position, id, &why);
            record.request_id.clone_from(&opts.request_id);
            out.push(&record)?;
        }
        Ok::<_, ApiError>((out.finish(), work))
    })
    .await
    .map_err(join_error)??;
    shadow::spawn(&state, &tenant, work, now);
    let content_type = match format {
        Format::Array => "application/json",
        Format::Lines => "application/x-ndjson",
    };
    let response = ([(header::CONTENT_TYPE, content_type)], out).into_response();
    Ok(with_tenant_headers(response, &tenant, params.request_id.as_deref()))
}

/// Items decided between two looks at the deadline.
const BATCH_CHUNK: usize = 16;

/// The number of lines of a JSON Lines body (blank lines included, as
/// each is an item), counted before it is parsed; `None` for a JSON array.
fn lines_in(body: &[u8]) -> Option<usize> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let newlines = body.iter().filter(|&&b| b == b'\n').count();
    Some(newlines + usize::from(body.last().is_some_and(|&b| b != b'\n')))
}

/// A batch's response body, written decision by decision in the request's
/// format, never longer than the response cap.
struct BatchOutput {
    bytes: Vec<u8>,
    format: Format,
    items: usize,
    max_bytes: usize,
}

impl BatchOutput {
    fn new(format: Format, max_bytes: usize) -> Self {
        let mut bytes = Vec::with_capacity(64 << 10);
        if matches!(format, Format::Array) {
            bytes.push(b'[');
        }
        BatchOutput { bytes, format, items: 0, max_bytes }
    }

    /// Adds one decision; 413 when the body would pass the cap.
    fn push(&mut self, decision: &Decision) -> Result<(), ApiError> {
        match self.format {
            Format::Array if self.items > 0 => self.bytes.push(b','),
            _ => {}
        }
        cxr_host::text::to_json_writer(&mut self.bytes, decision).map_err(|e| ApiError::internal(format!("writing a decision: {e}")))?;
        if matches!(self.format, Format::Lines) {
            self.bytes.push(b'\n');
        }
        self.items += 1;
        if self.bytes.len() + 1 > self.max_bytes {
            return Err(ApiError::response_too_large(self.max_bytes, self.items));
        }
        Ok(())
    }

    fn finish(mut self) -> Vec<u8> {
        if matches!(self.format, Format::Array) {
            self.bytes.push(b']');
        }
        self.bytes
    }
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

/// `GET /readyz`: 200 while tenants are served and no shutdown has begun,
/// with each tenant's pipeline version, the tenants not served (broken) and
/// what the last reload reported.
async fn readyz(State(state): State<AppState>) -> Response {
    let draining = state.draining();
    let ready = !draining && !state.tenants().tenants.is_empty();
    let mut body = state.fleet().readiness();
    body["ready"] = json!(ready);
    body["draining"] = json!(draining);
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
