//! Prometheus metrics of a worker: messages processed, acknowledged,
//! redelivered and dead-lettered (by reason), message latency, in-flight
//! work, the consumer's lag and the broker connection; with the decision
//! metrics every transport shares (`cxr_fleet::metrics`: decisions,
//! fallbacks, errors by kind, per-hook latency and failures, decision time,
//! reloads, tenants), under the same names as `cxr serve`.

use crate::dead_letter::Reason;
use cxr_fleet::Fleet;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The content type of `/metrics`.
pub use cxr_fleet::metrics::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// How the handling of one message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its decision was stored by the broker and the message acknowledged.
    Decided,
    /// Its dead letter was stored and the message acknowledged.
    DeadLettered,
    /// A transient failure: negatively acknowledged, redelivered later.
    Retried,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Decided => "decided",
            Outcome::DeadLettered => "dead_lettered",
            Outcome::Retried => "retried",
        }
    }
}

/// Every metric of one worker.
pub struct Metrics {
    registry: Registry,
    processed: Family<OutcomeLabels, Counter>,
    acked: Counter,
    redelivered: Counter,
    dead_lettered: Family<ReasonLabels, Counter>,
    duplicates: Counter,
    publish_errors: Counter,
    fetch_errors: Counter,
    message_seconds: Histogram,
    in_flight: Gauge,
    pending: Gauge,
    ack_pending: Gauge,
    connected: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn counter(registry: &mut Registry, name: &str, help: &str) -> Counter {
    let c = Counter::default();
    registry.register(name, help, c.clone());
    c
}

fn gauge(registry: &mut Registry, name: &str, help: &str) -> Gauge {
    let g = Gauge::default();
    registry.register(name, help, g.clone());
    g
}

impl Metrics {
    /// Registers every metric, the fleet's decision metrics included;
    /// `in_flight_limit` is exported as a constant.
    pub fn new(in_flight_limit: usize, fleet: &Fleet) -> Self {
        let mut r = Registry::default();
        fleet.register_metrics(&mut r);
        let processed = Family::<OutcomeLabels, Counter>::default();
        r.register(
            "cxr_worker_processed",
            "Messages handled, by outcome: decided, dead_lettered, retried (negatively acknowledged for redelivery)",
            processed.clone(),
        );
        let acked = counter(&mut r, "cxr_worker_acked", "Messages acknowledged after their decision or dead letter was stored");
        let redelivered = counter(
            &mut r,
            "cxr_worker_redelivered",
            "Messages received on a second or later delivery (a worker died, or a retry)",
        );
        let dead_lettered = Family::<ReasonLabels, Counter>::default();
        r.register(
            "cxr_worker_dead_lettered",
            "Dead letters stored, by reason: bad_input, unknown_tenant, decision_failed, max_deliver",
            dead_lettered.clone(),
        );
        let duplicates = counter(
            &mut r,
            "cxr_worker_duplicates",
            "Publications the broker recognised as duplicates (same Nats-Msg-Id within the window) and did not store again",
        );
        let publish_errors = counter(&mut r, "cxr_worker_publish_errors", "Publications that got no acknowledgement from the broker");
        let fetch_errors = counter(&mut r, "cxr_worker_fetch_errors", "Pull requests that failed (broker unreachable, consumer missing)");
        // 100 µs .. ~13 s
        let message_seconds = Histogram::new(exponential_buckets(1e-4, 2.0, 18));
        r.register(
            "cxr_worker_message_seconds",
            "Time from receiving a message to acknowledging it (decide, publish, publish acknowledgement)",
            message_seconds.clone(),
        );
        let in_flight = gauge(&mut r, "cxr_worker_in_flight", "Messages held now: received and not yet acknowledged");
        let limit = gauge(
            &mut r,
            "cxr_worker_in_flight_limit",
            "Most messages held at once (--max-in-flight); beyond it work waits in the stream",
        );
        limit.set(in_flight_limit as i64);
        let pending = gauge(
            &mut r,
            "cxr_worker_consumer_pending",
            "Consumer lag: messages in the stream not yet delivered to any worker (read periodically)",
        );
        let ack_pending = gauge(
            &mut r,
            "cxr_worker_consumer_ack_pending",
            "Messages delivered to the workers of the consumer and not yet acknowledged (read periodically)",
        );
        let connected = gauge(&mut r, "cxr_worker_broker_connected", "1 while connected to the broker, else 0");
        Metrics {
            registry: r,
            processed,
            acked,
            redelivered,
            dead_lettered,
            duplicates,
            publish_errors,
            fetch_errors,
            message_seconds,
            in_flight,
            pending,
            ack_pending,
            connected,
        }
    }

    /// The metrics as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// Counts a handled message.
    pub fn processed(&self, outcome: Outcome, seconds: f64) {
        self.processed
            .get_or_create(&OutcomeLabels {
                outcome: outcome.as_str(),
            })
            .inc();
        if outcome != Outcome::Retried {
            self.message_seconds.observe(seconds);
        }
    }

    /// Counts an acknowledgement.
    pub fn acked(&self) {
        self.acked.inc();
    }

    /// Counts a message seen again.
    pub fn redelivered(&self) {
        self.redelivered.inc();
    }

    /// Counts a stored dead letter.
    pub fn dead_lettered(&self, reason: Reason) {
        self.dead_lettered
            .get_or_create(&ReasonLabels {
                reason: reason.as_str(),
            })
            .inc();
    }

    /// Counts a publication the broker had already stored.
    pub fn duplicate(&self) {
        self.duplicates.inc();
    }

    /// Counts a publication without acknowledgement.
    pub fn publish_error(&self) {
        self.publish_errors.inc();
    }

    /// Counts a failed pull request.
    pub fn fetch_error(&self) {
        self.fetch_errors.inc();
    }

    /// A message was received.
    pub fn message_started(&self) {
        self.in_flight.inc();
    }

    /// A message was acknowledged (or negatively acknowledged).
    pub fn message_finished(&self) {
        self.in_flight.dec();
    }

    /// The consumer's pending and unacknowledged counts.
    pub fn set_lag(&self, pending: u64, ack_pending: u64) {
        self.pending.set(pending as i64);
        self.ack_pending.set(ack_pending as i64);
    }

    /// Whether the broker connection is up.
    pub fn set_connected(&self, up: bool) {
        self.connected.set(i64::from(up));
    }
}
