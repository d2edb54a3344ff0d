//! `cxr new` writes a plugin crate that passes its own tests as generated,
//! for every hook; one of them is also built to a component and run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scaffold-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn show(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn cxr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cxr")).args(args).current_dir(root()).output().unwrap()
}

/// Runs cargo in a scaffolded crate: release mode, offline (every
/// dependency is one the workspace already uses), with the workspace's
/// lock file so the same versions are picked, and a shared target folder
/// under the workspace's so repeated runs reuse the build.
fn cargo(dir: &Path, args: &[&str]) -> Output {
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .args(args)
        .args(["--release", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/scaffold-test"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

#[test]
fn every_hook_scaffolds_a_crate_whose_tests_pass() {
    let dir = scratch("hooks");
    for hook in ["sentiment", "classify", "priority", "routing"] {
        let name = format!("acme-{hook}");
        let crate_dir = dir.join(&name);
        let o = cxr(&["new", &name, "--hook", hook, "--path", crate_dir.to_str().unwrap()]);
        let out = show(&o);
        assert!(o.status.success(), "{out}");
        assert!(out.contains("build with: cargo build --release --target wasm32-wasip2"), "{out}");
        assert!(out.contains(&format!("cxr run --plugin {}", crate_dir.join("target/wasm32-wasip2/release").display())), "{out}");
        let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("crate-type = [\"cdylib\", \"rlib\"]") && manifest.contains("\n[workspace]\n"), "{manifest}");
        // The guest dependency is written relative to the new crate.
        let guest = manifest.lines().find(|l| l.starts_with("cxr-guest")).unwrap();
        assert!(guest.contains("path = \"../"), "{guest}");

        let test = cargo(&crate_dir, &["test"]);
        let out = show(&test);
        assert!(test.status.success(), "cargo test failed for the {hook} scaffold:\n{out}");
        assert!(out.contains("test result: ok. 3 passed"), "{out}");
    }
    // Scaffolding over an existing crate is refused.
    let again = cxr(&["new", "acme-routing", "--hook", "routing", "--path", dir.join("acme-routing").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(show(&again).contains("not empty"), "{}", show(&again));
}

#[test]
fn a_scaffolded_router_builds_to_a_component_cxr_runs() {
    let dir = scratch("built");
    let crate_dir = dir.join("desk-router");
    let o = cxr(&["new", "desk-router", "--hook", "routing", "--path", crate_dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", show(&o));
    let build = cargo(&crate_dir, &["build", "--target", "wasm32-wasip2"]);
    assert!(build.status.success(), "{}", show(&build));
    let wasm = root().join("target/scaffold-test/wasm32-wasip2/release/desk_router.wasm");
    let inspect = cxr(&["inspect", wasm.to_str().unwrap()]);
    let out = show(&inspect);
    assert!(inspect.status.success(), "{out}");
    assert!(out.contains("desk-router 0.1.0") && out.contains("hooks:    routing"), "{out}");
    // Swapped in first in the router chain, it routes billing questions.
    let ix = dir.join("ix.json");
    std::fs::write(&ix, r#"{"id":"B-1","channel":"email","body":"Where is my invoice for March?"}"#).unwrap();
    let run = cxr(&["run", "--plugin", wasm.to_str().unwrap(), ix.to_str().unwrap(), "--json"]);
    assert!(run.status.success(), "{}", show(&run));
    let d: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(d["route"]["queue"], "billing");
    assert_eq!(d["route"]["rule"], "billing-words");
}
