//! Loading a plugin component: checking that it is a component of a
//! supported version of the WIT package, discovering its hooks, pre-linking
//! it, and running its functions under the pipeline's limits.

use crate::bindings::wit;
use crate::versions::{self, ContractVersion, Detected, WIT_PACKAGE, since_v0_1_0, since_v0_2_0};
use crate::runtime::{EPOCH_TICK_MS, Runtime};
use crate::sandbox::PluginState;
use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{Component, InstancePre, types::ComponentItem};
use wasmtime::{Store, Trap};

/// The current version of the WIT contract (new plugins are built against it).
pub const WIT_VERSION: &str = ContractVersion::CURRENT.as_str();

/// One of the four hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hook {
    Sentiment,
    /// Since 0.2.0.
    Classify,
    Priority,
    Routing,
}

impl Hook {
    /// Every hook, in pipeline order.
    pub const ALL: [Hook; 4] = [Hook::Sentiment, Hook::Classify, Hook::Priority, Hook::Routing];

    /// The hook's WIT interface name.
    pub fn as_str(self) -> &'static str {
        match self {
            Hook::Sentiment => "sentiment",
            Hook::Classify => "classify",
            Hook::Priority => "priority",
            Hook::Routing => "routing",
        }
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

/// A compiled, pre-linked plugin component. Cheap to share; instantiate per use.
pub struct PluginComponent {
    pub(crate) meta: PluginMeta,
    /// The component as loaded (kept to build pre-configured snapshots).
    pub(crate) bytes: Option<Arc<[u8]>>,
    pre: InstancePre<PluginState>,
    exports: Exports,
}

/// Where a component's exports are, per contract version.
enum Exports {
    V0_1_0(since_v0_1_0::Exports),
    V0_2_0(since_v0_2_0::Exports),
}

/// The exported functions of one instance, per contract version.
#[derive(Clone)]
enum Guests {
    V0_1_0(since_v0_1_0::Guests),
    V0_2_0(since_v0_2_0::Guests),
}

/// Calls the same function on whichever version's guests an instance has.
macro_rules! dispatch {
    ($guests:expr, $g:ident => $call:expr) => {
        match $guests {
            Guests::V0_1_0($g) => $call,
            Guests::V0_2_0($g) => $call,
        }
    };
}

impl fmt::Debug for PluginComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginComponent").field("meta", &self.meta).finish()
    }
}

/// How a call into a plugin ended badly.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The plugin returned its own error value.
    #[error("plugin error: {0}")]
    Plugin(String),
    /// The plugin trapped, overran a limit, or broke the contract.
    #[error("{0}")]
    Trap(String),
    /// The plugin returned a value outside the contract.
    #[error("out of contract: {0}")]
    Contract(String),
    /// The plugin is quarantined after repeated failures and was not called.
    #[error("{0}")]
    Quarantined(String),
}

/// What one call used.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub fuel: Option<u64>,
    pub micros: f64,
    pub memory_bytes: u64,
}

/// A live instance of a plugin with its store.
pub struct Instance {
    pub(crate) store: Store<PluginState>,
    pub(crate) raw: wasmtime::component::Instance,
    guests: Guests,
}

impl PluginComponent {
    /// Compiles and checks a component. `origin` names it in errors (a path or `builtin:x`).
    pub fn load(runtime: &Runtime, bytes: &[u8], origin: &str) -> Result<Arc<Self>> {
        let max = (runtime.limits.max_component_mb as usize) << 20;
        if bytes.len() > max {
            bail!(
                "{origin} is {:.1} MiB, over the {} MiB limit for a plugin (limits.max_component_mb)",
                bytes.len() as f64 / (1 << 20) as f64,
                runtime.limits.max_component_mb
            );
        }
        check_header(bytes).with_context(|| format!("{origin} cannot be loaded"))?;
        // Imports and ABI first: a refusal in milliseconds, with the fix, not after a compile.
        crate::precheck::check(bytes, origin)?;
        let mut plugin = Self::compile(runtime, bytes, origin)?;
        plugin.bytes = Some(Arc::from(bytes));
        // Ask the plugin who it is (under the limits, like any call).
        let mut instance = plugin
            .instantiate(runtime, 0)
            .map_err(|e| anyhow!("{origin} failed to start: {e}"))?;
        let guests = instance.guests.clone();
        let info = instance
            .call(runtime, 0, |store| dispatch!(&guests, g => g.info(store)))
            .map(|(info, _)| info)
            .map_err(|e| anyhow!("{origin}: `info` failed: {e}"))?;
        if info.name.trim().is_empty() || info.name.len() > 128 || info.version.len() > 64 || info.description.len() > 1024 {
            bail!("{origin}: `info` returned an empty or oversized name, version or description");
        }
        plugin.meta.name = info.name;
        plugin.meta.version = info.version;
        plugin.meta.description = info.description;
        Ok(Arc::new(plugin))
    }

