//! `cxr cache` as an operator uses it, on a cache the real binary filled:
//! what it holds, pruning by age and by size (least recently used first),
//! clearing, the automatic cap after each write, and that nothing but cache
//! entries is ever touched.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

const ONE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/one.json");

/// Runs `cxr ARGS` with the cache in `dir`; returns (exit code, stdout, stderr).
fn cxr(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(args)
        .env("CXR_CACHE_DIR", dir)
        .env_remove("CXR_CACHE")
        .env_remove("CXR_CACHE_MAX_MB")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let (code, out, err) = cxr(dir, args, env);
    assert_eq!(code, 0, "cxr {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("cxr {args:?} printed no JSON ({e}): {out}"))
}

/// The `.cwasm` files in `dir` with their sizes, by name.
fn on_disk(dir: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".cwasm"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().len()))
        .collect();
    files.sort();
    files
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

fn set_last_used(dir: &Path, name: &str, ago: Duration) {
    let f = std::fs::File::options().write(true).open(dir.join(name)).unwrap();
    f.set_modified(SystemTime::now() - ago).unwrap();
}

/// The sha256 of a reference component, the key of its cache entry.
fn builtin_sha256(name: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(cxr_host::builtin::plugin_bytes(name).unwrap()))
}

#[test]
fn the_cache_is_shown_pruned_by_age_and_size_capped_and_cleared() {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache-verb");
    let _ = std::fs::remove_dir_all(&dir);

    // An empty (missing) cache.
    let empty = json(&dir, &["cache", "--json"], &[]);
    assert_eq!((empty["entries"].as_u64(), empty["bytes"].as_u64()), (Some(0), Some(0)));
    assert_eq!(empty["max_bytes"].as_u64(), Some(512 << 20), "the documented default cap");

    // Deciding fills it with the four reference components, keyed by their sha256.
    let (code, _, err) = cxr(&dir, &["run", ONE, "--json"], &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("notes.txt"), "not a cache entry").unwrap();
    let shown = json(&dir, &["cache", "--json"], &[]);
    let files = on_disk(&dir);
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(shown["entries"].as_u64(), Some(4));
    assert_eq!(shown["bytes"].as_u64(), Some(files.iter().map(|f| f.1).sum::<u64>()));
    assert_eq!(names(&shown["files"]), files.iter().map(|f| f.0.clone()).collect::<Vec<_>>());
    assert!(shown["files"].as_array().unwrap().iter().all(|e| e["kind"] == "component"), "{shown}");
    let entry_of = |plugin: &str| {
        let sha = builtin_sha256(plugin);
        files.iter().find(|f| f.0.starts_with(&sha)).unwrap_or_else(|| panic!("no entry for {plugin} ({sha}): {files:?}")).clone()
    };
    let (sentiment, classify, priority, router) = (entry_of("sentiment"), entry_of("classify"), entry_of("priority"), entry_of("router"));
    let (code, text, _) = cxr(&dir, &["cache"], &[]);
    assert_eq!(code, 0);
    assert!(text.contains(&dir.display().to_string()) && text.contains("4 entries") && text.contains("cap 512.0 MiB"), "{text}");
    assert!(text.contains(&router.0), "every entry is listed: {text}");

    // By age: only the entry unused for 40 days goes.
    set_last_used(&dir, &router.0, Duration::from_secs(40 * 86_400));
    set_last_used(&dir, &sentiment.0, Duration::from_secs(3 * 86_400));
    set_last_used(&dir, &classify.0, Duration::from_secs(2 * 86_400));
    set_last_used(&dir, &priority.0, Duration::from_secs(86_400));
    let pruned = json(&dir, &["cache", "prune", "--max-age", "30d", "--json"], &[]);
    assert_eq!(names(&pruned["removed"]), [router.0.clone()]);
    assert_eq!(pruned["kept"].as_u64(), Some(3));

    // By size: the least recently used go first, until the rest fits.
    let limit = classify.1 + priority.1;
    let pruned = json(&dir, &["cache", "--dir", dir.to_str().unwrap(), "prune", "--max-size", &limit.to_string(), "--json"], &[]);
    assert_eq!(names(&pruned["removed"]), [sentiment.0.clone()]);
    assert_eq!(on_disk(&dir), {
        let mut v = vec![classify.clone(), priority.clone()];
        v.sort();
        v
    });

    // A hit marks the entry as used: after `cxr run`, priority (read again) is newer than a day.
    let (code, _, err) = cxr(&dir, &["run", ONE], &[]);
    assert_eq!(code, 0, "{err}");
    let age = SystemTime::now().duration_since(std::fs::metadata(dir.join(&priority.0)).unwrap().modified().unwrap()).unwrap_or_default();
    assert!(age < Duration::from_secs(3600), "a cache hit refreshes the entry ({age:?} old)");

    // The automatic cap: with 1 MiB, every write evicts the least recently
    // used entries, so at most the entry just written is over it.
    let (code, capped_out, err) = cxr(&dir, &["run", ONE, "--json", "--now", "2026-11-22T10:00:00Z"], &[("CXR_CACHE_MAX_MB", "1")]);
    assert_eq!(code, 0, "{err}");
    let _ = cxr(&dir, &["cache", "clear"], &[]);
    let (_, capped_again, _) = cxr(&dir, &["run", ONE, "--json", "--now", "2026-11-22T10:00:00Z"], &[("CXR_CACHE_MAX_MB", "1")]);
    let files = on_disk(&dir);
    let total: u64 = files.iter().map(|f| f.1).sum();
    let largest = files.iter().map(|f| f.1).max().unwrap_or(0);
    assert!(files.len() < 4, "the cap evicted entries: {files:?}");
    assert!(total <= (1 << 20) + largest, "at most the newest entry is over the cap: {files:?}");
    let strip = |s: &str| -> Value {
        let mut v: Value = serde_json::from_str(s).unwrap();
        for t in v["trace"].as_array_mut().unwrap() {
            t["micros"] = Value::Null;
        }
        v
    };
    assert_eq!(strip(&capped_out), strip(&capped_again), "eviction never changes a decision");

    // A bad cap is an error naming the variable.
    let (code, _, err) = cxr(&dir, &["run", ONE], &[("CXR_CACHE_MAX_MB", "lots")]);
    assert_eq!(code, 1);
    assert!(err.contains("CXR_CACHE_MAX_MB"), "{err}");
    let (code, _, err) = cxr(&dir, &["cache", "prune", "--max-size", "12X"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("12X"), "{err}");

    // Clear: every entry goes, nothing else does.
    let (code, text, err) = cxr(&dir, &["cache", "clear"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("removed"), "{text}");
    assert!(on_disk(&dir).is_empty());
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "not a cache entry");
    std::fs::remove_dir_all(&dir).unwrap();
}
