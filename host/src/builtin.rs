//! The reference plugins and the reference pipeline compiled into this build.

/// The reference sentiment plugin component.
pub static SENTIMENT: &[u8] = include_bytes!(env!("CXR_WASM_SENTIMENT"));
/// The reference classifier plugin component (intent, churn risk).
pub static CLASSIFY: &[u8] = include_bytes!(env!("CXR_WASM_CLASSIFY"));
/// The reference priority plugin component.
pub static PRIORITY: &[u8] = include_bytes!(env!("CXR_WASM_PRIORITY"));
/// The reference router plugin component.
pub static ROUTER: &[u8] = include_bytes!(env!("CXR_WASM_ROUTER"));

/// The reference pipeline: `examples/pipeline.toml` (through the link
/// `reference-pipeline.toml` beside this crate's manifest, so that the
/// packaged crate carries it).
pub static REFERENCE_PIPELINE: &str = include_str!("../reference-pipeline.toml");

/// Names usable as `builtin:NAME` in a pipeline file.
pub const NAMES: [&str; 4] = ["sentiment", "classify", "priority", "router"];

/// The component bytes of a built-in plugin.
pub fn plugin_bytes(name: &str) -> Option<&'static [u8]> {
    match name {
        "sentiment" => Some(SENTIMENT),
        "classify" => Some(CLASSIFY),
        "priority" => Some(PRIORITY),
        "router" => Some(ROUTER),
        _ => None,
    }
}
