//! Helpers for the end-to-end tests: paths of the test components and
//! pipelines built around them.

use cxr_host::{Pipeline, PipelineConfig, Runtime, builtin, input::parse_interaction, model::Interaction};
use std::collections::HashMap;
use std::path::Path;

/// The misbehaving test plugin (see `plugins/hostile`).
pub const HOSTILE_WASM: &str = env!("CXR_TEST_HOSTILE_WASM");
/// The starter plugin from `examples/starter-plugin`.
pub const STARTER_WASM: &str = env!("CXR_TEST_STARTER_WASM");

/// Which stage the hostile plugin takes in a test pipeline.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    Sentiment,
    Priority,
    Router,
}

/// A pipeline of the reference plugins where `role` is played by the hostile
/// plugin in `mode`, misbehaving only on bodies containing `when` (always
/// when `None`). `limits` is TOML for the `[limits]` table.
pub fn hostile_pipeline(role: Role, mode: &str, when: Option<&str>, limits: &str) -> Pipeline {
    let when = when.map_or(String::new(), |w| format!(", when = {w:?}"));
    let hostile = format!("plugin = {HOSTILE_WASM:?}\nconfig = {{ mode = {mode:?}{when} }}\n");
    let builtin = |name: &str| format!("plugin = \"builtin:{name}\"\n");
    let (s, p, r) = match role {
        Role::Sentiment => (hostile.clone(), builtin("priority"), builtin("router")),
        Role::Priority => (builtin("sentiment"), hostile.clone(), builtin("router")),
        Role::Router => (builtin("sentiment"), builtin("priority"), hostile.clone()),
    };
    let toml = format!(
        "name = \"hostile-test\"\n[limits]\n{limits}\n[fallback]\nqueue = \"triage\"\ndiscipline = \"service\"\nlevel = 2\n\
         [sentiment]\n{s}\n[priority]\n{p}\n[[routers]]\n{r}\n[[routers]]\nplugin = \"builtin:router\"\n"
    );
    let config = PipelineConfig::from_toml(&toml).expect("test pipeline parses");
    load(&config).expect("test pipeline loads")
}

/// Loads a pipeline, keeping compiled components in a cache under the build
/// folder so the many pipelines of the tests do not compile the same
/// components again and again.
pub fn load(config: &PipelineConfig) -> anyhow::Result<Pipeline> {
    let cache = Path::new(env!("OUT_DIR")).join("compile-cache");
    let runtime = Runtime::with_cache(&config.limits, Some(&cache))?;
    Pipeline::load_with(config, Path::new("."), runtime, HashMap::new())
}

/// The reference pipeline, with `edit` applied to its TOML text.
pub fn reference_with(edit: impl FnOnce(String) -> String) -> Pipeline {
    let config = PipelineConfig::from_toml(&edit(builtin::REFERENCE_PIPELINE.to_string())).expect("edited pipeline parses");
    load(&config).expect("reference pipeline loads")
}

/// Parses an interaction written as JSON in a test.
pub fn ix(json: &str) -> Interaction {
    parse_interaction(json).result.expect("test interaction parses")
}

/// A fixed decision time for reproducible tests.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().into()
}
