//! Compiles cxr plugin crates to wasm components from a build script.

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target plugins are compiled for.
pub const TARGET: &str = "wasm32-wasip2";

/// One crate to build: its package name and the manifest of the workspace
/// (or stand-alone crate) it belongs to.
pub struct PluginCrate<'a> {
    /// Cargo package name, e.g. `cxr-sentiment`.
    pub package: &'a str,
    /// `Cargo.toml` to build with (`--manifest-path`): the workspace's, or
    /// the crate's own for a stand-alone crate.
    pub manifest: &'a Path,
    /// The crate's folder; a change below it rebuilds the component.
    pub dir: &'a Path,
}

/// Builds the given crates as wasm components and returns package name →
/// path of the `.wasm` file. Panics with a readable message on failure
/// (this runs inside a build script, where a panic is the error report).
pub fn build_plugins(crates: &[PluginCrate<'_>]) -> BTreeMap<String, PathBuf> {
    ensure_target();
    let target_dir = wasm_target_dir();
    let mut out = BTreeMap::new();
    // Group by manifest so each workspace is built with one cargo call.
    let mut by_manifest: BTreeMap<&Path, Vec<&str>> = BTreeMap::new();
    for c in crates {
        by_manifest.entry(c.manifest).or_default().push(c.package);
        println!("cargo:rerun-if-changed={}", c.dir.join("src").display());
        println!("cargo:rerun-if-changed={}", c.dir.join("Cargo.toml").display());
    }
    for (manifest, packages) in by_manifest {
        let mut cmd = clean_cargo();
        cmd.arg("build")
            .arg("--release")
            .arg("--quiet")
            .arg("--target")
            .arg(TARGET)
            .arg("--manifest-path")
            .arg(manifest)
            .arg("--target-dir")
            .arg(&target_dir)
            // Small, fast components: no debug info, whole-program optimisation.
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo")
            .env("CARGO_PROFILE_RELEASE_LTO", "true")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
            .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
            // wasm SIMD: memchr, regex and hashing use it; wasmtime compiles it natively.
            .env("RUSTFLAGS", "-C target-feature=+simd128");
        for p in &packages {
            cmd.arg("-p").arg(p);
        }
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("failed to run cargo for the wasm plugins: {e}"));
        assert!(
            status.success(),
            "building wasm plugins {packages:?} from {} failed (see the errors above)",
            manifest.display()
        );
        for p in packages {
            let wasm = target_dir
                .join(TARGET)
                .join("release")
                .join(format!("{}.wasm", p.replace('-', "_")));
            assert!(wasm.exists(), "expected {} after the build", wasm.display());
            out.insert(p.to_string(), wasm);
        }
    }
    out
}

/// `<target>/wasm-plugins`, derived from `OUT_DIR` (`<target>/<profile>/build/<pkg>/out`).
pub fn wasm_target_dir() -> PathBuf {
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set for build scripts"));
    let target = out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR has the usual depth")
        .to_path_buf();
    target.join("wasm-plugins")
}

/// A `cargo` command that inherits none of the outer build's `CARGO_*`,
/// `RUSTC*` or `RUSTFLAGS` settings (an inner build must not see them).
pub fn clean_cargo() -> Command {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let leaks = (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_MAKEFLAGS")
            || key.starts_with("RUSTC")
            || key == "RUSTFLAGS"
            || key == "RUSTDOCFLAGS"
            || key == "TARGET"
            || key == "HOST"
            || key == "OUT_DIR"
            || key == "OPT_LEVEL"
            || key == "PROFILE"
            || key == "DEBUG"
            || key == "NUM_JOBS";
        if leaks {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Installs the wasm target with rustup when the active toolchain lacks it.
fn ensure_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string()));
    let installed = sysroot
        .as_ref()
        .is_some_and(|s| s.join("lib/rustlib").join(TARGET).exists());
    if installed {
        return;
    }
    // Not a `cargo:warning`: cargo replays a build script's warnings on every
    // later build for as long as the script's output is cached, so a one-time
    // install would be announced on every cargo command ever after. Build
    // scripts' stderr shows with `cargo build -vv` and when the build fails.
    eprintln!("installing the {TARGET} target with rustup (needed to build the plugins)");
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status();
    match status {
        Ok(s) if s.success() => {}
        _ => panic!(
            "the {TARGET} target is not installed and `rustup target add {TARGET}` failed; \
             install it by hand and build again"
        ),
    }
}
