//! Builds the reference plugins as wasm components so the `cxr` binary can
//! embed them (the pipeline used when no `--pipeline` is given).

use cxr_wasm_build::{PluginCrate, build_plugins};
use std::path::PathBuf;

fn main() {
    let host = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = host.parent().unwrap().to_path_buf();
    let manifest = root.join("Cargo.toml");
    for shared in ["wit", "guest/wit", "guest/src", "guest/build.rs", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(shared).display());
    }
    let dirs: Vec<(String, PathBuf)> = ["sentiment", "classify", "priority", "router"]
        .iter()
        .map(|p| (format!("cxr-{p}"), root.join("plugins").join(p)))
        .collect();
    let crates: Vec<PluginCrate> = dirs
        .iter()
        .map(|(package, dir)| PluginCrate { package, manifest: &manifest, dir })
        .collect();
    for (package, wasm) in build_plugins(&crates) {
        let var = format!("CXR_WASM_{}", package.trim_start_matches("cxr-").to_uppercase());
        println!("cargo:rustc-env={var}={}", wasm.display());
    }
}
