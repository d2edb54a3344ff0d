//! `cxr check` through the real binary: a tenant directory loaded as the
//! service and the worker load it, every problem listed with its file (and
//! line and field for TOML), the exit status scripts rely on.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const REFERENCE: &str = include_str!("../../reference-pipeline.toml");

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cxr check ARGS` in `dir`: exit status, stdout, stderr.
fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .current_dir(dir)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .env_remove("CXR_LOG")
        .arg("check")
        .args(args)
        .output()
        .expect("cxr runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The reference pipeline with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    assert!(REFERENCE.contains(from), "{from}");
    REFERENCE.replacen(from, to, 1)
}

#[test]
fn a_good_tenant_directory_passes() {
    let dir = scratch("good");
    std::fs::create_dir(dir.join("tenants")).unwrap();
    std::fs::write(dir.join("tenants/acme.toml"), REFERENCE).unwrap();
    std::fs::write(dir.join("tenants/globex.toml"), edited("queue = \"general\"", "queue = \"globex-general\"")).unwrap();
    std::fs::write(dir.join("tenants/README.md"), "not a pipeline: ignored, as serve ignores it").unwrap();
    let (status, out, err) = check(&dir, &["tenants"]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("ok    acme: tenants/acme.toml"), "{out}");
    assert!(out.contains("ok    globex: tenants/globex.toml"), "{out}");
    assert!(out.contains("all 2 pipelines load"), "{out}");

    let (status, out, _) = check(&dir, &["tenants", "--json"]);
    assert_eq!(status, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["pipelines"].as_array().unwrap().len(), 2);
    assert_eq!(report["problems"].as_array().unwrap().len(), 0);
    // The version is the one the service reports for the tenant (same file, same plugins).
    assert_eq!(report["pipelines"][0]["version"].as_str().unwrap().len(), 12);
}

#[test]
fn every_broken_file_of_a_directory_is_listed_with_its_file_and_line() {
    let dir = scratch("broken");
    let t = dir.join("tenants");
    std::fs::create_dir(&t).unwrap();
    std::fs::write(t.join("acme.toml"), REFERENCE).unwrap();
    std::fs::write(t.join("zeta.toml"), REFERENCE).unwrap();
    // Bad TOML: an unclosed string at line 7.
    std::fs::write(t.join("badtoml.toml"), edited("instance_mode = \"reuse\"", "instance_mode = \"reuse")).unwrap();
    // An unknown field at line 8.
    std::fs::write(t.join("unknown.toml"), edited("instance_mode = \"reuse\"\n", "instance_mode = \"reuse\"\nbogus_field = 3\n")).unwrap();
    // A plugin file that does not exist.
    std::fs::write(t.join("missing.toml"), edited("builtin:priority", "./no-such-plugin.wasm")).unwrap();
    // A configuration the plugin itself refuses in its configure (calendars).
    std::fs::write(t.join("badcfg.toml"), edited("[priority.config.calendars.berlin]\n", "[priority.config.calendars.berlin]\nzone = \"Mars/Olympus\"\n")).unwrap();
    // A file name that is not a tenant name.
    std::fs::write(t.join("Not A Tenant.toml"), REFERENCE).unwrap();

    let (status, out, err) = check(&dir, &["tenants"]);
    assert_eq!(status, 1, "{out}{err}");
    assert!(out.contains("ok    acme: tenants/acme.toml"), "{out}");
    assert!(out.contains("ok    zeta: tenants/zeta.toml"), "the files after the broken ones are checked too: {out}");
    assert!(out.contains("FAIL  badtoml: tenants/badtoml.toml"), "{out}");
    assert!(out.contains("FAIL  unknown: tenants/unknown.toml"), "{out}");
    assert!(out.contains("line 8") && out.contains("unknown field `bogus_field`"), "line and field: {out}");
    assert!(out.contains("FAIL  missing: tenants/missing.toml") && out.contains("no-such-plugin.wasm"), "{out}");
    assert!(out.contains("FAIL  badcfg: tenants/badcfg.toml") && out.contains("calendars.berlin") && out.contains("`zone`"), "{out}");
    assert!(out.contains("FAIL  tenants/Not A Tenant.toml") && out.contains("not a valid tenant name"), "{out}");
    assert!(out.contains("5 problems (2 of 7 pipelines load)"), "{out}");

    let (status, out, _) = check(&dir, &["tenants", "--json"]);
    assert_eq!(status, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], false);
    let problems = report["problems"].as_array().unwrap();
    let files: Vec<&str> = problems.iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "tenants/Not A Tenant.toml",
            "tenants/badcfg.toml",
            "tenants/badtoml.toml",
            "tenants/missing.toml",
            "tenants/unknown.toml"
        ]
    );
    let badtoml = &problems[2];
    assert_eq!(badtoml["tenant"], "badtoml");
    assert_eq!(badtoml["role"], "live");
    assert!(badtoml["error"].as_str().unwrap().contains("TOML parse error at line 7"), "{badtoml}");
}

#[test]
fn a_single_pipeline_file_and_usage_errors() {
    let dir = scratch("single");
    std::fs::write(dir.join("pipeline.toml"), REFERENCE).unwrap();
    let (status, out, err) = check(&dir, &["pipeline.toml"]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("ok    default: pipeline.toml") && out.contains("pipeline.toml: the pipeline loads"), "{out}");

    std::fs::write(dir.join("broken.toml"), edited("[limits]\nfuel", "[limits]\nfool = 1\nfuel")).unwrap();
    let (status, out, _) = check(&dir, &["broken.toml"]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("FAIL  default: broken.toml") && out.contains("unknown field `fool`"), "{out}");

    let (status, out, _) = check(&dir, &["missing.toml"]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("missing.toml") && out.contains("reading pipeline file"), "{out}");

    std::fs::create_dir(dir.join("empty")).unwrap();
    let (status, out, _) = check(&dir, &["empty"]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("no tenant pipeline"), "{out}");

    let (status, _, err) = check(&dir, &[]);
    assert_eq!(status, 2, "no PATH is a usage error: {err}");
    let (status, _, err) = check(&dir, &["pipeline.toml", "--no-such-flag"]);
    assert_eq!(status, 2, "{err}");
}