    /// Compiles a component, checks its exports and imports against the
    /// contract and pre-links it; the plugin's name, version and description
    /// are left for the caller to fill.
    pub(crate) fn compile(runtime: &Runtime, bytes: &[u8], origin: &str) -> Result<Self> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let component = runtime
            .compile(bytes, &sha256)
            .map_err(|e| anyhow!("{origin} is not a valid WebAssembly component: {e:#}"))?;
        Self::from_component(runtime, &component, sha256, bytes.len(), origin)
    }

    /// Checks a compiled component against the contract and pre-links it.
    pub(crate) fn from_component(runtime: &Runtime, component: &Component, sha256: String, size_bytes: usize, origin: &str) -> Result<Self> {
        let ty = component.component_type();
        let exports: Vec<String> = ty.exports(&runtime.engine).map(|(n, _)| n.to_string()).collect();
        let imports: Vec<String> = ty.imports(&runtime.engine).map(|(n, _)| n.to_string()).collect();
        let version = match versions::detect(&exports) {
            Detected::Supported(v) => v,
            Detected::Unsupported(v) => bail!(
                "{origin} was built for {WIT_PACKAGE}@{v}, which this host does not support (it supports {WIT_PACKAGE}@{}); {}",
                versions::supported_list(),
                if newer_than_supported(&v) { "upgrade cxr to run it" } else { "rebuild the plugin against a supported version" }
            ),
            Detected::NotAPlugin => bail!(
                "{origin} is not a cxr plugin: it does not export `{WIT_PACKAGE}/lifecycle` of any version (its exports: {})",
                if exports.is_empty() { "none".to_string() } else { exports.join(", ") }
            ),
        };
        for (name, item) in ty.exports(&runtime.engine) {
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
        let pre = runtime.linker.instantiate_pre(component).map_err(|e| {
            anyhow!("{origin} imports something the host does not provide: {e:#} (a plugin may import only `{WIT_PACKAGE}/host` and sandboxed WASI 0.2)")
        })?;
        let mismatch = |(h, e): (&str, wasmtime::Error)| anyhow!("{origin}: the `{h}` export does not match {WIT_PACKAGE}@{version}: {e:#}");
        let exports_at = match version {
            ContractVersion::V0_1_0 => Exports::V0_1_0(since_v0_1_0::Exports::new(&pre, &hooks).map_err(mismatch)?),
            ContractVersion::V0_2_0 => Exports::V0_2_0(since_v0_2_0::Exports::new(&pre, &hooks).map_err(mismatch)?),
        };
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
        })
    }

    /// For benchmarks only: the component `isolate` mode starts each
    /// instance from, i.e. this one snapshotted after `configure(config_json)`.
    #[doc(hidden)]
    pub fn snapshot_for_benchmarks(&self, runtime: &Runtime, config_json: &str) -> Result<Arc<PluginComponent>> {
        use crate::snapshot::{IsolateStart, preconfigure};
        match preconfigure(runtime, self, config_json, "benchmark") {
            Ok(IsolateStart::Snapshot(configured)) => Ok(configured),
            Ok(IsolateStart::Configure(why)) => bail!("{} has no snapshot: {why}", self.meta.name),
            Err(e) => bail!("{}: {e}", self.meta.name),
        }
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
    /// taken after `configure`, as `isolate` mode uses).
    pub fn instantiate(&self, runtime: &Runtime, now_ms: i64) -> Result<Instance, CallError> {
        let limits = &runtime.limits;
        let mut state = PluginState::new(
            Arc::from(self.meta.name.as_str()),
            (limits.memory_mb as usize) << 20,
            (limits.log_kb as usize) << 10,
        );
        // What a trapped plugin said joins the error text since contract 0.2.0;
        // a 0.1.0 plugin's decisions stay exactly as that host recorded them.
        state.log.report_guest_messages = self.meta.wit_version != ContractVersion::V0_1_0.as_str();
        let mut store = Store::new(&runtime.engine, state);
        store.limiter(|s| &mut s.limiter);
        arm(&mut store, runtime, now_ms, Budget::Setup);
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| CallError::Trap(describe_trap(&e, &store, runtime, "instantiation", Budget::Setup)))?;
        let load_err = |e: wasmtime::Error| CallError::Trap(format!("loading exports: {e:#}"));
        let guests = match &self.exports {
            Exports::V0_1_0(e) => Guests::V0_1_0(e.load(&mut store, &instance).map_err(load_err)?),
            Exports::V0_2_0(e) => Guests::V0_2_0(e.load(&mut store, &instance).map_err(load_err)?),
        };
        Ok(Instance {
            store,
            raw: instance,
            guests,
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
    fn fuel(self, runtime: &Runtime) -> u64 {
        match self {
            Budget::Setup => runtime.limits.setup_fuel.max(runtime.limits.fuel),
            Budget::Hook => runtime.limits.fuel,
        }
    }
    fn timeout_ms(self, runtime: &Runtime) -> u64 {
        match self {
            Budget::Setup => runtime.limits.setup_timeout_ms,
            Budget::Hook => runtime.limits.timeout_ms,
        }
    }
}

/// Sets fuel, deadline, clock and per-call counters before a call.
fn arm(store: &mut Store<PluginState>, runtime: &Runtime, now_ms: i64, budget: Budget) {
    runtime.keep_deadlines();
    if runtime.limits.fuel > 0 {
        store.set_fuel(budget.fuel(runtime)).expect("fuel metering is enabled");
    }
    store.set_epoch_deadline(budget.timeout_ms(runtime).div_ceil(EPOCH_TICK_MS).max(1));
    let state = store.data_mut();
    state.now_ms.store(now_ms, std::sync::atomic::Ordering::Relaxed);
    state.limiter.denied = false;
    state.log.reset();
}

/// Turns a wasmtime error into a precise, human-readable reason.
fn describe_trap(e: &wasmtime::Error, store: &Store<PluginState>, runtime: &Runtime, what: &str, budget: Budget) -> String {
    let limits = &runtime.limits;
    let state = store.data();
    if state.limiter.denied {
        return format!("{what}: memory limit of {} MiB exceeded", limits.memory_mb);
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => format!("{what}: ran out of fuel (limit {})", budget.fuel(runtime)),
        Some(Trap::Interrupt) => format!("{what}: exceeded its deadline of {} ms", budget.timeout_ms(runtime)),
        Some(Trap::StackOverflow) => format!("{what}: stack overflow"),
        Some(Trap::MemoryOutOfBounds) => {
            format!("{what}: trapped: out-of-bounds memory access (a stack overflow or a bad pointer)")
        }
        Some(Trap::UnreachableCodeReached) => with_guest_message(format!("{what}: trapped (the plugin panicked or aborted)"), state),
        Some(trap) => with_guest_message(format!("{what}: trapped: {trap}"), state),
        None => with_guest_message(format!("{what}: {}", crate::text::Shown(&e.root_cause().to_string())), state),
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
    pub(crate) fn arm_setup(&mut self, runtime: &Runtime) {
        arm(&mut self.store, runtime, 0, Budget::Setup);
    }

    /// Runs `configure` with the plugin's config JSON.
    pub fn configure(&mut self, runtime: &Runtime, config_json: &str) -> Result<(), CallError> {
        let guests = self.guests.clone();
        let (result, _) = self.call(runtime, 0, |store| dispatch!(&guests, g => g.configure(store, config_json)))?;
        result.map_err(|e| CallError::Plugin(format!("configure: {}", plugin_error_text(&e))))
    }

    /// Calls the sentiment hook.
    pub fn sentiment(&mut self, runtime: &Runtime, input: &wit::Interaction, ctx: &wit::Context) -> (Result<wit::Sentiment, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(runtime, ctx.now, Hook::Sentiment, |store| dispatch!(&guests, g => g.score(store, input, ctx)))
    }

    /// Calls the classify hook (0.2.0 and later).
    pub fn classify(&mut self, runtime: &Runtime, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> (Result<Vec<wit::Signal>, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(runtime, ctx.now, Hook::Classify, |store| match &guests {
            Guests::V0_1_0(_) => None,
            Guests::V0_2_0(g) => g.classify(store, input, ctx, s),
        })
    }

    /// Calls the priority hook.
    pub fn priority(&mut self, runtime: &Runtime, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> (Result<wit::Priority, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(runtime, ctx.now, Hook::Priority, |store| dispatch!(&guests, g => g.prioritize(store, input, ctx, s)))
    }

    /// Calls the routing hook.
    pub fn routing(
        &mut self,
        runtime: &Runtime,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
        p: &wit::Priority,
    ) -> (Result<wit::RoutingOutcome, CallError>, Usage) {
        let guests = self.guests.clone();
        self.hook_call(runtime, ctx.now, Hook::Routing, |store| dispatch!(&guests, g => g.route(store, input, ctx, s, p)))
    }

    /// Runs a hook call under the hook budget; `f` gives `None` when the
    /// component does not export the hook.
    fn hook_call<R>(
        &mut self,
        runtime: &Runtime,
        now_ms: i64,
        hook: Hook,
        f: impl FnOnce(&mut Store<PluginState>) -> Option<wasmtime::Result<Result<R, wit::PluginError>>>,
    ) -> (Result<R, CallError>, Usage) {
        let started = Instant::now();
        arm(&mut self.store, runtime, now_ms, Budget::Hook);
        let Some(result) = f(&mut self.store) else {
            return (Err(CallError::Trap(format!("plugin does not export the {hook} hook"))), Usage::default());
        };
        let usage = self.usage(runtime, started, Budget::Hook);
        let result = match result {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(CallError::Plugin(plugin_error_text(&e))),
            Err(e) => Err(CallError::Trap(describe_trap(&e, &self.store, runtime, "call", Budget::Hook))),
        };
        (result, usage)
    }

    /// Runs `f` under the setup limits; used for `info` and `configure`.
    fn call<R>(
        &mut self,
        runtime: &Runtime,
        now_ms: i64,
        f: impl FnOnce(&mut Store<PluginState>) -> wasmtime::Result<R>,
    ) -> Result<(R, Usage), CallError> {
        let started = Instant::now();
        arm(&mut self.store, runtime, now_ms, Budget::Setup);
        let result = f(&mut self.store);
        let usage = self.usage(runtime, started, Budget::Setup);
        result
            .map(|r| (r, usage))
            .map_err(|e| CallError::Trap(describe_trap(&e, &self.store, runtime, "setup", Budget::Setup)))
    }

    fn usage(&self, runtime: &Runtime, started: Instant, budget: Budget) -> Usage {
        let fuel = (runtime.limits.fuel > 0)
            .then(|| self.store.get_fuel().ok().map(|left| budget.fuel(runtime) - left))
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
pub fn plugin_error_text(e: &wit::PluginError) -> String {
    use crate::text::Shown;
    match e {
        wit::PluginError::InvalidConfig(m) => format!("invalid config: {}", Shown(m)),
        wit::PluginError::InvalidInput(m) => format!("invalid input: {}", Shown(m)),
        wit::PluginError::Internal(m) => format!("internal error: {}", Shown(m)),
    }
}

/// Whether version `v` is newer than every version this host supports.
fn newer_than_supported(v: &str) -> bool {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    let newest = versions::SUPPORTED.iter().map(|s| parse(s.as_str())).max().unwrap_or_default();
    parse(v) > newest
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
