//! What a worker is told: where the broker is, the names of its streams,
//! consumer and subjects, and its limits ([`WorkerOptions`]; every field has
//! a default that works with nothing but the broker's URL), and the
//! `cxr worker` command line that sets them ([`WorkerArgs`], flattened into
//! the `cxr` binary, with the options every transport shares from
//! `cxr_fleet`).

use crate::subjects;
use clap::Args;
use cxr_fleet::FleetArgs;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Decide interactions from NATS JetStream: consume, decide, publish the decision, then acknowledge.
///
/// Reads interactions from the stream --in-stream (created when missing,
/// on --in-subjects) through the durable pull consumer --consumer, shared
/// by every worker: run as many workers as needed, on as many machines.
/// Each decision (the JSON `cxr route` writes) is published to
/// OUT_PREFIX.<queue> with Nats-Msg-Id = TENANT:ID (its tenant and interaction id), into the
/// stream --out-stream (created when missing, deduplicating), and the input
/// is acknowledged only once the broker stored it: a worker killed at any
/// moment loses nothing, and a redelivery is not stored twice.
///
/// A message that cannot be read, names an unknown tenant, repeats another
/// message's id, or failed --max-deliver times goes to DLQ_PREFIX.<reason>
/// with its original payload (cut to --dead-letter-max-bytes) and headers, the error in the Cxr-Error
/// header; it never blocks the stream. The tenant comes from the Cxr-Tenant
/// header or the subject (cxr.in.TENANT.CHANNEL; cxr.in.CHANNEL goes to
/// tenant `default`); the subject's last token fills in the channel when
/// the payload has none. A Cxr-Now header decides as of that RFC 3339 time;
/// a Cxr-Request-Id header is echoed in the decision and on its message.
///
/// SIGHUP reloads every pipeline (a file that fails to load leaves the old
/// pipeline deciding); SIGTERM or Ctrl-C stops pulling, finishes and
/// acknowledges what is in flight, drains the connection and exits 0.
/// A tenant whose file fails to load at start is not served (its messages
/// wait, then go to max_deliver), unless --strict refuses the start.
/// Prints `worker ready` on stdout once it consumes.
#[derive(Args, Debug, Clone)]
#[command(after_help = "\
Examples:
  cxr worker --nats nats://127.0.0.1:4222
  cxr worker --nats nats://nats:4222 --config-dir tenants/ --metrics-listen 0.0.0.0:9464 --log-json
  nats pub cxr.in.chat '{\"id\":\"T-1\",\"body\":\"I was charged twice\"}'   # then: nats sub 'cxr.out.>'
  nats pub cxr.in.chat -H 'Cxr-Now:2026-11-22T10:00:00Z' -H 'Cxr-Request-Id:r-42' '{\"id\":\"T-2\",\"body\":\"hi\"}'
  kill -HUP $(pidof cxr)    # reload every tenant

Dead-letter reasons (DLQ_PREFIX.<reason>):
  bad_input        not UTF-8, blank, over --max-input-bytes (1 MiB), not JSON, a field missing
                   or wrong, a bad Cxr-Now / Cxr-Request-Id header, or the tenant header
                   given twice (Cxr-Error names it)
  unknown_tenant   the header or subject names no tenant
  duplicate_id     another message with the same id (same tenant) was already decided
                   within the output stream's duplicate window
  decision_failed  the decision could not be made at all
  too_large        its decision, with its headers, is over the broker's max_payload
  max_deliver      delivered --max-deliver times without its decision being stored

