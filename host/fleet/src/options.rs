//! The command-line options the service and the worker share; each
//! transport flattens them into its own options (`#[command(flatten)]`).

use crate::fleet::StartupPolicy;
use crate::tenants::TenantSource;
use anyhow::Result;
use clap::Args;
use cxr_host::{PipelineSource, Runtime, RuntimeSettings};
use std::path::PathBuf;

/// Where the tenants come from, how strict the start is, process settings.
#[derive(Args, Debug, Clone, Default)]
pub struct FleetArgs {
    /// Directory of tenant pipelines: TENANT.toml per tenant (names: a-z, 0-9, _ and -).
    #[arg(long, value_name = "DIR", conflicts_with = "pipeline")]
    pub config_dir: Option<PathBuf>,
    /// Pipeline of the single tenant `default` when there is no --config-dir:
    /// a pipeline file, a .wasm plugin swapped into the reference pipeline,
    /// or `builtin`. Default: the reference pipeline built into cxr.
    #[arg(short, long, value_name = "PIPELINE")]
    pub pipeline: Option<PipelineSource>,
    /// Refuse to start when any tenant's pipeline fails to load. Default:
    /// serve the tenants that load, and report the others (/readyz, the
    /// cxr_tenant_broken metric, one warning line each).
    #[arg(long)]
    pub strict: bool,
    /// Instance slots of the process's pool for `isolate` pipelines (0: no
    /// pool). Default: 16 per core.
    #[arg(long, value_name = "N", env = "CXR_POOL_INSTANCES")]
    pub pool_instances: Option<u32>,
    /// Reload when the tenant files change, as on SIGHUP: the files, the
    /// plugin .wasm files they name, and the directories' listings (symlinks
    /// resolved, so a config map's swap counts) are polled every
    /// --watch-interval; a burst of writes gives
    /// one reload; a file that fails keeps its tenant's previous pipeline.
    #[arg(long)]
    pub watch: bool,
    /// How often --watch polls: 500ms, 2s, 1m (50ms to 1 hour).
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = crate::watch::parse_interval, requires = "watch")]
    pub watch_interval: std::time::Duration,
    /// Write logs as JSON lines (on stderr).
    #[arg(long)]
    pub log_json: bool,
}

impl FleetArgs {
    /// The tenants these options name, with the shadow candidates of `shadow_dir`.
    pub fn source(&self, shadow_dir: Option<PathBuf>) -> TenantSource {
        TenantSource {
            config_dir: self.config_dir.clone(),
            pipeline: self.pipeline.clone(),
            shadow_dir,
            watch: self.watch.then_some(self.watch_interval),
        }
    }

    /// `--strict` or not.
    pub fn policy(&self) -> StartupPolicy {
        if self.strict { StartupPolicy::Strict } else { StartupPolicy::ServeHealthy }
    }

    /// Applies the process settings (`--pool-instances`) to the process
    /// runtime; call it before loading anything.
    pub fn configure_runtime(&self) -> Result<()> {
        if let Some(n) = self.pool_instances {
            Runtime::configure_shared(RuntimeSettings { pool_instances: n, ..RuntimeSettings::from_env()? })?;
        }
        Ok(())
    }
}
