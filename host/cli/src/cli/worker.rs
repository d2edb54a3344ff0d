//! `cxr worker`: decisions from a NATS JetStream stream, one pipeline per tenant.

use anyhow::Result;
use clap::Args;
use cxr_serve::TenantSource;
use cxr_worker::{Tenants, WorkerOptions, options as o};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Decide interactions from NATS JetStream: consume, decide, publish the decision, then acknowledge.
///
/// Reads interactions from the stream --in-stream (created when missing,
/// on --in-subjects) through the durable pull consumer --consumer, shared
/// by every worker: run as many workers as needed, on as many machines.
/// Each decision (the JSON `cxr route` writes) is published to
/// OUT_PREFIX.<queue> with Nats-Msg-Id = the interaction id, into the
/// stream --out-stream (created when missing, deduplicating), and the input
/// is acknowledged only once the broker stored it: a worker killed at any
/// moment loses nothing, and a redelivery is not stored twice.
///
/// A message that cannot be read, names an unknown tenant, or failed
/// --max-deliver times goes to DLQ_PREFIX.<reason> with its original payload
/// and headers, the error in the Cxr-Error header; it never blocks the
/// stream. The tenant comes from the Cxr-Tenant header or the subject
/// (cxr.in.TENANT.CHANNEL; cxr.in.CHANNEL goes to tenant `default`); the
/// subject's last token fills in the channel when the payload has none.
///
/// SIGHUP reloads every pipeline (a file that fails to load leaves the old
/// pipeline deciding); SIGTERM or Ctrl-C stops pulling, finishes and
/// acknowledges what is in flight, drains the connection and exits 0.
/// Prints `worker ready` on stdout once it consumes.
#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  cxr worker --nats nats://127.0.0.1:4222
  cxr worker --nats nats://nats:4222 --config-dir tenants/ --metrics-listen 0.0.0.0:9464 --log-json
  nats pub cxr.in.chat '{\"id\":\"T-1\",\"body\":\"I was charged twice\"}'   # then: nats sub 'cxr.out.>'
  kill -HUP $(pidof cxr)    # reload every tenant

Dead-letter reasons (DLQ_PREFIX.<reason>):
  bad_input        not UTF-8, not JSON, or a field missing or wrong (Cxr-Error names it)
  unknown_tenant   the header or subject names no tenant
  decision_failed  the decision could not be made at all
  max_deliver      delivered --max-deliver times without its decision being stored

Exit status:
  0  stopped by SIGTERM or Ctrl-C, after finishing and acknowledging what was in flight
  1  did not start: a pipeline or tenant file does not load, no connection
     within --connect-timeout-secs, a stream or consumer missing with
     --no-create, an option out of range
  2  invalid command-line usage")]
