//! The fleet of tenants a process serves: loaded at start under a startup
//! policy, looked up per request or message, reloaded atomically, and
//! counted in the decision metrics.

use crate::metrics::DecisionMetrics;
use crate::tenants::{self, DEFAULT_TENANT, ReloadReport, Tenant, TenantMap, TenantSource, valid_tenant_name};
use anyhow::Result;
use arc_swap::ArcSwap;
use cxr_host::PipelineLoader;
use cxr_host::text::Shown;
use std::sync::Arc;

/// What to do at start when some tenant's pipeline fails to load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StartupPolicy {
    /// Serve the tenants that loaded; report the others (readiness, metrics,
    /// one warning line each). A process with no tenant at all still refuses to start.
    #[default]
    ServeHealthy,
    /// Refuse to start unless every file loads (`--strict`).
    Strict,
}

/// Why no tenant could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantError {
    /// No tenant was named, and there is no `default` tenant.
    NoDefault,
    /// The name is not a tenant name at all (shown cut to 64 characters).
    InvalidName(String),
    /// No such tenant.
    Unknown(String),
    /// The tenant exists, but its pipeline failed to load (the error says why).
    Broken { tenant: String, error: String },
    /// The tenant header was given more than once (how many times): a
    /// request or message names one tenant at most, never "the first one".
    Repeated(usize),
}

impl std::fmt::Display for TenantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TenantError::NoDefault => write!(f, "no tenant named, and there is no `{DEFAULT_TENANT}` tenant"),
            TenantError::InvalidName(n) => {
                write!(f, "unknown tenant {n:?}: tenant names are 1-64 characters of a-z, 0-9, _ and -")
            }
            TenantError::Unknown(n) => write!(f, "unknown tenant {n:?}"),
            TenantError::Broken { tenant, error } => {
                write!(f, "tenant `{tenant}` is not served: its pipeline failed to load ({})", Shown(error))
            }
            TenantError::Repeated(n) => write!(f, "the tenant header is given {n} times; give it once"),
        }
    }
}

impl std::error::Error for TenantError {}

/// The one rule for a tenant header, whatever the transport (`X-Tenant` over
/// HTTP, the worker's tenant header over NATS): absent is `None` (the
/// `default` tenant); given once, its value (bytes that are not UTF-8 give a
/// name no tenant has); given more than once, [`TenantError::Repeated`],
/// even when the values agree.
pub fn one_tenant_header<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<Option<std::borrow::Cow<'a, str>>, TenantError> {
    let mut values = values.into_iter();
    let Some(first) = values.next() else { return Ok(None) };
    let more = values.count();
    if more > 0 {
        return Err(TenantError::Repeated(more + 1));
    }
    Ok(Some(String::from_utf8_lossy(first)))
}

/// Every tenant of a process, and what the service and the worker share
/// about them. Cheap to clone (a handle).
#[derive(Clone)]
pub struct Fleet(Arc<Shared>);

struct Shared {
    map: ArcSwap<TenantMap>,
    source: TenantSource,
    loader: PipelineLoader,
    last_reload: ArcSwap<ReloadReport>,
    reload_lock: tokio::sync::Mutex<()>,
    metrics: DecisionMetrics,
}

impl Fleet {
    /// Loads every tenant with the default loader (the process runtime, the
    /// default compile cache). Compiles plugins: call it before the async
    /// runtime starts or on a blocking thread.
    pub fn load(source: TenantSource, policy: StartupPolicy) -> Result<Fleet> {
        Self::load_with(source, policy, PipelineLoader::new())
    }

    /// Loads every tenant with `loader`. Under [`StartupPolicy::ServeHealthy`]
    /// a tenant whose pipeline fails is broken (reported, not served); under
    /// [`StartupPolicy::Strict`] any failure refuses the start. No tenant
    /// at all refuses it either way.
    pub fn load_with(source: TenantSource, policy: StartupPolicy, loader: PipelineLoader) -> Result<Fleet> {
        let (map, report) = tenants::build(&source, &loader, &TenantMap::default())?;
        if !report.ok {
            if policy == StartupPolicy::Strict {
                anyhow::bail!("{} (--strict: not starting)", report.errors.join("\n"));
            }
            for e in &report.errors {
                tracing::warn!("{}", Shown(e));
            }
        }
        Ok(Fleet(Arc::new(Shared {
            map: ArcSwap::from_pointee(map),
            source,
            loader,
            last_reload: ArcSwap::from_pointee(report),
            reload_lock: tokio::sync::Mutex::new(()),
            metrics: DecisionMetrics::new(),
        })))
    }

