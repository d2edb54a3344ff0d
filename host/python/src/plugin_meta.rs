//! `cxr.inspect`: what a plugin component is, as `cxr inspect --json` prints it.
//!
//! A thin wrapper: reading the plugin named as on the command line, then
//! describing it with `cxr_host::inspect` (contract version and whether this
//! host supports it included), whose result is the JSON.

use anyhow::{Context as _, Result};
use cxr_host::runtime::default_cache_dir;
use cxr_host::{Limits, Runtime, builtin};

/// The metadata of the plugin `spec` (a `.wasm` path or `builtin:NAME`), as JSON.
pub fn inspect(spec: &str) -> Result<serde_json::Value> {
    let bytes = match spec.strip_prefix("builtin:") {
        Some(name) => builtin::plugin_bytes(name)
            .with_context(|| format!("unknown built-in plugin {spec:?} (built in: {})", builtin::NAMES.join(", ")))?
            .to_vec(),
        None => std::fs::read(spec).with_context(|| format!("reading {spec}"))?,
    };
    let runtime = Runtime::with_cache(&Limits::default(), default_cache_dir().as_deref())?;
    let found = cxr_host::inspect::inspect(&runtime, &bytes, spec)?;
    Ok(serde_json::to_value(found)?)
}
