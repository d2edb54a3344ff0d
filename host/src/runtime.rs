//! The wasmtime engine every plugin of a pipeline runs on: its configuration
//! (fuel metering, epoch interruption, stack cap), the linker with the only
//! imports a plugin may use, and the epoch ticker thread.
//!
//! Threads do not survive `fork()`: in a child process forked after the
//! runtime was built (prefork servers such as gunicorn or Celery do this),
//! the ticker would be gone and a looping plugin would never be stopped.
//! The runtime remembers the process that runs its ticker and starts a new
//! one when a hook call comes from another process (one `getpid` per call).

use crate::bindings::{v0_1_0, v0_2_0};
use crate::cache;
use crate::config::Limits;
use crate::sandbox::PluginState;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;
use std::hash::{Hash, Hasher};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, ProfilingStrategy};

/// Milliseconds per epoch tick: hook deadlines are measured in ticks.
pub const EPOCH_TICK_MS: u64 = 1;

/// Engine, linker and limits shared by all plugins of one pipeline.
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<PluginState>,
    pub(crate) limits: Limits,
    cache: Option<CompileCache>,
    ticker: Option<Ticking>,
}

/// Compiled components on disk, one file per component and engine setting
/// (the layout and the pruning are in [`crate::cache`]).
struct CompileCache {
    dir: PathBuf,
    /// Distinguishes engines whose compiled code is not interchangeable.
    engine_tag: String,
    /// After each write, least recently used entries go until this many
    /// bytes remain (`None`: no cap).
    max_bytes: Option<u64>,
}

impl CompileCache {
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}-{}.cwasm", self.engine_tag))
    }

    /// Writes a compiled component atomically (temporary file, then rename),
    /// so a concurrent reader never sees half a file.
    fn store(&self, key: &str, component: &Component) -> Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(key);
        let bytes = component.serialize().map_err(|e| anyhow!("{e:#}"))?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        if let Some(max_bytes) = self.max_bytes {
            let keep = cache::Keep { max_bytes: Some(max_bytes), max_age: None };
            let name = path.file_name().and_then(|n| n.to_str());
            let pruned = cache::CacheDir::new(&self.dir).prune(keep, name, std::time::SystemTime::now())?;
            if !pruned.removed.is_empty() {
                tracing::debug!(
                    dir = %self.dir.display(),
                    "compile cache over {max_bytes} bytes: removed {} least recently used entries ({} bytes)",
                    pruned.removed.len(),
                    pruned.removed_bytes
                );
            }
        }
        Ok(())
    }
}

impl Runtime {
    /// Builds the engine for the given limits (fuel metering is on when `limits.fuel > 0`).
    pub fn new(limits: &Limits) -> Result<Self> {
        Self::with_cache(limits, None)
    }

    /// Like [`Runtime::new`], keeping compiled components in `cache_dir` so
    /// that the next process loading the same component skips compilation
    /// (it maps the compiled code straight from the file). The directory is
    /// kept under `CXR_CACHE_MAX_MB` mebibytes, by default
    /// [`cache::DEFAULT_MAX_BYTES`] (see [`crate::cache`]).
    pub fn with_cache(limits: &Limits, cache_dir: Option<&Path>) -> Result<Self> {
        let max_bytes = cache::max_bytes_from_env().map_err(|e| anyhow!(e))?;
        Self::with_cache_capped(limits, cache_dir, max_bytes)
    }

    /// Like [`Runtime::with_cache`] with an explicit cap on the cache's size
    /// in bytes (`None`: no cap), whatever the environment says.
    pub fn with_cache_capped(limits: &Limits, cache_dir: Option<&Path>, max_bytes: Option<u64>) -> Result<Self> {
        let mut runtime = Self::build(limits, cache_dir, true)?;
        if let Some(cache) = &mut runtime.cache {
            cache.max_bytes = max_bytes;
        }
        Ok(runtime)
    }

    /// For benchmarks only: a runtime whose calls have no deadline, to
    /// measure what the deadline checks cost. A looping plugin hangs its
    /// caller here; never run untrusted plugins on it.
    #[doc(hidden)]
    pub fn without_deadlines_for_benchmarks(limits: &Limits) -> Result<Self> {
        Self::build(limits, None, false)
    }

