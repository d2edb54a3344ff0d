//! Loading a plugin component: checking that it is a component of a
//! supported version of the WIT package, discovering its hooks, pre-linking
//! it, and running its functions under a pipeline's limits.
//!
//! Nothing here depends on a contract version: [`crate::versions`] finds a
//! component's exports and makes its calls.

use crate::config::Limits;
use crate::gate::Place;
use crate::runtime::{EPOCH_TICK_MS, EngineSlot, Runtime};
use crate::sandbox::PluginState;
use crate::versions::{self, ContractVersion, Detected, Exports, Guests, WIT_PACKAGE, wit};
use anyhow::{Context as _, Result, anyhow, bail};
use cxr_model::{ErrorKind, Hook};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{Component, InstancePre, types::ComponentItem};
use wasmtime::{Store, Trap};

/// The current version of the WIT contract (new plugins are built against it).
pub const WIT_VERSION: &str = ContractVersion::CURRENT.as_str();

/// What a plugin says about itself, plus what the host measured.
#[derive(Debug, Clone, Serialize)]
pub struct PluginMeta {
    pub name: String,
    pub version: String,
    pub description: String,
    pub sha256: String,
    pub size_bytes: usize,
    /// The contract version the component was built against (`0.1.0`, `0.2.0`).
    pub wit_version: String,
    pub hooks: Vec<Hook>,
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

/// A compiled, pre-linked plugin component. Immutable and shared: every
/// pipeline of a process that uses the same component bytes holds the same
/// one (instances are never shared).
pub struct PluginComponent {
    pub(crate) meta: PluginMeta,
    /// The component as loaded (kept to build pre-configured snapshots).
    pub(crate) bytes: Option<Arc<[u8]>>,
    pre: InstancePre<PluginState>,
    exports: Exports,
    pub(crate) engine: Arc<EngineSlot>,
    pub(crate) runtime: Runtime,
    /// The lexicons (contract 0.3.0) a snapshot's `configure` registered:
    /// every instance of the snapshot starts holding them, under the same
    /// handles. Empty for a component that is not such a snapshot.
    pub(crate) lexicons: Vec<Arc<cxr_text::Lexicon>>,
}

impl fmt::Debug for PluginComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginComponent").field("meta", &self.meta).finish()
    }
}

/// How a call into a plugin ended badly.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum CallError {
    /// The plugin returned its own error value.
    #[error("plugin error: {0}")]
    Plugin(String),
    /// The plugin trapped or overran a limit (fuel, deadline, memory).
    #[error("{1}")]
    Trap(ErrorKind, String),
    /// The plugin returned a value outside the contract.
    #[error("out of contract: {1}")]
    Contract(ErrorKind, String),
    /// The plugin is quarantined after repeated failures and was not called.
    #[error("{0}")]
    Quarantined(String),
    /// The call was stopped by its wall-clock limit while it had CPU time
    /// left: the host was overloaded. Not counted against the plugin.
    #[error("{0}")]
    HostLate(String),
}

impl CallError {
    /// What kind of failure this is.
    pub(crate) fn kind(&self) -> ErrorKind {
        match self {
            CallError::Plugin(_) => ErrorKind::Plugin,
            CallError::Trap(kind, _) | CallError::Contract(kind, _) => *kind,
            CallError::Quarantined(_) => ErrorKind::Quarantined,
            CallError::HostLate(_) => ErrorKind::Deadline,
        }
    }

    /// Whether the instance may be in a broken state (stopped mid-call):
    /// it is dropped, never reused.
    pub(crate) fn interrupted(&self) -> bool {
        matches!(self, CallError::Trap(..) | CallError::HostLate(_))
    }
}

/// What one call used.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    pub fuel: Option<u64>,
    pub micros: f64,
    pub memory_bytes: u64,
}

/// A live instance of a plugin with its store, and the limits its calls run under.
pub(crate) struct Instance {
    pub(crate) store: Store<PluginState>,
    pub(crate) raw: wasmtime::component::Instance,
    guests: Guests,
    limits: Arc<Limits>,
    runtime: Runtime,
    /// The pool slot this instance takes, on a pooled engine.
    _place: Option<Place>,
}

