//! # cxr-serve — cxr as an HTTP service
//!
//! Serves decisions over HTTP for platforms written in any language:
//! `POST /v1/decide`, `POST /v1/decide/batch`, `GET /healthz`, `GET /readyz`,
//! `GET /metrics` and `GET /openapi.json` (the document is
//! `docs/openapi.json`). One pipeline per tenant, chosen by `X-Tenant`;
//! hot reload that never drops a request; shadow pipelines compared on live
//! traffic; bounded concurrency, body size and time per request. Tenants,
//! reload, startup policy, signals and decision metrics are `cxr-fleet`'s,
//! shared with the NATS worker; inputs are read with `cxr_host::io` under
//! `cxr_host::policy` (size cap, repeated ids, `Cxr-Now`, request ids).
//!
//! ```no_run
//! use cxr_serve::{AppState, ServeOptions, serve};
//! use cxr_fleet::{TenantSource, signals};
//! # async fn run() -> anyhow::Result<()> {
//! let state = AppState::load(TenantSource::default(), ServeOptions::default())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! signals::reload_on_sighup(state.fleet().clone())?;
//! serve(listener, state, signals::shutdown_signal()).await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod error;
pub mod metrics;
pub mod options;
pub mod server;
pub mod shadow;
pub mod state;

pub use cxr_fleet::{ReloadReport, TenantSource};
pub use options::{ServeArgs, ServeOptions};
pub use state::AppState;

use anyhow::Context as _;
use cxr_fleet::signals;
use std::future::Future;
use std::net::SocketAddr;

/// Serves the API on `listener` until `shutdown` resolves, then stops
/// accepting connections, closes those not answering a request at once,
/// lets in-flight requests finish (for at most the drain timeout) and
/// returns. Connections are bounded: see [`server`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve(listener, state, shutdown).await
}

/// Runs a server on a tokio runtime of its own, on `addr`, until SIGTERM or
/// Ctrl-C; SIGHUP (and, with `--watch`, a file change) reloads.
/// `on_listening` is called with the bound address once connections are
/// accepted. Returns after the drain.
pub fn run_until_signalled(addr: SocketAddr, state: AppState, on_listening: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let options = state.options().clone();
    // Decisions run on the blocking pool, bounded by the decision and shadow
    // slots; two more threads for reloads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cxr-serve")
        .max_blocking_threads(options.max_concurrency.max(1) + options.shadow_concurrency.max(1) + 2)
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        cxr_fleet::watch::start_reloading(state.fleet().clone()).context("listening for SIGHUP")?;
        tracing::info!(address = %local, tenants = state.tenants().tenants.len(), "listening");
        on_listening(local);
        serve(listener, state, signals::shutdown_signal()).await.context("serving HTTP")
    })?;
    // Decisions still running past their request's deadline get the drain
    // timeout to finish.
    runtime.shutdown_timeout(options.drain_timeout);
    tracing::info!("stopped");
    Ok(())
}

/// `cxr serve`: applies the process settings, loads the tenants (as
/// `--strict` says), and serves until a shutdown signal; `on_listening`
/// gets the bound address.
pub fn run(args: ServeArgs, on_listening: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let options = args.options()?;
    args.fleet.configure_runtime()?;
    let state = AppState::load(args.fleet.source(args.shadow_dir.clone()), options)?;
    run_until_signalled(args.listen, state, on_listening)
}