Every dead letter carries at most --dead-letter-max-bytes of the original payload (cut to
fit the broker's max_payload), with Cxr-Original-Size, Cxr-Original-Sha256 and, when cut,
Cxr-Truncated: true; it is stored under Nats-Msg-Id DLQ:<stream>:<sequence> (the original
Nats-Msg-Id in Cxr-Original-Msg-Id). Decisions are stored under Nats-Msg-Id TENANT:ID, for
every tenant, `default` included (docs/scaling.md).

Exit status:
  0  stopped by SIGTERM or Ctrl-C, after finishing and acknowledging what was in flight
  1  did not start: no tenant loads (with --strict: any tenant file fails to
     load), no connection within --connect-timeout-secs, a stream or consumer
     missing with --no-create, an option out of range
  2  invalid command-line usage")]
pub struct WorkerArgs {
    /// The NATS server(s): nats://HOST:PORT, comma-separated for a cluster;
    /// tls:// for TLS; nats://USER:PASS@HOST for credentials.
    #[arg(long, value_name = "URL", env = "NATS_URL")]
    pub nats: String,
    /// A NATS credentials file (JWT and NKey seed).
    #[arg(long, value_name = "FILE", env = "NATS_CREDS")]
    pub creds: Option<PathBuf>,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// The input stream (created when missing, as a work queue on --in-subjects).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_IN_STREAM)]
    pub in_stream: String,
    /// The input stream's subjects; the consumer's filter.
    #[arg(long, value_name = "FILTER", default_value = DEFAULT_IN_SUBJECTS)]
    pub in_subjects: String,
    /// The durable pull consumer shared by every worker.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_CONSUMER)]
    pub consumer: String,
    /// Decisions are published to OUT_PREFIX.<queue>.
    #[arg(long, value_name = "SUBJECT", default_value = DEFAULT_OUT_PREFIX)]
    pub out_prefix: String,
    /// Dead letters are published to DLQ_PREFIX.<reason>.
    #[arg(long, value_name = "SUBJECT", default_value = DEFAULT_DLQ_PREFIX)]
    pub dlq_prefix: String,
    /// The stream that stores decisions and dead letters and deduplicates
    /// them by Nats-Msg-Id (created when missing on OUT_PREFIX.> and DLQ_PREFIX.>).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_OUT_STREAM)]
    pub out_stream: String,
    /// Do not create streams or the consumer: they must exist.
    #[arg(long)]
    pub no_create: bool,
    /// The output stream's duplicate window, in seconds (when created here):
    /// also how long a repeated id is recognised.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub duplicate_window_secs: u64,
    /// How long the output stream keeps messages, in hours (when created here).
    #[arg(long, value_name = "HOURS", default_value_t = 168)]
    pub out_max_age_hours: u64,
    /// The header naming the tenant (it wins over the subject; given twice, the message is dead-lettered).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_TENANT_HEADER)]
    pub tenant_header: String,
    /// Largest interaction payload decided, in bytes; a longer one is
    /// dead-lettered (bad_input). The default is the 1 MiB every front end applies.
    #[arg(long, value_name = "BYTES", default_value_t = cxr_host::policy::MAX_INTERACTION_BYTES)]
    pub max_input_bytes: usize,
    /// Most bytes of the original payload a dead letter carries; a longer
    /// payload is cut (Cxr-Truncated: true), its size and SHA-256 in
    /// Cxr-Original-Size and Cxr-Original-Sha256. Also cut to fit the broker's max_payload.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_DEAD_LETTER_MAX_BYTES)]
    pub dead_letter_max_bytes: usize,
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
}

impl WorkerArgs {
    /// The worker options these arguments give, checked (the error names the flag).
    pub fn options(&self) -> Result<WorkerOptions, String> {
        let defaults = WorkerOptions::default();
        let options = WorkerOptions {
            nats_url: self.nats.clone(),
            creds: self.creds.clone(),
            name: self.name.clone().unwrap_or(defaults.name.clone()),
            in_stream: self.in_stream.clone(),
            in_subjects: self.in_subjects.clone(),
            consumer: self.consumer.clone(),
            out_prefix: self.out_prefix.clone(),
            dlq_prefix: self.dlq_prefix.clone(),
            out_stream: Some(self.out_stream.clone()),
            create: !self.no_create,
            duplicate_window: Duration::from_secs(self.duplicate_window_secs),
            out_max_age: Duration::from_secs(self.out_max_age_hours.saturating_mul(3600)),
            tenant_header: self.tenant_header.clone(),
            max_input_bytes: self.max_input_bytes,
            dead_letter_max_bytes: self.dead_letter_max_bytes,
            max_in_flight: self.max_in_flight.unwrap_or(defaults.max_in_flight),
            batch: self.batch.unwrap_or(defaults.batch),
            jobs: self.jobs.unwrap_or(defaults.jobs),
            max_ack_pending: self.max_ack_pending,
            ack_wait: Duration::from_secs(self.ack_wait_secs),
            max_deliver: self.max_deliver,
            retry_backoff: Duration::from_millis(self.retry_backoff_ms),
            fetch_wait: Duration::from_millis(self.fetch_wait_ms),
            publish_timeout: Duration::from_millis(self.publish_timeout_ms),
            drain_timeout: Duration::from_secs(self.drain_secs),
            connect_timeout: Duration::from_secs(self.connect_timeout_secs),
            lag_interval: defaults.lag_interval,
            metrics_listen: self.metrics_listen,
        };
        options.check()?;
        Ok(options)
    }
}

/// The input stream created when missing.
pub const DEFAULT_IN_STREAM: &str = "CXR_IN";
/// The subjects of the input stream.
pub const DEFAULT_IN_SUBJECTS: &str = "cxr.in.>";
/// The durable pull consumer every worker shares.
pub const DEFAULT_CONSUMER: &str = "cxr-workers";
/// Decisions go to `cxr.out.<queue>`.
pub const DEFAULT_OUT_PREFIX: &str = "cxr.out";
/// Dead letters go to `cxr.dlq.<reason>`.
pub const DEFAULT_DLQ_PREFIX: &str = "cxr.dlq";
/// The stream storing decisions and dead letters, created when missing.
pub const DEFAULT_OUT_STREAM: &str = "CXR_OUT";
/// Most bytes of the original payload a dead letter carries (64 KiB).
pub const DEFAULT_DEAD_LETTER_MAX_BYTES: usize = 64 << 10;
/// The header naming the tenant (it wins over the subject).
pub const DEFAULT_TENANT_HEADER: &str = "Cxr-Tenant";

/// How one worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The broker: `nats://host:4222` (several comma-separated URLs for a
    /// cluster; `tls://` for TLS; `nats://user:pass@host` for credentials).
    pub nats_url: String,
    /// A credentials file (JWT and NKey seed) for the connection.
    pub creds: Option<PathBuf>,
    /// The connection's name, as the broker shows it.
    pub name: String,
    /// The stream interactions are read from.
    pub in_stream: String,
    /// The input stream's subjects (also the consumer's filter).
    pub in_subjects: String,
    /// The durable pull consumer shared by every worker.
    pub consumer: String,
    /// Decisions are published to `OUT_PREFIX.<queue>`.
    pub out_prefix: String,
    /// Dead letters are published to `DLQ_PREFIX.<reason>`.
    pub dlq_prefix: String,
    /// The stream capturing decisions and dead letters (deduplicating by
    /// `Nats-Msg-Id`); `None` when the operator manages it.
    pub out_stream: Option<String>,
    /// Create the streams and the consumer when they are missing.
    pub create: bool,
    /// The output stream's duplicate window (when created here).
    pub duplicate_window: Duration,
    /// How long the output stream keeps messages (when created here).
    pub out_max_age: Duration,
    /// The header naming the tenant.
    pub tenant_header: String,
    /// Largest interaction payload decided, in bytes (default
    /// `cxr_host::policy::MAX_INTERACTION_BYTES`, 1 MiB); longer ones are dead-lettered.
    pub max_input_bytes: usize,
    /// Most bytes of the original payload a dead letter carries (also cut
    /// to fit the broker's `max_payload`).
    pub dead_letter_max_bytes: usize,
    /// Messages held at once (fetched and not yet acknowledged): work beyond
    /// waits in the stream.
    pub max_in_flight: usize,
    /// Most messages asked for by one pull request.
    pub batch: usize,
    /// Decisions computed at once (threads of the blocking pool).
    pub jobs: usize,
    /// The consumer's cap on unacknowledged messages over every worker
    /// (when created here).
    pub max_ack_pending: i64,
    /// How long the broker waits for an acknowledgement before it
    /// redelivers (when the consumer is created here).
    pub ack_wait: Duration,
    /// Deliveries after which a message that still fails is dead-lettered.
    pub max_deliver: u64,
    /// The first retry delay after a transient failure; doubled per
    /// delivery, at most [`MAX_BACKOFF`].
    pub retry_backoff: Duration,
    /// How long one pull request waits for messages.
    pub fetch_wait: Duration,
    /// How long a publish waits for the broker's acknowledgement.
    pub publish_timeout: Duration,
    /// After SIGTERM, how long in-flight messages may take to finish.
    pub drain_timeout: Duration,
    /// How long to keep trying the first connection.
    pub connect_timeout: Duration,
    /// How often the consumer's lag is read for the metrics.
    pub lag_interval: Duration,
    /// Where `/metrics`, `/healthz` and `/readyz` are served; off when `None`.
    pub metrics_listen: Option<SocketAddr>,
}