impl PluginComponent {
    /// Compiles and checks a component with the default limits, on the
    /// on-demand engine of `runtime`, without the disk cache: to read what
    /// a component is (see also [`crate::inspect`]). `origin` names it in
    /// errors (a path or `builtin:x`).
    pub fn load(runtime: &Runtime, bytes: &[u8], origin: &str) -> Result<Arc<Self>> {
        Self::load_on(runtime, &runtime.default_engine(), bytes, origin, &Arc::new(Limits::default()), None)
    }

    /// Compiles (or maps from `cache`, or finds already loaded on `engine`)
    /// and checks a component; asks it who it is under the setup budget of
    /// `limits`.
    pub(crate) fn load_on(
        runtime: &Runtime,
        engine: &Arc<EngineSlot>,
        bytes: &[u8],
        origin: &str,
        limits: &Arc<Limits>,
        cache: Option<&Path>,
    ) -> Result<Arc<Self>> {
        let max = (limits.max_component_mb as usize) << 20;
        if bytes.len() > max {
            bail!(
                "{origin} is {:.1} MiB, over the {} MiB limit for a plugin (limits.max_component_mb)",
                bytes.len() as f64 / (1 << 20) as f64,
                limits.max_component_mb
            );
        }
        check_header(bytes).with_context(|| format!("{origin} cannot be loaded"))?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        if let Some(loaded) = runtime.loaded(engine.kind, &sha256) {
            return Ok(loaded);
        }
        // Imports and ABI first: a refusal in milliseconds, with the fix, not after a compile.
        crate::precheck::check(bytes, origin)?;
        let component = engine
            .compile(bytes, &sha256, cache)
            .map_err(|e| anyhow!("{origin} is not a valid WebAssembly component: {e:#}"))?;
        let mut plugin = Self::from_component(runtime, engine, &component, sha256.clone(), bytes.len(), origin)?;
        plugin.bytes = Some(Arc::from(bytes));
        // Ask the plugin who it is (under the limits, like any call).
        let mut instance = plugin.instantiate(limits, 0).map_err(|e| anyhow!("{origin} failed to start: {e}"))?;
        let guests = instance.guests.clone();
        let info = instance
            .call(0, |store| guests.info(store))
            .map(|(info, _)| info)
            .map_err(|e| anyhow!("{origin}: `info` failed: {e}"))?;
        drop(instance);
        if info.name.trim().is_empty() || info.name.len() > 128 || info.version.len() > 64 || info.description.len() > 1024 {
            bail!("{origin}: `info` returned an empty or oversized name, version or description");
        }
        plugin.meta.name = info.name;
        plugin.meta.version = info.version;
        plugin.meta.description = info.description;
        let plugin = Arc::new(plugin);
        runtime.keep(engine.kind, &sha256, &plugin);
        Ok(plugin)
    }

