//! The wasmtime runtime of a process: its engine, the linker with the only
//! imports a plugin may use, one epoch ticker thread, the compiled
//! components every pipeline shares, and the on-disk compile cache.
//!
//! One runtime serves every pipeline of a process ([`Runtime::shared`]):
//! fifty tenants mean one engine and one ticker thread, not fifty, and a
//! reload finds the components it needs already compiled. What wasmtime
//! fixes per engine is a process setting ([`RuntimeSettings`]); what varies
//! per pipeline is a per-call limit (`[limits]`: fuel, deadline, memory,
//! output, log), set on each call's store. The engine always meters fuel,
//! and a pipeline with `fuel = 0` runs with unlimited fuel (docs/performance.md
//! gives the cost). `isolate` pipelines run on a second engine with the
//! pooling allocator, made when the first of them loads (unless the pool is
//! off); the same ticker drives both.
//!
//! Threads do not survive `fork()`: in a child process forked after the
//! runtime was built (prefork servers such as gunicorn or Celery do this),
//! the ticker would be gone and a looping plugin would never be stopped.
//! The runtime remembers the process that runs its ticker and starts a new
//! one when a hook call comes from another process ([`process_id`]: the id
//! is cached, and forgotten in the child of every `fork()`, so a hook call
//! costs an atomic load, not a `getpid` system call).

use crate::cache;
use crate::gate::Gate;
use crate::plugin::PluginComponent;
use crate::sandbox::PluginState;
use crate::versions;
use anyhow::{Result, anyhow};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, ProfilingStrategy};

/// Milliseconds per epoch tick: hook deadlines are measured in ticks.
pub const EPOCH_TICK_MS: u64 = 1;

/// What wasmtime fixes per engine, and the compile cache's cap: settings of
/// the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSettings {
    /// Instance slots of the pooling allocator that `isolate` pipelines
    /// (a fresh instance per interaction) run on; `0` turns the pool off
    /// (they instantiate on demand, like `reuse` pipelines). When every slot
    /// is in use, further instantiations wait for one. Default:
    /// [`RuntimeSettings::POOL_PER_CORE`] per core; `CXR_POOL_INSTANCES`
    /// sets it for the shared runtime.
    pub pool_instances: u32,
    /// After each write to a compile cache, least recently used entries go
    /// until this many bytes remain (`None`: no cap). Default
    /// [`cache::DEFAULT_MAX_BYTES`]; `CXR_CACHE_MAX_MB` sets it for the
    /// shared runtime (see [`crate::cache`]).
    pub cache_max_bytes: Option<u64>,
}

impl RuntimeSettings {
    /// Pool slots per core by default.
    pub const POOL_PER_CORE: u32 = 16;
    /// Largest `pool_instances` accepted.
    pub const MAX_POOL_INSTANCES: u32 = 10_000;

    /// The defaults, with `CXR_POOL_INSTANCES` and `CXR_CACHE_MAX_MB`
    /// applied when they are set.
    pub fn from_env() -> Result<Self> {
        let mut settings = RuntimeSettings::default();
        settings.cache_max_bytes = cache::max_bytes_from_env().map_err(|e| anyhow!(e))?;
        if let Ok(v) = std::env::var("CXR_POOL_INSTANCES") {
            settings.pool_instances = v
                .trim()
                .parse()
                .map_err(|_| anyhow!("CXR_POOL_INSTANCES={v:?} is not a whole number"))?;
        }
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<()> {
        if self.pool_instances > Self::MAX_POOL_INSTANCES {
            anyhow::bail!("pool_instances must be at most {}, got {}", Self::MAX_POOL_INSTANCES, self.pool_instances);
        }
        Ok(())
    }
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        RuntimeSettings {
            pool_instances: (Self::POOL_PER_CORE * cores).min(Self::MAX_POOL_INSTANCES),
            cache_max_bytes: Some(cache::DEFAULT_MAX_BYTES),
        }
    }
}

/// Where compiled components are kept between processes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CachePolicy {
    /// [`default_cache_dir`]: `$CXR_CACHE_DIR`, `$XDG_CACHE_HOME/cxr` or
    /// `~/.cache/cxr`; off with `CXR_CACHE=off`.
    #[default]
    Default,
    /// No cache: compile in every process.
    Off,
    /// This directory.
    Dir(PathBuf),
}

