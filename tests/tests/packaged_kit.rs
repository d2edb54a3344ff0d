//! The guest kit as plugin authors get it: `cargo package -p cxr-guest`
//! makes a crate that builds on its own (it carries its WIT), and a plugin
//! written outside this repository against the packaged crate builds to a
//! component that loads and decides.

use cxr_e2e::{ix, load, now};
use cxr_host::{Hook, PipelineConfig};
use cxr_wasm_build::clean_cargo;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_plugin_builds_from_the_packaged_kit_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let work: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packaged-kit");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    // 1. Package (and verify: cargo builds the packaged crate by itself).
    let pkg_target = work.join("package-target");
    run(
        clean_cargo()
            .current_dir(&root)
            .args(["package", "-p", "cxr-guest", "--allow-dirty", "--offline", "--target-dir"])
            .arg(&pkg_target),
        "cargo package -p cxr-guest",
    );
    let version = env!("CARGO_PKG_VERSION");
    let crate_file = pkg_target.join(format!("package/cxr-guest-{version}.crate"));
    assert!(crate_file.exists(), "{} was not written", crate_file.display());

    // 2. Unpack it somewhere else, as cargo does with a registry crate.
    let unpacked = work.join("registry");
    std::fs::create_dir_all(&unpacked).unwrap();
    run(Command::new("tar").arg("xzf").arg(&crate_file).arg("-C").arg(&unpacked), "unpacking the .crate");
    let kit = unpacked.join(format!("cxr-guest-{version}"));
    assert!(kit.join("wit/worlds.wit").exists(), "the packaged kit carries its worlds");
    let contract = cxr_host::ContractVersion::CURRENT;
    assert!(kit.join(format!("wit/deps/cxr-plugin-{contract}/types.wit")).exists(), "the packaged kit carries the contract");

    // 3. A plugin crate of its own, exporting two hooks, against the unpacked kit.
    let plugin = work.join("two-hooks");
    std::fs::create_dir_all(plugin.join("src")).unwrap();
    std::fs::write(
        plugin.join("Cargo.toml"),
        format!(
            "[package]\nname = \"two-hooks\"\nversion = \"1.2.3\"\nedition = \"2024\"\n\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n\n\
             [dependencies]\ncxr-guest = {{ path = {:?} }}\n\n[workspace]\n",
            kit.display().to_string()
        ),
    )
    .unwrap();
    let source = std::fs::read_to_string(root.join("tests/plugins/signals/src/lib.rs")).unwrap();
    std::fs::write(plugin.join("src/lib.rs"), source).unwrap();
    run(
        clean_cargo()
            .current_dir(&plugin)
            .args(["build", "--release", "--offline", "--target", "wasm32-wasip2"]),
        "building the plugin against the packaged kit",
    );
    let wasm = plugin.join("target/wasm32-wasip2/release/two_hooks.wasm");

    // 4. The host loads it and it decides.
    let toml = format!("[[classifiers]]\nplugin = {:?}\n[[routers]]\nplugin = {:?}\n", wasm.display().to_string(), wasm.display().to_string());
    let p = load(&PipelineConfig::from_toml(&toml).unwrap()).unwrap();
    let plugins = p.plugins();
    assert_eq!(plugins[0].1.meta().name, "two-hooks");
    assert_eq!(plugins[0].1.meta().version, "1.2.3");
    assert_eq!(plugins[0].1.meta().hooks, [Hook::Classify, Hook::Routing]);
    let d = p.decide(&ix(r#"{"id":"K-1","body":"Where is my parcel?"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    assert_eq!(d.route.unwrap().queue, "intent-delivery");
    assert_eq!(d.signals[0].plugin, "two-hooks");
}
