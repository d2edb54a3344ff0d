//! For this repository's benchmarks and profiling loop only (not part of
//! the API, hidden from the docs): single hook calls on one instance, with
//! their inputs converted beforehand, so that `benches/native_vs_wasm.rs`,
//! `benches/classify_speed.rs` and `examples/profile_loop.rs` can time a
//! hook call alone. The values are opaque; nothing here decides.

use crate::config::Limits;
use crate::convert;
use crate::model::Interaction;
use crate::plugin::{self, PluginComponent};
use crate::runtime::Runtime;
use crate::snapshot::{IsolateStart, preconfigure};
use crate::versions::wit;
use anyhow::{Result, anyhow, bail};
use std::sync::Arc;

/// An interaction converted for a hook call.
pub struct Input(wit::Interaction);
/// A hook call's context.
pub struct Ctx(wit::Context);
/// A sentiment result, as the priority and routing hooks take it.
pub struct Sentiment(wit::Sentiment);
/// A priority result, as the routing hook takes it.
pub struct Priority(wit::Priority);

/// Converts an interaction once, before the clock starts.
pub fn input(ix: &Interaction) -> Input {
    Input(convert::interaction(ix))
}

/// A context at `now_ms` with no signals.
pub fn context(now_ms: i64, pipeline: &str) -> Ctx {
    Ctx(wit::Context {
        now: now_ms,
        pipeline: pipeline.to_string(),
        signals: Vec::new(),
    })
}

/// A negative sentiment of `score` (for hooks that take one).
pub fn negative(score: f64, confidence: f64) -> Sentiment {
    Sentiment(wit::Sentiment {
        score,
        label: wit::SentimentLabel::Negative,
        confidence,
        cues: Vec::new(),
    })
}

/// A loaded component and the limits its calls run under.
pub struct Component {
    plugin: Arc<PluginComponent>,
    limits: Arc<Limits>,
}

/// A live instance.
pub struct Instance(plugin::Instance);

impl Component {
    /// Loads `bytes` on `runtime` (with the default compile cache): on its
    /// pooled engine (as `isolate` pipelines) when `pooled`, else its
    /// on-demand engine.
    pub fn load(runtime: &Runtime, bytes: &[u8], pooled: bool, limits: &Limits) -> Result<Component> {
        let limits = Arc::new(limits.clone());
        let engine = runtime.engine_for(pooled)?;
        let cache = crate::runtime::default_cache_dir();
        let plugin = PluginComponent::load_on(runtime, &engine, bytes, "bench", &limits, cache.as_deref())?;
        Ok(Component { plugin, limits })
    }

    /// The component `isolate` mode starts each instance from: this one
    /// snapshotted after `configure(config_json)`.
    pub fn snapshot(&self, config_json: &str) -> Result<Component> {
        match preconfigure(&self.plugin, config_json, &self.limits, None, "bench") {
            Ok(IsolateStart::Snapshot(configured)) => Ok(Component {
                plugin: configured,
                limits: self.limits.clone(),
            }),
            Ok(IsolateStart::Configure(why)) => bail!("{} has no snapshot: {why}", self.plugin.meta().name),
            Err(e) => bail!("{}: {e}", self.plugin.meta().name),
        }
    }

    /// A fresh instance (configured only if this is a snapshot).
    pub fn instantiate(&self) -> Result<Instance> {
        self.plugin.instantiate(&self.limits, 0).map(Instance).map_err(|e| anyhow!("{e}"))
    }

    /// A fresh instance, configured with `config_json`.
    pub fn configured(&self, config_json: &str) -> Result<Instance> {
        let mut i = self.instantiate()?;
        i.configure(config_json)?;
        Ok(i)
    }
}

impl Instance {
    /// Runs `configure`.
    pub fn configure(&mut self, config_json: &str) -> Result<()> {
        self.0.configure(config_json).map_err(|e| anyhow!("{e}"))
    }

    /// One sentiment call.
    pub fn sentiment(&mut self, i: &Input, c: &Ctx) -> Result<Sentiment> {
        self.0.sentiment(&i.0, &c.0).0.map(Sentiment).map_err(|e| anyhow!("{e}"))
    }

    /// One classify call; the number of signals.
    pub fn classify(&mut self, i: &Input, c: &Ctx, s: &Sentiment) -> Result<usize> {
        self.0.classify(&i.0, &c.0, &s.0).0.map(|l| l.len()).map_err(|e| anyhow!("{e}"))
    }

    /// One classify call; the context `c` with the signals it returned (what
    /// priority and routing see in the pipeline).
    pub fn classified(&mut self, i: &Input, c: &Ctx, s: &Sentiment) -> Result<Ctx> {
        let signals = self.0.classify(&i.0, &c.0, &s.0).0.map_err(|e| anyhow!("{e}"))?;
        Ok(Ctx(wit::Context { signals, ..c.0.clone() }))
    }

    /// One priority call.
    pub fn priority(&mut self, i: &Input, c: &Ctx, s: &Sentiment) -> Result<Priority> {
        self.0.priority(&i.0, &c.0, &s.0).0.map(Priority).map_err(|e| anyhow!("{e}"))
    }

    /// One priority call and the fuel it used (`None` under limits that
    /// meter no fuel).
    pub fn priority_fuel(&mut self, i: &Input, c: &Ctx, s: &Sentiment) -> Result<(Priority, Option<u64>)> {
        let (result, usage) = self.0.priority(&i.0, &c.0, &s.0);
        result.map(|p| (Priority(p), usage.fuel)).map_err(|e| anyhow!("{e}"))
    }

    /// One routing call; whether a route was returned (not a pass).
    pub fn routing(&mut self, i: &Input, c: &Ctx, s: &Sentiment, p: &Priority) -> Result<bool> {
        self.0
            .routing(&i.0, &c.0, &s.0, &p.0)
            .0
            .map(|o| matches!(o, wit::RoutingOutcome::Route(_)))
            .map_err(|e| anyhow!("{e}"))
    }
}

/// The wasmtime engine a runtime runs `isolate` pipelines on (`pooled`) or
/// the others on, for benchmarks that time wasmtime itself on it.
pub fn engine(runtime: &Runtime, pooled: bool) -> Result<wasmtime::Engine> {
    Ok(runtime.engine_for(pooled)?.engine.clone())
}