impl CachePolicy {
    /// The directory this policy names, if any.
    pub fn dir(&self) -> Option<PathBuf> {
        match self {
            CachePolicy::Default => default_cache_dir(),
            CachePolicy::Off => None,
            CachePolicy::Dir(d) => Some(d.clone()),
        }
    }
}

/// The engine and linker of a process, shared by every pipeline loaded on
/// it. Cheap to clone (a handle).
#[derive(Clone)]
pub struct Runtime(Arc<Inner>);

struct Inner {
    settings: RuntimeSettings,
    /// `reuse` pipelines, and `isolate` ones when the pool is off.
    on_demand: Arc<EngineSlot>,
    /// `isolate` pipelines, when the pool is on; made on first use.
    pooled: OnceLock<Result<Arc<EngineSlot>, String>>,
    /// Whether calls have a deadline (only benchmarks turn it off).
    deadlines: bool,
    ticker: Option<Ticking>,
    /// Compiled components by engine and content, while some pipeline holds them.
    components: Mutex<HashMap<(EngineKind, String), Weak<PluginComponent>>>,
}

/// Which engine of the runtime a pipeline runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EngineKind {
    OnDemand,
    Pooled,
}

/// One engine, its linker, and (when pooled) the gate of its slots.
pub(crate) struct EngineSlot {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<PluginState>,
    pub(crate) kind: EngineKind,
    /// Distinguishes engines whose compiled code is not interchangeable, in cache file names.
    engine_tag: String,
    /// The compile cache's cap ([`RuntimeSettings::cache_max_bytes`]).
    cache_max_bytes: Option<u64>,
    /// One place per pool slot.
    pub(crate) gate: Option<Arc<Gate>>,
}

static SHARED: OnceLock<Runtime> = OnceLock::new();

impl Runtime {
    /// The runtime of this process, made on first use with
    /// [`RuntimeSettings::from_env`] (or what [`Runtime::configure_shared`]
    /// set before). Every pipeline loaded by [`crate::PipelineLoader`] runs
    /// on it unless told otherwise.
    pub fn shared() -> Result<Runtime> {
        if let Some(rt) = SHARED.get() {
            return Ok(rt.clone());
        }
        let rt = Runtime::new(RuntimeSettings::from_env()?)?;
        Ok(SHARED.get_or_init(|| rt).clone())
    }

    /// Sets the shared runtime's settings; fails when it was already made
    /// with other settings (call it first, e.g. from `main`).
    pub fn configure_shared(settings: RuntimeSettings) -> Result<Runtime> {
        settings.check()?;
        if let Some(rt) = SHARED.get() {
            if rt.0.settings == settings {
                return Ok(rt.clone());
            }
            anyhow::bail!("the process runtime was already made with other settings ({:?})", rt.0.settings);
        }
        let rt = Runtime::new(settings.clone())?;
        let shared = SHARED.get_or_init(|| rt).clone();
        if shared.0.settings != settings {
            anyhow::bail!("the process runtime was already made with other settings ({:?})", shared.0.settings);
        }
        Ok(shared)
    }

    /// A runtime of its own (its own engine and ticker thread), for tests
    /// and tools that must not share the process's; prefer [`Runtime::shared`].
    pub fn new(settings: RuntimeSettings) -> Result<Runtime> {
        Self::build(settings, true)
    }

    /// For benchmarks only: a runtime whose calls have no deadline, to
    /// measure what the deadline checks cost. A looping plugin hangs its
    /// caller here; never run untrusted plugins on it.
    #[doc(hidden)]
    pub fn without_deadlines_for_benchmarks(settings: RuntimeSettings) -> Result<Runtime> {
        Self::build(settings, false)
    }

    fn build(settings: RuntimeSettings, deadlines: bool) -> Result<Runtime> {
        settings.check()?;
        let on_demand = Arc::new(EngineSlot::new(EngineKind::OnDemand, 0, settings.cache_max_bytes, deadlines)?);
        let ticker = deadlines.then(|| Ticking::start(on_demand.engine.clone()));
        Ok(Runtime(Arc::new(Inner {
            settings,
            on_demand,
            pooled: OnceLock::new(),
            deadlines,
            ticker,
            components: Mutex::new(HashMap::new()),
        })))
    }

