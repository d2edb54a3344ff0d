//! The decision metrics of a process, one set of names for the service and
//! the worker: decisions per tenant, queue and discipline, fallbacks,
//! errors by kind, input errors, degraded stages, per-hook latency and failures, decision
//! time, reloads, and, read at each scrape, the pipeline each tenant
//! serves, broken tenants and quarantined plugins. Labels read decisions
//! through the one vocabulary of decision fields (`cxr_host::fields`).

use crate::fleet::Fleet;
use cxr_host::text::neutralise;
use cxr_host::{Decision, DecisionField, TraceOutcome};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The content type of `/metrics`.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Distinct queue names counted per tenant; further ones are counted as
/// [`OTHER_QUEUE`], so a plugin inventing queue names cannot grow the
/// metrics without bound.
pub const MAX_QUEUES_PER_TENANT: usize = 200;
/// The queue label used beyond [`MAX_QUEUES_PER_TENANT`].
pub const OTHER_QUEUE: &str = "_other";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantLabels {
    tenant: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    tenant: String,
    queue: String,
    discipline: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    tenant: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HookLabels {
    tenant: String,
    plugin: String,
    hook: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    tenant: String,
    stage: String,
    plugin: String,
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

/// The decision metrics; every series carries the tenant.
pub struct DecisionMetrics {
    decisions: Family<DecisionLabels, Counter>,
    fallbacks: Family<TenantLabels, Counter>,
    decision_errors: Family<TenantLabels, Counter>,
    errors: Family<KindLabels, Counter>,
    input_errors: Family<TenantLabels, Counter>,
    plugin_failures: Family<HookLabels, Counter>,
    stage_degraded: Family<StageLabels, Counter>,
    hook_duration: HistogramFamily<HookLabels>,
    decision_duration: HistogramFamily<TenantLabels>,
    reloads: Family<OutcomeLabels, Counter>,
    queues_seen: Mutex<HashMap<String, HashSet<String>>>,
}

impl std::fmt::Debug for DecisionMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionMetrics").finish_non_exhaustive()
    }
}

impl Default for DecisionMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl DecisionMetrics {
    /// Every family, not registered yet.
    pub fn new() -> Self {
        DecisionMetrics {
            decisions: Family::default(),
            fallbacks: Family::default(),
            decision_errors: Family::default(),
            errors: Family::default(),
            input_errors: Family::default(),
            plugin_failures: Family::default(),
            stage_degraded: Family::default(),
            hook_duration: Family::new_with_constructor(hook_histogram),
            decision_duration: Family::new_with_constructor(hook_histogram),
            reloads: Family::default(),
            queues_seen: Mutex::new(HashMap::new()),
        }
    }

    fn register(&self, r: &mut Registry) {
        r.register("cxr_decisions", "Decisions made, by tenant, queue and discipline", self.decisions.clone());
        r.register(
            "cxr_fallbacks",
            "Decisions made by the pipeline's fallback (no router decided, or a plugin failed)",
            self.fallbacks.clone(),
        );
        r.register(
            "cxr_decision_errors",
            "Decisions with `error` set: a plugin failed and the fallback decided (or the stage failed closed)",
            self.decision_errors.clone(),
        );
        r.register(
            "cxr_errors",
            "Decisions and error records with `error` set, by error_kind: fuel, deadline, memory, trap, plugin, contract, unknown_queue, quarantined, input, duplicate",
            self.errors.clone(),
        );
        r.register(
            "cxr_input_errors",
            "Inputs that could not be decided: unreadable, or a repeated id (400s, error records, dead letters)",
            self.input_errors.clone(),
        );
        r.register(
            "cxr_plugin_failures",
            "Hook calls that failed: trap, limit overrun (fuel, deadline, memory), plugin error, contract breach or quarantine",
            self.plugin_failures.clone(),
        );
        r.register(
            "cxr_stage_degraded",
            "Decisions that went on without a failed stage (on_failure = \"degrade\"), by tenant, stage (sentiment, classifiers[0], priority, routers[1]) and plugin",
            self.stage_degraded.clone(),
        );
        r.register(
            "cxr_hook_duration_seconds",
            "Wall time of each hook call, by tenant, plugin and hook",
            self.hook_duration.clone(),
        );
        r.register(
            "cxr_decision_seconds",
            "Time to decide one interaction (Pipeline::decide), by tenant",
            self.decision_duration.clone(),
        );
        r.register(
            "cxr_reloads",
            "Reloads, by outcome: ok, partial (some files failed) or failed",
            self.reloads.clone(),
        );
    }

    /// Counts an input that could not be decided (unreadable, or a repeated id).
    pub fn input_error(&self, tenant: &str, kind: cxr_host::ErrorKind) {
        self.input_errors.get_or_create(&tenant_labels(tenant)).inc();
        self.errors
            .get_or_create(&KindLabels {
                tenant: tenant.to_string(),
                kind: kind.as_str().to_string(),
            })
            .inc();
    }

