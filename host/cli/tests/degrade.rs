//! Per-stage degradation through the real binary: each stage of the
//! reference pipeline fails in turn (the hostile test plugin in its place,
//! failing on every input) and `cxr route` over the 72 examples must keep
//! what the other stages decide, list the failed stage in `degraded`, and
//! set no `error`. `on_failure = "fallback"` keeps the all-or-nothing
//! behaviour.

use cxr_e2e::HOSTILE_WASM;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("degrade").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The reference pipeline file, edited.
fn reference_with(dir: &Path, name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "{name}: the edit changed the pipeline");
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, edited).unwrap();
    path
}

fn hostile(mode: &str, extra: &str) -> String {
    format!("plugin = {HOSTILE_WASM:?}\nconfig = {{ mode = {mode:?} }}\n{extra}")
}

/// `cxr route` of the 72 examples through `pipeline` (the reference one
/// when `None`), one decision per line.
fn route(pipeline: Option<&Path>) -> Vec<Value> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cxr"));
    c.current_dir(root())
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .args(["route", "--quiet", "--jobs", "1", "--now", "2026-11-22T10:00:00Z"]);
    if let Some(p) = pipeline {
        c.arg("--pipeline").arg(p);
    }
    let out = c.arg("examples/interactions.jsonl").output().expect("cxr runs");
    assert!(out.status.success(), "cxr route failed: {}", String::from_utf8_lossy(&out.stderr));
    let decisions: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a decision per line"))
        .collect();
    assert_eq!(decisions.len(), 72);
    decisions
}

fn queue(d: &Value) -> &str {
    d["route"]["queue"].as_str().unwrap()
}

/// Checks that every decision degraded exactly `stage` (with the plugin and
/// its error named) and decided without `error`.
/// Once five distinct customers failed the plugin is quarantined (its
/// error is then the quarantine's); the first decision names the plugin's own.
fn assert_degraded(decisions: &[Value], stage: &str, error: &str) {
    let first = decisions[0]["degraded"][0]["error"].as_str().unwrap_or_default();
    assert!(first.contains(error), "{stage}: {first}");
    for d in decisions {
        assert!(d.get("error").is_none_or(Value::is_null), "{stage}: {d}");
        let degraded = d["degraded"].as_array().unwrap_or_else(|| panic!("{stage}: no `degraded` in {d}"));
        assert_eq!(degraded.len(), 1, "{d}");
        assert_eq!(degraded[0]["stage"], stage, "{d}");
        assert_eq!(degraded[0]["plugin"], "cxr-test-hostile", "{d}");
        let why = degraded[0]["error"].as_str().unwrap();
        assert!(why.contains(error) || degraded[0]["error_kind"] == "quarantined", "{d}");
        assert!(d["route"]["queue"].is_string(), "{d}");
    }
}

