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
//! Tenants, reload, startup policy, signals and decision metrics are
//! `cxr-fleet`'s, shared with `cxr serve`; inputs are read under
//! `cxr_host::policy` (size cap, blank input, `Cxr-Now`, request ids).
//!
//! ```no_run
//! use cxr_worker::{WorkerOptions, run};
//! use cxr_fleet::{Fleet, StartupPolicy, TenantSource, signals};
//! # async fn go() -> anyhow::Result<()> {
//! let options = WorkerOptions { nats_url: "nats://127.0.0.1:4222".into(), ..WorkerOptions::default() };
//! let fleet = Fleet::load(TenantSource::default(), StartupPolicy::ServeHealthy)?; // compiles the plugins
//! run(options, fleet, signals::shutdown_signal(), |_ready| {}).await?;
//! # Ok(()) }
//! ```

pub mod broker;
pub mod dead_letter;
pub mod handle;
mod http;
pub mod metrics;
pub mod options;
pub mod subjects;
mod worker;

pub use dead_letter::Reason;
pub use options::{WorkerArgs, WorkerOptions};
pub use worker::{Ready, run};

use anyhow::Context as _;
use cxr_fleet::{Fleet, signals};

/// Runs a worker on a tokio runtime of its own until SIGTERM or Ctrl-C;
/// SIGHUP reloads the tenants. Decisions run on the runtime's blocking
/// pool, `--jobs` at a time. `on_ready` is called once it consumes.
pub fn run_until_signalled(options: WorkerOptions, fleet: Fleet, on_ready: impl FnOnce(Ready)) -> anyhow::Result<()> {
    options.check().map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cxr-worker")
        .max_blocking_threads(options.jobs + 2)
        .build()
        .context("starting the async runtime")?;
    let drain = options.drain_timeout;
    runtime.block_on(run(options, fleet, signals::shutdown_signal(), on_ready))?;
    runtime.shutdown_timeout(drain);
    Ok(())
}

/// `cxr worker`: checks the options, applies the process settings, loads
/// the tenants (as `--strict` says) and consumes until a shutdown signal;
/// `on_ready` is called once it consumes.
pub fn run_cli(args: WorkerArgs, on_ready: impl FnOnce(Ready)) -> anyhow::Result<()> {
    let options = args.options().map_err(anyhow::Error::msg)?;
    args.fleet.configure_runtime()?;
    // Workers run no shadow pipelines.
    let fleet = Fleet::load(args.fleet.source(None), args.fleet.policy())?;
    run_until_signalled(options, fleet, on_ready)
}
