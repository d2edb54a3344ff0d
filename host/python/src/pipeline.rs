//! `cxr.Pipeline`: load once, decide from any thread.

use crate::convert::{self, BadInput, ReadInteraction};
use chrono::Utc;
use cxr_host::batch::{BatchOptions, route_stream};
use cxr_host::model::Decision;
use cxr_host::runtime::default_cache_dir;
use cxr_host::{PipelineConfig, Runtime, builtin};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A loaded cxr pipeline (sentiment -> classifiers -> priority -> routers -> fallback) of
/// sandboxed WebAssembly plugins.
///
/// Load it once and share it: every method may be called from many threads
/// at once, and the GIL is released while plugins run. Each plugin is
/// compiled once (and kept in the compile cache the `cxr` command line uses:
/// `CXR_CACHE_DIR`, `CXR_CACHE=off`). A pipeline made before `os.fork()`
/// keeps enforcing its plugins' deadlines in the child.
#[pyclass(frozen, module = "cxr", name = "Pipeline")]
pub struct Pipeline {
    inner: Arc<cxr_host::Pipeline>,
}

#[pymethods]
impl Pipeline {
    /// The reference pipeline built into cxr: the built-in sentiment,
    /// priority and router plugins (the pipeline `cxr route` uses when given
    /// no `--pipeline`).
    #[staticmethod]
    fn reference(py: Python<'_>) -> PyResult<Self> {
        let load = || -> anyhow::Result<cxr_host::Pipeline> {
            use anyhow::Context as _;
            let config = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).context("in the built-in reference pipeline")?;
            load(&config, Path::new(".")).context("loading the reference pipeline")
        };
        let inner = py.detach(load).map_err(convert::load_error)?;
        Ok(Pipeline { inner: Arc::new(inner) })
    }

    /// Loads a pipeline file (TOML); plugin paths in it are relative to the
    /// file. Raises `CxrError` when the file, a plugin or a plugin's
    /// configuration cannot be loaded, saying which and why.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let load = || -> anyhow::Result<cxr_host::Pipeline> {
            use anyhow::Context as _;
            let (config, base) = PipelineConfig::from_file(&path)?;
            load(&config, &base).with_context(|| format!("loading pipeline {}", path.display()))
        };
        let inner = py.detach(load).map_err(convert::load_error)?;
        Ok(Pipeline { inner: Arc::new(inner) })
    }

    /// The pipeline's name (`name` in its file).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Decides one interaction and returns the decision as a dict: the same
    /// JSON `cxr run --json` prints (id, discipline, sentiment, priority,
    /// route, reasons, trace, error).
    ///
    /// `interaction` is a dict or a JSON string; only `id` and `body` are
    /// required. `now` is the decision time: None (the clock), a
    /// timezone-aware `datetime`, an RFC 3339 string or epoch milliseconds
    /// (int); a naive datetime is refused. Bad input raises `cxr.InputError`
    /// (a `ValueError`) naming the field; a plugin that fails gives the
    /// pipeline's fallback decision with `error` set, never an exception.
    #[pyo3(signature = (interaction, now = None))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        interaction: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = convert::now(now)?;
        let text = convert::interaction_text(interaction)?.map_err(|e| e.into_py_err(py))?;
        let pipeline = &*self.inner;
        let out = py.detach(|| -> Result<String, BadInput> {
            let ix = convert::read_text(&text).result?;
            let decision = pipeline.decide(&ix, now.unwrap_or_else(Utc::now));
            Ok(serde_json::to_string(&decision).expect("a decision always serialises"))
        });
        convert::json_to_python(py, &out.map_err(|e| e.into_py_err(py))?)
    }

    /// Decides many interactions in parallel on `jobs` threads (default: one
    /// per core) and returns the decisions in input order, one per element.
    ///
    /// Like `POST /v1/decide/batch` of `cxr serve`, an element that cannot be
    /// read does not raise: its place holds an error record (its `id`, or
    /// `"[i]"` when it has none, and `error` saying `"[i]: ..."`).
    #[pyo3(signature = (interactions, jobs = None, now = None))]
    fn decide_many<'py>(
        &self,
        py: Python<'py>,
        interactions: &Bound<'py, PyAny>,
        jobs: Option<i64>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let jobs = jobs_arg(jobs)?;
        let now = convert::now(now)?;
        let mut texts: Vec<Result<String, BadInput>> = Vec::new();
        for item in interactions.try_iter()? {
            texts.push(convert::interaction_text(&item?)?);
        }
        let pipeline = &*self.inner;
        let decide = |i: usize| -> String {
            let decision = match &texts[i] {
                Ok(text) => {
                    let ReadInteraction { id, result } = convert::read_text(text);
                    match result {
                        Ok(ix) => pipeline.decide(&ix, now.unwrap_or_else(Utc::now)),
                        Err(e) => error_record(i, id, &e),
                    }
                }
                Err(e) => error_record(i, None, e),
            };
            serde_json::to_string(&decision).expect("a decision always serialises")
        };
        let out = py.detach(|| parallel_in_order(texts.len(), jobs, decide));
        let list = PyList::empty(py);
        for text in out {
            list.append(convert::json_to_python(py, &text)?)?;
        }
        Ok(list)
    }

    /// Routes a JSON Lines file to a JSON Lines file of decisions, exactly as
    /// `cxr route SRC -o DST` does (one decision per input line, in order;
    /// a line that cannot be read gets an error record naming the line), on
    /// `jobs` threads. Returns the summary `cxr route --json-summary` prints:
    /// lines, routed, fallbacks, input_errors, plugin_errors, by_queue,
    /// by_discipline, elapsed (seconds). Raises `OSError` when SRC cannot be
    /// read or DST written.
    #[pyo3(signature = (src, dst, jobs = None, now = None))]
    fn route_jsonl<'py>(
        &self,
        py: Python<'py>,
        src: PathBuf,
        dst: PathBuf,
        jobs: Option<i64>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut opts = BatchOptions {
            now: convert::now(now)?,
            ..BatchOptions::default()
        };
        opts.jobs = jobs_arg(jobs)?;
        let reader = File::open(&src).map_err(|e| os_error(e, "opening", &src))?;
        let writer = File::create(&dst).map_err(|e| os_error(e, "creating", &dst))?;
        let pipeline = &*self.inner;
        let summary = py
            .detach(|| {
                route_stream(
                    pipeline,
                    BufReader::with_capacity(1 << 16, reader),
                    BufWriter::new(writer),
                    &opts,
                    |_| {},
                )
            })
            .map_err(|e| os_error(e, "routing", &src))?;
        convert::to_python(py, &summary)
    }

    /// Calls, failures and quarantines of each stage since the pipeline was
    /// loaded: `{"name", "instance_mode", "stages": [{"hook", "plugin",
    /// "version", "calls", "failures", "quarantines", "quarantined"}, ...]}`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stats = serde_json::json!({
            "name": self.inner.name(),
            "instance_mode": self.inner.instance_mode(),
            "stages": self.inner.stats(),
        });
        convert::to_python(py, &stats)
    }

    /// The plugins of the pipeline in stage order, each as `cxr.inspect`
    /// describes it plus the `role` (hook) it plays here.
    fn plugins<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let plugins: Vec<serde_json::Value> = self
            .inner
            .plugins()
            .into_iter()
            .map(|(hook, p)| {
                let mut v = serde_json::to_value(p.meta()).expect("plugin metadata serialises");
                v["role"] = serde_json::json!(hook);
                v
            })
            .collect();
        convert::to_python(py, &plugins)
    }

    /// For `host/python/bench.py`: the mean time in microseconds of the
    /// Rust call `Pipeline::decide(&interaction, now)` on this pipeline, over
    /// `passes` passes of `interactions` (JSON texts, parsed once before the
    /// clock starts), on the calling thread with the GIL released.
    #[pyo3(signature = (interactions, passes, now))]
    fn _time_rust_decide(&self, py: Python<'_>, interactions: Vec<String>, passes: usize, now: &Bound<'_, PyAny>) -> PyResult<f64> {
        let now = convert::now(Some(now))?.unwrap_or_else(Utc::now);
        let parsed = interactions
            .iter()
            .map(|t| convert::read_text(t).result)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.into_py_err(py))?;
        let pipeline = &*self.inner;
        let micros = py.detach(|| {
            let started = std::time::Instant::now();
            for _ in 0..passes {
                for ix in &parsed {
                    std::hint::black_box(pipeline.decide(ix, now));
                }
            }
            started.elapsed().as_secs_f64() * 1e6
        });
        Ok(micros / (passes * parsed.len()).max(1) as f64)
    }

    fn __repr__(&self) -> String {
        let mode = serde_json::to_value(self.inner.instance_mode()).ok();
        let mode = mode.as_ref().and_then(|m| m.as_str()).unwrap_or("?");
        format!("<cxr.Pipeline {:?} ({mode}, {} plugins)>", self.inner.name(), self.inner.plugins().len())
    }
}

