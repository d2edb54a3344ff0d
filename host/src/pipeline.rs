//! The decision pipeline: sentiment → classifiers → priority → router chain → fallback.
//!
//! A `Pipeline` is `Send + Sync`: each component is compiled once (and
//! shared with every other pipeline of the process that uses it), and each
//! call takes an instance from the stage's pool (`reuse`) or makes a fresh
//! one (`isolate`). Instances are never shared between pipelines. Whatever
//! a plugin does, `decide` returns a decision.

use crate::config::{FailurePolicy, Fallback, InstanceMode, Limits, PipelineConfig, StageConfig};
use crate::contract;
use crate::convert::{self, millis};
use crate::health::{Breaker, BreakerSettings, INPUT_BLAME_BYTES, Outcome, Source};
use crate::loader::PipelineLoader;
use crate::model::{Decision, DegradedStage, Interaction, PriorityResult, RouteResult, SentimentLabel, SentimentResult, SignalResult, TraceEntry};
use crate::plugin::{CallError, Instance, PluginComponent, Usage};
use crate::privacy::Masker;
use crate::runtime::Runtime;
use crate::snapshot::{self, IsolateStart};
use crate::source::PluginSpec;
use crate::versions::wit;
use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use cxr_model::{ErrorKind, Hook, TraceOutcome};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The reason given when an interaction's `language` is not a language tag.
pub const LANGUAGE_DROPPED: &str = "language dropped: not a language tag such as en or pt-BR";

/// A loaded pipeline, ready to decide interactions from many threads at once.
pub struct Pipeline {
    name: String,
    mode: InstanceMode,
    /// The per-call limits of every hook call (`[limits]`).
    limits: Arc<Limits>,
    fallback: Fallback,
    sentiment: Option<Stage>,
    classifiers: Vec<Stage>,
    priority: Option<Stage>,
    routers: Vec<Stage>,
    /// `[privacy]`: personal data masked before any hook runs.
    privacy: Option<Masker>,
    /// `queues`, `skills`, `actions`: the names a route may use.
    known: contract::Known,
}

/// One plugin in one role, with its configuration, idle instances and health.
struct Stage {
    /// The stage as the pipeline file names it (`classifiers[0]`).
    role: String,
    hook: Hook,
    limits: Arc<Limits>,
    plugin: Arc<PluginComponent>,
    config_json: String,
    /// How `isolate` mode starts an instance (`None` in `reuse` mode).
    isolate: Option<IsolateStart>,
    idle: Mutex<Vec<Instance>>,
    on_failure: FailurePolicy,
    /// When the plugin is quarantined (see `health`).
    breaker: Breaker,
}

/// Counters of one stage, for metrics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageStats {
    /// The stage as the pipeline file names it: `sentiment`,
    /// `classifiers[0]`, `priority`, `routers[1]`.
    pub stage: String,
    pub hook: Hook,
    pub plugin: String,
    pub version: String,
    /// Calls attempted (including those refused by a quarantine).
    pub calls: u64,
    /// Calls that failed (trap, overrun, plugin error, contract breach,
    /// quarantine, host overload).
    pub failures: u64,
    /// Failed calls not counted against the plugin: stopped by the
    /// wall-clock limit while the host was overloaded.
    pub host_late: u64,
    /// Failed calls not counted against the plugin: an overrun (fuel, CPU
    /// deadline, memory) on an input of more than 16 KiB of text.
    pub input_cost: u64,
    /// Times the plugin was put in quarantine.
    pub quarantines: u64,
    /// Whether it is in quarantine now.
    pub quarantined: bool,
    /// In `isolate` mode, how fresh instances start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isolate: Option<String>,
}

impl Pipeline {
    /// The reference pipeline compiled into this build, loaded as
    /// [`PipelineLoader::new`] loads it (the process runtime, the default
    /// compile cache).
    pub fn reference() -> Result<Self> {
        PipelineLoader::new().reference()
    }

    /// Loads a pipeline file as [`PipelineLoader::new`] does.
    pub fn from_file(path: &Path) -> Result<Self> {
        PipelineLoader::new().file(path)
    }

    /// Builds a pipeline from its configuration as [`PipelineLoader::new`]
    /// does; relative plugin paths are resolved against `base`.
    pub fn load(config: &PipelineConfig, base: &Path) -> Result<Self> {
        PipelineLoader::new().config(config, base)
    }