    /// Checks a compiled component against the contract and pre-links it;
    /// the plugin's name, version and description are left for the caller to fill.
    pub(crate) fn from_component(
        runtime: &Runtime,
        engine: &Arc<EngineSlot>,
        component: &Component,
        sha256: String,
        size_bytes: usize,
        origin: &str,
    ) -> Result<Self> {
        let ty = component.component_type();
        let exports: Vec<String> = ty.exports(&engine.engine).map(|(n, _)| n.to_string()).collect();
        let imports: Vec<String> = ty.imports(&engine.engine).map(|(n, _)| n.to_string()).collect();
        let version = match versions::detect(&exports) {
            Detected::Supported(v) => v,
            Detected::Unsupported(v) => bail!(
                "{origin} was built for {WIT_PACKAGE}@{v}, which this host does not support (it supports {WIT_PACKAGE}@{}); {}",
                versions::supported_list(),
                if versions::newer_than_supported(&v) { "upgrade cxr to run it" } else { "rebuild the plugin against a supported version" }
            ),
            Detected::NotAPlugin => bail!(
                "{origin} is not a cxr plugin: it does not export `{WIT_PACKAGE}/lifecycle` of any version (its exports: {})",
                if exports.is_empty() { "none".to_string() } else { exports.join(", ") }
            ),
        };
        for (name, item) in ty.exports(&engine.engine) {
            if name.starts_with(&format!("{WIT_PACKAGE}/")) && !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
                bail!("{origin}: export `{name}` is not an interface instance");
            }
        }
        let hooks: Vec<Hook> = version
            .hooks()
            .iter()
            .copied()
            .filter(|h| exports.contains(&version.export_name(h.as_str())))
            .collect();
        if hooks.is_empty() {
            bail!(
                "{origin} exports no hook: a cxr plugin of {WIT_PACKAGE}@{version} exports at least one of {}",
                version.hooks().iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        let pre = engine.linker.instantiate_pre(component).map_err(|e| {
            anyhow!("{origin} imports something the host does not provide: {e:#} (a plugin may import only `{WIT_PACKAGE}/host` and sandboxed WASI 0.2)")
        })?;
        let exports_at = Exports::new(version, &pre, &hooks)
            .map_err(|(h, e)| anyhow!("{origin}: the `{h}` export does not match {WIT_PACKAGE}@{version}: {e:#}"))?;
        Ok(PluginComponent {
            meta: PluginMeta {
                name: String::new(),
                version: String::new(),
                description: String::new(),
                sha256,
                size_bytes,
                wit_version: version.as_str().to_string(),
                hooks,
                imports,
                exports,
            },
            bytes: None,
            pre,
            exports: exports_at,
            engine: engine.clone(),
            runtime: runtime.clone(),
            lexicons: Vec::new(),
        })
    }

    /// Name, version, hash, hooks, imports and exports.
    pub fn meta(&self) -> &PluginMeta {
        &self.meta
    }

    /// Whether the component implements `hook`.
    pub fn has_hook(&self, hook: Hook) -> bool {
        self.meta.hooks.contains(&hook)
    }

    /// A fresh instance (configured only if the component is a snapshot
    /// taken after `configure`, as `isolate` mode uses). On a pooled engine
    /// it waits for a free slot and holds it while it lives.
    pub(crate) fn instantiate(&self, limits: &Arc<Limits>, now_ms: i64) -> Result<Instance, CallError> {
        let place = self.engine.gate.as_ref().map(|g| g.enter());
        let mut state = PluginState::new(
            Arc::from(self.meta.name.as_str()),
            (limits.memory_mb as usize) << 20,
            (limits.log_kb as usize) << 10,
        );
        // What a trapped plugin said joins the error text since contract 0.2.0;
        // a 0.1.0 plugin's decisions stay exactly as that host recorded them.
        state.log.report_guest_messages = self.meta.wit_version != ContractVersion::V0_1_0.as_str();
        state.text.lexicons = self.lexicons.clone();
        let mut store = Store::new(&self.engine.engine, state);
        store.limiter(|s| &mut s.limiter);
        // At each wall-clock deadline: stop the call if it used its CPU
        // time (or the host kept it waiting too long), else let it go on.
        let tick = std::time::Duration::from_millis(EPOCH_TICK_MS);
        store.epoch_deadline_callback(move |mut ctx| Ok(ctx.data_mut().deadline.on_deadline(tick)));
        arm(&mut store, &self.runtime, limits, now_ms, Budget::Setup);
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| call_error(&e, &store, limits, "instantiation", Budget::Setup))?;
        let guests = self
            .exports
            .load(&mut store, &instance)
            .map_err(|e| CallError::Trap(ErrorKind::Trap, format!("loading exports: {e:#}")))?;
        Ok(Instance {
            store,
            raw: instance,
            guests,
            limits: limits.clone(),
            runtime: self.runtime.clone(),
            _place: place,
        })
    }
}

/// Which budget a call runs under.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Budget {
    /// Instantiation, `info` and `configure`: `setup_fuel`, `setup_timeout_ms`.
    Setup,
    /// A hook call: `fuel`, `timeout_ms`.
    Hook,
}

impl Budget {
    /// The fuel of a call; unlimited when the pipeline does not meter fuel.
    fn fuel(self, limits: &Limits) -> u64 {
        if limits.fuel == 0 {
            return u64::MAX;
        }
        match self {
            Budget::Setup => limits.setup_fuel.max(limits.fuel),
            Budget::Hook => limits.fuel,
        }
    }
    /// Milliseconds of CPU time.
    fn timeout_ms(self, limits: &Limits) -> u64 {
        match self {
            Budget::Setup => limits.setup_timeout_ms,
            Budget::Hook => limits.timeout_ms,
        }
    }
    /// Milliseconds of wall-clock time, however little CPU time the call got.
    fn wall_timeout_ms(self, limits: &Limits) -> u64 {
        match self {
            Budget::Setup => limits.setup_timeout_ms.saturating_mul(Limits::WALL_TIMEOUT_FACTOR),
            Budget::Hook => limits.wall_timeout_ms(),
        }
    }
}

