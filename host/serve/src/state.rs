//! The server's shared state: the fleet of tenants, the options, the
//! decision and shadow slots, and the HTTP metrics.

use crate::metrics::Metrics;
use crate::options::ServeOptions;
use anyhow::Result;
use cxr_fleet::{Fleet, ReloadReport, TenantMap, TenantSource};
use cxr_host::PipelineLoader;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

pub(crate) struct Shared {
    pub fleet: Fleet,
    pub options: ServeOptions,
    pub metrics: Metrics,
    pub slots: Arc<Semaphore>,
    /// Requests waiting for a slot now.
    pub queued: AtomicUsize,
    pub shadow_slots: Arc<Semaphore>,
    pub draining: AtomicBool,
    /// Requests refused for want of a slot, for the shedding log line.
    pub shedding: Shedding,
}

/// Logs load shedding at the default level without a line per refused
/// request: the first refusal at once, then at most one line every
/// [`Shedding::EVERY`] with the count refused since the last line.
#[derive(Default)]
pub(crate) struct Shedding {
    since_logged: std::sync::atomic::AtomicU64,
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Shedding {
    /// At most one shedding line per this interval.
    pub const EVERY: std::time::Duration = std::time::Duration::from_secs(10);

    /// Counts one refused request; logs when a line is due.
    pub fn refused(&self, slots: usize, queue: usize) {
        let n = self.since_logged.fetch_add(1, Ordering::AcqRel) + 1;
        let Ok(mut last) = self.last.try_lock() else { return };
        if last.is_some_and(|t| t.elapsed() < Self::EVERY) {
            return;
        }
        *last = Some(std::time::Instant::now());
        let n = self.since_logged.swap(0, Ordering::AcqRel).max(n);
        tracing::warn!(
            refused = n,
            slots,
            queue,
            "shedding load: {n} request(s) refused with 503, every decision slot busy (--max-concurrency {slots}) and the queue full (--max-queue {queue})"
        );
    }
}

impl AppState {
    /// Loads every tenant's pipeline with the default loader (compiling
    /// plugins, so call it off the async runtime or before it starts), under
    /// `options.startup`.
    pub fn load(source: TenantSource, options: ServeOptions) -> Result<Self> {
        Self::load_with(source, options, PipelineLoader::new())
    }

    /// [`AppState::load`] with `loader` (another cache, another runtime).
    pub fn load_with(source: TenantSource, options: ServeOptions, loader: PipelineLoader) -> Result<Self> {
        let fleet = Fleet::load_with(source, options.startup, loader)?;
        Ok(Self::new(fleet, options))
    }

    /// A server for an already loaded fleet.
    pub fn new(fleet: Fleet, options: ServeOptions) -> Self {
        let max = options.max_concurrency.max(1);
        let slots = Arc::new(Semaphore::new(max));
        let metrics = Metrics::new(&fleet, slots.clone(), max, options.max_queue);
        AppState(Arc::new(Shared {
            fleet,
            shadow_slots: Arc::new(Semaphore::new(options.shadow_concurrency.max(1))),
            options,
            metrics,
            slots,
            queued: AtomicUsize::new(0),
            draining: AtomicBool::new(false),
            shedding: Shedding::default(),
        }))
    }

    /// The options this server runs with.
    pub fn options(&self) -> &ServeOptions {
        &self.0.options
    }

    /// The fleet of tenants.
    pub fn fleet(&self) -> &Fleet {
        &self.0.fleet
    }

    /// The tenants served now.
    pub fn tenants(&self) -> Arc<TenantMap> {
        self.0.fleet.tenants()
    }

    /// The metrics as OpenMetrics text (what `/metrics` serves).
    pub fn metrics_text(&self) -> String {
        self.0.metrics.encode()
    }

    /// What the last load or reload did.
    pub fn last_reload(&self) -> Arc<ReloadReport> {
        self.0.fleet.last_reload()
    }

    /// Reloads every tenant's pipeline and swaps the new set in atomically
    /// (see [`Fleet::reload`]).
    pub async fn reload(&self) -> ReloadReport {
        self.0.fleet.reload().await
    }

    /// Marks the server as draining: `/readyz` answers 503 from now on.
    pub fn begin_drain(&self) {
        self.0.draining.store(true, Ordering::SeqCst);
    }

    /// Whether a shutdown has begun.
    pub fn draining(&self) -> bool {
        self.0.draining.load(Ordering::SeqCst)
    }
}