pub struct WorkerArgs {
    /// The NATS server(s): nats://HOST:PORT, comma-separated for a cluster;
    /// tls:// for TLS; nats://USER:PASS@HOST for credentials.
    #[arg(long, value_name = "URL", env = "NATS_URL")]
    pub nats: String,
    /// A NATS credentials file (JWT and NKey seed).
    #[arg(long, value_name = "FILE", env = "NATS_CREDS")]
    pub creds: Option<PathBuf>,
    /// Directory of tenant pipelines: TENANT.toml per tenant, as for `cxr serve`.
    #[arg(long, value_name = "DIR", conflicts_with = "pipeline")]
    pub config_dir: Option<PathBuf>,
    /// Pipeline of the single tenant `default` when there is no --config-dir.
    /// Default: the reference pipeline built into cxr.
    #[arg(short, long, value_name = "FILE")]
    pub pipeline: Option<PathBuf>,
    /// The input stream (created when missing, as a work queue on --in-subjects).
    #[arg(long, value_name = "NAME", default_value = o::DEFAULT_IN_STREAM)]
    pub in_stream: String,
    /// The input stream's subjects; the consumer's filter.
    #[arg(long, value_name = "FILTER", default_value = o::DEFAULT_IN_SUBJECTS)]
    pub in_subjects: String,
    /// The durable pull consumer shared by every worker.
    #[arg(long, value_name = "NAME", default_value = o::DEFAULT_CONSUMER)]
    pub consumer: String,
    /// Decisions are published to OUT_PREFIX.<queue>.
    #[arg(long, value_name = "SUBJECT", default_value = o::DEFAULT_OUT_PREFIX)]
    pub out_prefix: String,
    /// Dead letters are published to DLQ_PREFIX.<reason>.
    #[arg(long, value_name = "SUBJECT", default_value = o::DEFAULT_DLQ_PREFIX)]
    pub dlq_prefix: String,
    /// The stream that stores decisions and dead letters and deduplicates
    /// them by Nats-Msg-Id (created when missing on OUT_PREFIX.> and DLQ_PREFIX.>).
    #[arg(long, value_name = "NAME", default_value = o::DEFAULT_OUT_STREAM)]
    pub out_stream: String,
    /// Do not create streams or the consumer: they must exist.
    #[arg(long)]
    pub no_create: bool,
    /// The output stream's duplicate window, in seconds (when created here).
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub duplicate_window_secs: u64,
    /// How long the output stream keeps messages, in hours (when created here).
    #[arg(long, value_name = "HOURS", default_value_t = 168)]
    pub out_max_age_hours: u64,
    /// The header naming the tenant (it wins over the subject).
    #[arg(long, value_name = "NAME", default_value = o::DEFAULT_TENANT_HEADER)]
    pub tenant_header: String,
    /// Messages held at once (received, not yet acknowledged); work beyond
    /// waits in the stream. Default: 8 per core.
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<usize>,
    /// Most messages asked for by one pull request. Default: 2 per core.
    #[arg(long, value_name = "N")]
    pub batch: Option<usize>,
    /// Decisions computed at once. Default: one per core.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The consumer's cap on unacknowledged messages over all workers (when created here).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_ack_pending: i64,
    /// Seconds the broker waits for an acknowledgement before redelivering
    /// (when the consumer is created here).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub ack_wait_secs: u64,
    /// Deliveries after which a message whose decision still cannot be stored is dead-lettered.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_deliver: u64,
    /// First retry delay after a transient failure, doubled per delivery (at most 60 s).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub retry_backoff_ms: u64,
    /// How long one pull request waits for messages.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub fetch_wait_ms: u64,
    /// How long a publication waits for the broker's acknowledgement.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub publish_timeout_ms: u64,
    /// After SIGTERM, how long in-flight messages may take to finish, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub drain_secs: u64,
    /// How long to keep trying the first connection, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub connect_timeout_secs: u64,
    /// Serve /metrics (Prometheus), /healthz and /readyz on this address.
    /// Off by default (so several workers can share a machine); port 0 picks a free one.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// The connection's name, as the broker shows it. Default: cxr-worker-PID.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Write logs as JSON lines (on stderr).
    #[arg(long)]
    pub log_json: bool,
}

pub fn run(args: WorkerArgs) -> Result<ExitCode> {
    let defaults = WorkerOptions::default();
    let options = WorkerOptions {
        nats_url: args.nats,
        creds: args.creds,
        name: args.name.unwrap_or(defaults.name.clone()),
        in_stream: args.in_stream,
        in_subjects: args.in_subjects,
        consumer: args.consumer,
        out_prefix: args.out_prefix,
        dlq_prefix: args.dlq_prefix,
        out_stream: Some(args.out_stream),
        create: !args.no_create,
        duplicate_window: Duration::from_secs(args.duplicate_window_secs),
        out_max_age: Duration::from_secs(args.out_max_age_hours.saturating_mul(3600)),
        tenant_header: args.tenant_header,
        max_in_flight: args.max_in_flight.unwrap_or(defaults.max_in_flight),
        batch: args.batch.unwrap_or(defaults.batch),
        jobs: args.jobs.unwrap_or(defaults.jobs),
        max_ack_pending: args.max_ack_pending,
        ack_wait: Duration::from_secs(args.ack_wait_secs),
        max_deliver: args.max_deliver,
        retry_backoff: Duration::from_millis(args.retry_backoff_ms),
        fetch_wait: Duration::from_millis(args.fetch_wait_ms),
        publish_timeout: Duration::from_millis(args.publish_timeout_ms),
        drain_timeout: Duration::from_secs(args.drain_secs),
        connect_timeout: Duration::from_secs(args.connect_timeout_secs),
        lag_interval: defaults.lag_interval,
        metrics_listen: args.metrics_listen,
    };
    options.check().map_err(anyhow::Error::msg)?;
    let tenants = Tenants::load(TenantSource {
        config_dir: args.config_dir,
        pipeline: args.pipeline,
        shadow_dir: None,
        cache_dir: cxr_host::runtime::default_cache_dir(),
    })?;
    let url = options.nats_url.clone();
    cxr_worker::run_until_signalled(options, tenants, |ready| {
        if let Some(addr) = ready.metrics_addr {
            println!("metrics on http://{addr}");
        }
        println!("worker ready: consuming from {url}");
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}
