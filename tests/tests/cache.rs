//! The compile cache: a second process maps compiled components (and, in
//! `isolate` mode, configured snapshots) from disk instead of compiling them;
//! an unreadable entry is compiled again, never trusted or fatal.

use cxr_e2e::{ix, now};
use cxr_host::{CachePolicy, Pipeline, PipelineConfig, PipelineLoader, Runtime, RuntimeSettings, builtin};
use std::path::{Path, PathBuf};

/// Loads as a new process would: a runtime of its own (nothing loaded yet),
/// the cache in `dir`.
fn load(config: &PipelineConfig, dir: &Path) -> Pipeline {
    let runtime = Runtime::new(RuntimeSettings::default()).unwrap();
    PipelineLoader::new()
        .runtime(runtime)
        .cache(CachePolicy::Dir(dir.to_path_buf()))
        .config(config, Path::new("."))
        .unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn compiled_components_and_snapshots_are_reused_and_bad_entries_recompiled() {
    let dir = std::env::temp_dir().join(format!("cxr-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let toml = builtin::REFERENCE_PIPELINE.replace("instance_mode = \"reuse\"", "instance_mode = \"isolate\"");
    let config = PipelineConfig::from_toml(&toml).unwrap();
    let input = ix(r#"{"id":"K-1","channel":"email","body":"I was charged twice and want my money back"}"#);

    let first = load(&config, &dir).decide(&input, now());
    let files = entries(&dir);
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(files.len(), 8, "four components and four snapshots (sentiment, classify, priority, router): {names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("snapshot-")).count(), 4, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".cwasm")), "{names:?}");

    // A second load maps the same entries and decides the same. A read
    // marks an entry as used (its modification time, for `cxr cache prune`'s
    // least-recently-used order) but leaves its bytes alone.
    let contents: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let modified: Vec<_> = files.iter().map(|f| f.metadata().unwrap().modified().unwrap()).collect();
    let second = load(&config, &dir).decide(&input, now());
    assert_eq!(entries(&dir), files, "no new entries");
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(after == contents, "entries were read, not rewritten");
    let again: Vec<_> = files.iter().map(|f| f.metadata().unwrap().modified().unwrap()).collect();
    assert!(again.iter().zip(&modified).all(|(a, m)| a >= m), "a read entry counts as recently used");
    assert_eq!(second.route, first.route);
    assert_eq!(second.sentiment, first.sentiment);

    // Corrupt every entry: the next load compiles again and rewrites them.
    for f in &files {
        std::fs::write(f, b"not a compiled component").unwrap();
    }
    let third = load(&config, &dir).decide(&input, now());
    assert_eq!(third.route, first.route);
    for f in &files {
        assert!(f.metadata().unwrap().len() > 1000, "{} was rewritten", f.display());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
