//! `cxr.inspect`: what a plugin component is, as `cxr inspect --json` prints it.
//!
//! A thin wrapper: reading the plugin named as on the command line, then
//! describing it with `cxr_host::inspect` (contract version and whether this
//! host supports it included), whose result is the JSON.

use anyhow::Result;
use cxr_host::{CachePolicy, PluginSpec};

/// The metadata of the plugin `spec` (a `.wasm` path or `builtin:NAME`,
/// read by the one parser of plugin names), as JSON.
pub fn inspect(spec: &str) -> Result<serde_json::Value> {
    let found = cxr_host::inspect::inspect_spec(&PluginSpec::parse(spec), &CachePolicy::Default)?;
    Ok(serde_json::to_value(found)?)
}
