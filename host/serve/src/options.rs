//! The service's options: the `cxr serve` command line ([`ServeArgs`],
//! flattened into the `cxr` binary, with the options every transport
//! shares from `cxr_fleet`) and what a server runs with ([`ServeOptions`]).

use anyhow::{Result, bail};
use clap::Args;
use cxr_fleet::{FleetArgs, StartupPolicy};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Serve decisions over HTTP: POST /v1/decide, /v1/decide/batch; GET /healthz, /readyz, /metrics, /openapi.json.
///
/// Each tenant has its own pipeline: with --config-dir, every TENANT.toml
/// in the directory is one tenant, chosen per request by the X-Tenant
/// header; without it, the single tenant `default` runs --pipeline (or the
/// reference pipeline). Requests without X-Tenant go to `default` when it
/// exists. A tenant whose file fails to load at start is not served (503)
/// and reported in /readyz, unless --strict refuses the start. SIGHUP (or
/// POST /admin/reload) reloads every pipeline without dropping a request; a
/// file that fails to load leaves the old pipeline serving. SIGTERM or
/// Ctrl-C drains in-flight requests, then exits.
///
/// Headers every decide request may carry: Cxr-Now (decide as of this RFC
/// 3339 time; also ?now=), Cxr-Request-Id or X-Request-Id (echoed in the
/// decisions, the Cxr-Request-Id response header and the log).
///
/// Prints `listening on http://ADDR` on stdout once it accepts connections;
/// logs go to stderr, one line per event (JSON with --log-json): by
/// default startup, reloads, load shedding, the connection limit and
/// shutdown; -v adds one line per request.
#[derive(Args, Debug, Clone)]
#[command(after_help = "\
Examples:
  cxr serve
  curl -s localhost:8080/v1/decide -d @examples/one.json
  cxr -v serve --config-dir tenants/ --shadow-dir candidates/ --listen 0.0.0.0:8080
  curl -s localhost:8080/v1/decide -H 'X-Tenant: acme' -d '{\"id\":\"T-1\",\"body\":\"I was charged twice\"}'
  curl -s 'localhost:8080/v1/decide?now=2026-11-22T10:00:00Z' -H 'Cxr-Request-Id: r-42' -d @examples/one.json
  CXR_ADMIN_TOKEN=s3cret cxr serve --config-dir tenants/ --log-json
  curl -s -X POST localhost:8080/admin/reload -H 'Authorization: Bearer s3cret'
  kill -HUP $(pidof cxr)    # reload every tenant