    /// Builds a pipeline on `runtime`: every plugin is compiled (or found
    /// already loaded, or mapped from `cache`) and configured once here, so
    /// a bad component or config fails now, not on the first call.
    pub(crate) fn build(config: &PipelineConfig, base: &Path, runtime: &Runtime, cache: Option<&Path>) -> Result<Self> {
        let isolate = config.instance_mode == InstanceMode::Isolate;
        let engine = runtime.engine_for(isolate)?;
        let limits = Arc::new(config.limits.clone());
        if config.limits.pool_instances > 0 {
            tracing::warn!(
                pipeline = %crate::text::Shown(&config.name),
                "limits.pool_instances is ignored: the instance pool is a process setting (CXR_POOL_INSTANCES, --pool-instances)"
            );
        }
        let mut loaded: HashMap<PluginSpec, Arc<PluginComponent>> = HashMap::new();
        let mut stage = |spec: &StageConfig, hook: Hook, role: &str| -> Result<Stage> {
            let source = PluginSpec::parse_in(&spec.plugin, base);
            let plugin = match loaded.get(&source) {
                Some(p) => p.clone(),
                None => {
                    let bytes = source.read(limits.max_component_mb)?;
                    let p = PluginComponent::load_on(runtime, &engine, &bytes, &source.to_string(), &limits, cache)?;
                    loaded.insert(source.clone(), p.clone());
                    p
                }
            };
            if !plugin.has_hook(hook) {
                bail!(
                    "{role}: plugin `{}` ({}) does not implement the {hook} hook (it implements: {})",
                    plugin.meta().name,
                    spec.plugin,
                    plugin.meta().hooks.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
                );
            }
            let config_json = spec.config_json().with_context(|| format!("{role}.config"))?;
            let rejected = |e: CallError| anyhow!("{role}: plugin `{}` rejected its configuration: {e}", spec.plugin);
            // Configure once now: a bad config is a load error. In `isolate`
            // mode this configured instance becomes the snapshot fresh ones
            // start from.
            let isolate = match config.instance_mode {
                InstanceMode::Isolate => {
                    let start = snapshot::preconfigure(&plugin, &config_json, &limits, cache, &spec.plugin).map_err(rejected)?;
                    if let IsolateStart::Configure(why) = &start {
                        tracing::warn!(plugin = %crate::text::Shown(&plugin.meta().name), role, "isolate mode will configure every instance: {}", crate::text::Shown(why));
                    }
                    Some(start)
                }
                InstanceMode::Reuse => None,
            };
            let stage = Stage {
                role: role.to_string(),
                hook,
                limits: limits.clone(),
                plugin,
                config_json,
                isolate,
                idle: Mutex::new(Vec::new()),
                on_failure: spec.on_failure,
                breaker: Breaker::new(BreakerSettings {
                    after: spec.quarantine_after,
                    rate: spec.quarantine_rate,
                    window: Duration::from_secs(spec.quarantine_window_secs),
                    quarantine: Duration::from_secs(spec.quarantine_secs),
                }),
            };
            if config.instance_mode == InstanceMode::Reuse {
                let instance = stage.fresh_instance().map_err(rejected)?;
                stage.idle.lock().unwrap().push(instance);
            }
            Ok(stage)
        };
        let sentiment = config.sentiment.as_ref().map(|s| stage(s, Hook::Sentiment, "sentiment")).transpose()?;
        let classifiers = config
            .classifiers
            .iter()
            .enumerate()
            .map(|(i, s)| stage(s, Hook::Classify, &format!("classifiers[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let priority = config.priority.as_ref().map(|s| stage(s, Hook::Priority, "priority")).transpose()?;
        let routers = config
            .routers
            .iter()
            .enumerate()
            .map(|(i, s)| stage(s, Hook::Routing, &format!("routers[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        Ok(Pipeline {
            name: config.name.clone(),
            mode: config.instance_mode,
            limits,
            fallback: config.fallback.clone(),
            sentiment,
            classifiers,
            priority,
            routers,
            privacy: Masker::new(&config.privacy)?,
            known: contract::Known::of(config),
        })
    }

    /// The pipeline's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instance mode.
    pub fn instance_mode(&self) -> InstanceMode {
        self.mode
    }

    /// The plugins of this pipeline, in stage order, with the hook each serves.
    pub fn plugins(&self) -> Vec<(Hook, Arc<PluginComponent>)> {
        self.stages().map(|s| (s.hook, s.plugin.clone())).collect()
    }

    /// Calls, failures and quarantines per stage, in stage order.
    pub fn stats(&self) -> Vec<StageStats> {
        self.stages()
            .map(|s| {
                let counts = s.breaker.counts();
                StageStats {
                    stage: s.role.clone(),
                    hook: s.hook,
                    plugin: s.plugin.meta().name.clone(),
                    version: s.plugin.meta().version.clone(),
                    calls: counts.calls,
                    failures: counts.failures,
                    host_late: counts.host_late,
                    input_cost: counts.input_cost,
                    quarantines: counts.quarantines,
                    quarantined: s.breaker.quarantined().is_some(),
                    isolate: s.isolate.as_ref().map(IsolateStart::describe),
                }
            })
            .collect()
    }

    fn stages(&self) -> impl Iterator<Item = &Stage> {
        self.sentiment
            .iter()
            .chain(self.classifiers.iter())
            .chain(self.priority.iter())
            .chain(self.routers.iter())
    }

    /// The queues this pipeline's decisions may name (`queues` in the
    /// pipeline file), when it lists them.
    pub fn known_queues(&self) -> Option<&[String]> {
        self.known.queues()
    }

    /// Decides one interaction. Never fails: a failing stage is degraded
    /// (`on_failure = "degrade"`, the default: the decision goes on without
    /// it and lists it in `degraded`), or yields the fallback decision with
    /// `error` set (`"fallback"`), or an error-only record (`"error"`).
    /// With `[privacy]`, the plugins see (and the decision can only carry)
    /// the interaction masked.
    ///
    /// A `language` that is not a language tag (`crate::language`) is
    /// dropped before any plugin sees it, with a reason that does not quote it.
    pub fn decide(&self, ix: &Interaction, now: DateTime<Utc>) -> Decision {
        let checked;
        let (ix, dropped) = match ix.language.as_deref().map(|l| (l, crate::language::language_tag(l))) {
            Some((given, Some(tag))) if tag != given => {
                checked = Interaction {
                    language: Some(tag),
                    ..ix.clone()
                };
                (&checked, false)
            }
            Some((_, None)) => {
                checked = Interaction {
                    language: None,
                    ..ix.clone()
                };
                (&checked, true)
            }
            _ => (ix, false),
        };
        let mut d = match &self.privacy {
            None => self.decide_as_given(ix, now),
            Some(masker) => masker.decide(ix, |masked| self.decide_as_given(masked, now)),
        };
        if dropped {
            d.reasons.insert(0, LANGUAGE_DROPPED.to_string());
        }
        d
    }

    fn decide_as_given(&self, ix: &Interaction, now: DateTime<Utc>) -> Decision {
        let input = convert::interaction(ix);
        let mut ctx = wit::Context {
            now: millis(now),
            pipeline: self.name.clone(),
            signals: Vec::new(),
        };
        let limit = (self.limits.output_kb as usize) << 10;
        let mut run = Run {
            source: Source::of(ix),
            text_bytes: text_bytes(ix),
            trace: Vec::with_capacity(2 + self.classifiers.len() + self.routers.len()),
            reasons: Vec::new(),
            signals: Vec::new(),
            degraded: Vec::new(),
        };

        // 1. Sentiment; degraded: neutral.
        let (sentiment_wit, sentiment) = match &self.sentiment {
            None => {
                let n = neutral();
                let result = contract::sentiment(n.clone(), limit).ok();
                (n, result)
            }
            Some(stage) => {
                let outcome = stage.call(self.mode, |i| i.sentiment(&input, &ctx));
                match run.check(stage, outcome, |s| contract::sentiment(s.clone(), limit).map(|r| (s, r)).map_err(breach)) {
                    Ok((wit_s, result)) => {
                        run.reasons.push(sentiment_reason(&result));
                        (wit_s, Some(result))
                    }
                    Err(e) => {
                        if let Some(stop) = self.stage_failed(stage, ix, &mut run, None, None, e, "neutral sentiment used") {
                            return stop;
                        }
                        let n = neutral();
                        let result = contract::sentiment(n.clone(), limit).ok();
                        (n, result)
                    }
                }
            }
        };

        // 2. Classifiers, in order; each sees the signals of those before
        // it. Degraded: no signals from it.
        for stage in &self.classifiers {
            let outcome = stage.call(self.mode, |i| i.classify(&input, &ctx, &sentiment_wit));
            match run.check(stage, outcome, |list| contract::signals(list, limit).map_err(breach)) {
                Ok(list) => {
                    let plugin = &stage.plugin.meta().name;
                    for s in &list {
                        run.signals.push(SignalResult {
                            name: s.name.clone(),
                            value: s.value.clone(),
                            confidence: s.confidence,
                            plugin: plugin.clone(),
                            cues: s.cues.clone(),
                        });
                    }
                    if !list.is_empty() {
                        run.reasons.push(signals_reason(plugin, &list));
                    }
                    ctx.signals.extend(list);
                }
                Err(e) => {
                    if let Some(stop) = self.stage_failed(stage, ix, &mut run, sentiment.clone(), None, e, "no signals from it") {
                        return stop;
                    }
                }
            }
        }

        // 3. Priority; absent or degraded: the fallback level.
        let fallback_priority = || {
            let p = wit::Priority {
                level: self.fallback.level,
                score: 0,
                first_response_due: None,
                reasons: vec![],
            };
            let result = contract::priority(p.clone(), limit).ok().map(|(r, _)| r);
            (p, result)
        };
        let (priority_wit, priority) = match &self.priority {
            None => fallback_priority(),
            Some(stage) => {
                let outcome = stage.call(self.mode, |i| i.priority(&input, &ctx, &sentiment_wit));
                match run.check(stage, outcome, |p| contract::priority(p.clone(), limit).map(|r| (p, r)).map_err(breach)) {
                    Ok((wit_p, (result, reasons))) => {
                        run.reasons.extend(reasons);
                        (wit_p, Some(result))
                    }
                    Err(e) => {
                        let used = format!("fallback level {} used", self.fallback.level);
                        if let Some(stop) = self.stage_failed(stage, ix, &mut run, sentiment.clone(), None, e, &used) {
                            return stop;
                        }
                        fallback_priority()
                    }
                }
            }
        };

        // 4. Routers, in order, until one decides; a degraded router passes
        // to the next.
        let mut passes = Vec::new();
        for stage in &self.routers {
            let outcome = stage.call(self.mode, |i| i.routing(&input, &ctx, &sentiment_wit, &priority_wit));
            let checked = run.check(stage, outcome, |o| match o {
                wit::RoutingOutcome::Pass(why) => Ok(Err(why)),
                wit::RoutingOutcome::Route(r) => contract::route(r, limit)
                    .map_err(breach)
                    .and_then(|r| self.known.check(r).map_err(|(kind, why)| CallError::Contract(kind, why)))
                    .map(Ok),
            });
            match checked {
                Ok(Ok((route, discipline, reasons))) => {
                    run.reasons.extend(reasons);
                    return Decision {
                        id: ix.id.clone(),
                        request_id: None,
                        line: None,
                        discipline: Some(discipline),
                        sentiment,
                        signals: run.signals,
                        priority,
                        route: Some(route),
                        reasons: run.reasons,
                        trace: run.trace,
                        error: None,
                        error_kind: None,
                        degraded: run.degraded,
                        masked: Default::default(),
                    };
                }
                Ok(Err(why)) => {
                    if let Some(last) = run.trace.last_mut() {
                        last.outcome = TraceOutcome::Pass;
                    }
                    passes.push(format!("router `{}` passed: {}", stage.plugin.meta().name, why.chars().take(200).collect::<String>()));
                }
                Err(e) => {
                    if let Some(stop) = self.stage_failed(stage, ix, &mut run, sentiment.clone(), priority.clone(), e, "next router tried") {
                        return stop;
                    }
                    passes.push(format!("router `{}` failed", stage.plugin.meta().name));
                }
            }
        }
        if passes.is_empty() {
            passes.push("no router configured".to_string());
        }
        run.reasons.push(format!("fallback: {}", passes.join("; ")));
        self.fallback_decision(ix, run, sentiment, priority, None)
    }

    /// What a failure of `stage` does, by its policy: `None` when the stage
    /// is degraded (recorded in the run: the decision goes on), else the
    /// decision to return now: the fallback (fail open) or an error-only
    /// record (fail closed).
    #[allow(clippy::too_many_arguments)]
    fn stage_failed(
        &self,
        stage: &Stage,
        ix: &Interaction,
        run: &mut Run,
        sentiment: Option<SentimentResult>,
        priority: Option<PriorityResult>,
        (kind, error): (ErrorKind, String),
        instead: &str,
    ) -> Option<Decision> {
        match stage.on_failure {
            FailurePolicy::Degrade => {
                run.reasons.push(format!("degraded: {} failed, {instead}: {error}", stage.role));
                run.degraded.push(DegradedStage {
                    stage: stage.role.clone(),
                    plugin: stage.plugin.meta().name.clone(),
                    error,
                    error_kind: kind,
                });
                None
            }
            FailurePolicy::Fallback => {
                let run = std::mem::take(run);
                Some(self.fallback_decision(ix, run, sentiment, priority, Some((kind, error))))
            }
            FailurePolicy::Error => {
                let mut run = std::mem::take(run);
                run.reasons.push(format!("failed closed: {error}"));
                Some(Decision {
                    id: ix.id.clone(),
                    request_id: None,
                    line: None,
                    discipline: None,
                    sentiment,
                    signals: run.signals,
                    priority,
                    route: None,
                    reasons: run.reasons,
                    trace: run.trace,
                    error: Some(error),
                    error_kind: Some(kind),
                    degraded: run.degraded,
                    masked: Default::default(),
                })
            }
        }
    }

    fn fallback_decision(
        &self,
        ix: &Interaction,
        mut run: Run,
        sentiment: Option<SentimentResult>,
        priority: Option<PriorityResult>,
        error: Option<(ErrorKind, String)>,
    ) -> Decision {
        let fb = &self.fallback;
        if let Some((_, e)) = &error {
            run.reasons.push(format!("fallback: {e}"));
        }
        let (error_kind, error) = match error {
            Some((kind, e)) => (Some(kind), Some(e)),
            None => (None, None),
        };
        let priority = priority.or(Some(PriorityResult {
            level: fb.level,
            score: 0,
            first_response_due: None,
        }));
        Decision {
            id: ix.id.clone(),
            request_id: None,
            line: None,
            discipline: Some(fb.discipline),
            sentiment,
            signals: run.signals,
            priority,
            route: Some(RouteResult {
                queue: fb.queue.clone(),
                skills: fb.skills.clone(),
                language: ix.language.clone(),
                actions: fb.actions.clone(),
                tags: Vec::new(),
                rule: None,
                fallback: true,
            }),
            reasons: run.reasons,
            trace: run.trace,
            error,
            error_kind,
            degraded: run.degraded,
            masked: Default::default(),
        }
    }
}

/// Bytes of text an interaction gives the plugins: subject, body and the
/// bodies of its history.
fn text_bytes(ix: &Interaction) -> usize {
    ix.subject.as_ref().map_or(0, String::len) + ix.body.len() + ix.history.iter().map(|h| h.body.len()).sum::<usize>()
}

/// An out-of-contract value as a call error.
fn breach(why: String) -> CallError {
    CallError::Contract(ErrorKind::Contract, why)
}

/// Trace, reasons, signals and degraded stages gathered while deciding one
/// interaction, and who it comes from and how large it is (for the
/// failure policy).
#[derive(Default)]
struct Run {
    source: Source,
    text_bytes: usize,
    trace: Vec<TraceEntry>,
    reasons: Vec<String>,
    signals: Vec<SignalResult>,
    degraded: Vec<DegradedStage>,
}

impl Run {
    /// Records the call in the trace and checks its result against the
    /// contract; a failure comes back with its kind and a text naming the
    /// hook and the plugin.
    fn check<T, U>(
        &mut self,
        stage: &Stage,
        (result, usage): (Result<T, CallError>, Usage),
        validate: impl FnOnce(T) -> Result<U, CallError>,
    ) -> Result<U, (ErrorKind, String)> {
        let meta = stage.plugin.meta();
        let checked = result.and_then(validate);
        stage.record(self.source, self.text_bytes, &checked);
        self.trace.push(TraceEntry {
            plugin: meta.name.clone(),
            version: meta.version.clone(),
            sha256: meta.sha256.clone(),
            hook: stage.hook,
            fuel: usage.fuel,
            micros: (usage.micros * 10.0).round() / 10.0,
            memory_bytes: usage.memory_bytes,
            outcome: if checked.is_ok() { TraceOutcome::Ok } else { TraceOutcome::Error },
        });
        checked.map_err(|e| (e.kind(), format!("{} hook of plugin `{}` {}: {e}", stage.hook, meta.name, meta.version)))
    }
}

impl Stage {
    fn fresh_instance(&self) -> Result<Instance, CallError> {
        if let Some(IsolateStart::Snapshot(configured)) = &self.isolate {
            return configured.instantiate(&self.limits, 0);
        }
        let mut instance = self.plugin.instantiate(&self.limits, 0)?;
        instance.configure(&self.config_json)?;
        Ok(instance)
    }

    /// Counts a call's outcome from `source` in the stage's breaker; logs
    /// a quarantine it starts. Host lateness and overruns on large inputs
    /// are not the plugin's failures (see `health`).
    fn record<U>(&self, source: Source, text_bytes: usize, checked: &Result<U, CallError>) {
        let outcome = match checked {
            Ok(_) => Outcome::Ok,
            Err(CallError::HostLate(_)) => Outcome::HostLate,
            Err(CallError::Quarantined(_)) => Outcome::Refused,
            Err(CallError::Trap(ErrorKind::Fuel | ErrorKind::Deadline | ErrorKind::Memory, _)) if text_bytes > INPUT_BLAME_BYTES => {
                Outcome::InputCost
            }
            Err(_) => Outcome::Failed,
        };
        if let Some(trip) = self.breaker.record(source, outcome) {
            tracing::warn!(
                plugin = %crate::text::Shown(&self.plugin.meta().name),
                stage = %self.role,
                failing_sources = trip.failing,
                sources = trip.sources,
                seconds = trip.quarantine.as_secs(),
                "plugin quarantined: it failed for many distinct sources"
            );
        }
    }

    /// Runs `f` on an instance: an idle one (`reuse`) or a fresh one. An
    /// instance that trapped is dropped, never reused. A quarantined stage
    /// is not called at all.
    fn call<T>(&self, mode: InstanceMode, f: impl FnOnce(&mut Instance) -> (Result<T, CallError>, Usage)) -> (Result<T, CallError>, Usage) {
        if let Some(left) = self.breaker.quarantined() {
            let s = self.breaker.settings();
            let why = format!(
                "quarantined: it failed for {} or more distinct sources, at least {:.0}% of those seen within {} s; retried in {:.0} s",
                s.after,
                s.rate * 100.0,
                s.window.as_secs(),
                left.as_secs_f64().ceil()
            );
            return (Err(CallError::Quarantined(why)), Usage::default());
        }
        let started = std::time::Instant::now();
        let pooled = match mode {
            InstanceMode::Reuse => self.idle.lock().unwrap().pop(),
            InstanceMode::Isolate => None,
        };
        let (mut instance, setup_micros) = match pooled {
            Some(i) => (i, 0.0),
            None => match self.fresh_instance() {
                Ok(i) => (i, started.elapsed().as_secs_f64() * 1e6),
                Err(e) => {
                    let usage = Usage {
                        micros: started.elapsed().as_secs_f64() * 1e6,
                        ..Usage::default()
                    };
                    return (Err(e), usage);
                }
            },
        };
        let (result, mut usage) = f(&mut instance);
        usage.micros += setup_micros;
        let healthy = !result.as_ref().is_err_and(CallError::interrupted);
        if healthy && mode == InstanceMode::Reuse {
            self.idle.lock().unwrap().push(instance);
        }
        (result, usage)
    }
}

fn neutral() -> wit::Sentiment {
    wit::Sentiment {
        score: 0.0,
        label: wit::SentimentLabel::Neutral,
        confidence: 0.0,
        cues: vec![],
    }
}

fn sentiment_reason(s: &SentimentResult) -> String {
    let label = match s.label {
        SentimentLabel::Negative => "negative",
        SentimentLabel::Neutral => "neutral",
        SentimentLabel::Positive => "positive",
    };
    use std::fmt::Write as _;
    let mut reason = format!("sentiment {label} {:+.2} (confidence {:.2})", s.score, s.confidence);
    for (i, c) in s.cues.iter().take(3).enumerate() {
        reason.push_str(if i == 0 { ": " } else { ", " });
        let _ = write!(reason, "\"{}\" {:+.2}", c.text, c.weight);
    }
    reason
}

/// `signals from cxr-classify: intent=billing 0.82 ("charged twice"), churn-risk=low 0.60`
fn signals_reason(plugin: &str, list: &[wit::Signal]) -> String {
    use std::fmt::Write as _;
    // Written into one string (no string per item, no join).
    let mut reason = format!("signals from {plugin}: ");
    for (i, s) in list.iter().take(6).enumerate() {
        if i > 0 {
            reason.push_str(", ");
        }
        let _ = write!(reason, "{}={} {:.2}", s.name, s.value, s.confidence);
        if let Some(cue) = s.cues.first() {
            let _ = write!(reason, " (\"{cue}\")");
        }
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Pipeline>();
    }
}
