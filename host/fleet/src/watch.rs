//! `--watch`: reload when the tenants' files change, through the same
//! [`Fleet::reload`] as SIGHUP (same report, same log lines, same
//! `cxr_reloads_total`).
//!
//! Polling, not file-system events: every `interval` (default 2 s) the
//! watcher takes a fingerprint of what the fleet loads from — each watched
//! directory's listing (every entry's name) and, for every entry and every
//! pipeline file, the *resolved* target's canonical path, size,
//! modification time and inode. A Kubernetes config map swaps its files by
//! renaming a `..data` symlink to a new directory: the names stay, the
//! resolved targets change, and the fingerprint sees it. Polling a few
//! `stat`s every two seconds costs nothing measurable and needs no
//! dependency; event APIs miss changes behind symlinks they do not watch.
//!
//! Debounce: once a change is seen, the watcher waits until two
//! fingerprints taken [`settle`] apart agree (at most [`MAX_SETTLE_ROUNDS`]
//! times), so a burst of writes gives one reload. A reload that fails keeps
//! every tenant's previous pipeline, as on SIGHUP; the watcher then waits for
//! the next change.

use crate::fleet::Fleet;
use crate::tenants::TenantSource;
use cxr_host::PipelineSource;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often `--watch` polls by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

/// The most times the debounce waits for writes to stop before reloading anyway.
pub const MAX_SETTLE_ROUNDS: u32 = 10;

/// The quiet time a change must be followed by before the reload: the
/// interval, at most 500 ms.
pub fn settle(interval: Duration) -> Duration {
    interval.min(Duration::from_millis(500))
}

/// What one file or directory entry looks like now (its resolved target).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    name: PathBuf,
    target: Option<PathBuf>,
    size: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

/// A fingerprint of every file a [`TenantSource`] loads from: equal
/// fingerprints, nothing to reload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint(Vec<Seen>);

fn seen(name: &Path) -> Seen {
    let target = std::fs::canonicalize(name).ok();
    let meta = target.as_deref().and_then(|t| std::fs::metadata(t).ok());
    #[cfg(unix)]
    let inode = meta.as_ref().map_or(0, std::os::unix::fs::MetadataExt::ino);
    #[cfg(not(unix))]
    let inode = 0;
    Seen {
        name: name.to_path_buf(),
        target,
        size: meta.as_ref().map_or(0, std::fs::Metadata::len),
        modified: meta.as_ref().and_then(|m| m.modified().ok()),
        inode,
    }
}

fn add_dir(dir: &Path, out: &mut Vec<Seen>) {
    out.push(seen(dir));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for name in names {
        out.push(seen(&name));
    }
}

impl Fingerprint {
    /// The fingerprint of `source`'s files now. Files that cannot be read
    /// are part of it (as absent), so that their return is a change too.
    pub fn of(source: &TenantSource) -> Fingerprint {
        let mut out = Vec::new();
        match (&source.config_dir, &source.pipeline) {
            (Some(dir), _) => add_dir(dir, &mut out),
            (None, Some(PipelineSource::File(path))) => out.push(seen(path)),
            (None, Some(PipelineSource::Plugin(cxr_host::PluginSpec::File(path)))) => out.push(seen(path)),
            (None, _) => {}
        }
        if let Some(dir) = &source.shadow_dir {
            add_dir(dir, &mut out);
        }
        Fingerprint(out)
    }
}

/// Reloads `fleet` whenever the files of its source change, polled every
/// `interval`, for as long as the runtime runs. Call it from within a
/// tokio runtime.
pub fn reload_on_change(fleet: Fleet, interval: Duration) {
    let source = fleet.source().clone();
    tokio::spawn(async move {
        let fingerprint = |source: &TenantSource| {
            let source = source.clone();
            async move { tokio::task::spawn_blocking(move || Fingerprint::of(&source)).await.unwrap_or_default() }
        };
        let mut loaded = fingerprint(&source).await;
        tracing::info!(interval_ms = interval.as_millis() as u64, "watching the tenant files for changes");
        loop {
            tokio::time::sleep(interval).await;
            let mut now = fingerprint(&source).await;
            if now == loaded {
                continue;
            }
            for _ in 0..MAX_SETTLE_ROUNDS {
                tokio::time::sleep(settle(interval)).await;
                let later = fingerprint(&source).await;
                if later == now {
                    break;
                }
                now = later;
            }
            tracing::info!("tenant files changed: reloading");
            fleet.reload().await;
            loaded = now;
        }
    });
}

/// Starts every reload trigger the fleet's source asks for: SIGHUP always,
/// file changes with `--watch`. Call it from within a tokio runtime.
pub fn start_reloading(fleet: Fleet) -> std::io::Result<()> {
    crate::signals::reload_on_sighup(fleet.clone())?;
    if let Some(interval) = fleet.source().watch {
        if Fingerprint::of(fleet.source()).0.is_empty() {
            tracing::warn!("--watch: the built-in pipeline has no file to watch; reloads come from SIGHUP only");
            return Ok(());
        }
        reload_on_change(fleet, interval);
    }
    Ok(())
}

/// Reads a watch interval: `500ms`, `2s`, `1m`, or a number of seconds.
/// At least 50 ms, at most 1 hour.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration (e.g. 2s, 500ms, 1m)"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        other => return Err(format!("unknown unit `{other}` in `{text}` (ms, s or m)")),
    };
    if !(0.05..=3600.0).contains(&seconds) {
        return Err(format!("`{text}`: the watch interval must be between 50ms and 1 hour"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_with_their_unit_and_bounded() {
        assert_eq!(parse_interval("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_interval("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_interval("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_interval("3"), Ok(Duration::from_secs(3)));
        for bad in ["", "fast", "2h", "10ms", "2 days", "7200s"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fingerprint_sees_edits_new_files_and_symlink_swaps() {
        let root = std::env::temp_dir().join(format!("cxr-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let data1 = root.join("..2026_01");
        let data2 = root.join("..2026_02");
        std::fs::create_dir_all(&data1).unwrap();
        std::fs::create_dir_all(&data2).unwrap();
        std::fs::write(data1.join("acme.toml"), "one").unwrap();
        std::fs::write(data2.join("acme.toml"), "two").unwrap();
        let source = TenantSource {
            config_dir: Some(root.clone()),
            ..TenantSource::default()
        };
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("..2026_01", root.join("..data")).unwrap();
            std::os::unix::fs::symlink("..data/acme.toml", root.join("acme.toml")).unwrap();
            let before = Fingerprint::of(&source);
            assert_eq!(before, Fingerprint::of(&source), "nothing changed");
            // The config map's swap: a new `..data` link renamed over the old one.
            std::os::unix::fs::symlink("..2026_02", root.join("..data_tmp")).unwrap();
            std::fs::rename(root.join("..data_tmp"), root.join("..data")).unwrap();
            assert_ne!(before, Fingerprint::of(&source), "the resolved target changed");
        }
        let before = Fingerprint::of(&source);
        std::fs::write(root.join("globex.toml"), "x").unwrap();
        assert_ne!(before, Fingerprint::of(&source), "a new file");
        let _ = std::fs::remove_dir_all(&root);
    }
}
