//! The crates as users get them: `scripts/package.sh` packages cxr-guest,
//! cxr-model, cxr-host and the rest in dependency order (the `.crate` files
//! a registry serves; CI runs it again verifying every crate), the crates
//! are unpacked in a temporary directory outside the repository, and there
//!
//! - a plugin written against the packaged kit builds to a component that
//!   the host loads and that decides;
//! - the embedding program of docs/embedding.md, as written there, builds
//!   against the packaged cxr-host (which carries the reference plugins
//!   prebuilt: no plugin sources are in the package) and decides with the
//!   same components as this checkout.

use cxr_e2e::{ix, load, now};
use cxr_host::{Hook, PipelineConfig};
use cxr_wasm_build::clean_cargo;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The packaged crates, unpacked once (for both tests) into a temporary
/// directory outside the repository: crate name → its folder. What is built
/// from them goes to this workspace's target directory.
struct Unpacked {
    dir: PathBuf,
    /// Crate name → the folder its .crate unpacked to (`name-version`:
    /// the crates do not all share one version; cxr-guest has its own).
    folders: std::collections::HashMap<&'static str, String>,
}

impl Unpacked {
    fn krate(&self, name: &str) -> PathBuf {
        self.dir.join(&self.folders[name])
    }
}

fn unpacked() -> &'static Unpacked {
    static UNPACKED: OnceLock<Unpacked> = OnceLock::new();
    UNPACKED.get_or_init(|| {
        // 1. Package in dependency order (verification is CI's separate step).
        let crates = run(
            Command::new("bash").arg(root().join("scripts/package.sh")).args(["--no-verify", "--offline"]).current_dir(root()),
            "scripts/package.sh --no-verify",
        );
        // 2. Unpack each .crate as cargo does with a registry's, outside the
        // repository (one folder per checkout, made afresh by each run).
        let dir = std::env::temp_dir().join(format!("cxr-packaged-{:016x}", {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            env!("CARGO_TARGET_TMPDIR").hash(&mut h);
            h.finish()
        }));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let files: Vec<&str> = crates.lines().filter(|l| l.ends_with(".crate")).collect();
        let mut folders = std::collections::HashMap::new();
        for name in ["cxr-text", "cxr-guest", "cxr-model", "cxr-wasm-build", "cxr-workspace-hack", "cxr-host", "cxr"] {
            // `name-X.Y.Z.crate`, and exactly one of them: the script lists
            // each package's current version only.
            let of_name: Vec<&&str> = files
                .iter()
                .filter(|f| {
                    let stem = Path::new(f).file_stem().unwrap().to_str().unwrap();
                    stem.strip_prefix(name).and_then(|v| v.strip_prefix('-')).is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                })
                .collect();
            let [file] = of_name[..] else { panic!("scripts/package.sh listed {} {name} packages (one expected): {files:?}", of_name.len()) };
            folders.insert(name, Path::new(file).file_stem().unwrap().to_str().unwrap().to_string());
            // -m: the files get the time of unpacking, not the one stored
            // in the .crate, so that cargo rebuilds what changed since the
            // last run (its freshness check of path crates is by mtime).
            run(Command::new("tar").arg("xzmf").arg(file).arg("-C").arg(&dir), "unpacking a .crate");
        }
        Unpacked { dir, folders }
    })
}

