//! The server's shared state: the tenant map (swapped atomically on reload),
//! the options, the decision and shadow slots, and the metrics.

use crate::metrics::Metrics;
use crate::tenants::{self, ReloadReport, TenantMap, TenantSource};
use anyhow::Result;
use arc_swap::ArcSwap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore};

/// Limits and switches of a server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Largest accepted request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Time allowed per request, reading the body included (503 beyond).
    pub deadline: Duration,
    /// Requests decided at once; further ones wait in the queue.
    pub max_concurrency: usize,
    /// Requests that may wait for a decision slot (each up to its deadline);
    /// beyond, 503 with `Retry-After` at once. 0: never wait.
    pub max_queue: usize,
    /// Shadow decisions run at once; beyond, interactions are not shadowed.
    pub shadow_concurrency: usize,
    /// Bearer token for `/admin/*`; those routes exist only when it is set.
    pub admin_token: Option<String>,
    /// After a shutdown signal, how long in-flight requests may take to finish.
    pub drain_timeout: Duration,
}

impl ServeOptions {
    /// Default queue places per core.
    pub const QUEUE_PER_CORE: usize = 64;
}

impl Default for ServeOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ServeOptions {
            max_body_bytes: 1 << 20,
            deadline: Duration::from_millis(2000),
            max_concurrency: 4 * cores,
            max_queue: Self::QUEUE_PER_CORE * cores,
            shadow_concurrency: cores.div_ceil(2),
            admin_token: None,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

pub(crate) struct Shared {
    pub tenants: Arc<ArcSwap<TenantMap>>,
    pub source: TenantSource,
    pub options: ServeOptions,
    pub metrics: Metrics,
    pub slots: Arc<Semaphore>,
    /// Requests waiting for a slot now.
    pub queued: AtomicUsize,
    pub shadow_slots: Arc<Semaphore>,
    pub last_reload: ArcSwap<ReloadReport>,
    pub reload_lock: Mutex<()>,
    pub draining: AtomicBool,
}

impl AppState {
    /// Loads every tenant's pipeline (compiling plugins, so call it off the
    /// async runtime or before it starts). Fails when any file fails to load:
    /// a server does not start half-configured.
    pub fn load(source: TenantSource, options: ServeOptions) -> Result<Self> {
        let (map, report) = tenants::build(&source, &TenantMap::default())?;
        if !report.ok {
            anyhow::bail!("{}", report.errors.join("\n"));
        }
        let tenants = Arc::new(ArcSwap::from_pointee(map));
        let max = options.max_concurrency.max(1);
        let slots = Arc::new(Semaphore::new(max));
        let metrics = Metrics::new(tenants.clone(), slots.clone(), max, options.max_queue);
        Ok(AppState(Arc::new(Shared {
            tenants,
            source,
            shadow_slots: Arc::new(Semaphore::new(options.shadow_concurrency.max(1))),
            options,
            metrics,
            slots,
            queued: AtomicUsize::new(0),
            last_reload: ArcSwap::from_pointee(report),
            reload_lock: Mutex::new(()),
            draining: AtomicBool::new(false),
        })))
    }

    /// The options this server runs with.
    pub fn options(&self) -> &ServeOptions {
        &self.0.options
    }

    /// The tenants served now.
    pub fn tenants(&self) -> Arc<TenantMap> {
        self.0.tenants.load_full()
    }

    /// The metrics as OpenMetrics text (what `/metrics` serves).
    pub fn metrics_text(&self) -> String {
        self.0.metrics.encode()
    }

    /// What the last load or reload did.
    pub fn last_reload(&self) -> Arc<ReloadReport> {
        self.0.last_reload.load_full()
    }

    /// Reloads every tenant's pipeline from the source and swaps the new set
    /// in atomically. Requests already running finish on the pipelines they
    /// started with. A tenant whose file fails to load keeps its previous
    /// pipeline; the report says why. Reloads run one at a time.
    pub async fn reload(&self) -> ReloadReport {
        let _one_at_a_time = self.0.reload_lock.lock().await;
        let shared = self.0.clone();
        let built = tokio::task::spawn_blocking(move || {
            let old = shared.tenants.load();
            tenants::build(&shared.source, &old)
        })
        .await;
        let current = self.0.tenants.load();
        let report = match built {
            Ok(Ok((map, report))) => {
                self.0.tenants.store(Arc::new(map));
                report
            }
            Ok(Err(e)) => ReloadReport::failed(&current, format!("{e:#}; every tenant keeps its previous pipeline")),
            Err(e) => ReloadReport::failed(&current, format!("reload panicked: {e}; every tenant keeps its previous pipeline")),
        };
        let outcome = match (report.ok, report.generation == current.generation) {
            (true, _) => "ok",
            (false, false) => "partial",
            (false, true) => "failed",
        };
        self.0.metrics.reload(outcome);
        if report.ok {
            tracing::info!(generation = report.generation, tenants = report.tenants.len(), "reloaded");
        } else {
            for e in &report.errors {
                tracing::warn!(generation = report.generation, outcome, "reload: {}", cxr_host::text::Shown(e));
            }
        }
        self.0.last_reload.store(Arc::new(report.clone()));
        report
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