/// Sets fuel, deadline, clock and per-call counters before a call.
fn arm(store: &mut Store<PluginState>, runtime: &Runtime, limits: &Limits, now_ms: i64, budget: Budget) {
    runtime.keep_deadlines();
    store.set_fuel(budget.fuel(limits)).expect("the engine meters fuel");
    store.set_epoch_deadline(budget.timeout_ms(limits).div_ceil(EPOCH_TICK_MS).max(1));
    let state = store.data_mut();
    state.deadline.arm(budget.timeout_ms(limits), budget.wall_timeout_ms(limits));
    state.now_ms.store(now_ms, std::sync::atomic::Ordering::Relaxed);
    state.limiter.denied = false;
    state.log.reset();
}

/// The call error for a wasmtime error: the host's lateness, or the
/// plugin's trap or overrun.
fn call_error(e: &wasmtime::Error, store: &Store<PluginState>, limits: &Limits, what: &str, budget: Budget) -> CallError {
    let deadline = &store.data().deadline;
    if matches!(e.downcast_ref::<Trap>(), Some(Trap::Interrupt)) && deadline.host_late() {
        return CallError::HostLate(format!(
            "{what}: stopped by its wall-clock limit of {} ms with only {:.1} ms of its {} ms of CPU time used: \
             the host was overloaded (not counted against the plugin)",
            deadline.wall_budget().as_millis(),
            deadline.cpu_used().as_secs_f64() * 1e3,
            budget.timeout_ms(limits)
        ));
    }
    let (kind, why) = describe_trap(e, store, limits, what, budget);
    CallError::Trap(kind, why)
}

/// Turns a wasmtime error into its kind and a precise, human-readable reason.
fn describe_trap(e: &wasmtime::Error, store: &Store<PluginState>, limits: &Limits, what: &str, budget: Budget) -> (ErrorKind, String) {
    let state = store.data();
    if state.limiter.denied {
        return (ErrorKind::Memory, format!("{what}: memory limit of {} MiB exceeded", limits.memory_mb));
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => (ErrorKind::Fuel, format!("{what}: ran out of fuel (limit {})", budget.fuel(limits))),
        Some(Trap::Interrupt) => (ErrorKind::Deadline, format!("{what}: exceeded its deadline of {} ms of CPU time", budget.timeout_ms(limits))),
        Some(Trap::StackOverflow) => (ErrorKind::Trap, format!("{what}: stack overflow")),
        Some(Trap::MemoryOutOfBounds) => (
            ErrorKind::Trap,
            format!("{what}: trapped: out-of-bounds memory access (a stack overflow or a bad pointer)"),
        ),
        Some(Trap::UnreachableCodeReached) => (ErrorKind::Trap, with_guest_message(format!("{what}: trapped (the plugin panicked or aborted)"), state)),
        Some(trap) => (ErrorKind::Trap, with_guest_message(format!("{what}: trapped: {trap}"), state)),
        None => (ErrorKind::Trap, with_guest_message(format!("{what}: {}", crate::text::Shown(&e.root_cause().to_string())), state)),
    }
}

/// A trap's description followed by what the plugin reported on stderr
/// before it (a panic message, an uncaught exception), neutralised and
/// bounded ([`crate::guest_error`]).
fn with_guest_message(description: String, state: &PluginState) -> String {
    match state.log.guest_message() {
        Some(said) => format!("{description}; the plugin reported: {said}"),
        None => description,
    }
}

impl Instance {
    /// Re-arms the setup budget (fuel, deadline) for host-driven calls.
    pub(crate) fn arm_setup(&mut self) {
        arm(&mut self.store, &self.runtime, &self.limits, 0, Budget::Setup);
    }

    /// Runs `configure` with the plugin's config JSON.
    pub(crate) fn configure(&mut self, config_json: &str) -> Result<(), CallError> {
        let guests = self.guests.clone();
        let (result, _) = self.call(0, |store| guests.configure(store, config_json))?;
        result.map_err(|e| CallError::Plugin(format!("configure: {}", plugin_error_text(&e))))
    }

