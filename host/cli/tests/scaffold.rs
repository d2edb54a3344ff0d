//! `cxr new` in every language, for several hook sets, in an empty folder
//! outside this checkout: the next steps it prints run as printed, in
//! order: the project's unit tests, its wasm build and `cxr test` on its
//! case file all pass. The kit comes from this checkout (`--kit-path`).
//!
//! Rust projects build offline with this workspace's lock file and share a
//! target folder under this workspace's (a symlink `target/`), so that the
//! kit's dependencies are compiled once; npm and pip fetch the kits' pinned
//! tools from their registries (or their caches).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// An empty folder outside the checkout (under the system's temporary folder).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cxr-scaffold-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(!dir.starts_with(root()), "{} is inside the checkout", dir.display());
    dir
}

fn show(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn cxr(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cxr")).args(args).current_dir(dir).env_remove("CXR_KIT_PATH").output().unwrap()
}

/// Scaffolds `name` in `dir` and returns (project folder, next steps as printed).
fn scaffold(dir: &Path, name: &str, lang: &str, hooks: &str) -> (PathBuf, Vec<String>) {
    let kit = root();
    let o = cxr(dir, &["new", name, "--lang", lang, "--hook", hooks, "--kit-path", kit.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", show(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let steps: Vec<String> = doc["steps"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    assert!(steps.iter().any(|s| s.ends_with(" cases.toml")), "{steps:?}");
    (dir.join(doc["path"].as_str().unwrap()), steps)
}

/// Runs each step with `sh -c` in the project, as a user would paste it;
/// returns everything printed.
fn run_steps(project: &Path, steps: &[String], env: &[(&str, String)]) -> String {
    let mut printed = String::new();
    for step in steps {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(step).current_dir(project).env_remove("RUSTFLAGS").env_remove("CXR_KIT_PATH");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = cmd.output().unwrap_or_else(|e| panic!("{step}: {e}"));
        let out = show(&o);
        assert!(o.status.success(), "step `{step}` failed in {}:\n{out}", project.display());
        printed.push_str(&out);
    }
    printed
}

/// The `cxr test` step's verdict line: every case passed.
fn assert_cases_passed(printed: &str, cases: usize) {
    assert!(printed.contains(&format!("{cases} passed, 0 failed")), "expected {cases} cases to pass:\n{printed}");
}

fn cases_for(hooks: &str) -> usize {
    hooks.split(',').map(|h| if h == "routing" { 1 } else { 2 }).sum()
}

#[test]
fn rust_projects_test_build_and_pass_their_cases() {
    let dir = scratch("rust");
    let shared_target = root().join("target/scaffold-test");
    std::fs::create_dir_all(&shared_target).unwrap();
    for (i, hooks) in ["sentiment,routing", "classify,priority", "sentiment,classify,priority,routing"].into_iter().enumerate() {
        let (project, steps) = scaffold(&dir, &format!("acme-rs-{i}"), "rust", hooks);
        std::fs::copy(root().join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
        std::os::unix::fs::symlink(&shared_target, project.join("target")).unwrap();
        let printed = run_steps(&project, &steps, &[("CARGO_NET_OFFLINE", "true".into())]);
        let tests = 3 * hooks.split(',').count();
        assert!(printed.contains(&format!("test result: ok. {tests} passed")), "{printed}");
        assert_cases_passed(&printed, cases_for(hooks));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn typescript_and_javascript_projects_test_build_and_pass_their_cases() {
    let dir = scratch("js");
    for (i, (lang, hooks)) in [("ts", "sentiment,routing"), ("ts", "classify,priority"), ("js", "sentiment,classify,priority,routing")].into_iter().enumerate() {
        let (project, steps) = scaffold(&dir, &format!("acme-{lang}-{i}"), lang, hooks);
        let printed = run_steps(&project, &steps, &[]);
        assert!(printed.contains(&format!("# pass {}\n# fail 0", 3 * hooks.split(',').count())), "{printed}");
        if lang == "ts" {
            assert!(printed.contains("checking types (tsc"), "{printed}");
        }
        assert_cases_passed(&printed, cases_for(hooks));
        if hooks == "sentiment,routing" {
            // The other engine the kit offers, StarlingMonkey, builds the same project to a
            // component that passes the same cases (its packages are installed by hand, as the
            // kit's README says).
            let cxr_bin = env!("CARGO_BIN_EXE_cxr");
            let printed = run_steps(
                &project,
                &[
                    "npm install --no-audit --no-fund --save-dev @bytecodealliance/componentize-js@0.23.0 @bytecodealliance/preview2-shim@0.25.0".into(),
                    "npx cxr-plugin build --engine starlingmonkey --out dist/starlingmonkey.wasm".into(),
                    format!("{cxr_bin} inspect dist/starlingmonkey.wasm"),
                    format!("{cxr_bin} test --plugin dist/starlingmonkey.wasm cases.toml"),
                ],
                &[],
            );
            assert!(printed.contains("engine starlingmonkey"), "{printed}");
            assert_cases_passed(&printed, cases_for(hooks));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn python_projects_test_build_and_pass_their_cases() {
    let dir = scratch("python");
    let hooks = "sentiment,classify,priority,routing";
    let (project, steps) = scaffold(&dir, "acme-py", "python", hooks);
    let printed = run_steps(&project, &steps, &[]);
    assert!(printed.contains("12 passed"), "{printed}");
    assert!(printed.contains("Success: no issues found"), "mypy --strict: {printed}");
    assert_cases_passed(&printed, cases_for(hooks));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn projects_depend_on_the_kit_by_version_unless_a_local_kit_is_named() {
    let dir = scratch("version");
    let o = cxr(&dir, &["new", "acme-router", "--hook", "routing"]);
    let out = show(&o);
    assert!(o.status.success(), "{out}");
    let manifest = std::fs::read_to_string(dir.join("acme-router/Cargo.toml")).unwrap();
    assert!(manifest.contains("\ncxr-guest = \"0.3\"\n"), "{manifest}");
    assert!(!manifest.contains(&root().display().to_string()), "the checkout's path leaked: {manifest}");
    // The printed steps are the ones to run, from where cxr new ran.
    assert!(out.contains("  cd acme-router\n") && out.contains("cargo build --release --target wasm32-wasip2"), "{out}");
    assert!(out.contains("test --plugin target/wasm32-wasip2/release/acme_router.wasm cases.toml"), "{out}");
    for lang in ["ts", "python"] {
        let o = cxr(&dir, &["new", &format!("v-{lang}"), "--lang", lang, "--hook", "priority"]);
        assert!(o.status.success(), "{}", show(&o));
    }
    let pkg = std::fs::read_to_string(dir.join("v-ts/package.json")).unwrap();
    assert!(pkg.contains("\"cxr-plugin\": \"^0.2.0\""), "{pkg}");
    assert!(!dir.join("v-ts/.npmrc").exists());
    let req = std::fs::read_to_string(dir.join("v-python/requirements.txt")).unwrap();
    assert!(req.contains("cxr-plugin[test]==0.2.*"), "{req}");

    // CXR_KIT_PATH names a local kit as --kit-path does.
    let o = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["new", "env-kit", "--lang", "js", "--hook", "routing"])
        .current_dir(&dir)
        .env("CXR_KIT_PATH", root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let pkg = std::fs::read_to_string(dir.join("env-kit/package.json")).unwrap();
    // Written relative to the project when they share a folder below the
    // root (a checkout under /tmp), absolute otherwise: either way it must
    // lead to this checkout's kit.
    let named = pkg.split("\"cxr-plugin\": \"file:").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_else(|| panic!("{pkg}"));
    let kit = dir.join("env-kit").join(named).canonicalize().unwrap_or_else(|e| panic!("{named}: {e}\n{pkg}"));
    assert_eq!(kit, root().join("kits/js").canonicalize().unwrap(), "{pkg}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mistakes_are_refused_with_the_reason() {
    let dir = scratch("refusals");
    let o = cxr(&dir, &["new", "x-plugin", "--hook", "mood"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(show(&o).contains("unknown hook \"mood\""), "{}", show(&o));
    let o = cxr(&dir, &["new", "x-plugin", "--lang", "cobol", "--hook", "routing"]);
    assert_eq!(o.status.code(), Some(2));
    let o = cxr(&dir, &["new", "x-plugin", "--lang", "ts", "--hook", "routing", "--kit-path", "/nonexistent"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(show(&o).contains("no TypeScript kit at /nonexistent"), "{}", show(&o));
    assert!(cxr(&dir, &["new", "x-plugin", "--hook", "routing"]).status.success());
    let again = cxr(&dir, &["new", "x-plugin", "--hook", "routing"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(show(&again).contains("not empty"), "{}", show(&again));
    std::fs::remove_dir_all(&dir).unwrap();
}