/// Loads a pipeline as the `cxr` command line does: compiled components are
/// kept in (and mapped from) the default compile cache.
fn load(config: &PipelineConfig, base: &Path) -> anyhow::Result<cxr_host::Pipeline> {
    let runtime = Runtime::with_cache(&config.runtime_limits(), default_cache_dir().as_deref())?;
    cxr_host::Pipeline::load_with(config, base, runtime, HashMap::new())
}

/// The record standing in for element `i` that could not be read.
fn error_record(i: usize, id: Option<String>, e: &BadInput) -> Decision {
    Decision::error_record(id.unwrap_or_else(|| format!("[{i}]")), None, format!("[{i}]: {}", e.message()))
}

fn jobs_arg(jobs: Option<i64>) -> PyResult<usize> {
    match jobs {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(j) if j >= 1 => Ok(j as usize),
        Some(j) => Err(PyValueError::new_err(format!("jobs must be at least 1, got {j}"))),
    }
}

fn os_error(e: std::io::Error, doing: &str, path: &Path) -> PyErr {
    let message = format!("{doing} {}: {e}", path.display());
    match e.kind() {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

/// `f(0..n)` on up to `jobs` threads, results in index order.
fn parallel_in_order<T: Send>(n: usize, jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if jobs <= 1 || n <= 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(n))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break done;
                        }
                        done.push((i, f(i)));
                    }
                })
            })
            .collect();
        for w in workers {
            for (i, v) in w.join().expect("deciding never panics") {
                slots[i] = Some(v);
            }
        }
    });
    slots.into_iter().map(|v| v.expect("every slot is filled")).collect()
}

/// `Pipeline` is shared between Python threads: it must be `Send + Sync`.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Pipeline>()
};
