//! Between Python values and cxr's JSON edge: interactions in (a dict or a
//! JSON string), decisions and summaries out (dicts, exactly the JSON the
//! CLI prints), `now` in its three spellings, and errors.

use crate::{CxrError, InputError};
use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyRecursionError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use std::path::PathBuf;

/// Why an interaction could not be used.
pub enum BadInput {
    /// Neither a dict nor a string.
    Type(String),
    /// Not a valid interaction; `field` names the field at fault.
    Input { message: String, field: Option<String> },
}

impl BadInput {
    /// An input problem (`cxr_host::io::Problem`), worded as every front end words it.
    pub fn problem(p: &cxr_host::io::Problem) -> Self {
        BadInput::Input {
            message: p.to_string(),
            field: p.field().map(str::to_string),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            BadInput::Type(m) | BadInput::Input { message: m, .. } => m,
        }
    }

    /// `TypeError` for the wrong Python type, `cxr.InputError` (a
    /// `ValueError`) with `.field` for a bad interaction.
    pub fn into_py_err(self, py: Python<'_>) -> PyErr {
        match self {
            BadInput::Type(m) => PyTypeError::new_err(m),
            BadInput::Input { message, field } => input_error(py, message, field),
        }
    }
}

/// A `cxr.InputError` whose `field` attribute names the field (or is None).
pub fn input_error(py: Python<'_>, message: String, field: Option<String>) -> PyErr {
    let err = InputError::new_err(message);
    // Setting an attribute on a fresh exception instance cannot fail in practice.
    let _ = err.value(py).setattr("field", field);
    err
}

/// The text of an interaction given as a dict (serialised with Python's
/// `json`; datetimes become RFC 3339 strings) or as a JSON string. Parsing
/// is left to `cxr_host::io::Input`, which needs no GIL.
pub fn interaction_text(obj: &Bound<'_, PyAny>) -> PyResult<Result<String, BadInput>> {
    if obj.is_instance_of::<PyString>() {
        return Ok(Ok(obj.extract::<String>()?));
    }
    if obj.is_instance_of::<PyDict>() || is_mapping(obj)? {
        let py = obj.py();
        let kwargs = PyDict::new(py);
        kwargs.set_item("default", json_fns(py)?.default.bind(py))?;
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("allow_nan", false)?;
        return match json_fns(py)?.dumps.bind(py).call((obj,), Some(&kwargs)) {
            Ok(text) => Ok(Ok(text.extract::<String>()?)),
            Err(e) if e.is_instance_of::<PyTypeError>(py) || e.is_instance_of::<PyValueError>(py) || e.is_instance_of::<PyRecursionError>(py) => {
                Ok(Err(BadInput::Input {
                    message: format!("the interaction is not JSON: {}", e.value(py)),
                    field: None,
                }))
            }
            Err(e) => Err(e),
        };
    }
    let kind = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Ok(Err(BadInput::Type(format!("an interaction is a dict or a JSON string, not {kind}"))))
}

fn is_mapping(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    static MAPPING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let mapping = MAPPING.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("collections.abc")?.getattr("Mapping")?.unbind())
    })?;
    obj.is_instance(mapping.bind(py))
}

/// Python's `json.dumps` / `json.loads`, looked up once.
struct JsonFns {
    dumps: Py<PyAny>,
    loads: Py<PyAny>,
    default: Py<PyAny>,
}

fn json_fns(py: Python<'_>) -> PyResult<&'static JsonFns> {
    static JSON: PyOnceLock<JsonFns> = PyOnceLock::new();
    JSON.get_or_try_init(py, || {
        let json = py.import("json")?;
        let module = py.import("cxr._cxr")?;
        Ok(JsonFns {
            dumps: json.getattr("dumps")?.unbind(),
            loads: json.getattr("loads")?.unbind(),
            default: module.getattr("_json_default")?.unbind(),
        })
    })
}

/// `default=` for `json.dumps`: dates and datetimes as ISO 8601 / RFC 3339
/// text (a naive datetime has no offset, and `received_at` then says so).
#[pyfunction]
#[pyo3(name = "_json_default")]
pub fn json_default(obj: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    if obj.hasattr("isoformat")? && obj.hasattr("year")? {
        return Ok(obj.call_method0("isoformat")?.unbind());
    }
    let kind = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(PyTypeError::new_err(format!("Object of type {kind} is not JSON serializable")))
}

/// A JSON text (made by serde_json, so always valid) as Python values.
pub fn json_to_python<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    json_fns(py)?.loads.bind(py).call1((text,))
}

/// Any serialisable value (a decision, a summary, plugin metadata) as the
/// Python value of its JSON.
pub fn to_python<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_to_python(py, &text)
}

/// `now` as given: None (the clock), a timezone-aware `datetime`, an RFC
/// 3339 string, or milliseconds since the Unix epoch as an int. A naive
/// datetime is refused: it would silently mean local time.
pub fn now(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DateTime<Utc>>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = v.py();
    let bad = |message: String| input_error(py, message, Some("now".to_string()));
    if v.is_instance_of::<PyBool>() {
        return Err(bad("`now` must be a datetime, an RFC 3339 string or epoch milliseconds (int), not a bool".into()));
    }
    if v.is_instance_of::<PyInt>() {
        let ms: i64 = v
            .extract()
            .map_err(|_| bad("`now` is out of range for epoch milliseconds".to_string()))?;
        return DateTime::from_timestamp_millis(ms)
            .map(Some)
            .ok_or_else(|| bad("`now` is out of range for epoch milliseconds".to_string()));
    }
    if v.is_instance_of::<PyString>() {
        let s: String = v.extract()?;
        return parse_rfc3339(&s).map(Some).map_err(bad);
    }
    static DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let datetime = DATETIME.get_or_try_init(py, || -> PyResult<_> { Ok(py.import("datetime")?.getattr("datetime")?.unbind()) })?;
    if v.is_instance(datetime.bind(py))? {
        if v.call_method0("utcoffset")?.is_none() {
            return Err(bad(
                "`now` is a naive datetime (no timezone); give it one, e.g. datetime.now(timezone.utc)".to_string(),
            ));
        }
        let s: String = v.call_method0("isoformat")?.extract()?;
        return parse_rfc3339(&s).map(Some).map_err(bad);
    }
    let kind = v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(PyTypeError::new_err(format!(
        "`now` must be a datetime, an RFC 3339 string or epoch milliseconds (int), not {kind}"
    )))
}

fn parse_rfc3339(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`now` is not an RFC 3339 time like 2026-11-22T09:14:00Z ({e})"))
}

/// A path or a plugin name given as `str` or `os.PathLike`.
pub fn path_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let path: PathBuf = obj.extract()?;
    Ok(path.to_string_lossy().into_owned())
}

/// A load failure as `cxr.CxrError`, with the whole chain of causes.
pub fn load_error(e: anyhow::Error) -> PyErr {
    CxrError::new_err(format!("{e:#}"))
}