    /// The tenants now.
    pub fn tenants(&self) -> Arc<TenantMap> {
        self.0.map.load_full()
    }

    /// What the last load or reload did.
    pub fn last_reload(&self) -> Arc<ReloadReport> {
        self.0.last_reload.load_full()
    }

    /// Where the tenants come from.
    pub fn source(&self) -> &TenantSource {
        &self.0.source
    }

    /// The decision metrics (register them with [`DecisionMetrics::register`]).
    pub fn metrics(&self) -> &DecisionMetrics {
        &self.0.metrics
    }

    /// The tenant named by the values of a tenant header (see
    /// [`one_tenant_header`]: a repeated header is an error).
    pub fn resolve_header<'a>(&self, values: impl IntoIterator<Item = &'a [u8]>) -> Result<Arc<Tenant>, TenantError> {
        let name = one_tenant_header(values)?;
        self.resolve(name.as_deref())
    }

    /// The tenant called `name`, or `default` when no name is given.
    pub fn resolve(&self, name: Option<&str>) -> Result<Arc<Tenant>, TenantError> {
        let map = self.0.map.load();
        let name = match name.map(str::trim) {
            None | Some("") => {
                return map.tenants.get(DEFAULT_TENANT).cloned().ok_or_else(|| match map.broken.get(DEFAULT_TENANT) {
                    Some(error) => TenantError::Broken {
                        tenant: DEFAULT_TENANT.to_string(),
                        error: error.clone(),
                    },
                    None => TenantError::NoDefault,
                });
            }
            Some(n) => n,
        };
        if !valid_tenant_name(name) {
            return Err(TenantError::InvalidName(name.chars().take(64).collect()));
        }
        if let Some(t) = map.tenants.get(name) {
            return Ok(t.clone());
        }
        Err(match map.broken.get(name) {
            Some(error) => TenantError::Broken {
                tenant: name.to_string(),
                error: error.clone(),
            },
            None => TenantError::Unknown(name.to_string()),
        })
    }

    /// Loads every file anew and swaps the new set in atomically; a tenant
    /// whose file fails keeps its previous pipeline (or stays broken); the
    /// report says why. Requests and messages being decided finish on the
    /// pipeline they started with. Reloads run one at a time, on the
    /// blocking pool; compiled components are reused, not compiled again.
    pub async fn reload(&self) -> ReloadReport {
        let _one_at_a_time = self.0.reload_lock.lock().await;
        let shared = self.0.clone();
        let built = tokio::task::spawn_blocking(move || {
            let old = shared.map.load();
            tenants::build(&shared.source, &shared.loader, &old)
        })
        .await;
        let current = self.0.map.load_full();
        let report = match built {
            Ok(Ok((map, report))) => {
                self.0.map.store(Arc::new(map));
                report
            }
            Ok(Err(e)) => ReloadReport::failed(&current, format!("{e:#}; every tenant keeps its previous pipeline")),
            Err(e) => ReloadReport::failed(&current, format!("reload panicked: {e}; every tenant keeps its previous pipeline")),
        };
        let outcome = report.outcome(current.generation);
        self.0.metrics.reload(outcome);
        for gone in &report.removed {
            tracing::warn!(
                generation = report.generation,
                tenant = %Shown(&gone.tenant),
                file = %Shown(&gone.file),
                "reload: tenant `{}` is no longer served: its file {} is gone",
                Shown(&gone.tenant),
                Shown(&gone.file)
            );
        }
        if report.ok {
            tracing::info!(generation = report.generation, tenants = report.tenants.len(), removed = report.removed.len(), "reloaded");
        } else {
            for e in &report.errors {
                tracing::warn!(generation = report.generation, outcome, "reload: {}", Shown(e));
            }
        }
        self.0.last_reload.store(Arc::new(report.clone()));
        report
    }

    /// The tenants and the last reload, as `/readyz` shows them.
    pub fn readiness(&self) -> serde_json::Value {
        let map = self.tenants();
        let last = self.last_reload();
        serde_json::json!({
            "generation": map.generation,
            "tenants": map.statuses(),
            "broken": map.broken_list(),
            "last_reload": {
                "ok": last.ok,
                "generation": last.generation,
                "finished_at": last.finished_at,
                "errors": last.errors,
                "removed": last.removed,
            },
        })
    }
}