    /// Calls the sentiment hook.
    pub(crate) fn sentiment(&mut self, input: &wit::Interaction, ctx: &wit::Context) -> (Result<wit::Sentiment, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(ctx.now, Hook::Sentiment, |store| guests.score(store, input, ctx))
    }

    /// Calls the classify hook (0.2.0 and later).
    pub(crate) fn classify(&mut self, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> (Result<Vec<wit::Signal>, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(ctx.now, Hook::Classify, |store| guests.classify(store, input, ctx, s))
    }

    /// Calls the priority hook.
    pub(crate) fn priority(&mut self, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> (Result<wit::Priority, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(ctx.now, Hook::Priority, |store| guests.prioritize(store, input, ctx, s))
    }

    /// Calls the routing hook.
    pub(crate) fn routing(
        &mut self,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
        p: &wit::Priority,
    ) -> (Result<wit::RoutingOutcome, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(ctx.now, Hook::Routing, |store| guests.route(store, input, ctx, s, p))
    }

    /// Runs a hook call under the hook budget; `f` gives `None` when the
    /// component does not export the hook.
    fn hook_call<R>(
        &mut self,
        now_ms: i64,
        hook: Hook,
        f: impl FnOnce(&mut Store<PluginState>) -> versions::Returned<R>,
    ) -> (Result<R, CallError>, Usage) {
        let started = Instant::now();
        arm(&mut self.store, &self.runtime, &self.limits, now_ms, Budget::Hook);
        let Some(result) = f(&mut self.store) else {
            return (
                Err(CallError::Trap(ErrorKind::Trap, format!("plugin does not export the {hook} hook"))),
                Usage::default(),
            );
        };
        let usage = self.usage(started, Budget::Hook);
        let result = match result {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(CallError::Plugin(plugin_error_text(&e))),
            Err(e) => Err(call_error(&e, &self.store, &self.limits, "call", Budget::Hook)),
        };
        (result, usage)
    }

    /// Runs `f` under the setup limits; used for `info` and `configure`.
    fn call<R>(&mut self, now_ms: i64, f: impl FnOnce(&mut Store<PluginState>) -> wasmtime::Result<R>) -> Result<(R, Usage), CallError> {
        let started = Instant::now();
        arm(&mut self.store, &self.runtime, &self.limits, now_ms, Budget::Setup);
        let result = f(&mut self.store);
        let usage = self.usage(started, Budget::Setup);
        result
            .map(|r| (r, usage))
            .map_err(|e| call_error(&e, &self.store, &self.limits, "setup", Budget::Setup))
    }

    fn usage(&self, started: Instant, budget: Budget) -> Usage {
        let fuel = (self.limits.fuel > 0)
            .then(|| self.store.get_fuel().ok().map(|left| budget.fuel(&self.limits) - left))
            .flatten();
        Usage {
            fuel,
            micros: started.elapsed().as_secs_f64() * 1e6,
            memory_bytes: self.store.data().limiter.peak_bytes as u64,
        }
    }
}

/// A readable text for a plugin's own error value, on one line: control and
/// bidi characters in the plugin's message are shown escaped, so the error
/// is safe wherever the host puts it (decisions, logs, terminals).
pub(crate) fn plugin_error_text(e: &wit::PluginError) -> String {
    use crate::text::Shown;
    match e {
        wit::PluginError::InvalidConfig(m) => format!("invalid config: {}", Shown(m)),
        wit::PluginError::InvalidInput(m) => format!("invalid input: {}", Shown(m)),
        wit::PluginError::Internal(m) => format!("internal error: {}", Shown(m)),
    }
}

/// Rejects what is clearly not a component before handing it to the compiler.
pub(crate) fn check_header(bytes: &[u8]) -> Result<()> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        bail!("not a WebAssembly file (no `\\0asm` header)");
    }
    match &bytes[4..8] {
        [0x0d, 0x00, 0x01, 0x00] => Ok(()),
        [0x01, 0x00, 0x00, 0x00] => bail!(
            "this is a core WebAssembly module, not a component; build the plugin with `--target wasm32-wasip2`"
        ),
        v => bail!("unsupported WebAssembly version/layer {v:02x?}"),
    }
}