    /// Counts a decision of `tenant` (that took `seconds`, when timed alone):
    /// its queue and discipline, fallback, error, and each hook call's time
    /// and outcome. An error record counts as an input error.
    pub fn decision(&self, tenant: &str, d: &Decision, seconds: Option<f64>) {
        if d.is_error_record() {
            self.input_error(tenant, d.error_kind.unwrap_or(cxr_host::ErrorKind::Input));
            return;
        }
        if let Some(seconds) = seconds {
            self.decision_duration.get_or_create(&tenant_labels(tenant)).observe(seconds);
        }
        if let Some(route) = &d.route {
            let labels = DecisionLabels {
                tenant: tenant.to_string(),
                queue: self.queue_label(tenant, &DecisionField::Queue.read(d)),
                discipline: match d.discipline {
                    Some(_) => DecisionField::Discipline.read(d),
                    None => "none".to_string(),
                },
            };
            self.decisions.get_or_create(&labels).inc();
            if route.fallback {
                self.fallbacks.get_or_create(&tenant_labels(tenant)).inc();
            }
        }
        if d.error.is_some() {
            self.decision_errors.get_or_create(&tenant_labels(tenant)).inc();
            self.errors
                .get_or_create(&KindLabels {
                    tenant: tenant.to_string(),
                    kind: DecisionField::Error.read(d),
                })
                .inc();
        }
        for g in &d.degraded {
            let labels = StageLabels {
                tenant: tenant.to_string(),
                stage: neutralise(&g.stage).into_owned(),
                plugin: neutralise(&g.plugin).into_owned(),
            };
            self.stage_degraded.get_or_create(&labels).inc();
        }
        for t in &d.trace {
            let labels = HookLabels {
                tenant: tenant.to_string(),
                plugin: neutralise(&t.plugin).into_owned(),
                hook: t.hook.as_str().to_string(),
            };
            self.hook_duration.get_or_create(&labels).observe(t.micros / 1e6);
            if t.outcome == TraceOutcome::Error {
                self.plugin_failures.get_or_create(&labels).inc();
            }
        }
    }

    /// Counts a reload by outcome (`ok`, `partial` or `failed`).
    pub fn reload(&self, outcome: &'static str) {
        self.reloads.get_or_create(&OutcomeLabels { outcome }).inc();
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
}

fn tenant_labels(tenant: &str) -> TenantLabels {
    TenantLabels {
        tenant: tenant.to_string(),
    }
}

impl Fleet {
    /// Registers the decision metrics and the per-scrape tenant metrics of
    /// this fleet in `registry` (once per registry).
    pub fn register_metrics(&self, registry: &mut Registry) {
        self.metrics().register(registry);
        registry.register_collector(Box::new(ScrapeTime { fleet: self.clone() }));
    }
}

/// Metrics read from the fleet at each scrape: the pipeline each tenant
/// serves, broken tenants, and per-plugin quarantines (from the pipelines'
/// own counters, which start again at 0 when a tenant is reloaded).
struct ScrapeTime {
    fleet: Fleet,
}

impl std::fmt::Debug for ScrapeTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrapeTime").finish_non_exhaustive()
    }
}

impl Collector for ScrapeTime {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let map = self.fleet.tenants();
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
                    ("pipeline", neutralise(l.pipeline.name()).into_owned()),
                    ("version", l.version.clone()),
                ];
                ConstGauge::new(1i64).encode(e.encode_family(&labels)?)?;
            }
        }

        let mut e = encoder.encode_descriptor(
            "cxr_tenant_broken",
            "1 for each tenant not served because its pipeline failed to load (see /readyz for why)",
            None,
            MetricType::Gauge,
        )?;
        for tenant in map.broken.keys() {
            ConstGauge::new(1i64).encode(e.encode_family(&[("tenant", tenant.clone())])?)?;
        }

        let stats: Vec<_> = map
            .tenants
            .values()
            .flat_map(|t| t.live.pipeline.stats().into_iter().map(move |s| (t.name.clone(), s)))
            .collect();
        let labels = |tenant: &str, s: &cxr_host::StageStats| {
            [
                ("tenant", tenant.to_string()),
                ("plugin", neutralise(&s.plugin).into_owned()),
                ("hook", s.hook.as_str().to_string()),
            ]
        };
        let mut e = encoder.encode_descriptor(
            "cxr_plugin_quarantines",
            "Times a live plugin was quarantined: it failed for many distinct sources within a window (since its tenant was last loaded)",
            None,
            MetricType::Counter,
        )?;
        for (tenant, s) in &stats {
            ConstCounter::new(s.quarantines).encode(e.encode_family(&labels(tenant, s))?)?;
        }
        let mut e = encoder.encode_descriptor(
            "cxr_plugin_quarantined",
            "1 while a live plugin is in quarantine (not called; its stage is degraded, or the fallback decides under on_failure = \"fallback\")",
            None,
            MetricType::Gauge,
        )?;
        for (tenant, s) in &stats {
            ConstGauge::new(i64::from(s.quarantined)).encode(e.encode_family(&labels(tenant, s))?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::ErrorKind;
    use cxr_host::model::DegradedStage;

    #[test]
    fn degraded_stages_are_counted_by_stage_and_plugin() {
        let metrics = DecisionMetrics::new();
        let mut registry = Registry::default();
        metrics.register(&mut registry);
        let mut d = Decision::error_record("T-1", None, ErrorKind::Plugin, "x");
        (d.error, d.error_kind) = (None, None);
        d.degraded = vec![DegradedStage {
            stage: "classifiers[0]".into(),
            plugin: "acme\u{1b}[2J".into(),
            error: "classify hook of plugin `acme` 1.0.0: call: trapped".into(),
            error_kind: ErrorKind::Trap,
        }];
        metrics.decision("default", &d, None);
        metrics.decision("default", &d, None);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
        assert!(
            text.contains("cxr_stage_degraded_total{tenant=\"default\",stage=\"classifiers[0]\",plugin=\"acme\\\\u{1b}[2J\"} 2"),
            "{text}"
        );
        // A decision whose stages all ran counts nothing there.
        assert_eq!(text.matches("cxr_stage_degraded_total{").count(), 1, "{text}");
        assert!(!text.contains("cxr_decision_errors_total{tenant=\"default\"}"), "degraded is not an error: {text}");
    }
}
