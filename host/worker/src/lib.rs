//! # cxr-worker — decisions from a fleet of workers fed by NATS JetStream
//!
//! `cxr worker` consumes interactions from a JetStream stream (`CXR_IN`,
//! subjects `cxr.in.>`) through one durable pull consumer shared by every
//! worker (`cxr-workers`), decides each with its tenant's pipeline, and
//! publishes the decision to `cxr.out.<queue>` (or a dead letter to
//! `cxr.dlq.<reason>`) into a stream that deduplicates by `Nats-Msg-Id`
//! (`CXR_OUT`). The input is acknowledged only once the broker stored the
//! output, so a worker killed at any moment loses nothing, and redelivery
//! yields no duplicate downstream within the duplicate window.
//!
//! ```no_run
//! use cxr_worker::{Tenants, WorkerOptions, run};
//! use cxr_serve::TenantSource;
//! use std::sync::Arc;
//! # async fn go() -> anyhow::Result<()> {
//! let options = WorkerOptions { nats_url: "nats://127.0.0.1:4222".into(), ..WorkerOptions::default() };
//! let tenants = Arc::new(Tenants::load(TenantSource::default())?); // compiles the plugins
//! run(options, tenants, cxr_serve::signals::shutdown_signal(), |_ready| {}).await?;
//! # Ok(()) }
//! ```

pub mod broker;
pub mod dead_letter;
pub mod handle;
mod http;
pub mod metrics;
pub mod options;
pub mod subjects;
pub mod tenants;
mod worker;

pub use dead_letter::Reason;
pub use options::WorkerOptions;
pub use tenants::Tenants;
pub use worker::{Ready, run};

use anyhow::Context as _;
use std::sync::Arc;

/// Runs a worker on a tokio runtime of its own until SIGTERM or Ctrl-C;
/// SIGHUP reloads the tenants. Decisions run on the runtime's blocking
/// pool, `--jobs` at a time. `on_ready` is called once it consumes.
pub fn run_until_signalled(options: WorkerOptions, tenants: Tenants, on_ready: impl FnOnce(Ready)) -> anyhow::Result<()> {
    options.check().map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cxr-worker")
        .max_blocking_threads(options.jobs + 2)
        .build()
        .context("starting the async runtime")?;
    let drain = options.drain_timeout;
    runtime.block_on(run(options, Arc::new(tenants), cxr_serve::signals::shutdown_signal(), on_ready))?;
    runtime.shutdown_timeout(drain);
    Ok(())
}
