//! `cxr.Pipeline`: load once, decide from any thread.

use crate::convert::{self, BadInput};
use cxr_host::{PipelineLoader, PipelineSource, PluginSpec};
use cxr_host::io::{BatchOptions, Input, Position, Problem, RecentIds, decide_batch, route_stream};
use cxr_host::policy::{self, Now};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
        let inner = py.detach(|| PipelineLoader::new().reference()).map_err(convert::load_error)?;
        Ok(Pipeline { inner: Arc::new(inner) })
    }

    /// Loads a pipeline file (TOML); plugin paths in it are relative to the
    /// file. Raises `CxrError` when the file, a plugin or a plugin's
    /// configuration cannot be loaded, saying which and why.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py.detach(|| PipelineLoader::new().file(&path)).map_err(convert::load_error)?;
        Ok(Pipeline { inner: Arc::new(inner) })
    }

    /// Loads any pipeline the `cxr` command line's `--pipeline` names: a
    /// pipeline file, a plugin `.wasm` (or `builtin:NAME`) swapped into the
    /// reference pipeline, or `"builtin"`; `plugins` are swapped in as
    /// `--plugin` does (each a `.wasm` path or `builtin:NAME`). Raises
    /// `CxrError` when something cannot be loaded, saying which and why.
    #[staticmethod]
    #[pyo3(signature = (source = "builtin", plugins = Vec::new()))]
    fn load(py: Python<'_>, source: &str, plugins: Vec<String>) -> PyResult<Self> {
        let source = PipelineSource::parse(source);
        let plugins: Vec<PluginSpec> = plugins.iter().map(|p| PluginSpec::parse(p)).collect();
        let inner = py
            .detach(|| PipelineLoader::new().plugins(plugins).source(&source))
            .map_err(convert::load_error)?;
        Ok(Pipeline { inner: Arc::new(inner) })
    }

    /// Loads a pipeline from its TOML text; plugin paths in it are relative
    /// to `base` (default: the working directory).
    #[staticmethod]
    #[pyo3(signature = (text, base = None))]
    fn from_toml(py: Python<'_>, text: &str, base: Option<PathBuf>) -> PyResult<Self> {
        let base = base.unwrap_or_else(|| PathBuf::from("."));
        let inner = py.detach(|| PipelineLoader::new().toml(text, &base)).map_err(convert::load_error)?;
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
    /// `interaction` is a dict or a JSON string (at most 1 MiB); only `id`
    /// and `body` are required. `now` is the decision time: None (the
    /// clock), a timezone-aware `datetime`, an RFC 3339 string or epoch
    /// milliseconds (int); a naive datetime is refused. `request_id` is set
    /// on the decision. Bad input raises `cxr.InputError` (a `ValueError`)
    /// naming the field; a plugin that fails gives the pipeline's fallback
    /// decision with `error` and `error_kind` set, never an exception.
    #[pyo3(signature = (interaction, now = None, request_id = None))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        interaction: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
        request_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = Now::from(convert::now(now)?);
        let request_id = request_id_arg(py, request_id)?;
        let text = convert::interaction_text(interaction)?.map_err(|e| e.into_py_err(py))?;
        let pipeline = &*self.inner;
        let out = py.detach(|| -> Result<String, BadInput> {
            let (_, parsed) = Input::text(Position::Single, &text, policy::MAX_INTERACTION_BYTES).parse();
            let ix = parsed.map_err(|p| BadInput::problem(&p))?;
            let mut decision = pipeline.decide(&ix, now.at());
            decision.request_id = request_id;
            Ok(serde_json::to_string(&decision).expect("a decision always serialises"))
        });
        convert::json_to_python(py, &out.map_err(|e| e.into_py_err(py))?)
    }

    /// Decides many interactions in parallel on `jobs` threads (default: one
    /// per core) and returns the decisions in input order, one per element.
    ///
    /// Like `POST /v1/decide/batch` of `cxr serve`, an element that cannot be
    /// read, or repeats an earlier element's `id`, does not raise: its place
    /// holds an error record (its `id`, or `"[i]"` when it has none, `error`
    /// saying `"[i]: ..."`, `error_kind` `input` or `duplicate`).
    #[pyo3(signature = (interactions, jobs = None, now = None, request_id = None))]
    fn decide_many<'py>(
        &self,
        py: Python<'py>,
        interactions: &Bound<'py, PyAny>,
        jobs: Option<i64>,
        now: Option<&Bound<'py, PyAny>>,
        request_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let opts = BatchOptions {
            jobs: jobs_arg(jobs)?,
            now: convert::now(now)?,
            request_id: request_id_arg(py, request_id)?,
            ..BatchOptions::default()
        };
        let mut inputs = Vec::new();
        for (i, item) in interactions.try_iter()?.enumerate() {
            let position = Position::Element(i);
            inputs.push(match convert::interaction_text(&item?)? {
                Ok(text) => Input::text(position, &text, policy::MAX_INTERACTION_BYTES),
                Err(e) => Input {
                    position,
                    text: Err(Problem::Other(e.message().to_string())),
                },
            });
        }
        let pipeline = &*self.inner;
        let out: Vec<String> = py.detach(|| {
            let mut seen = RecentIds::new(opts.duplicate_window);
            decide_batch(pipeline, &inputs, &opts, &mut seen, false)
                .into_iter()
                .map(|d| serde_json::to_string(&d.decision).expect("a decision always serialises"))
                .collect()
        });
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
    #[pyo3(signature = (src, dst, jobs = None, now = None, request_id = None))]
    fn route_jsonl<'py>(
        &self,
        py: Python<'py>,
        src: PathBuf,
        dst: PathBuf,
        jobs: Option<i64>,
        now: Option<&Bound<'py, PyAny>>,
        request_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut opts = BatchOptions {
            now: convert::now(now)?,
            request_id: request_id_arg(py, request_id)?,
            ..BatchOptions::default()
        };
        opts.jobs = jobs_arg(jobs)?;
        let reader = cxr_host::fs::open_regular(&src, "input").map_err(|e| file_error(e, &src))?;
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
    /// loaded: `{"name", "instance_mode", "stages": [{"stage", "hook",
    /// "plugin", "version", "calls", "failures", "host_late", "input_cost",
    /// "quarantines", "quarantined"}, ...]}`.
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
        let now = Now::from(convert::now(Some(now))?).at();
        let parsed = interactions
            .iter()
            .map(|t| Input::text(Position::Single, t, policy::MAX_INTERACTION_BYTES).parse().1.map_err(|p| BadInput::problem(&p)))
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

/// A `request_id=` argument, checked as every front end checks one.
fn request_id_arg(py: Python<'_>, request_id: Option<&str>) -> PyResult<Option<String>> {
    request_id
        .map(|id| policy::check_request_id(id).map_err(|e| convert::input_error(py, e, Some("request_id".to_string()))))
        .transpose()
}

fn jobs_arg(jobs: Option<i64>) -> PyResult<usize> {
    match jobs {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(j) if j >= 1 => Ok(j as usize),
        Some(j) => Err(PyValueError::new_err(format!("jobs must be at least 1, got {j}"))),
    }
}

/// A file [`cxr_host::fs`] cannot open: `FileNotFoundError` when it is
/// missing, else `OSError`, with the message naming the file.
fn file_error(e: anyhow::Error, path: &Path) -> PyErr {
    let message = format!("{e:#}");
    if !path.exists() {
        PyFileNotFoundError::new_err(message)
    } else {
        PyOSError::new_err(message)
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

/// `Pipeline` is shared between Python threads: it must be `Send + Sync`.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Pipeline>()
};
