//! Contract versions side by side: released WIT is frozen; plugins of
//! 0.1.0, 0.2.0 and 0.3.0 run in one pipeline; classifiers emit signals that
//! later classifiers, priority and routing see and decisions carry; a
//! newer contract is refused naming both versions.

use cxr_e2e::{SIGNALS_WASM, STARTER_WASM, ix, load, now};
use cxr_host::{ContractVersion, Hook, PipelineConfig, PluginComponent, Runtime};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The 0.1.0 builds kept as fixtures (see tests/compat/README.md).
fn v0_1_0(file: &str) -> String {
    root().join("tests/compat/v0.1.0").join(file).display().to_string()
}

#[test]
fn released_wit_files_are_frozen() {
    let frozen = std::fs::read_to_string(root().join("wit/FROZEN")).expect("wit/FROZEN lists the released files");
    let mut versions = std::collections::BTreeSet::new();
    for line in frozen.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (sum, file) = line.split_once("  ").expect("`sha256  path` lines");
        let bytes = std::fs::read(root().join("wit").join(file)).unwrap_or_else(|e| panic!("wit/{file}: {e}"));
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            sum,
            "wit/{file} was edited after its release: released contract versions are frozen (docs/compatibility.md)"
        );
        versions.insert(file.split('/').next().unwrap().to_string());
    }
    // Every version the host supports is released, hence frozen.
    for v in cxr_host::versions::SUPPORTED {
        assert!(versions.contains(&format!("v{v}")), "wit/v{v} is supported but not listed in wit/FROZEN");
    }
}