/// The longest retry delay.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The number of cores, at least 1.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Default for WorkerOptions {
    fn default() -> Self {
        let cores = cores();
        WorkerOptions {
            nats_url: "nats://127.0.0.1:4222".to_string(),
            creds: None,
            name: format!("cxr-worker-{}", std::process::id()),
            in_stream: DEFAULT_IN_STREAM.to_string(),
            in_subjects: DEFAULT_IN_SUBJECTS.to_string(),
            consumer: DEFAULT_CONSUMER.to_string(),
            out_prefix: DEFAULT_OUT_PREFIX.to_string(),
            dlq_prefix: DEFAULT_DLQ_PREFIX.to_string(),
            out_stream: Some(DEFAULT_OUT_STREAM.to_string()),
            create: true,
            duplicate_window: Duration::from_secs(120),
            out_max_age: Duration::from_secs(7 * 24 * 3600),
            tenant_header: DEFAULT_TENANT_HEADER.to_string(),
            max_input_bytes: cxr_host::policy::MAX_INTERACTION_BYTES,
            dead_letter_max_bytes: DEFAULT_DEAD_LETTER_MAX_BYTES,
            max_in_flight: 8 * cores,
            batch: 2 * cores,
            jobs: cores,
            max_ack_pending: 1000,
            ack_wait: Duration::from_secs(10),
            max_deliver: 5,
            retry_backoff: Duration::from_secs(1),
            fetch_wait: Duration::from_secs(2),
            publish_timeout: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(30),
            lag_interval: Duration::from_secs(5),
            metrics_listen: None,
        }
    }
}