#[test]
fn a_plugin_builds_from_the_packaged_kit_outside_the_repository() {
    let packages = unpacked();
    let kit = packages.krate("cxr-guest");
    assert!(kit.join("wit/worlds.wit").exists(), "the packaged kit carries its worlds");
    let contract = cxr_host::ContractVersion::CURRENT;
    assert!(kit.join(format!("wit/deps/cxr-plugin-{contract}/types.wit")).exists(), "the packaged kit carries the contract");
    assert!(kit.join("LICENSE").exists() && kit.join("NOTICE").exists(), "and the licence files");

    // A plugin crate of its own, exporting two hooks, against the unpacked kit.
    let plugin = packages.dir.join("two-hooks");
    std::fs::create_dir_all(plugin.join("src")).unwrap();
    std::fs::write(
        plugin.join("Cargo.toml"),
        format!(
            "[package]\nname = \"two-hooks\"\nversion = \"1.2.3\"\nedition = \"2024\"\n\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n\n\
             [dependencies]\ncxr-guest = {{ path = {:?} }}\n\n\
             # The kit's own dependency, from the packaged crates as from a registry.\n\
             [patch.crates-io]\ncxr-text = {{ path = {:?} }}\n",
            kit.display().to_string(),
            packages.krate("cxr-text").display().to_string()
        ),
    )
    .unwrap();
    let source = std::fs::read_to_string(root().join("tests/plugins/signals/src/lib.rs")).unwrap();
    std::fs::write(plugin.join("src/lib.rs"), source).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packaged-plugin");
    run(
        clean_cargo()
            .current_dir(&plugin)
            .args(["build", "--release", "--offline", "--target", "wasm32-wasip2"])
            .env("CARGO_TARGET_DIR", &target),
        "building the plugin against the packaged kit",
    );
    let wasm = target.join("wasm32-wasip2/release/two_hooks.wasm");

    // The host loads it and it decides.
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

/// The block after `<!-- docs-test: file=NAME -->` in a Markdown file.
fn doc_block(markdown: &str, name: &str) -> String {
    let marker = format!("<!-- docs-test: file={name} -->");
    let after = markdown.split(&marker).nth(1).unwrap_or_else(|| panic!("no block marked {marker}"));
    let body = after.split_once('\n').unwrap().1.split_once('\n').unwrap().1;
    body[..body.find("\n```").unwrap() + 1].to_string()
}

#[test]
fn the_documented_embedding_program_builds_against_the_packaged_host() {
    let packages = unpacked();
    let host = packages.krate("cxr-host");
    assert!(!host.join("../plugins").exists(), "no plugin sources beside the packaged host");
    for p in ["sentiment", "classify", "priority", "router"] {
        assert!(host.join(format!("reference-plugins/cxr_{p}.wasm")).is_file(), "the packaged host carries cxr_{p}.wasm");
    }

    // docs/embedding.md's program, depending on cxr-host by version as from
    // a registry; the registry is the packaged crates (patch.crates-io).
    let doc = std::fs::read_to_string(root().join("docs/embedding.md")).unwrap();
    let manifest = doc_block(&doc, "../my-platform/Cargo.toml");
    let main = doc_block(&doc, "../my-platform/src/main.rs");
    let by_version: String = manifest
        .lines()
        .map(|l| if l.starts_with("cxr-host = ") { "cxr-host = \"0.2\"" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(by_version, manifest.trim_end(), "the documented Cargo.toml names cxr-host");
    let mut patch = String::from("\n\n[patch.crates-io]\n");
    for name in ["cxr-host", "cxr-model", "cxr-text", "cxr-workspace-hack", "cxr-wasm-build"] {
        patch.push_str(&format!("{name} = {{ path = {:?} }}\n", packages.krate(name).display().to_string()));
    }
    let program = packages.dir.join("my-platform");
    std::fs::create_dir_all(program.join("src")).unwrap();
    std::fs::write(program.join("Cargo.toml"), by_version + &patch).unwrap();
    std::fs::write(program.join("src/main.rs"), main).unwrap();
    // The versions this workspace was built and tested with, and its target
    // directory: wasmtime and the rest are not compiled again, the packaged
    // crates are (they are other packages than the workspace's).
    std::fs::copy(root().join("Cargo.lock"), program.join("Cargo.lock")).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let out = run(
        clean_cargo()
            .current_dir(&program)
            .args(["run", "--release", "--offline", "--quiet"])
            .env("CARGO_TARGET_DIR", target)
            .env("CXR_CACHE_DIR", packages.dir.join("compile-cache")),
        "building and running the embedding program against the packaged cxr-host",
    );
    let (id, json) = out.trim().split_once(" -> ").unwrap_or_else(|| panic!("unexpected output: {out}"));
    assert_eq!(id, "T-1");
    let d: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(d["error"].is_null(), "{d}");
    assert_eq!(d["route"]["queue"], "billing", "{d}");
    // The prebuilt components are the ones this checkout builds from source.
    use sha2::Digest;
    let trace = d["trace"].as_array().unwrap();
    let plugins: Vec<&str> = trace.iter().map(|t| t["plugin"].as_str().unwrap()).collect();
    assert_eq!(plugins, ["cxr-sentiment", "cxr-classify", "cxr-priority", "cxr-router"]);
    for (t, name) in trace.iter().zip(["sentiment", "classify", "priority", "router"]) {
        let here = hex::encode(sha2::Sha256::digest(cxr_host::builtin::plugin_bytes(name).unwrap()));
        assert_eq!(t["sha256"], here.as_str(), "the packaged {name} component is this checkout's");
    }
}
