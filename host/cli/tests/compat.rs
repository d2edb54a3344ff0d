//! The compatibility gate: components built against contract 0.1.0 by the
//! 0.1.0 release (the reference plugins, the starter plugin, the hostile
//! test plugin; `tests/compat/v0.1.0/`) and against 0.2.0 by the last 0.2.0
//! host (the four reference plugins; `tests/compat/v0.2.0/`) decide,
//! through today's `cxr`, exactly what that host recorded for them: the
//! same decisions, reasons, errors, traces (plugin, version, hash, hook,
//! fuel, memory, outcome). Only the wall-clock `micros` may differ.
//!
//! The fixtures are never rebuilt: they are what plugin authors have in
//! production. See tests/compat/README.md.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/compat/v0.1.0")
}

/// `cxr route` with the given arguments, run in the fixture folder, one thread, fixed now.
fn route(args: &[&str]) -> Vec<Value> {
    route_in(&fixtures(), args)
}

/// `cxr route` with the given arguments, run in `dir`, one thread, fixed now.
fn route_in(dir: &Path, args: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .current_dir(dir)
        .args(["route", "--quiet", "--jobs", "1", "--now", "2026-11-22T10:00:00Z"])
        .args(args)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .output()
        .expect("cxr runs");
    assert!(out.status.success(), "cxr route {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    parse_lines(&String::from_utf8(out.stdout).expect("UTF-8 output"))
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn recorded(name: &str) -> Vec<Value> {
    let path = fixtures().join(name);
    parse_lines(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())))
}

/// The error kinds a decision may name (`error_kind`, added after 0.1.0).
const ERROR_KINDS: [&str; 10] = ["fuel", "deadline", "memory", "trap", "plugin", "contract", "unknown_queue", "quarantined", "input", "duplicate"];

/// A decision without what varies from run to run (time per call), and
/// without `error_kind`, the one field decisions gained since 0.1.0 (the
/// recorded ones do not have it): in today's decisions it is checked here
/// to be present exactly when `error` is, and a known kind.
fn comparable(mut d: Value, today: bool) -> Value {
    if let Some(trace) = d.get_mut("trace").and_then(Value::as_array_mut) {
        for t in trace {
            t.as_object_mut().unwrap().remove("micros");
        }
    }
    let obj = d.as_object_mut().unwrap();
    let kind = obj.remove("error_kind");
    if !today {
        assert!(kind.is_none(), "a recorded 0.1.0 decision has no error_kind");
        return d;
    }
    match (&obj.get("error"), &kind) {
        (None | Some(Value::Null), None) => {}
        (Some(Value::String(_)), Some(Value::String(k))) => assert!(ERROR_KINDS.contains(&k.as_str()), "unknown error_kind {k}"),
        (error, kind) => panic!("error {error:?} with error_kind {kind:?}"),
    }
    d
}

/// Every recorded decision is decided again identically, in order.
fn assert_same(recorded_file: &str, actual: Vec<Value>) {
    let expected = recorded(recorded_file);
    assert_eq!(actual.len(), expected.len(), "{recorded_file}: number of decisions");
    assert!(!expected.is_empty());
    for (a, e) in actual.into_iter().zip(expected) {
        let (a, e) = (comparable(a, true), comparable(e, false));
        assert_eq!(a, e, "{recorded_file}: decision {} differs from the 0.1.0 host's", e["id"]);
    }
}

#[test]
fn fixtures_are_the_recorded_builds() {
    let sums = std::fs::read_to_string(fixtures().join("SHA256SUMS")).expect("SHA256SUMS");
    let mut checked = 0;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, file) = line.split_once("  ").expect("`sha256  file` lines");
        let bytes = std::fs::read(fixtures().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sum, "{file} is not the recorded 0.1.0 build");
        checked += 1;
    }
    assert_eq!(checked, 5, "the five 0.1.0 components");
}

#[test]
fn reference_plugins_of_0_1_0_decide_as_recorded() {
    assert_same("decisions.jsonl", route(&["--pipeline", "pipeline.toml", "interactions.jsonl"]));
}

#[test]
fn the_0_1_0_starter_plugin_decides_as_recorded() {
    // The starter plugin is a sentiment plugin swapped into the 0.1.0 reference plugins.
    assert_same(
        "starter-decisions.jsonl",
        route(&["--pipeline", "pipeline.toml", "--plugin", "starter_plugin.wasm", "interactions.jsonl"]),
    );
}

/// The decisions of a 0.1.0 hostile pipeline with `on_failure = "fallback"`
/// on its hostile stage (the 0.1.0 behaviour, which 0.2.0 keeps under that
/// name): a copy of the fixture pipeline with absolute plugin paths.
fn route_as_fallback(mode: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join(format!("hostile-{mode}.toml"))).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compat-fallback");
    std::fs::create_dir_all(&dir).unwrap();
    let mut edited = String::new();
    for line in text.lines() {
        match line.strip_prefix("plugin = \"").and_then(|l| l.strip_suffix('"')) {
            Some(file) => edited.push_str(&format!("plugin = {:?}\n", fixtures().join(file).display().to_string())),
            None => edited.push_str(&format!("{line}\n")),
        }
        if line.starts_with("config = { mode = ") {
            edited.push_str("on_failure = \"fallback\"\n");
        }
    }
    assert!(edited.contains("on_failure"), "{mode}: the hostile stage found");
    let path = dir.join(format!("hostile-{mode}.toml"));
    std::fs::write(&path, edited).unwrap();
    route(&["--pipeline", path.to_str().unwrap(), "hostile-input.jsonl"])
}