    /// The settings this runtime was made with.
    pub fn settings(&self) -> &RuntimeSettings {
        &self.0.settings
    }

    /// The engine for a pipeline in `isolate` mode (`true`) or `reuse` mode.
    pub(crate) fn engine_for(&self, isolate: bool) -> Result<Arc<EngineSlot>> {
        if !isolate || self.0.settings.pool_instances == 0 {
            return Ok(self.0.on_demand.clone());
        }
        let pooled = self.0.pooled.get_or_init(|| {
            let slot = EngineSlot::new(EngineKind::Pooled, self.0.settings.pool_instances, self.0.settings.cache_max_bytes, self.0.deadlines).map_err(|e| format!("{e:#}"))?;
            if let Some(t) = &self.0.ticker {
                t.add(slot.engine.clone());
            }
            Ok(Arc::new(slot))
        });
        pooled.clone().map_err(|e| anyhow!("building the pooled engine: {e}"))
    }

    /// The on-demand engine (used to describe components).
    pub(crate) fn default_engine(&self) -> Arc<EngineSlot> {
        self.0.on_demand.clone()
    }

    /// Makes sure the epoch ticker runs in this process, so that hook
    /// deadlines are enforced: after a `fork()` the child has no ticker
    /// thread and gets a new one here. Called before every hook call.
    pub(crate) fn keep_deadlines(&self) {
        if let Some(t) = &self.0.ticker {
            t.ensure_running();
        }
    }

    /// A component already loaded on `engine` from the same bytes, while
    /// some pipeline still holds it.
    pub(crate) fn loaded(&self, engine: EngineKind, key: &str) -> Option<Arc<PluginComponent>> {
        let map = self.0.components.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(&(engine, key.to_string())).and_then(Weak::upgrade)
    }

    /// Remembers a loaded component for the pipelines loaded after this one.
    pub(crate) fn keep(&self, engine: EngineKind, key: &str, component: &Arc<PluginComponent>) {
        let mut map = self.0.components.lock().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, w| w.strong_count() > 0);
        map.insert((engine, key.to_string()), Arc::downgrade(component));
    }

    /// How many compiled components the pipelines of this runtime hold now.
    pub fn components_loaded(&self) -> usize {
        let map = self.0.components.lock().unwrap_or_else(PoisonError::into_inner);
        map.values().filter(|w| w.strong_count() > 0).count()
    }
}

