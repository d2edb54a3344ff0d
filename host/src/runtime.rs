//! The wasmtime engine every plugin of a pipeline runs on: its configuration
//! (fuel metering, epoch interruption, stack cap), the linker with the only
//! imports a plugin may use, and the epoch ticker thread.

use crate::bindings::cxr::plugin::host as host_iface;
use crate::config::Limits;
use crate::sandbox::PluginState;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Cache, CacheConfig, Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, ProfilingStrategy};

/// Milliseconds per epoch tick: hook deadlines are measured in ticks.
pub const EPOCH_TICK_MS: u64 = 1;

/// Engine, linker and limits shared by all plugins of one pipeline.
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<PluginState>,
    pub(crate) limits: Limits,
    _ticker: EpochTicker,
}

impl Runtime {
    /// Builds the engine for the given limits (fuel metering is on when `limits.fuel > 0`).
    pub fn new(limits: &Limits) -> Result<Self> {
        Self::with_cache(limits, None)
    }

    /// Like [`Runtime::new`], keeping compiled components in `cache_dir` so
    /// that the next process loading the same component skips compilation.
    pub fn with_cache(limits: &Limits, cache_dir: Option<&Path>) -> Result<Self> {
        let mut config = Config::new();
        if let Some(dir) = cache_dir {
            let mut cache = CacheConfig::new();
            cache.with_directory(dir);
            let cache = Cache::new(cache).map_err(|e| anyhow!("using compile cache {}: {e:#}", dir.display()))?;
            config.cache(Some(cache));
        }
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
            .epoch_interruption(true)
            .consume_fuel(limits.fuel > 0)
            .max_wasm_stack(1 << 20)
            .cranelift_opt_level(OptLevel::Speed);
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        // WASI is linked so that std-built plugins instantiate, but the
        // context behind it grants nothing (see `sandbox`).
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        host_iface::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s)?;
        let ticker = EpochTicker::start(engine.clone());
        Ok(Runtime {
            engine,
            linker,
            limits: limits.clone(),
            _ticker: ticker,
        })
    }

    /// The wasmtime engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits hook calls run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// Where the CLI keeps compiled components: `$CXR_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/cxr`, else `~/.cache/cxr`; `None` when `CXR_CACHE=off`
/// or no home is known.
pub fn default_cache_dir() -> Option<PathBuf> {
    if std::env::var("CXR_CACHE").is_ok_and(|v| v == "off" || v == "0") {
        return None;
    }
    if let Some(dir) = std::env::var_os("CXR_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("cxr"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("cxr"))
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK_MS`]; stops on drop.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
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
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