#[test]
fn failures_of_a_0_1_0_plugin_are_reported_as_recorded() {
    for (mode, kind) in [("panic", "trap"), ("score-7", "contract"), ("level-9", "contract"), ("empty-queue", "contract"), ("huge-output", "contract")] {
        // With `on_failure = "fallback"`: exactly the 0.1.0 decisions.
        let decided = route_as_fallback(mode);
        let failed: Vec<&Value> = decided.iter().filter(|d| !d["error"].is_null()).collect();
        assert!(!failed.is_empty(), "{mode}: the hostile plugin failed somewhere");
        for d in failed {
            assert_eq!(d["error_kind"], kind, "{mode}: {d}");
        }
        assert_same(&format!("hostile-{mode}.jsonl"), decided);

        // The 0.1.0 pipeline file as it is (0.2.0's default, `degrade`):
        // every decision whose plugins succeed is as recorded; one whose
        // hostile stage failed names the recorded error under `degraded`
        // and has no `error` (docs/compatibility.md).
        let pipeline = format!("hostile-{mode}.toml");
        let decided = route(&["--pipeline", &pipeline, "hostile-input.jsonl"]);
        let expected = recorded(&format!("hostile-{mode}.jsonl"));
        assert_eq!(decided.len(), expected.len());
        let mut degraded = 0;
        for (d, e) in decided.into_iter().zip(expected) {
            if e["error"].is_null() {
                let id = e["id"].clone();
                assert_eq!(comparable(d, true), comparable(e, false), "{mode}: decision {id} differs from the 0.1.0 host's");
                continue;
            }
            degraded += 1;
            assert!(d["error"].is_null(), "{mode}: {d}");
            let stage = &d["degraded"][0];
            assert_eq!(stage["error"], e["error"], "{mode}: {d}");
            assert_eq!(stage["error_kind"], kind, "{mode}: {d}");
            assert_eq!(stage["plugin"], "cxr-test-hostile", "{mode}: {d}");
            assert!(d["route"]["queue"].is_string(), "{mode}: {d}");
        }
        assert!(degraded > 0, "{mode}");
    }
}

#[test]
fn inspect_names_the_contract_of_a_0_1_0_plugin() {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["inspect", "--json"])
        .arg(fixtures().join("cxr_router.wasm"))
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["wit_version"], "0.1.0");
    assert_eq!(v["contract_supported"], true);
    assert_eq!(v["hooks"], serde_json::json!(["routing"]));
}

#[test]
fn inspect_describes_a_component_of_a_newer_contract_and_refuses_it() {
    // A component shaped like a plugin of a contract this cxr does not know.
    let wat = r#"(component
        (core module $m (func (export "f")))
        (core instance $ci (instantiate $m))
        (func $f (canon lift (core func $ci "f")))
        (instance $life (export "info" (func $f)))
        (instance $route (export "route" (func $f)))
        (export "cxr:plugin/lifecycle@0.4.0" (instance $life))
        (export "cxr:plugin/routing@0.4.0" (instance $route)))"#;
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("future-plugin.wasm");
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .arg("inspect")
        .arg(&path)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("contract: cxr:plugin@0.4.0 (NOT supported by this cxr (it supports 0.1.0, 0.2.0, 0.3.0))"), "{text}");
    assert!(text.contains("hooks:    routing"), "{text}");
    assert!(text.contains("upgrade cxr to run it"), "{text}");
    // And a pipeline naming it is refused at load, saying the same.
    let pipeline = Path::new(env!("CARGO_TARGET_TMPDIR")).join("future.toml");
    std::fs::write(&pipeline, format!("[[routers]]\nplugin = {:?}\n", path.display().to_string())).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["route", "--quiet", "--pipeline"])
        .arg(&pipeline)
        .arg(fixtures().join("interactions.jsonl"))
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("was built for cxr:plugin@0.4.0, which this host does not support"), "{err}");
}

/// The 0.2.0 fixtures: the reference plugins as the last 0.2.0 host built them.
fn fixtures_0_2_0() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/compat/v0.2.0")
}

#[test]
fn the_0_2_0_fixtures_are_the_recorded_builds() {
    let sums = std::fs::read_to_string(fixtures_0_2_0().join("SHA256SUMS")).expect("SHA256SUMS");
    let mut checked = 0;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, file) = line.split_once("  ").expect("`sha256  file` lines");
        let bytes = std::fs::read(fixtures_0_2_0().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sum, "{file} is not the recorded 0.2.0 build");
        checked += 1;
    }
    assert_eq!(checked, 4, "the four 0.2.0 reference plugins");
}

/// The reference plugins of 0.2.0 (sentiment, classify, priority, router)
/// decide, on a host whose current contract is newer, as the 0.2.0 host
/// recorded: decisions, signals, reasons and traces.
#[test]
fn reference_plugins_of_0_2_0_decide_as_recorded() {
    let strip = |mut d: Value| {
        if let Some(trace) = d.get_mut("trace").and_then(Value::as_array_mut) {
            for t in trace {
                t.as_object_mut().unwrap().remove("micros");
            }
        }
        d
    };
    let actual = route_in(&fixtures_0_2_0(), &["--pipeline", "pipeline.toml", "interactions.jsonl"]);
    let expected = parse_lines(&std::fs::read_to_string(fixtures_0_2_0().join("decisions.jsonl")).unwrap());
    assert_eq!(actual.len(), expected.len());
    assert!(expected.iter().all(|d| d["trace"].as_array().is_some_and(|t| t.len() == 4)), "four stages traced");
    for (a, e) in actual.into_iter().zip(expected) {
        let id = e["id"].clone();
        assert_eq!(strip(a), strip(e), "decision {id} differs from the 0.2.0 host's");
    }
}