Status codes:
  200  a decision (a plugin failure is a fallback decision with `error` set, never a 5xx)
  400  unreadable input, Cxr-Now or request id, X-Tenant given twice; the JSON
       body names the field: {\"error\": ..., \"field\": ...}
  404  X-Tenant names no tenant
  408  the body did not arrive within --body-timeout-secs
  413  body over --max-body-bytes, batch over --max-batch-items, or a batch's
       decisions over --max-response-bytes
  503  with Retry-After: 1: every --max-concurrency slot busy and the --max-queue
       queue of requests waiting for one full, or --deadline-ms passed (waiting included);
       without Retry-After: the tenant's pipeline failed to load (see /readyz)

Bounds (what one client can hold; docs/security.md):
  headers    --header-timeout-secs (10) to send them, 100 headers and hyper's
             ~400 KiB read buffer at most
  body       --max-body-bytes (1 MiB), read whole within --body-timeout-secs (10)
             before a decision slot is taken
  batch      --max-batch-items (1000) items, --max-response-bytes (8 MiB) of
             decisions, decided until --deadline-ms (2000) passes
  server     --max-connections (1024) connections, --max-concurrency slots,
             --max-queue waiting; SIGTERM closes idle and half-open connections
             at once and waits --drain-secs (30) for requests being answered

Exit status:
  0  stopped by SIGTERM or Ctrl-C, after draining (or --drain-secs passed)
  1  did not start: no tenant loads (with --strict: any tenant file fails to
     load), the address is taken, an option is out of range
  2  invalid command-line usage")]
pub struct ServeArgs {
    /// Address to listen on. The default accepts loopback connections only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Directory of shadow candidates: TENANT.toml runs beside tenant
    /// TENANT's live pipeline; its decisions are only compared and counted.
    #[arg(long, value_name = "DIR")]
    pub shadow_dir: Option<PathBuf>,
    /// Largest accepted request body, in bytes (413 beyond). The body is
    /// read whole, within --body-timeout-secs, before a decision slot is taken.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Time allowed to decide a request once its body is read (waiting for
    /// a slot included), in milliseconds. A batch stops deciding when it
    /// passes: its remaining items get error records naming this deadline.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub deadline_ms: u64,
    /// Time a client has to send a request's headers, in seconds (an idle
    /// keep-alive connection waiting for its next request included); the
    /// connection is closed beyond.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Time a client has to send a request's body, in seconds (408 beyond).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub body_timeout_secs: u64,
    /// Connections open at once; beyond, new connections wait in the
    /// listen backlog until one closes, and a warning is logged.
    #[arg(long, value_name = "N", default_value_t = ServeOptions::MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Items (array elements or lines, blank lines included) in one batch (413 beyond).
    #[arg(long, value_name = "N", default_value_t = ServeOptions::MAX_BATCH_ITEMS)]
    pub max_batch_items: usize,
    /// Largest response body, in bytes: a batch whose decisions would
    /// exceed it stops deciding and is answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = ServeOptions::MAX_RESPONSE_BYTES)]
    pub max_response_bytes: usize,
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
    /// Enables POST /admin/reload for requests with `Authorization: Bearer TOKEN`.
    /// Without a token there are no admin routes.
    #[arg(long, value_name = "TOKEN", env = "CXR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

/// Limits and switches of a server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Largest accepted request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Time allowed to decide a request once its body is read, the wait
    /// for a slot included (503 beyond; a batch answers with error records
    /// for the items it did not decide).
    pub deadline: Duration,
    /// Time allowed to send a request's headers (the connection is closed beyond).
    pub header_timeout: Duration,
    /// Time allowed to send a request's body (408 beyond).
    pub body_timeout: Duration,
    /// Connections open at once; beyond, new ones wait in the listen backlog.
    pub max_connections: usize,
    /// Items in one batch (413 beyond).
    pub max_batch_items: usize,
    /// Largest response body, in bytes (a batch over it is answered 413).
    pub max_response_bytes: usize,
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
    /// What to do when a tenant's pipeline fails to load at start.
    pub startup: StartupPolicy,
}

impl ServeOptions {
    /// Default queue places per core.
    pub const QUEUE_PER_CORE: usize = 64;
    /// Default connection limit.
    pub const MAX_CONNECTIONS: usize = 1024;
    /// Default item cap of a batch.
    pub const MAX_BATCH_ITEMS: usize = 1000;
    /// Default response size cap: 8 MiB.
    pub const MAX_RESPONSE_BYTES: usize = 8 << 20;
}

impl Default for ServeOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ServeOptions {
            max_body_bytes: 1 << 20,
            deadline: Duration::from_millis(2000),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: Self::MAX_CONNECTIONS,
            max_batch_items: Self::MAX_BATCH_ITEMS,
            max_response_bytes: Self::MAX_RESPONSE_BYTES,
            max_concurrency: 4 * cores,
            max_queue: Self::QUEUE_PER_CORE * cores,
            shadow_concurrency: cores.div_ceil(2),
            admin_token: None,
            drain_timeout: Duration::from_secs(30),
            startup: StartupPolicy::default(),
        }
    }
}

impl ServeArgs {
    /// The server options these arguments give; the error names the flag.
    pub fn options(&self) -> Result<ServeOptions> {
        let mut options = ServeOptions {
            max_body_bytes: self.max_body_bytes,
            deadline: Duration::from_millis(self.deadline_ms),
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            body_timeout: Duration::from_secs(self.body_timeout_secs),
            max_connections: self.max_connections,
            max_batch_items: self.max_batch_items,
            max_response_bytes: self.max_response_bytes,
            drain_timeout: Duration::from_secs(self.drain_secs),
            admin_token: self.admin_token.clone().filter(|t| !t.trim().is_empty()),
            startup: self.fleet.policy(),
            ..ServeOptions::default()
        };
        if let Some(n) = self.max_concurrency {
            options.max_concurrency = n;
        }
        if let Some(n) = self.max_queue {
            options.max_queue = n;
        }
        if let Some(n) = self.shadow_concurrency {
            options.shadow_concurrency = n;
        }
        for (flag, value) in [
            ("--max-body-bytes", options.max_body_bytes as u64),
            ("--deadline-ms", self.deadline_ms),
            ("--max-concurrency", options.max_concurrency as u64),
            ("--shadow-concurrency", options.shadow_concurrency as u64),
            ("--header-timeout-secs", self.header_timeout_secs),
            ("--body-timeout-secs", self.body_timeout_secs),
            ("--max-connections", options.max_connections as u64),
            ("--max-batch-items", options.max_batch_items as u64),
            ("--max-response-bytes", options.max_response_bytes as u64),
        ] {
            if value == 0 {
                bail!("{flag} must be at least 1");
            }
        }
        Ok(options)
    }
}