#[test]
fn each_stage_failing_in_turn_keeps_the_others_results() {
    let dir = scratch("stages");
    let reference = route(None);
    assert!(reference.iter().all(|d| d.get("degraded").is_none()), "no `degraded` when every stage ran");

    // Sentiment fails (an out-of-contract score): neutral sentiment, the
    // rest decides.
    let p = reference_with(&dir, "sentiment", |t| {
        t.replace("[sentiment]\nplugin = \"builtin:sentiment\"\n", &format!("[sentiment]\n{}", hostile("score-7", "")))
    });
    let got = route(Some(&p));
    assert_degraded(&got, "sentiment", "score");
    let mut kept = 0;
    for (d, r) in got.iter().zip(&reference) {
        assert_eq!(d["sentiment"]["label"], "neutral", "{d}");
        assert_eq!(d["sentiment"]["score"], 0.0, "{d}");
        assert!(d["priority"]["level"].is_u64() && !d["route"]["fallback"].as_bool().unwrap(), "{d}");
        kept += usize::from(queue(d) == queue(r));
    }
    eprintln!("hostile sentiment before the reference classifier, priority and router: {kept}/72 queues kept");
    assert!(kept * 10 >= 72 * 9, "at least 90% of queues kept, got {kept}/72");

    // The classifier fails (a panic): no signals from it; sentiment as the
    // reference decides it.
    let p = reference_with(&dir, "classify", |t| {
        t.replace("[[classifiers]]\nplugin = \"builtin:classify\"\n", &format!("[[classifiers]]\n{}", hostile("panic", "")))
    });
    let got = route(Some(&p));
    assert_degraded(&got, "classifiers[0]", "panicked");
    for (d, r) in got.iter().zip(&reference) {
        assert!(d.get("signals").is_none(), "{d}");
        assert_eq!(d["sentiment"], r["sentiment"]);
    }

    // Priority fails (a plugin error): the fallback level (3), routing runs;
    // sentiment and signals as the reference decides them.
    let p = reference_with(&dir, "priority", |t| {
        let (start, end) = (t.find("[priority]\n").unwrap(), t.find("[[routers]]").unwrap());
        format!("{}[priority]\n{}\n{}", &t[..start], hostile("error", ""), &t[end..])
    });
    let got = route(Some(&p));
    assert_degraded(&got, "priority", "refuses this input");
    for (d, r) in got.iter().zip(&reference) {
        assert_eq!((d["priority"]["level"].as_u64(), d["priority"]["score"].as_u64()), (Some(3), Some(0)), "{d}");
        assert_eq!((&d["sentiment"], &d["signals"]), (&r["sentiment"], &r["signals"]));
        assert!(!d["route"]["fallback"].as_bool().unwrap(), "routing still ran: {d}");
    }

    // The first router fails (a trap): the next router decides exactly as
    // the reference does.
    let p = reference_with(&dir, "router", |t| {
        t.replacen("[[routers]]\n", &format!("[[routers]]\n{}\n[[routers]]\n", hostile("panic", "")), 1)
    });
    let got = route(Some(&p));
    assert_degraded(&got, "routers[0]", "panicked");
    for (d, r) in got.iter().zip(&reference) {
        for field in ["sentiment", "signals", "priority", "route", "discipline"] {
            assert_eq!(d[field], r[field], "{field}: {d}");
        }
    }

    // The only router fails: the fallback route, the rest kept.
    let p = reference_with(&dir, "only-router", |t| {
        let start = t.find("[[routers]]").unwrap();
        format!("{}[[routers]]\n{}", &t[..start], hostile("panic", ""))
    });
    let got = route(Some(&p));
    assert_degraded(&got, "routers[0]", "panicked");
    for (d, r) in got.iter().zip(&reference) {
        assert_eq!(queue(d), "general");
        assert!(d["route"]["fallback"].as_bool().unwrap());
        assert_eq!((&d["sentiment"], &d["priority"]), (&r["sentiment"], &r["priority"]));
    }
}

#[test]
fn on_failure_fallback_keeps_the_all_or_nothing_decision() {
    let dir = scratch("fallback");
    let p = reference_with(&dir, "fallback", |t| {
        t.replace(
            "[sentiment]\nplugin = \"builtin:sentiment\"\n",
            &format!("[sentiment]\n{}", hostile("score-7", "on_failure = \"fallback\"\n")),
        )
    });
    for d in route(Some(&p)) {
        assert!(matches!(d["error_kind"].as_str(), Some("contract" | "quarantined")), "{d}");
        assert!(d["error"].as_str().unwrap().contains("sentiment hook of plugin `cxr-test-hostile`"), "{d}");
        assert!(d.get("degraded").is_none(), "{d}");
        assert_eq!(queue(&d), "general");
        assert!(d["route"]["fallback"].as_bool().unwrap());
        // Nothing after the failed stage ran.
        assert_eq!(d["trace"].as_array().unwrap().len(), 1, "{d}");
    }
}

#[test]
fn run_shows_the_degraded_stage() {
    let dir = scratch("run");
    let p = reference_with(&dir, "run", |t| {
        t.replace("[[classifiers]]\nplugin = \"builtin:classify\"\n", &format!("[[classifiers]]\n{}", hostile("panic", "")))
    });
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .current_dir(root())
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .args(["run", "--pipeline"])
        .arg(&p)
        .arg("examples/one.json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  degraded   classifiers[0] (cxr-test-hostile, trap): classify hook of plugin `cxr-test-hostile`"), "{text}");
    assert!(!text.contains("  error "), "{text}");
}
