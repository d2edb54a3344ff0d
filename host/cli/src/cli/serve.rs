//! `cxr serve`: decisions over HTTP, one pipeline per tenant.

use anyhow::{Result, bail};
use clap::Args;
use cxr_serve::{AppState, ServeOptions, TenantSource};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Serve decisions over HTTP: POST /v1/decide, /v1/decide/batch; GET /healthz, /readyz, /metrics, /openapi.json.
///
/// Each tenant has its own pipeline: with --config-dir, every TENANT.toml
/// in the directory is one tenant, chosen per request by the X-Tenant
/// header; without it, the single tenant `default` runs --pipeline (or the
/// reference pipeline). Requests without X-Tenant go to `default` when it
/// exists. SIGHUP (or POST /admin/reload) reloads every pipeline without
/// dropping a request; a file that fails to load leaves the old pipeline
/// serving. SIGTERM or Ctrl-C drains in-flight requests, then exits.
///
/// Prints `listening on http://ADDR` on stdout once it accepts connections;
/// logs go to stderr (-v for one line per request and reloads).
#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  cxr serve
  curl -s localhost:8080/v1/decide -d @examples/one.json
  cxr -v serve --config-dir tenants/ --shadow-dir candidates/ --listen 0.0.0.0:8080
  curl -s localhost:8080/v1/decide -H 'X-Tenant: acme' -d '{\"id\":\"T-1\",\"body\":\"I was charged twice\"}'
  CXR_ADMIN_TOKEN=s3cret cxr serve --config-dir tenants/ --log-json
  curl -s -X POST localhost:8080/admin/reload -H 'Authorization: Bearer s3cret'
  kill -HUP $(pidof cxr)    # reload every tenant

Status codes:
  200  a decision (a plugin failure is a fallback decision with `error` set, never a 5xx)
  400  unreadable input; the JSON body names the field: {\"error\": ..., \"field\": ...}
  404  X-Tenant names no tenant
  413  body over --max-body-bytes
  503  with Retry-After: 1: every --max-concurrency slot busy and the --max-queue
       queue of requests waiting for one full, or --deadline-ms passed (waiting included)

Exit status:
  0  stopped by SIGTERM or Ctrl-C, after draining (or --drain-secs passed)
  1  did not start: a pipeline or tenant file does not load, the address is
     taken, an option is out of range
  2  invalid command-line usage")]
pub struct ServeArgs {
    /// Address to listen on. The default accepts loopback connections only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of tenant pipelines: TENANT.toml per tenant (names: a-z, 0-9, _ and -).
    #[arg(long, value_name = "DIR", conflicts_with = "pipeline")]
    pub config_dir: Option<PathBuf>,
    /// Pipeline of the single tenant `default` when there is no --config-dir.
    /// Default: the reference pipeline built into cxr.
    #[arg(short, long, value_name = "FILE")]
    pub pipeline: Option<PathBuf>,
    /// Directory of shadow candidates: TENANT.toml runs beside tenant
    /// TENANT's live pipeline; its decisions are only compared and counted.
    #[arg(long, value_name = "DIR")]
    pub shadow_dir: Option<PathBuf>,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Time allowed per request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub deadline_ms: u64,
    /// Requests decided at once; beyond, they wait in the queue. Default: 4 per core.
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,
    /// Requests that may wait for a decision slot, each up to its deadline;
    /// beyond, 503 at once (0: never wait). Default: 64 per core.
    #[arg(long, value_name = "N")]
    pub max_queue: Option<usize>,
    /// Shadow decisions run at once; beyond, interactions are not shadowed
    /// (counted in cxr_shadow_skipped_total). Default: half the cores.
    #[arg(long, value_name = "N")]
    pub shadow_concurrency: Option<usize>,
    /// After SIGTERM, how long in-flight requests may take to finish, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub drain_secs: u64,
    /// Write logs as JSON lines (on stderr).
    #[arg(long)]
    pub log_json: bool,
    /// Enables POST /admin/reload for requests with `Authorization: Bearer TOKEN`.
    /// Without a token there are no admin routes.
    #[arg(long, value_name = "TOKEN", env = "CXR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let mut options = ServeOptions {
        max_body_bytes: args.max_body_bytes,
        deadline: Duration::from_millis(args.deadline_ms),
        drain_timeout: Duration::from_secs(args.drain_secs),
        admin_token: args.admin_token.filter(|t| !t.trim().is_empty()),
        ..ServeOptions::default()
    };
    if let Some(n) = args.max_concurrency {
        options.max_concurrency = n;
    }
    if let Some(n) = args.max_queue {
        options.max_queue = n;
    }
    if let Some(n) = args.shadow_concurrency {
        options.shadow_concurrency = n;
    }
    for (flag, value) in [
        ("--max-body-bytes", options.max_body_bytes as u64),
        ("--deadline-ms", args.deadline_ms),
        ("--max-concurrency", options.max_concurrency as u64),
        ("--shadow-concurrency", options.shadow_concurrency as u64),
    ] {
        if value == 0 {
            bail!("{flag} must be at least 1");
        }
    }
    let source = TenantSource {
        config_dir: args.config_dir,
        pipeline: args.pipeline,
        shadow_dir: args.shadow_dir,
        cache_dir: cxr_host::runtime::default_cache_dir(),
    };
    let state = AppState::load(source, options)?;
    cxr_serve::run_until_signalled(args.listen, state, |addr| {
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}