impl EngineSlot {
    fn new(kind: EngineKind, pool_instances: u32, cache_max_bytes: Option<u64>, deadlines: bool) -> Result<Self> {
        let mut config = Config::new();
        if kind == EngineKind::Pooled {
            let n = pool_instances;
            let mut pool = PoolingAllocationConfig::default();
            pool.total_component_instances(n)
                .total_core_instances(n * 8)
                .total_memories(n * 2)
                .total_tables(n * 4)
                // Reset used pages in place (found with PAGEMAP_SCAN where
                // the kernel has it) rather than unmapping them, so the next
                // instance in the slot takes no page faults.
                .linear_memory_keep_resident(16 << 20)
                .table_keep_resident(1 << 20)
                .pagemap_scan(Enabled::Auto);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        // `CXR_PERF_MAP=1` writes /tmp/perf-<pid>.map so that `perf report`
        // names the plugin functions compiled at run time.
        if std::env::var_os("CXR_PERF_MAP").is_some_and(|v| v == "1") {
            config.profiler(ProfilingStrategy::PerfMap);
        }
        config
            .wasm_component_model(true)
            .epoch_interruption(deadlines)
            .consume_fuel(true)
            .max_wasm_stack(1 << 20)
            .cranelift_opt_level(OptLevel::Speed)
            .parallel_compilation(parallel_compilation_is_safe());
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        // WASI is linked so that std-built plugins instantiate, but the
        // context behind it grants nothing (see `sandbox`).
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        // The host interface of every supported contract version.
        versions::link(&mut linker)?;
        let mut h = std::hash::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        Ok(EngineSlot {
            engine,
            linker,
            kind,
            engine_tag: format!("{:016x}", h.finish()),
            cache_max_bytes,
            gate: (kind == EngineKind::Pooled).then(|| Gate::new(pool_instances)),
        })
    }

    /// Compiles a component whose bytes hash to `sha256` (hex), or maps it
    /// from the compile cache when an earlier process compiled it with an
    /// engine of the same version and settings.
    pub(crate) fn compile(&self, bytes: &[u8], sha256: &str, cache: Option<&Path>) -> wasmtime::Result<Component> {
        if let Some(component) = self.cached(sha256, cache) {
            return Ok(component);
        }
        let component = Component::new(&self.engine, bytes)?;
        self.remember(sha256, &component, cache);
        Ok(component)
    }

    fn cache_path(&self, dir: &Path, key: &str) -> PathBuf {
        dir.join(format!("{key}-{}.cwasm", self.engine_tag))
    }

    /// The compiled component kept under `key`, if the cache has it.
    pub(crate) fn cached(&self, key: &str, cache: Option<&Path>) -> Option<Component> {
        let path = self.cache_path(cache?, key);
        if !path.is_file() {
            return None;
        }
        // SAFETY: the file was written by `Component::serialize` of an engine
        // with the same compatibility hash (its name says so), into the cache
        // directory this process was told to trust; wasmtime still checks its
        // header, version and settings before mapping it.
        match unsafe { Component::deserialize_file(&self.engine, &path) } {
            Ok(component) => {
                // Recently used entries are the last to be pruned.
                cache::touch(&path);
                Some(component)
            }
            Err(e) => {
                tracing::debug!(path = %path.display(), "compile cache entry not usable: {e:#}");
                None
            }
        }
    }

    /// Keeps a compiled component in the cache under `key` (if there is a
    /// cache), atomically: a temporary file, then a rename, so a concurrent
    /// reader never sees half a file.
    pub(crate) fn remember(&self, key: &str, component: &Component, cache: Option<&Path>) {
        let Some(dir) = cache else { return };
        let max_bytes = self.cache_max_bytes;
        let store = || -> Result<()> {
            std::fs::create_dir_all(dir)?;
            let path = self.cache_path(dir, key);
            let bytes = component.serialize().map_err(|e| anyhow!("{e:#}"))?;
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)?;
            if let Some(max_bytes) = max_bytes {
                let keep = cache::Keep { max_bytes: Some(max_bytes), max_age: None };
                let name = path.file_name().and_then(|n| n.to_str());
                let pruned = cache::CacheDir::new(dir).prune(keep, name, std::time::SystemTime::now())?;
                if !pruned.removed.is_empty() {
                    tracing::debug!(
                        dir = %dir.display(),
                        "compile cache over {max_bytes} bytes: removed {} least recently used entries ({} bytes)",
                        pruned.removed.len(),
                        pruned.removed_bytes
                    );
                }
            }
            Ok(())
        };
        if let Err(e) = store() {
            tracing::debug!(dir = %dir.display(), "could not write the compile cache: {e:#}");
        }
    }
}

/// Where compiled components are kept by default: `$CXR_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/cxr`, else `~/.cache/cxr` ([`cache::default_dir`]);
/// `None` when `CXR_CACHE=off` or no home is known.
pub fn default_cache_dir() -> Option<PathBuf> {
    if caching_off() {
        return None;
    }
    cache::default_dir()
}

/// `CXR_CACHE=off` (or `0`): compile on every run, keep nothing on disk.
pub fn caching_off() -> bool {
    std::env::var("CXR_CACHE").is_ok_and(|v| v == "off" || v == "0")
}

/// The process that first compiled with rayon's thread pool, which wasmtime's
/// parallel compilation uses. Like any thread, the pool's workers do not
/// survive `fork()`: a child that compiled in parallel would wait for them
/// forever, so engines built in a forked child compile on one thread.
static PARALLEL_COMPILATION_PID: AtomicU32 = AtomicU32::new(0);

fn parallel_compilation_is_safe() -> bool {
    let pid = std::process::id();
    match PARALLEL_COMPILATION_PID.compare_exchange(0, pid, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => true,
        Err(first) => first == pid,
    }
}

/// The cached id of this process; 0 when not read yet (or forgotten in a
/// forked child).
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);

