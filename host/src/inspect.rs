//! What a component is, without deciding anything: its contract version and
//! whether this host runs it, its hooks, imports, exports, size and hash.
//! `cxr inspect` prints this; a component of an unsupported version is
//! still described (with the reason it is refused) instead of only failing.

use crate::plugin::{PluginComponent, PluginMeta, check_header};
use crate::runtime::{CachePolicy, Runtime};
use crate::source::PluginSpec;
use crate::versions::{self, Detected, WIT_PACKAGE};
use anyhow::{Result, anyhow, bail};
use cxr_model::Hook;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A component as `cxr inspect` describes it.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// Name, version, description, hash, size, contract version, hooks,
    /// imports and exports (name, version and description are empty when
    /// the component was refused before it could be asked).
    #[serde(flatten)]
    pub meta: PluginMeta,
    /// Whether this host loads the component's contract version.
    pub contract_supported: bool,
    /// The contract versions this host supports.
    pub supported_versions: Vec<String>,
    /// Why the component is refused, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Describes the plugin `spec` names (`builtin:NAME` or a `.wasm` path), as
/// `cxr inspect` and Python's `cxr.inspect` do: on the process runtime,
/// with the compile cache of `cache`.
pub fn inspect_spec(spec: &PluginSpec, cache: &CachePolicy) -> Result<Inspection> {
    let bytes = spec.read(crate::Limits::default().max_component_mb)?;
    inspect_with(&Runtime::shared()?, &bytes, &spec.to_string(), cache)
}

/// Describes a component. Fails only for what is not a cxr plugin at all
/// (not wasm, a core module, no `cxr:plugin` export).
pub fn inspect(runtime: &Runtime, bytes: &[u8], origin: &str) -> Result<Inspection> {
    inspect_with(runtime, bytes, origin, &CachePolicy::Off)
}

fn inspect_with(runtime: &Runtime, bytes: &[u8], origin: &str, cache: &CachePolicy) -> Result<Inspection> {
    check_header(bytes).map_err(|e| anyhow!("{origin} cannot be loaded: {e}"))?;
    crate::precheck::check(bytes, origin)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let engine = runtime.default_engine();
    let cache = cache.dir();
    let component = engine
        .compile(bytes, &sha256, cache.as_deref())
        .map_err(|e| anyhow!("{origin} is not a valid WebAssembly component: {e:#}"))?;
    let ty = component.component_type();
    let exports: Vec<String> = ty.exports(&engine.engine).map(|(n, _)| n.to_string()).collect();
    let imports: Vec<String> = ty.imports(&engine.engine).map(|(n, _)| n.to_string()).collect();
    let supported_versions = versions::SUPPORTED.iter().map(|v| v.as_str().to_string()).collect();
    match versions::detect(&exports) {
        Detected::NotAPlugin => bail!(
            "{origin} is not a cxr plugin: it does not export `{WIT_PACKAGE}/lifecycle` of any version (its exports: {})",
            if exports.is_empty() { "none".to_string() } else { exports.join(", ") }
        ),
        Detected::Supported(_) => {
            let plugin = PluginComponent::load_on(runtime, &engine, bytes, origin, &Default::default(), cache.as_deref())?;
            Ok(Inspection {
                meta: plugin.meta().clone(),
                contract_supported: true,
                supported_versions,
                refused: None,
            })
        }
        Detected::Unsupported(version) => {
            let refused = PluginComponent::load_on(runtime, &engine, bytes, origin, &Default::default(), cache.as_deref())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_else(|| format!("{WIT_PACKAGE}@{version} is not supported"));
            // The hooks it exports, read from the interface names.
            let hooks = exports
                .iter()
                .filter_map(|e| e.strip_prefix(&format!("{WIT_PACKAGE}/")))
                .filter_map(|e| e.split_once('@').map(|(name, _)| name))
                .filter(|name| *name != "lifecycle")
                .filter_map(Hook::parse)
                .collect();
            Ok(Inspection {
                meta: PluginMeta {
                    name: String::new(),
                    version: String::new(),
                    description: String::new(),
                    sha256,
                    size_bytes: bytes.len(),
                    wit_version: version,
                    hooks,
                    imports,
                    exports,
                },
                contract_supported: false,
                supported_versions,
                refused: Some(refused),
            })
        }
    }
}
