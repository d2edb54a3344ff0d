//! Prometheus metrics: requests, decisions per queue and discipline,
//! fallbacks, errors, plugin failures and quarantines, per-hook latency,
//! shadow comparisons and reloads. Served as OpenMetrics text on `/metrics`.

use crate::tenants::TenantMap;
use arc_swap::ArcSwap;
use cxr_host::Decision;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// The content type of `/metrics`.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Distinct queue names counted per tenant; further ones are counted as
/// [`OTHER_QUEUE`], so a plugin inventing queue names cannot grow the
/// metrics without bound.
pub const MAX_QUEUES_PER_TENANT: usize = 200;
/// The queue label used beyond [`MAX_QUEUES_PER_TENANT`].
pub const OTHER_QUEUE: &str = "_other";

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
struct DecisionLabels {
    tenant: String,
    queue: String,
    discipline: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HookLabels {
    tenant: String,
    plugin: String,
    hook: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FieldLabels {
    tenant: String,
    field: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn hook_histogram() -> Histogram {
    // 10 µs .. ~1.3 s
    Histogram::new(exponential_buckets(1e-5, 2.0, 18))
}

fn request_histogram() -> Histogram {
    // 100 µs .. ~13 s
    Histogram::new(exponential_buckets(1e-4, 2.0, 18))
}

/// Why a request was refused or failed, for `cxr_http_errors_total{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadInput,
    UnknownTenant,
    NotFound,
    TooLarge,
    Saturated,
    Deadline,
    Unauthorized,
    Internal,
}

impl ErrorKind {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadInput => "bad_input",
            ErrorKind::UnknownTenant => "unknown_tenant",
            ErrorKind::NotFound => "not_found",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Saturated => "saturated",
            ErrorKind::Deadline => "deadline",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Internal => "internal",
        }
    }
}

/// All counters and histograms of one server.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: HistogramFamily<RouteLabels>,
    http_errors: Family<KindLabels, Counter>,
    decisions: Family<DecisionLabels, Counter>,
    fallbacks: Family<TenantLabels, Counter>,
    decision_errors: Family<TenantLabels, Counter>,
    input_errors: Family<TenantLabels, Counter>,
    plugin_failures: Family<HookLabels, Counter>,
    hook_duration: HistogramFamily<HookLabels>,
    shadow_decisions: Family<TenantLabels, Counter>,
    shadow_differing: Family<TenantLabels, Counter>,
    shadow_differences: Family<FieldLabels, Counter>,
    shadow_skipped: Family<TenantLabels, Counter>,
    reloads: Family<OutcomeLabels, Counter>,
    queue_depth: Gauge,
    queue_wait: Histogram,
    queues_seen: Mutex<HashMap<String, HashSet<String>>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Registers every metric. `tenants` and `slots` are read at each scrape
    /// for the per-tenant gauges and the busy decision slots.
    pub fn new(tenants: Arc<ArcSwap<TenantMap>>, slots: Arc<Semaphore>, max_slots: usize, max_queue: usize) -> Self {
        let mut registry = Registry::default();
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
            "Requests refused or failed: bad_input, unknown_tenant, not_found, too_large, saturated, deadline, unauthorized, internal",
            http_errors.clone(),
        );
        let decisions = Family::<DecisionLabels, Counter>::default();
        registry.register(
            "cxr_decisions",
            "Decisions returned, by tenant, queue and discipline",
            decisions.clone(),
        );
        let fallbacks = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_fallbacks",
            "Decisions made by the pipeline's fallback (no router decided, or a plugin failed)",
            fallbacks.clone(),
        );
        let decision_errors = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_decision_errors",
            "Decisions with `error` set: a plugin failed and the fallback decided",
            decision_errors.clone(),
        );
        let input_errors = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_input_errors",
            "Interactions that could not be read (400 on /v1/decide, error records in batches)",
            input_errors.clone(),
        );
        let plugin_failures = Family::<HookLabels, Counter>::default();
        registry.register(
            "cxr_plugin_failures",
            "Hook calls that failed: trap, limit overrun (fuel, deadline, memory), plugin error, contract breach or quarantine",
            plugin_failures.clone(),
        );
        let hook_duration: HistogramFamily<HookLabels> = Family::new_with_constructor(hook_histogram);
        registry.register(
            "cxr_hook_duration_seconds",
            "Wall time of each hook call, by tenant, plugin and hook",
            hook_duration.clone(),
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
            "Differences between shadow and live decisions, by field: queue, discipline, priority_level, sentiment_label",
            shadow_differences.clone(),
        );
        let shadow_skipped = Family::<TenantLabels, Counter>::default();
        registry.register(
            "cxr_shadow_skipped",
            "Interactions not run in shadow because every shadow slot was busy",
            shadow_skipped.clone(),
        );
        let reloads = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "cxr_reloads",
            "Reloads, by outcome: ok, partial (some files failed) or failed",
            reloads.clone(),
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
        registry.register_collector(Box::new(ScrapeTime { tenants, slots, max_slots, max_queue }));
        Metrics {
            registry,
            http_requests,
            http_duration,
            http_errors,
            decisions,
            fallbacks,
            decision_errors,
            input_errors,
            plugin_failures,
            hook_duration,
            shadow_decisions,
            shadow_differing,
            shadow_differences,
            shadow_skipped,
            reloads,
            queue_depth,
            queue_wait,
            queues_seen: Mutex::new(HashMap::new()),
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
    pub fn error(&self, kind: ErrorKind) {
        self.http_errors.get_or_create(&KindLabels { kind: kind.as_str() }).inc();
    }

    /// Counts an interaction that could not be read.
    pub fn input_error(&self, tenant: &str) {
        self.input_errors.get_or_create(&tenant_labels(tenant)).inc();
    }

    /// Counts a live decision: its queue and discipline, fallback, error,
    /// and each hook call's time and outcome. An error record (no route)
    /// counts as an input error.
    pub fn decision(&self, tenant: &str, d: &Decision) {
        let Some(route) = &d.route else {
            self.input_error(tenant);
            return;
        };
        let labels = DecisionLabels {
            tenant: tenant.to_string(),
            queue: self.queue_label(tenant, &route.queue),
            discipline: d.discipline.map_or("none", |x| x.as_str()),
        };
        self.decisions.get_or_create(&labels).inc();
        if route.fallback {
            self.fallbacks.get_or_create(&tenant_labels(tenant)).inc();
        }
        if d.error.is_some() {
            self.decision_errors.get_or_create(&tenant_labels(tenant)).inc();
        }
        for t in &d.trace {
            let labels = HookLabels {
                tenant: tenant.to_string(),
                plugin: cxr_host::text::neutralise(&t.plugin).into_owned(),
                hook: t.hook.clone(),
            };
            self.hook_duration.get_or_create(&labels).observe(t.micros / 1e6);
            if t.outcome == "error" {
                self.plugin_failures.get_or_create(&labels).inc();
            }
        }
    }

    fn queue_label(&self, tenant: &str, queue: &str) -> String {
        let mut seen = self.queues_seen.lock().unwrap_or_else(|e| e.into_inner());
        let queues = seen.entry(tenant.to_string()).or_default();
        if queues.contains(queue) {
            return queue.to_string();
        }
        if queues.len() >= MAX_QUEUES_PER_TENANT {
            return OTHER_QUEUE.to_string();
        }
        queues.insert(queue.to_string());
        queue.to_string()
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

    /// Counts a reload by outcome (`ok`, `partial` or `failed`).
    pub fn reload(&self, outcome: &'static str) {
        self.reloads.get_or_create(&OutcomeLabels { outcome }).inc();
    }
}

fn tenant_labels(tenant: &str) -> TenantLabels {
    TenantLabels {
        tenant: tenant.to_string(),
    }
}

/// Metrics read from the live state at each scrape: busy decision slots,
/// the pipeline each tenant serves, and per-plugin quarantines (from the
/// pipelines' own counters, which start again at 0 when a tenant is reloaded).
struct ScrapeTime {
    tenants: Arc<ArcSwap<TenantMap>>,
    slots: Arc<Semaphore>,
    max_slots: usize,
    max_queue: usize,
}

impl std::fmt::Debug for ScrapeTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrapeTime")
            .field("max_slots", &self.max_slots)
            .finish_non_exhaustive()
    }
}

