//! Provides the reference plugins as wasm components, for the library and
//! the `cxr` binary to embed (the pipeline used when no `--pipeline` is
//! given).
//!
//! In a checkout of the cxr repository (a `.git` beside the workspace, the
//! plugin crates in `../plugins`) they are compiled from source. A packaged
//! cxr-host (a `.crate` from a registry, or the Python sdist) carries them
//! prebuilt in `reference-plugins/`, which `scripts/package.sh` fills from
//! the same sources just before packaging, and uses those: it needs no
//! wasm target then (the sdist holds the plugin sources too, as the host's
//! dev-dependencies, but builds nothing from them). Without either, the
//! sources are compiled if present.

use cxr_wasm_build::{PluginCrate, build_plugins};
use std::path::{Path, PathBuf};

/// The reference plugins: package name and folder under `plugins/`.
const PLUGINS: [&str; 4] = ["sentiment", "classify", "priority", "router"];

fn main() {
    let host = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = host.parent().unwrap().to_path_buf();
    let sources = root.join("Cargo.toml").is_file() && PLUGINS.iter().all(|p| root.join("plugins").join(p).join("Cargo.toml").is_file());
    let checkout = root.join(".git").exists();
    let shipped = PLUGINS.iter().all(|p| host.join("reference-plugins").join(format!("cxr_{p}.wasm")).is_file());
    let built = if sources && (checkout || !shipped) { build_from_source(&root) } else { prebuilt(&host) };
    for (package, wasm) in built {
        let var = format!("CXR_WASM_{}", package.trim_start_matches("cxr-").to_uppercase());
        println!("cargo:rustc-env={var}={}", wasm.display());
    }
}

/// Compiles `plugins/*` to components (the repository).
fn build_from_source(root: &Path) -> Vec<(String, PathBuf)> {
    let manifest = root.join("Cargo.toml");
    for shared in ["wit", "guest/wit", "guest/src", "guest/build.rs", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(shared).display());
    }
    let dirs: Vec<(String, PathBuf)> = PLUGINS.iter().map(|p| (format!("cxr-{p}"), root.join("plugins").join(p))).collect();
    let crates: Vec<PluginCrate> = dirs
        .iter()
        .map(|(package, dir)| PluginCrate { package, manifest: &manifest, dir })
        .collect();
    build_plugins(&crates).into_iter().collect()
}

/// The components shipped in `reference-plugins/` (a packaged crate).
fn prebuilt(host: &Path) -> Vec<(String, PathBuf)> {
    let dir = host.join("reference-plugins");
    PLUGINS
        .iter()
        .map(|p| {
            let wasm = dir.join(format!("cxr_{p}.wasm"));
            println!("cargo:rerun-if-changed={}", wasm.display());
            assert!(
                wasm.is_file(),
                "{} is missing: a cxr-host without the plugin sources beside it (../plugins) must carry the \
                 reference plugins prebuilt; package it with scripts/package.sh, which puts them there",
                wasm.display()
            );
            (format!("cxr-{p}"), wasm)
        })
        .collect()
}
