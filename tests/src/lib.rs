//! Helpers for the end-to-end tests: paths of the test components and
//! pipelines built around them.

use cxr_host::io::{BatchOptions, route_stream};
use cxr_host::{CachePolicy, Decision, Pipeline, PipelineConfig, PipelineLoader, builtin, input::parse_interaction, model::Interaction};
use std::path::Path;

/// The misbehaving test plugin (see `plugins/hostile`).
pub const HOSTILE_WASM: &str = env!("CXR_TEST_HOSTILE_WASM");
/// The starter plugin from `examples/starter-plugin`.
pub const STARTER_WASM: &str = env!("CXR_TEST_STARTER_WASM");
/// The minimal classify (and routing) plugin (see `plugins/signals`).
pub const SIGNALS_WASM: &str = env!("CXR_TEST_SIGNALS_WASM");
/// The classify plugin that reports and misuses the host's text analysis (see `plugins/text`).
pub const TEXT_WASM: &str = env!("CXR_TEST_TEXT_WASM");

/// Which stage the hostile plugin takes in a test pipeline.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    Sentiment,
    Priority,
    Router,
}

/// A pipeline of the reference plugins where `role` is played by the hostile
/// plugin in `mode`, misbehaving only on bodies containing `when` (always
/// when `None`). `limits` is TOML for the `[limits]` table. The hostile
/// stage has `on_failure = "fallback"`, so that a failure shows as the
/// decision's `error` (the sandbox tests check what stopped the plugin);
/// [`degrading_pipeline_toml`] keeps the default (`degrade`).
pub fn hostile_pipeline(role: Role, mode: &str, when: Option<&str>, limits: &str) -> Pipeline {
    let config = PipelineConfig::from_toml(&hostile_pipeline_toml(role, mode, when, limits)).expect("test pipeline parses");
    load(&config).expect("test pipeline loads")
}

/// The pipeline file behind [`hostile_pipeline`].
pub fn hostile_pipeline_toml(role: Role, mode: &str, when: Option<&str>, limits: &str) -> String {
    let when = when.map_or(String::new(), |w| format!(", when = {w:?}"));
    let hostile = format!("plugin = {HOSTILE_WASM:?}\nconfig = {{ mode = {mode:?}{when} }}\non_failure = \"fallback\"\n");
    let builtin = |name: &str| format!("plugin = \"builtin:{name}\"\n");
    let (s, p, r) = match role {
        Role::Sentiment => (hostile.clone(), builtin("priority"), builtin("router")),
        Role::Priority => (builtin("sentiment"), hostile.clone(), builtin("router")),
        Role::Router => (builtin("sentiment"), builtin("priority"), hostile.clone()),
    };
    format!(
        "name = \"hostile-test\"\n[limits]\n{limits}\n[fallback]\nqueue = \"triage\"\ndiscipline = \"service\"\nlevel = 2\n\
         [sentiment]\n{s}\n[priority]\n{p}\n[[routers]]\n{r}\n[[routers]]\nplugin = \"builtin:router\"\n"
    )
}

/// The loader of the tests: the process runtime, with compiled components
/// kept in a cache under the build folder so the many pipelines of the
/// tests do not compile the same components again and again.
pub fn loader() -> PipelineLoader {
    PipelineLoader::new().cache(CachePolicy::Dir(Path::new(env!("OUT_DIR")).join("compile-cache")))
}

/// Loads a pipeline with [`loader`].
pub fn load(config: &PipelineConfig) -> anyhow::Result<Pipeline> {
    loader().config(config, Path::new("."))
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

/// Limits for hostile tests: no fuel, a 1 s deadline (generous, so a busy
/// machine cannot make a well-behaved call miss it), 32 MiB.
pub const LIMITS: &str = "fuel = 0\ntimeout_ms = 1000\nmemory_mb = 32";

/// A batch of good interactions with bad ones (body containing `BAD`) mixed in.
pub fn batch(n: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        let body = if i % 5 == 2 { "BAD: please help with my invoice" } else { "Where is my parcel? It is late." };
        out.push_str(&format!("{{\"id\":\"I-{i}\",\"channel\":\"email\",\"body\":\"{body}\"}}\n"));
    }
    out.into_bytes()
}

pub fn run_batch(p: &Pipeline, input: &[u8]) -> Vec<Decision> {
    let mut out = Vec::new();
    let opts = BatchOptions { now: Some(now()), ..BatchOptions::default() };
    let summary = route_stream(p, input, &mut out, &opts, |_| {}).unwrap();
    let decisions: Vec<Decision> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(summary.lines as usize, decisions.len());
    decisions
}

/// Runs a batch of 20 through a pipeline whose `role` is the hostile plugin
/// misbehaving on the bad ones (`BAD` in the body) and checks: bad ones fell back with `expect` in the error,
/// good ones were routed normally, ids in order.
pub fn check_batch(role: Role, mode: &str, expect: &str) -> Vec<Decision> {
    let p = hostile_pipeline(role, mode, Some("BAD"), LIMITS);
    let decisions = run_batch(&p, &batch(20));
    assert_eq!(decisions.len(), 20);
    for (i, d) in decisions.iter().enumerate() {
        assert_eq!(d.id, format!("I-{i}"), "output keeps input order");
        let route = d.route.as_ref().expect("every interaction gets a route");
        if i % 5 == 2 {
            let err = d.error.as_deref().unwrap_or_else(|| panic!("{mode}: I-{i} should have failed: {d:#?}"));
            assert!(err.contains(expect), "{mode}: error {err:?} should mention {expect:?}");
            assert!(route.fallback);
            assert_eq!(route.queue, "triage");
        } else {
            assert!(d.error.is_none(), "{mode}: good interaction I-{i} failed: {:?}", d.error);
            assert!(!route.fallback);
        }
    }
    decisions
}


/// Why the decision is not what its plugins would have given: `error`
/// (the decision could not be made, or a stage with `on_failure =
/// "fallback"` failed), else the first degraded stage's error.
pub fn failure(d: &Decision) -> Option<&str> {
    d.error.as_deref().or_else(|| d.degraded.first().map(|s| s.error.as_str()))
}