impl WorkerOptions {
    /// Checks names and limits; the error names the option.
    pub fn check(&self) -> Result<(), String> {
        for (flag, name) in [("--in-stream", &self.in_stream), ("--consumer", &self.consumer)] {
            check_name(flag, name)?;
        }
        if let Some(s) = &self.out_stream {
            check_name("--out-stream", s)?;
        }
        subjects::check_filter("--in-subjects", &self.in_subjects)?;
        subjects::check_prefix("--out-prefix", &self.out_prefix)?;
        subjects::check_prefix("--dlq-prefix", &self.dlq_prefix)?;
        if self.out_prefix == self.dlq_prefix {
            return Err("--out-prefix and --dlq-prefix must differ".to_string());
        }
        let input = subjects::literal_prefix(&self.in_subjects).join(".");
        for (flag, p) in [("--out-prefix", &self.out_prefix), ("--dlq-prefix", &self.dlq_prefix)] {
            if overlaps(&input, p) {
                return Err(format!(
                    "{flag} {p:?} overlaps the input subjects {:?}: decisions would be read back as interactions",
                    self.in_subjects
                ));
            }
        }
        if self.tenant_header.is_empty() || !self.tenant_header.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(format!("--tenant-header {:?} is not a header name", self.tenant_header));
        }
        for (flag, v) in [
            ("--max-in-flight", self.max_in_flight as u64),
            ("--batch", self.batch as u64),
            ("--jobs", self.jobs as u64),
            ("--max-ack-pending", self.max_ack_pending.max(0) as u64),
            ("--max-deliver", self.max_deliver),
            ("--ack-wait-secs", self.ack_wait.as_millis() as u64),
            ("--fetch-wait-ms", self.fetch_wait.as_millis() as u64),
            ("--publish-timeout-ms", self.publish_timeout.as_millis() as u64),
            ("--max-input-bytes", self.max_input_bytes as u64),
        ] {
            if v == 0 {
                return Err(format!("{flag} must be at least 1"));
            }
        }
        Ok(())
    }

    /// The delay before redelivery after a transient failure on delivery
    /// number `delivered` (1 for the first): the backoff doubled per
    /// delivery, capped at [`MAX_BACKOFF`].
    pub fn backoff(&self, delivered: u64) -> Duration {
        let doublings = delivered.saturating_sub(1).min(16) as u32;
        self.retry_backoff.saturating_mul(1 << doublings).min(MAX_BACKOFF)
    }
}

/// Stream and consumer names: letters, digits, `_` and `-`, at most 255.
fn check_name(flag: &str, name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 255 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        Err(format!("{flag} {name:?} is not a stream or consumer name (letters, digits, _ and -)"))
    } else {
        Ok(())
    }
}

/// Whether subjects under `a` and under `b` can coincide (one prefix is a
/// token-wise prefix of the other).
fn overlaps(a: &str, b: &str) -> bool {
    if a.is_empty() {
        return true;
    }
    let (ta, tb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    ta.iter().zip(&tb).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_their_own_checks() {
        WorkerOptions::default().check().unwrap();
    }

    #[test]
    fn bad_options_are_named() {
        let bad = |f: fn(&mut WorkerOptions), flag: &str| {
            let mut o = WorkerOptions::default();
            f(&mut o);
            let e = o.check().unwrap_err();
            assert!(e.contains(flag), "{e}");
        };
        bad(|o| o.in_stream = "CXR IN".into(), "--in-stream");
        bad(|o| o.consumer = "a.b".into(), "--consumer");
        bad(|o| o.out_prefix = "cxr.out.>".into(), "--out-prefix");
        bad(|o| o.dlq_prefix = "cxr.out".into(), "--dlq-prefix");
        bad(|o| o.out_prefix = "cxr.in".into(), "--out-prefix");
        bad(|o| o.out_prefix = "cxr".into(), "--out-prefix");
        bad(|o| o.max_in_flight = 0, "--max-in-flight");
        bad(|o| o.max_deliver = 0, "--max-deliver");
        bad(|o| o.tenant_header = "X Tenant".into(), "--tenant-header");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let o = WorkerOptions::default();
        assert_eq!(o.backoff(1), Duration::from_secs(1));
        assert_eq!(o.backoff(2), Duration::from_secs(2));
        assert_eq!(o.backoff(4), Duration::from_secs(8));
        assert_eq!(o.backoff(100), MAX_BACKOFF);
    }
}
