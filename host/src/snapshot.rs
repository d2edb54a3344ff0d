//! Pre-configured snapshots, which make `isolate` mode cheap.
//!
//! `isolate` gives every interaction a fresh instance, so that nothing one
//! customer's message left in a plugin's memory reaches the next. Running
//! `configure` on each of those instances would cost milliseconds (the
//! router compiles its rules there). Instead, at load, the plugin is
//! instantiated once, configured, and its memories and globals are written
//! back into a new component as its initial state (wasmtime's wizer). A
//! fresh instance of that component starts exactly where a configured one
//! would, for the price of an instantiation (its memory image is mapped
//! copy-on-write).
//!
//! This is sound because configuration is deterministic in the sandbox: the
//! clock reads a fixed time and randomness is seeded, so configuring each
//! fresh instance would have produced the same state byte for byte. A
//! plugin that still holds a host resource (such as an open stream) when
//! `configure` returns cannot be snapshotted; its stages configure each
//! instance instead, and say so.

use crate::config::Limits;
use crate::plugin::{CallError, PluginComponent};
use crate::sandbox::PluginState;
use crate::versions::ContractVersion;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use wasmtime::Store;
use wasmtime::component::{Component, Instance, Lift, WasmList};
use wasmtime_wizer::{ComponentInstanceState, Wizer};

/// How fresh instances of a stage start in `isolate` mode.
pub(crate) enum IsolateStart {
    /// From a snapshot taken after `configure`: instantiate only.
    Snapshot(Arc<PluginComponent>),
    /// Instantiate and configure each time; the text says why no snapshot.
    Configure(String),
}

impl IsolateStart {
    /// A short description for operators.
    pub(crate) fn describe(&self) -> String {
        match self {
            IsolateStart::Snapshot(_) => "snapshot after configure (instantiate only)".to_string(),
            IsolateStart::Configure(why) => format!("configure every instance ({why})"),
        }
    }
}

/// Configures `plugin` with `config_json` once and snapshots the result.
///
/// A configuration the plugin rejects is an error, as on any load; a plugin
/// that cannot be snapshotted yields [`IsolateStart::Configure`].
pub(crate) fn preconfigure(
    plugin: &PluginComponent,
    config_json: &str,
    limits: &Arc<Limits>,
    cache: Option<&Path>,
    origin: &str,
) -> Result<IsolateStart, CallError> {
    let Some(bytes) = plugin.bytes.as_deref() else {
        return Ok(IsolateStart::Configure("the component's bytes are not kept".into()));
    };
    let (runtime, engine) = (&plugin.runtime, &plugin.engine);
    // A snapshot is a function of the component, its configuration and the
    // limits it was configured under: a pipeline of this process may hold
    // it already, or a process that made it before left it, compiled, in
    // the compile cache.
    let key = snapshot_key(plugin, config_json, limits);
    if let Some(configured) = runtime.loaded(engine.kind, &key) {
        return Ok(IsolateStart::Snapshot(configured));
    }
    if let Some(component) = engine.cached(&key, cache) {
        // The lexicons its `configure` registers (contract 0.3.0) are not in
        // the cached snapshot: configure the plugin once to register them
        // (deterministic: the same lists, in the same order, as the
        // snapshot's handles expect).
        let lexicons = match registered_lexicons(plugin, config_json, limits) {
            Ok(l) => l,
            Err(e) => return Ok(IsolateStart::Configure(format!("registering its lexicons failed: {e}"))),
        };
        return Ok(match as_plugin(&component, plugin, origin, lexicons) {
            Ok(configured) => {
                runtime.keep(engine.kind, &key, &configured);
                IsolateStart::Snapshot(configured)
            }
            Err(e) => IsolateStart::Configure(format!("cached snapshot unusable: {e:#}")),
        });
    }
    let wizer = Wizer::new();
    let (cx, instrumented) = match wizer.instrument_component(bytes) {
        Ok(v) => v,
        Err(e) => return Ok(IsolateStart::Configure(format!("cannot be snapshotted: {e:#}"))),
    };
    // Compiled once, for this one configure: not worth a cache entry.
    let probe = match Component::new(&engine.engine, &instrumented)
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .and_then(|c| PluginComponent::from_component(runtime, engine, &c, String::new(), instrumented.len(), origin))
    {
        Ok(p) => p,
        Err(e) => return Ok(IsolateStart::Configure(format!("instrumented copy failed to compile: {e:#}"))),
    };
    let mut instance = probe.instantiate(limits, 0)?;
    instance.configure(config_json)?;
    let lexicons = instance.store.data().text.lexicons.clone();
    if !instance.store.data().holds_no_resources() {
        return Ok(IsolateStart::Configure("it holds a host resource after configure".into()));
    }
    instance.arm_setup();
    let mut access = SyncAccess {
        store: &mut instance.store,
        instance: instance.raw,
        error: None,
    };
    let snapshot = match poll_once(wizer.snapshot_component(&cx, &mut access)) {
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => return Ok(IsolateStart::Configure(format!("snapshot failed: {e:#}"))),
        None => return Ok(IsolateStart::Configure("snapshot did not complete".into())),
    };
    if let Some(e) = access.error {
        return Ok(IsolateStart::Configure(format!("reading its state failed: {e}")));
    }
    drop(instance);
    let component = match Component::new(&engine.engine, &snapshot) {
        Ok(c) => c,
        Err(e) => return Ok(IsolateStart::Configure(format!("snapshot failed to compile: {e:#}"))),
    };
    let configured = match as_plugin(&component, plugin, origin, lexicons) {
        Ok(p) => p,
        Err(e) => return Ok(IsolateStart::Configure(format!("snapshot does not load: {e:#}"))),
    };
    engine.remember(&key, &component, cache);
    runtime.keep(engine.kind, &key, &configured);
    Ok(IsolateStart::Snapshot(configured))
}

