//! Loading plugins: the starter plugin works as the README says; what is not
//! a cxr plugin is refused with a reason.

use cxr_e2e::{STARTER_WASM, ix, load as load_pipeline, now};
use cxr_host::{Hook, PipelineConfig, PluginComponent, Runtime};

fn load(bytes: &[u8]) -> Result<std::sync::Arc<PluginComponent>, String> {
    let runtime = Runtime::shared().unwrap();
    PluginComponent::load(&runtime, bytes, "test.wasm").map_err(|e| format!("{e:#}"))
}

#[test]
fn the_starter_plugin_loads_and_names_its_hook() {
    let bytes = std::fs::read(STARTER_WASM).unwrap();
    let p = load(&bytes).unwrap();
    assert_eq!(p.meta().name, "starter-plugin");
    assert_eq!(p.meta().hooks, [Hook::Sentiment]);
    assert!(p.meta().imports.iter().all(|i| i.starts_with("wasi:") || i.starts_with("cxr:plugin/")));
}

#[test]
fn the_starter_plugin_runs_in_a_pipeline() {
    let toml = format!(
        "[sentiment]\nplugin = {STARTER_WASM:?}\n[priority]\nplugin = \"builtin:priority\"\n[[routers]]\nplugin = \"builtin:router\"\n"
    );
    let p = load_pipeline(&PipelineConfig::from_toml(&toml).unwrap()).unwrap();
    let d = p.decide(&ix(r#"{"id":"S-1","body":"My phone is broken and I want a refund"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.trace[0].plugin, "starter-plugin");
    assert!(d.sentiment.unwrap().score < 0.0);
}

#[test]
fn what_is_not_a_component_of_this_package_is_refused() {
    let not_wasm = load(b"PK\x03\x04 this is a zip").unwrap_err();
    assert!(not_wasm.contains("not a WebAssembly file"), "{not_wasm}");
    let core = load(b"\0asm\x01\0\0\0").unwrap_err();
    assert!(core.contains("core WebAssembly module, not a component"), "{core}");
    let empty_component = load(b"\0asm\x0d\0\x01\0").unwrap_err();
    assert!(empty_component.contains("is not a cxr plugin"), "{empty_component}");
    let truncated = load(&std::fs::read(STARTER_WASM).unwrap()[..5000]).unwrap_err();
    assert!(truncated.contains("not a valid WebAssembly component"), "{truncated}");
}

#[test]
fn a_plugin_in_the_wrong_role_is_refused_at_load() {
    let toml = format!("[priority]\nplugin = {STARTER_WASM:?}\n");
    let err = load_pipeline(&PipelineConfig::from_toml(&toml).unwrap())
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap();
    assert!(err.contains("does not implement the priority hook"), "{err}");
}

#[test]
fn a_bad_plugin_config_is_refused_at_load() {
    // In both modes: `isolate` configures once at load, for its snapshot.
    for mode in ["reuse", "isolate"] {
        let toml = format!("instance_mode = \"{mode}\"\n[[routers]]\nplugin = \"builtin:router\"\n[routers.config]\nno_such_key = 1\n");
        let err = load_pipeline(&PipelineConfig::from_toml(&toml).unwrap())
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap();
        assert!(err.contains("rejected its configuration"), "{mode}: {err}");
        assert!(err.contains("no_such_key"), "{mode}: {err}");
    }
}

/// A component exporting `names` as instances with one no-op function each,
/// and importing `imports` (instance names with one function each).
fn fake_component(exports: &[&str], imports: &[&str]) -> Vec<u8> {
    let mut wat = String::from("(component\n");
    for (i, name) in imports.iter().enumerate() {
        wat.push_str(&format!("  (import {name:?} (instance $imp{i} (export \"f\" (func))))\n"));
    }
    wat.push_str("  (core module $m (func (export \"f\")))\n  (core instance $ci (instantiate $m))\n");
    wat.push_str("  (func $f (canon lift (core func $ci \"f\")))\n");
    for (i, name) in exports.iter().enumerate() {
        wat.push_str(&format!("  (instance $e{i} (export \"info\" (func $f)))\n  (export {name:?} (instance $e{i}))\n"));
    }
    wat.push(')');
    wat::parse_str(&wat).expect("test component assembles")
}

#[test]
fn a_component_of_a_newer_contract_version_is_refused_naming_both_versions() {
    let bytes = fake_component(&["cxr:plugin/lifecycle@0.4.0", "cxr:plugin/sentiment@0.4.0"], &[]);
    let err = load(&bytes).unwrap_err();
    assert!(err.contains("was built for cxr:plugin@0.4.0, which this host does not support"), "{err}");
    assert!(err.contains("it supports cxr:plugin@0.1.0, 0.2.0, 0.3.0"), "{err}");
    assert!(err.contains("upgrade cxr"), "{err}");
    let older = load(&fake_component(&["cxr:plugin/lifecycle@0.0.9"], &[])).unwrap_err();
    assert!(older.contains("cxr:plugin@0.0.9") && older.contains("rebuild the plugin"), "{older}");
}

#[test]
fn a_component_of_another_package_is_refused() {
    let bytes = fake_component(&["acme:rules/engine@1.0.0"], &[]);
    let err = load(&bytes).unwrap_err();
    assert!(err.contains("is not a cxr plugin"), "{err}");
    assert!(err.contains("acme:rules/engine@1.0.0"), "{err}");
}

#[test]
fn a_component_importing_what_the_host_does_not_offer_is_refused() {
    let bytes = fake_component(
        &["cxr:plugin/lifecycle@0.1.0", "cxr:plugin/sentiment@0.1.0"],
        &["evil:net/raw-socket@1.0.0"],
    );
    let err = load(&bytes).unwrap_err();
    // Refused before compiling (host/src/precheck.rs), naming the import and what is allowed.
    assert!(err.contains("imports `evil:net/raw-socket@1.0.0`, which a cxr plugin may not use"), "{err}");
    assert!(err.contains("may import only `cxr:plugin/host`, `cxr:plugin/text` (0.3.0) and sandboxed WASI 0.2"), "{err}");
}

#[test]
fn a_component_with_the_right_names_but_wrong_types_is_refused() {
    let bytes = fake_component(&["cxr:plugin/lifecycle@0.1.0", "cxr:plugin/sentiment@0.1.0"], &[]);
    let err = load(&bytes).unwrap_err();
    assert!(err.contains("does not match cxr:plugin@0.1.0"), "{err}");
}

#[test]
fn a_far_too_large_component_is_refused_before_compiling() {
    let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
    bytes.resize(51 << 20, 0);
    let err = load(&bytes).unwrap_err();
    assert!(err.contains("over the 50 MiB limit"), "{err}");
}