    fn build(limits: &Limits, cache_dir: Option<&Path>, deadlines: bool) -> Result<Self> {
        let mut config = Config::new();
        if limits.pool_instances > 0 {
            let n = limits.pool_instances;
            let mut pool = PoolingAllocationConfig::default();
            pool.total_component_instances(n)
                .total_core_instances(n * 8)
                .total_memories(n * 2)
                .total_tables(n * 4)
                .max_memory_size((limits.memory_mb as usize) << 20)
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
            .consume_fuel(limits.fuel > 0)
            .max_wasm_stack(1 << 20)
            .cranelift_opt_level(OptLevel::Speed)
            .parallel_compilation(parallel_compilation_is_safe());
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        // WASI is linked so that std-built plugins instantiate, but the
        // context behind it grants nothing (see `sandbox`).
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        // The host interface of every supported contract version.
        v0_1_0::cxr::plugin::host::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
        v0_2_0::cxr::plugin::host::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
        let ticker = deadlines.then(|| Ticking::start(engine.clone()));
        let cache = cache_dir.map(|dir| {
            let mut h = std::hash::DefaultHasher::new();
            engine.precompile_compatibility_hash().hash(&mut h);
            CompileCache {
                dir: dir.to_path_buf(),
                engine_tag: format!("{:016x}", h.finish()),
                max_bytes: None,
            }
        });
        Ok(Runtime {
            engine,
            linker,
            limits: limits.clone(),
            cache,
            ticker,
        })
    }

    /// Makes sure the epoch ticker runs in this process, so that hook
    /// deadlines are enforced: after a `fork()` the child has no ticker
    /// thread and gets a new one here. Called before every hook call.
    pub(crate) fn keep_deadlines(&self) {
        if let Some(t) = &self.ticker {
            t.ensure_running();
        }
    }

    /// The wasmtime engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits hook calls run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles a component whose bytes hash to `sha256` (hex), or maps it
    /// from the compile cache when an earlier process compiled it with an
    /// engine of the same version and settings.
    pub(crate) fn compile(&self, bytes: &[u8], sha256: &str) -> wasmtime::Result<Component> {
        if let Some(component) = self.cached(sha256) {
            return Ok(component);
        }
        let component = Component::new(&self.engine, bytes)?;
        self.remember(sha256, &component);
        Ok(component)
    }

    /// The compiled component kept under `key`, if the cache has it.
    pub(crate) fn cached(&self, key: &str) -> Option<Component> {
        let cache = self.cache.as_ref()?;
        let path = cache.path(key);
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

    /// Keeps a compiled component in the cache under `key` (if there is a cache).
    pub(crate) fn remember(&self, key: &str, component: &Component) {
        if let Some(cache) = &self.cache
            && let Err(e) = cache.store(key, component)
        {
            tracing::debug!(dir = %cache.dir.display(), "could not write the compile cache: {e:#}");
        }
    }
}

/// Where the CLI keeps compiled components: `$CXR_CACHE_DIR`, else
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

/// The epoch ticker of a runtime, and the process it runs in.
struct Ticking {
    engine: Engine,
    /// The process whose ticker thread is running.
    pid: AtomicU32,
    ticker: Mutex<EpochTicker>,
}

impl Ticking {
    fn start(engine: Engine) -> Self {
        Ticking {
            pid: AtomicU32::new(std::process::id()),
            ticker: Mutex::new(EpochTicker::start(engine.clone())),
            engine,
        }
    }

    /// Starts a new ticker thread when this is not the process that started
    /// the current one (a forked child).
    fn ensure_running(&self) {
        let pid = std::process::id();
        if self.pid.load(Ordering::Acquire) == pid {
            return;
        }
        let mut ticker = self.ticker.lock().unwrap_or_else(PoisonError::into_inner);
        if self.pid.load(Ordering::Acquire) != pid {
            // The old ticker's thread exists only in the parent: its handle
            // is forgotten on drop (see `EpochTicker::drop`), never joined.
            *ticker = EpochTicker::start(self.engine.clone());
            self.pid.store(pid, Ordering::Release);
        }
    }
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK_MS`]; stops on drop.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The process the thread runs in.
    pid: u32,
}

impl EpochTicker {
    fn start(engine: Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("cxr-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(EPOCH_TICK_MS));
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
            pid: std::process::id(),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            if self.pid == std::process::id() {
                let _ = t.join();
            } else {
                // Dropped in a forked child: the thread is the parent's, and
                // joining it would wait forever.
                std::mem::forget(t);
            }
        }
    }
}