/// The compiled snapshot as a plugin whose instances start configured,
/// holding the lexicons `configure` registered; it keeps the original's
/// name, version and hash, which traces report.
fn as_plugin(
    component: &Component,
    plugin: &PluginComponent,
    origin: &str,
    lexicons: Vec<Arc<cxr_text::Lexicon>>,
) -> anyhow::Result<Arc<PluginComponent>> {
    let mut configured = PluginComponent::from_component(&plugin.runtime, &plugin.engine, component, String::new(), 0, origin)?;
    configured.meta = plugin.meta.clone();
    configured.lexicons = lexicons;
    Ok(Arc::new(configured))
}

/// The lexicons `configure` registers (none before contract 0.3.0).
fn registered_lexicons(plugin: &PluginComponent, config_json: &str, limits: &Arc<Limits>) -> Result<Vec<Arc<cxr_text::Lexicon>>, CallError> {
    if ContractVersion::parse(&plugin.meta.wit_version).is_none_or(|v| v < ContractVersion::V0_3_0) {
        return Ok(Vec::new());
    }
    let mut instance = plugin.instantiate(limits, 0)?;
    instance.configure(config_json)?;
    Ok(instance.store.data().text.lexicons.clone())
}

/// The cache key of a plugin's snapshot under a configuration and limits.
fn snapshot_key(plugin: &PluginComponent, config_json: &str, limits: &Limits) -> String {
    let limits = serde_json::to_string(limits).unwrap_or_default();
    let mut h = Sha256::new();
    for part in ["cxr-snapshot-1", &plugin.meta.sha256, config_json, &limits] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("snapshot-{}", hex::encode(h.finalize()))
}

/// Polls a future that never waits (every call below completes at once).
fn poll_once<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// Reads a configured instance's memories and globals for the snapshot,
/// through the accessors wizer's instrumentation exported, synchronously.
struct SyncAccess<'a> {
    store: &'a mut Store<PluginState>,
    instance: Instance,
    error: Option<String>,
}

impl SyncAccess<'_> {
    fn call<R: Lift + 'static, T: Default>(&mut self, instance: &str, func: &str, use_ret: impl FnOnce(&Store<PluginState>, R) -> T) -> T {
        if self.error.is_some() {
            return T::default();
        }
        let result = (|| -> wasmtime::Result<T> {
            let (_, iface) = self
                .instance
                .get_export(&mut *self.store, None, instance)
                .ok_or_else(|| wasmtime::format_err!("no export `{instance}`"))?;
            let (_, index) = self
                .instance
                .get_export(&mut *self.store, Some(&iface), func)
                .ok_or_else(|| wasmtime::format_err!("no export `{instance}#{func}`"))?;
            let f = self.instance.get_typed_func::<(), (R,)>(&mut *self.store, index)?;
            let (ret,) = f.call(&mut *self.store, ())?;
            Ok(use_ret(self.store, ret))
        })();
        result.unwrap_or_else(|e| {
            self.error = Some(format!("{instance}#{func}: {e:#}"));
            T::default()
        })
    }
}

impl ComponentInstanceState for SyncAccess<'_> {
    async fn call_func_ret_list_u8(&mut self, instance: &str, func: &str, contents: impl FnOnce(&[u8]) + Send) {
        let mut contents = Some(contents);
        self.call(instance, func, |store, list: WasmList<u8>| {
            if let Some(f) = contents.take() {
                f(list.as_le_slice(store));
            }
        });
    }

    async fn call_func_ret_s32(&mut self, instance: &str, func: &str) -> i32 {
        self.call(instance, func, |_, r: i32| r)
    }

    async fn call_func_ret_s64(&mut self, instance: &str, func: &str) -> i64 {
        self.call(instance, func, |_, r: i64| r)
    }

    async fn call_func_ret_f32(&mut self, instance: &str, func: &str) -> u32 {
        self.call(instance, func, |_, r: f32| r.to_bits())
    }

    async fn call_func_ret_f64(&mut self, instance: &str, func: &str) -> u64 {
        self.call(instance, func, |_, r: f64| r.to_bits())
    }
}
