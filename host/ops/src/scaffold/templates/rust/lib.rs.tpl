//! {{name}}: a cxr plugin implementing {{hooks_text}}.
//!
//! Test:   cargo test
//! Build:  cargo build --release --target wasm32-wasip2
//! Check:  cxr test --plugin {{wasm}} cases.toml

use cxr_guest::*;

/// The plugin: nothing to configure yet.
pub struct {{type}};

impl Plugin for {{type}} {
    const DESCRIPTION: &'static str = "{{description}}";

    /// Builds the plugin from the pipeline's config (JSON; `{}` when none is given).
    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok({{type}})
    }
}
{{items}}
cxr_guest::export!({{type}}: {{hooks}});

#[cfg(test)]
mod tests {
    use super::*;
{{tests}}}
