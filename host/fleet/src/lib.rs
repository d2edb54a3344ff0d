//! # cxr-fleet — what the service and the worker share
//!
//! A process that serves many tenants, over HTTP (`cxr-serve`) or NATS
//! (`cxr-worker`), needs the same things whatever its transport; they live
//! here, once:
//!
//! | module | concern |
//! |---|---|
//! | [`tenants`] | tenant names, where pipelines come from ([`TenantSource`]), loading one pipeline per tenant (and shadow candidates), the reload report |
//! | [`fleet`] | the [`Fleet`]: startup policy (serve the healthy tenants, or `--strict`), tenant lookup, atomic reload, readiness |
//! | [`metrics`] | decision metrics, one set of names for both transports, per-hook series included |
//! | [`logging`] | one event, one line, one `write(2)`; the default log level an operator needs |
//! | [`signals`] | SIGTERM / Ctrl-C shutdown, SIGHUP reload |
//! | [`watch`] | `--watch`: reload when the tenants' files change (polled fingerprint, symlink swaps included, debounced) |
//! | [`check`] | `cxr check`: load every tenant file as a reload would, serve nothing, report every problem |
//! | [`options`] | the command-line options both transports flatten into theirs ([`FleetArgs`]) |
//!
//! Every pipeline loads on the process's one runtime (`cxr_host::Runtime::shared`):
//! fifty tenants share one engine and one epoch ticker thread, and a reload
//! compiles nothing that is already loaded.
//!
//! ```no_run
//! use cxr_fleet::{Fleet, StartupPolicy, TenantSource};
//! let source = TenantSource { config_dir: Some("tenants".into()), ..TenantSource::default() };
//! let fleet = Fleet::load(source, StartupPolicy::ServeHealthy)?;   // compiles every plugin
//! let tenant = fleet.resolve(Some("acme"))?;
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod check;
pub mod fleet;
pub mod logging;
pub mod metrics;
pub mod options;
pub mod signals;
pub mod tenants;
pub mod watch;

pub use fleet::{Fleet, StartupPolicy, TenantError, one_tenant_header};
pub use metrics::DecisionMetrics;
pub use options::FleetArgs;
pub use check::{CheckReport, check};
pub use tenants::{DEFAULT_TENANT, FileProblem, Loaded, RemovedTenant, ReloadReport, Tenant, TenantMap, TenantSource, TenantStatus, valid_tenant_name};