impl Collector for ScrapeTime {
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

        let map = self.tenants.load();
        let generation = ConstGauge::new(map.generation as i64);
        let e = encoder.encode_descriptor(
            "cxr_tenants_generation",
            "Reload generation of the tenant pipelines now served",
            None,
            generation.metric_type(),
        )?;
        generation.encode(e)?;

        let mut e = encoder.encode_descriptor(
            "cxr_tenant_pipeline",
            "1 for the pipeline (name, version) each tenant serves, live or shadow",
            None,
            MetricType::Gauge,
        )?;
        for t in map.tenants.values() {
            let loaded = std::iter::once(("live", &t.live)).chain(t.shadow.as_ref().map(|s| ("shadow", s)));
            for (role, l) in loaded {
                let labels = [
                    ("tenant", t.name.clone()),
                    ("role", role.to_string()),
                    ("pipeline", l.pipeline.name().to_string()),
                    ("version", l.version.clone()),
                ];
                ConstGauge::new(1i64).encode(e.encode_family(&labels)?)?;
            }
        }

        let stats: Vec<_> = map
            .tenants
            .values()
            .flat_map(|t| t.live.pipeline.stats().into_iter().map(move |s| (t.name.clone(), s)))
            .collect();
        let labels = |tenant: &str, s: &cxr_host::pipeline::StageStats| {
            [
                ("tenant", tenant.to_string()),
                ("plugin", cxr_host::text::neutralise(&s.plugin).into_owned()),
                ("hook", s.hook.as_str().to_string()),
            ]
        };
        let mut e = encoder.encode_descriptor(
            "cxr_plugin_quarantines",
            "Times a live plugin was quarantined after consecutive failures (since its tenant was last loaded)",
            None,
            MetricType::Counter,
        )?;
        for (tenant, s) in &stats {
            ConstCounter::new(s.quarantines).encode(e.encode_family(&labels(tenant, s))?)?;
        }
        let mut e = encoder.encode_descriptor(
            "cxr_plugin_quarantined",
            "1 while a live plugin is in quarantine (not called; the fallback decides)",
            None,
            MetricType::Gauge,
        )?;
        for (tenant, s) in &stats {
            ConstGauge::new(i64::from(s.quarantined)).encode(e.encode_family(&labels(tenant, s))?)?;
        }
        Ok(())
    }
}
