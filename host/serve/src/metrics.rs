//! Prometheus metrics of the service: HTTP requests and errors, the
//! decision queue and slots, shadow comparisons; with the decision metrics
//! every transport shares (`cxr_fleet::metrics`: decisions, fallbacks,
//! errors by kind, per-hook latency and failures, reloads, tenants).
//! Served as OpenMetrics text on `/metrics`.

use cxr_fleet::Fleet;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use tokio::sync::Semaphore;

pub use cxr_fleet::metrics::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantLabels {
    tenant: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FieldLabels {
    tenant: String,
    field: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 100 µs .. ~13 s
    Histogram::new(exponential_buckets(1e-4, 2.0, 18))
}

/// Why a request was refused or failed, for `cxr_http_errors_total{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    BadInput,
    UnknownTenant,
    /// The tenant exists but its pipeline failed to load.
    TenantUnavailable,
    NotFound,
    TooLarge,
    Saturated,
    Deadline,
    Unauthorized,
    Internal,
}

impl HttpErrorKind {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpErrorKind::BadInput => "bad_input",
            HttpErrorKind::UnknownTenant => "unknown_tenant",
            HttpErrorKind::TenantUnavailable => "tenant_unavailable",
            HttpErrorKind::NotFound => "not_found",
            HttpErrorKind::TooLarge => "too_large",
            HttpErrorKind::Saturated => "saturated",
            HttpErrorKind::Deadline => "deadline",
            HttpErrorKind::Unauthorized => "unauthorized",
            HttpErrorKind::Internal => "internal",
        }
    }
}

/// All counters and histograms of one server.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: HistogramFamily<RouteLabels>,
    http_errors: Family<KindLabels, Counter>,
    shadow_decisions: Family<TenantLabels, Counter>,
    shadow_differing: Family<TenantLabels, Counter>,
    shadow_differences: Family<FieldLabels, Counter>,
    shadow_skipped: Family<TenantLabels, Counter>,
    queue_depth: Gauge,
    queue_wait: Histogram,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Registers every metric, the fleet's decision metrics included.
    /// `slots` is read at each scrape for the busy decision slots.
    pub fn new(fleet: &Fleet, slots: Arc<Semaphore>, max_slots: usize, max_queue: usize) -> Self {
        let mut registry = Registry::default();
        fleet.register_metrics(&mut registry);
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "cxr_http_requests",
            "HTTP requests answered, by route, method and status",
            http_requests.clone(),
        );
        let http_duration: HistogramFamily<RouteLabels> = Family::new_with_constructor(request_histogram);
        registry.register(
            "cxr_http_request_duration_seconds",
            "HTTP request latency, by route",
            http_duration.clone(),
        );
        let http_errors = Family::<KindLabels, Counter>::default();
        registry.register(
            "cxr_http_errors",
            "Requests refused or failed: bad_input, unknown_tenant, tenant_unavailable, not_found, too_large, saturated, deadline, unauthorized, internal",
            http_errors.clone(),
        );
        let shadow_decisions = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_shadow_decisions",
            "Interactions decided by a tenant's shadow pipeline and compared",
            shadow_decisions.clone(),
        );
        let shadow_differing = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_shadow_differing_decisions",
            "Shadow decisions that differ from the live one in at least one compared field",
            shadow_differing.clone(),
        );
        let shadow_differences = Family::<FieldLabels, Counter>::default();
        registry.register(
            "cxr_shadow_differences",
            "Differences between shadow and live decisions, by decision field (cxr_host::DecisionField: queue, discipline, level, score, due, label, sentiment_score, signals, skills, language, tags, actions, rule, degraded, error)",
            shadow_differences.clone(),
        );
        let shadow_skipped = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_shadow_skipped",
            "Interactions not run in shadow because every shadow slot was busy",
            shadow_skipped.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "cxr_decide_queue_depth",
            "Requests waiting for a decision slot now",
            queue_depth.clone(),
        );
        let queue_wait = request_histogram();
        registry.register(
            "cxr_decide_queue_wait_seconds",
            "Time each decide request waited for a decision slot (0 when one was free), expired waits included",
            queue_wait.clone(),
        );
        registry.register_collector(Box::new(Slots { slots, max_slots, max_queue }));
        Metrics {
            registry,
            http_requests,
            http_duration,
            http_errors,
            shadow_decisions,
            shadow_differing,
            shadow_differences,
            shadow_skipped,
            queue_depth,
            queue_wait,
        }
    }

    /// The metrics as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// Counts an answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.http_requests
            .get_or_create(&HttpLabels {
                route: route.to_string(),
                method: method.to_string(),
                status,
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels { route: route.to_string() })
            .observe(seconds);
    }

    /// A request started waiting for a decision slot (`+1`) or stopped (`-1`).
    pub fn queue_depth(&self, delta: i64) {
        self.queue_depth.inc_by(delta);
    }

    /// How long a request waited for its decision slot.
    pub fn queue_wait(&self, seconds: f64) {
        self.queue_wait.observe(seconds);
    }

    /// Counts a refused or failed request.
    pub fn error(&self, kind: HttpErrorKind) {
        self.http_errors.get_or_create(&KindLabels { kind: kind.as_str() }).inc();
    }

    /// Counts one shadow comparison and the fields that differed.
    pub fn shadow(&self, tenant: &str, differing_fields: &[&'static str]) {
        self.shadow_decisions.get_or_create(&tenant_labels(tenant)).inc();
        if !differing_fields.is_empty() {
            self.shadow_differing.get_or_create(&tenant_labels(tenant)).inc();
        }
        for field in differing_fields {
            self.shadow_differences
                .get_or_create(&FieldLabels {
                    tenant: tenant.to_string(),
                    field,
                })
                .inc();
        }
    }

    /// Counts interactions not run in shadow for lack of a free slot.
    pub fn shadow_skipped(&self, tenant: &str, n: u64) {
        self.shadow_skipped.get_or_create(&tenant_labels(tenant)).inc_by(n);
    }

}

fn tenant_labels(tenant: &str) -> TenantLabels {
    TenantLabels {
        tenant: tenant.to_string(),
    }
}

/// The decision slots, read at each scrape.
struct Slots {
    slots: Arc<Semaphore>,
    max_slots: usize,
    max_queue: usize,
}

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots").field("max_slots", &self.max_slots).finish_non_exhaustive()
    }
}

impl Collector for Slots {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let busy = ConstGauge::new(self.max_slots.saturating_sub(self.slots.available_permits()) as i64);
        let e = encoder.encode_descriptor(
            "cxr_decide_slots_busy",
            "Decision slots in use (requests being decided)",
            None,
            busy.metric_type(),
        )?;
        busy.encode(e)?;
        let limit = ConstGauge::new(self.max_slots as i64);
        let e = encoder.encode_descriptor("cxr_decide_slots", "Decision slots (--max-concurrency)", None, limit.metric_type())?;
        limit.encode(e)?;
        let queue = ConstGauge::new(self.max_queue as i64);
        let e = encoder.encode_descriptor(
            "cxr_decide_queue_limit",
            "Requests that may wait for a decision slot (--max-queue)",
            None,
            queue.metric_type(),
        )?;
        queue.encode(e)?;
        Ok(())
    }
}