/// Every `.wit` file below `dir`, relative path -> bytes.
fn wit_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "wit") {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The worlds package (one world per set of hooks, beside the frozen
/// contract) is what scripts/gen-worlds.py generates from the current
/// contract, and every kit carries the same tree.
#[test]
fn the_worlds_package_is_current_and_every_kit_carries_it() {
    let check = Command::new("python3").arg(root().join("scripts/gen-worlds.py")).arg("--check").output().expect("python3 runs");
    assert!(
        check.status.success(),
        "the generated worlds are stale:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let v = ContractVersion::CURRENT;
    let worlds = root().join(format!("wit/worlds/v{v}"));
    let tree = wit_tree(&worlds);
    // The contract inside it is the frozen one, byte for byte.
    for file in ["types.wit", "hooks.wit", "worlds.wit"] {
        let frozen = std::fs::read(root().join(format!("wit/v{v}/{file}"))).unwrap();
        assert!(tree[&format!("deps/cxr-plugin-{v}/{file}")] == frozen, "deps/cxr-plugin-{v}/{file} is not wit/v{v}/{file}");
    }
    // Fifteen worlds, named by their hooks in pipeline order, each exporting exactly them.
    let text = String::from_utf8(tree["worlds.wit"].clone()).unwrap();
    assert!(text.contains(&format!("package cxr:plugin-worlds@{v};")), "{text}");
    let hooks = ["sentiment", "classify", "priority", "routing"];
    for mask in 1..16u32 {
        let set: Vec<&str> = hooks.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, h)| *h).collect();
        let start = text.find(&format!("\nworld {} {{", set.join("-"))).unwrap_or_else(|| panic!("no world {}", set.join("-")));
        let body = &text[start..start + text[start..].find('}').unwrap()];
        for h in hooks {
            assert_eq!(body.contains(&format!("export cxr:plugin/{h}@{v};")), set.contains(&h), "{body}");
        }
        assert!(body.contains(&format!("import cxr:plugin/host@{v};")) && body.contains(&format!("export cxr:plugin/lifecycle@{v};")));
        // Since 0.3.0 every world imports the host's text analysis.
        assert!(body.contains(&format!("import cxr:plugin/text@{v};")), "{body}");
    }
    assert_eq!(text.matches("\nworld ").count(), 15);
    // The Rust kit carries the current tree (its export! worlds are built
    // from it); the TypeScript and Python kits stay on 0.2.0 (still
    // supported), whose tree is kept beside it.
    assert!(wit_tree(&root().join("guest/wit")) == tree, "guest/wit differs from wit/worlds/v{v}");
    let v0_2_0 = wit_tree(&root().join("wit/worlds/v0.2.0"));
    assert!(!v0_2_0.is_empty() && !String::from_utf8_lossy(&v0_2_0["worlds.wit"]).contains("cxr:plugin/text"));
    for kit in ["kits/js", "kits/python"] {
        if root().join(kit).is_dir() {
            assert!(wit_tree(&root().join(kit).join("wit")) == v0_2_0, "{kit}/wit differs from wit/worlds/v0.2.0");
        }
    }
}

fn plugin(path: &str) -> std::sync::Arc<PluginComponent> {
    let runtime = Runtime::shared().unwrap();
    PluginComponent::load(&runtime, &std::fs::read(path).unwrap(), path).unwrap()
}

#[test]
fn each_component_reports_its_contract_version_and_hooks() {
    let old = plugin(&v0_1_0("cxr_router.wasm"));
    assert_eq!((old.meta().wit_version.as_str(), old.meta().hooks.as_slice()), ("0.1.0", &[Hook::Routing][..]));
    let starter = plugin(STARTER_WASM);
    assert_eq!(starter.meta().wit_version, "0.3.0");
    let signals = plugin(SIGNALS_WASM);
    assert_eq!(signals.meta().wit_version, "0.3.0");
    let classify_0_2_0 = plugin(&root().join("tests/compat/v0.2.0/cxr_classify.wasm").display().to_string());
    assert_eq!((classify_0_2_0.meta().wit_version.as_str(), classify_0_2_0.meta().hooks.as_slice()), ("0.2.0", &[Hook::Classify][..]));
    // Named `routing, classify` in export!: found in pipeline order.
    assert_eq!(signals.meta().hooks, [Hook::Classify, Hook::Routing]);
}

/// 0.1.0 sentiment, priority and router around a 0.2.0 classifier and router.
fn mixed_pipeline(classifiers: usize) -> cxr_host::Pipeline {
    let mut toml = format!(
        "name = \"mixed\"\n[sentiment]\nplugin = {:?}\n[priority]\nplugin = {:?}\n",
        v0_1_0("cxr_sentiment.wasm"),
        v0_1_0("cxr_priority.wasm")
    );
    for _ in 0..classifiers {
        toml.push_str(&format!("[[classifiers]]\nplugin = {SIGNALS_WASM:?}\n"));
    }
    toml.push_str(&format!(
        "[[routers]]\nplugin = {SIGNALS_WASM:?}\n[[routers]]\nplugin = {:?}\n[routers.config]\ndefault_language = \"en\"\n",
        v0_1_0("cxr_router.wasm")
    ));
    load(&PipelineConfig::from_toml(&toml).unwrap()).unwrap()
}

#[test]
fn plugins_of_both_versions_decide_together_and_signals_reach_routing() {
    let p = mixed_pipeline(1);
    let d = p.decide(&ix(r#"{"id":"M-1","body":"I was charged twice on my invoice, this is unacceptable"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    // The 0.1.0 sentiment plugin scored it; the 0.2.0 classifier saw that score.
    assert_eq!(d.sentiment.as_ref().unwrap().label.as_str(), "negative");
    let intent = d.signals.iter().find(|s| s.name == "intent").expect("an intent signal");
    assert_eq!((intent.value.as_str(), intent.plugin.as_str()), ("billing", "cxr-test-signals"));
    assert_eq!(intent.cues, ["invoice"]);
    let seen = d.signals.iter().find(|s| s.name == "sentiment-seen").unwrap();
    assert_eq!(seen.value, "negative");
    // The 0.2.0 router routed by the signal.
    assert_eq!(d.route.as_ref().unwrap().queue, "intent-billing");
    assert!(d.reasons.iter().any(|r| r.contains("signals from cxr-test-signals: intent=billing 0.90 (\"invoice\")")), "{:?}", d.reasons);
    let hooks: Vec<(&str, &str)> = d.trace.iter().map(|t| (t.plugin.as_str(), t.hook.as_str())).collect();
    assert_eq!(
        hooks,
        [("cxr-sentiment", "sentiment"), ("cxr-test-signals", "classify"), ("cxr-priority", "priority"), ("cxr-test-signals", "routing")]
    );
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["signals"][0]["name"], "intent");
    assert_eq!(json["signals"][0]["plugin"], "cxr-test-signals");
    assert_eq!(json["signals"][0]["confidence"], 0.9);
}

#[test]
fn a_0_1_0_router_decides_after_a_0_2_0_router_passes() {
    let p = mixed_pipeline(1);
    // No confident intent: the signals router passes, the 0.1.0 router decides.
    let d = p.decide(&ix(r#"{"id":"M-2","channel":"review","body":"Five stars, lovely staff"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    let route = d.route.unwrap();
    assert!(!route.fallback);
    assert_eq!(d.trace.last().unwrap().plugin, "cxr-router");
    assert_eq!(d.trace[d.trace.len() - 2].outcome, "pass");
}

#[test]
fn each_classifier_sees_the_signals_of_those_before_it() {
    let p = mixed_pipeline(2);
    let d = p.decide(&ix(r#"{"id":"M-3","body":"Where is my parcel?"}"#), now());
    let earlier: Vec<&str> = d.signals.iter().filter(|s| s.name == "earlier-signals").map(|s| s.value.as_str()).collect();
    assert_eq!(earlier, ["0", "3"]);
    assert_eq!(d.route.unwrap().queue, "intent-delivery");
}

#[test]
fn a_signal_out_of_contract_degrades_the_classifier_naming_the_field() {
    let p = mixed_pipeline(1);
    let d = p.decide(&ix(r#"{"id":"M-4","body":"BADSIGNAL my invoice"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.degraded.len(), 1, "{:?}", d.degraded);
    assert_eq!((d.degraded[0].stage.as_str(), d.degraded[0].plugin.as_str()), ("classifiers[0]", "cxr-test-signals"));
    let err = &d.degraded[0].error;
    assert!(err.contains("classify hook of plugin `cxr-test-signals`"), "{err}");
    assert!(err.contains("signal `broken` confidence 1.5 is outside [0, 1]"), "{err}");
    // No signals from it; the other stages decided.
    assert!(d.signals.is_empty(), "{:?}", d.signals);
    assert!(d.sentiment.is_some() && d.priority.is_some());
    assert!(d.route.is_some());
}

#[test]
fn a_signal_out_of_contract_is_a_fallback_when_the_stage_says_so() {
    let mut toml = format!("name = \"mixed\"\n[[classifiers]]\nplugin = {SIGNALS_WASM:?}\non_failure = \"fallback\"\n");
    toml.push_str(&format!("[[routers]]\nplugin = {:?}\n", v0_1_0("cxr_router.wasm")));
    let p = load(&PipelineConfig::from_toml(&toml).unwrap()).unwrap();
    let d = p.decide(&ix(r#"{"id":"M-4","body":"BADSIGNAL my invoice"}"#), now());
    let err = d.error.expect("an error");
    assert!(err.contains("signal `broken` confidence 1.5 is outside [0, 1]"), "{err}");
    assert!(d.degraded.is_empty());
    assert!(d.route.unwrap().fallback);
}

#[test]
fn a_pipeline_without_classifiers_emits_no_signals_field() {
    let p = load(&PipelineConfig::from_toml(&format!("[sentiment]\nplugin = {:?}\n", v0_1_0("cxr_sentiment.wasm"))).unwrap()).unwrap();
    let d = p.decide(&ix(r#"{"id":"M-5","body":"thanks"}"#), now());
    let json = serde_json::to_value(&d).unwrap();
    assert!(json.get("signals").is_none(), "{json}");
}

#[test]
fn a_0_1_0_plugin_cannot_be_a_classifier() {
    let toml = format!("[[classifiers]]\nplugin = {:?}\n", v0_1_0("cxr_sentiment.wasm"));
    let err = load(&PipelineConfig::from_toml(&toml).unwrap()).err().map(|e| format!("{e:#}")).unwrap();
    assert!(err.contains("does not implement the classify hook"), "{err}");
}
