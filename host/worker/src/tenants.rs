//! The tenants a worker decides for: the same files, loading and reload
//! rules as `cxr serve` (`cxr_serve::tenants`), held here so that a reload
//! swaps them atomically while messages are being decided.

use anyhow::Result;
use arc_swap::ArcSwap;
use cxr_serve::tenants::{self, DEFAULT_TENANT, ReloadReport, Tenant, TenantMap, TenantSource, valid_tenant_name};
use std::sync::Arc;

/// Every tenant's pipeline, swapped whole on reload.
pub struct Tenants {
    map: ArcSwap<TenantMap>,
    source: TenantSource,
    reload_lock: tokio::sync::Mutex<()>,
}

/// Why no tenant could be chosen for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoTenant(pub String);

impl Tenants {
    /// Loads every tenant (compiling plugins: call it before the runtime
    /// starts or on a blocking thread). Fails when any file fails to load:
    /// a worker does not start half-configured.
    pub fn load(source: TenantSource) -> Result<Self> {
        let source = TenantSource {
            shadow_dir: None,
            ..source
        };
        let (map, report) = tenants::build(&source, &TenantMap::default())?;
        if !report.ok {
            anyhow::bail!("{}", report.errors.join("\n"));
        }
        Ok(Tenants {
            map: ArcSwap::from_pointee(map),
            source,
            reload_lock: tokio::sync::Mutex::new(()),
        })
    }

    /// The tenants now.
    pub fn current(&self) -> Arc<TenantMap> {
        self.map.load_full()
    }

    /// The tenant called `name`, or `default` when no name is given.
    pub fn resolve(&self, name: Option<&str>) -> Result<Arc<Tenant>, NoTenant> {
        let map = self.map.load();
        match name {
            None => map.tenants.get(DEFAULT_TENANT).cloned().ok_or_else(|| {
                NoTenant(format!(
                    "no tenant named (by header or subject) and there is no `{DEFAULT_TENANT}` tenant"
                ))
            }),
            Some(name) if !valid_tenant_name(name) => {
                let shown: String = name.chars().take(64).collect();
                Err(NoTenant(format!(
                    "unknown tenant {shown:?}: tenant names are 1-64 characters of a-z, 0-9, _ and -"
                )))
            }
            Some(name) => map
                .tenants
                .get(name)
                .cloned()
                .ok_or_else(|| NoTenant(format!("unknown tenant `{name}`"))),
        }
    }

    /// Loads every file anew and swaps the new set in; a tenant whose file
    /// fails keeps its previous pipeline (the report says why). Messages
    /// being decided finish on the pipeline they started with. Reloads run
    /// one at a time, on the blocking pool.
    pub async fn reload(self: &Arc<Self>) -> ReloadReport {
        let _one_at_a_time = self.reload_lock.lock().await;
        let this = self.clone();
        let built = tokio::task::spawn_blocking(move || {
            let old = this.map.load();
            tenants::build(&this.source, &old)
        })
        .await;
        let current = self.map.load_full();
        let report = match built {
            Ok(Ok((map, report))) => {
                self.map.store(Arc::new(map));
                report
            }
            Ok(Err(e)) => ReloadReport::failed(&current, format!("{e:#}; every tenant keeps its previous pipeline")),
            Err(e) => ReloadReport::failed(&current, format!("reload panicked: {e}; every tenant keeps its previous pipeline")),
        };
        if report.ok {
            tracing::info!(generation = report.generation, tenants = report.tenants.len(), "reloaded");
        } else {
            for e in &report.errors {
                tracing::warn!(generation = report.generation, "reload: {e}");
            }
        }
        report
    }
}
