//! The `cxr` Python package's compiled part (`cxr._cxr`): the cxr-host
//! pipeline behind a small, typed Python API. The GIL is released while
//! plugins run, and a `Pipeline` is shared freely between threads.

mod convert;
mod plugin_meta;
mod pipeline;

use pyo3::prelude::*;

pyo3::create_exception!(
    cxr,
    CxrError,
    pyo3::exceptions::PyException,
    "cxr could not load something: a pipeline file, a plugin component, or its configuration."
);

pyo3::create_exception!(
    cxr,
    InputError,
    pyo3::exceptions::PyValueError,
    "An interaction (or a `now`) could not be read; `field` names the field at fault, when there is one."
);

/// What a plugin component is, as `cxr inspect --json` prints it: name,
/// version, description, sha256, size_bytes, wit_version (the contract
/// version), hooks, imports, exports, contract_supported,
/// supported_versions, and `refused` (why) for a component of a contract
/// version this cxr does not run.
///
/// `plugin` is a path to a `.wasm` component or `builtin:sentiment`,
/// `builtin:priority`, `builtin:router`. Raises `CxrError` when it cannot be
/// read or is not a cxr plugin (saying why).
#[pyfunction]
fn inspect<'py>(py: Python<'py>, plugin: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let spec = convert::path_text(plugin)?;
    let meta = py.detach(|| plugin_meta::inspect(&spec)).map_err(convert::load_error)?;
    convert::to_python(py, &meta)
}

/// The extension module.
#[pymodule]
fn _cxr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CxrError", py.get_type::<CxrError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add_class::<pipeline::Pipeline>()?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(convert::json_default, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
