//! `/metrics`, `/healthz` and `/readyz` on the `--metrics-listen` address.

use crate::metrics::CONTENT_TYPE;
use crate::worker::Ctx;
use anyhow::{Context as _, Result};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;

/// Binds `addr` and serves until `stop` turns true; returns the bound address.
pub(crate) async fn spawn(addr: SocketAddr, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr} for /metrics"))?;
    let local = listener.local_addr()?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(ctx);
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stopped).await {
            tracing::warn!("metrics server: {e}");
        }
    });
    Ok(local)
}

async fn metrics(State(ctx): State<Arc<Ctx>>) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], ctx.metrics.encode()).into_response()
}

fn status(ctx: &Ctx) -> serde_json::Value {
    let mut status = ctx.fleet.readiness();
    status["broker"] = json!(if ctx.connected.load(Ordering::SeqCst) { "connected" } else { "disconnected" });
    status["draining"] = json!(ctx.draining.load(Ordering::SeqCst));
    status["stream"] = json!(ctx.options.in_stream);
    status["consumer"] = json!(ctx.options.consumer);
    status
}

/// Liveness: the process answers (200), with the broker connection, the
/// tenants' pipeline versions, the tenants not served and the last reload.
async fn healthz(State(ctx): State<Arc<Ctx>>) -> Response {
    Json(status(&ctx)).into_response()
}

/// Readiness: 200 while connected to the broker and not draining, else 503.
async fn readyz(State(ctx): State<Arc<Ctx>>) -> Response {
    let ready = ctx.connected.load(Ordering::SeqCst) && !ctx.draining.load(Ordering::SeqCst);
    let code = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(status(&ctx))).into_response()
}
