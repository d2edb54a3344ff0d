//! Builds the test plugins (and the starter plugin users copy) as wasm components.

use cxr_wasm_build::{PluginCrate, build_plugins};
use std::path::PathBuf;

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = here.parent().unwrap().to_path_buf();
    for shared in ["wit", "guest/wit", "guest/src", "guest/build.rs"] {
        println!("cargo:rerun-if-changed={}", root.join(shared).display());
    }
    let workspace = root.join("Cargo.toml");
    let hostile = here.join("plugins/hostile");
    let signals = here.join("plugins/signals");
    let text = here.join("plugins/text");
    let floor = here.join("plugins/floor");
    let starter = root.join("examples/starter-plugin");
    let starter_manifest = starter.join("Cargo.toml");
    let built = build_plugins(&[
        PluginCrate { package: "cxr-test-hostile", manifest: &workspace, dir: &hostile },
        PluginCrate { package: "cxr-test-signals", manifest: &workspace, dir: &signals },
        PluginCrate { package: "cxr-test-text", manifest: &workspace, dir: &text },
        PluginCrate { package: "cxr-bench-floor", manifest: &workspace, dir: &floor },
        PluginCrate { package: "starter-plugin", manifest: &starter_manifest, dir: &starter },
    ]);
    println!("cargo:rustc-env=CXR_TEST_HOSTILE_WASM={}", built["cxr-test-hostile"].display());
    println!("cargo:rustc-env=CXR_TEST_STARTER_WASM={}", built["starter-plugin"].display());
    println!("cargo:rustc-env=CXR_TEST_SIGNALS_WASM={}", built["cxr-test-signals"].display());
    println!("cargo:rustc-env=CXR_TEST_TEXT_WASM={}", built["cxr-test-text"].display());
    println!("cargo:rustc-env=CXR_BENCH_FLOOR_WASM={}", built["cxr-bench-floor"].display());
}