/// The id of this process without a system call each time: read once, and
/// read again in the child of every `fork()` (a `pthread_atfork` handler,
/// registered before the id is first cached, forgets it there).
fn process_id() -> u32 {
    #[cfg(unix)]
    {
        extern "C" fn forget_in_child() {
            PROCESS_ID.store(0, Ordering::Relaxed);
        }
        static HANDLER: std::sync::Once = std::sync::Once::new();
        HANDLER.call_once(|| {
            // SAFETY: registers a handler that only stores to an atomic,
            // which is async-signal-safe as a fork handler must be.
            let rc = unsafe { libc::pthread_atfork(None, None, Some(forget_in_child)) };
            assert_eq!(rc, 0, "pthread_atfork failed");
        });
    }
    match PROCESS_ID.load(Ordering::Relaxed) {
        0 => {
            let pid = std::process::id();
            PROCESS_ID.store(pid, Ordering::Relaxed);
            pid
        }
        pid => pid,
    }
}

/// The epoch ticker of a runtime, and the process it runs in.
struct Ticking {
    engines: Arc<Mutex<Vec<Engine>>>,
    /// The process whose ticker thread is running.
    pid: AtomicU32,
    ticker: Mutex<EpochTicker>,
}

impl Ticking {
    fn start(engine: Engine) -> Self {
        let engines = Arc::new(Mutex::new(vec![engine]));
        Ticking {
            pid: AtomicU32::new(process_id()),
            ticker: Mutex::new(EpochTicker::start(engines.clone())),
            engines,
        }
    }

    /// Ticks `engine` too from now on.
    fn add(&self, engine: Engine) {
        self.engines.lock().unwrap_or_else(PoisonError::into_inner).push(engine);
    }

    /// Starts a new ticker thread when this is not the process that started
    /// the current one (a forked child).
    fn ensure_running(&self) {
        let pid = process_id();
        if self.pid.load(Ordering::Acquire) == pid {
            return;
        }
        let mut ticker = self.ticker.lock().unwrap_or_else(PoisonError::into_inner);
        if self.pid.load(Ordering::Acquire) != pid {
            // The old ticker's thread exists only in the parent: its handle
            // is forgotten on drop (see `EpochTicker::drop`), never joined.
            *ticker = EpochTicker::start(self.engines.clone());
            self.pid.store(pid, Ordering::Release);
        }
    }
}

/// A thread that advances the epoch of every engine of a runtime every
/// [`EPOCH_TICK_MS`]; stops on drop.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The process the thread runs in.
    pid: u32,
}

impl EpochTicker {
    fn start(engines: Arc<Mutex<Vec<Engine>>>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("cxr-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(EPOCH_TICK_MS));
                    for engine in engines.lock().unwrap_or_else(PoisonError::into_inner).iter() {
                        engine.increment_epoch();
                    }
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
            pid: process_id(),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            if self.pid == process_id() {
                let _ = t.join();
            } else {
                // Dropped in a forked child: the thread is the parent's, and
                // joining it would wait forever.
                std::mem::forget(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn the_process_id_is_read_again_in_a_forked_child() {
        let parent = process_id();
        assert_eq!(parent, std::process::id());
        // SAFETY: the child only reads atomics and the process id, then exits.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            let ok = process_id() == std::process::id() && process_id() != parent;
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        unsafe { libc::waitpid(child, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child saw a stale process id");
        assert_eq!(process_id(), parent);
    }

    #[test]
    fn one_runtime_per_process_unless_asked_for_another() {
        let a = Runtime::shared().unwrap();
        let b = Runtime::shared().unwrap();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        let own = Runtime::new(RuntimeSettings { pool_instances: 0, ..RuntimeSettings::default() }).unwrap();
        assert!(!Arc::ptr_eq(&a.0, &own.0));
        // Without a pool, isolate pipelines share the one engine.
        assert!(Arc::ptr_eq(&own.engine_for(true).unwrap(), &own.engine_for(false).unwrap()));
        // The shared settings are fixed once the shared runtime exists.
        assert!(Runtime::configure_shared(a.settings().clone()).is_ok());
        let other = RuntimeSettings { pool_instances: a.settings().pool_instances + 1, ..RuntimeSettings::default() };
        assert!(Runtime::configure_shared(other).is_err());
    }
}
