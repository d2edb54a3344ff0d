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
//! resolved targets change, and the fingerprint sees it. The plugin files
//! (`.wasm`) each pipeline file names are part of the fingerprint too, so
//! that replacing a tenant's plugin reloads it. Polling a few
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
use cxr_host::{PipelineConfig, PipelineSource, PluginSpec};
use std::collections::HashMap;
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

/// The plugin files each pipeline file names, remembered by the pipeline
/// file's [`Seen`]: a file is read and parsed again only when it changed, so
/// a poll costs `stat` calls, not a parse of every tenant's file. It holds
/// the pipeline files of the last poll only.
#[derive(Debug, Default)]
pub struct NamedPlugins {
    now: HashMap<PathBuf, (Seen, Vec<PathBuf>)>,
    before: HashMap<PathBuf, (Seen, Vec<PathBuf>)>,
}

impl NamedPlugins {
    /// Starts a poll: what was seen so far becomes the last poll's.
    fn start_poll(&mut self) {
        self.before = std::mem::take(&mut self.now);
    }

    /// The `.wasm` files `pipeline` (as `pipeline_seen` shows it now) names,
    /// resolved as loading resolves them (relative to the file's
    /// directory). A file that cannot be read or parsed names none: its own
    /// entry in the fingerprint shows its change, and the reload reports it.
    fn of(&mut self, pipeline: &Path, pipeline_seen: &Seen) -> Vec<PathBuf> {
        let files = match self.before.remove(pipeline) {
            Some((was, files)) if was == *pipeline_seen => files,
            _ => {
                let base = pipeline.parent().unwrap_or(Path::new(""));
                cxr_host::fs::read_pipeline_text(pipeline)
                    .ok()
                    .and_then(|text| PipelineConfig::from_toml(&text).ok())
                    .map(|config| {
                        config
                            .stages()
                            .filter_map(|stage| match PluginSpec::parse_in(&stage.plugin, base) {
                                PluginSpec::File(path) => Some(path),
                                PluginSpec::Builtin(_) => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            }
        };
        self.now.insert(pipeline.to_path_buf(), (pipeline_seen.clone(), files.clone()));
        files
    }

    /// Adds `pipeline` and the plugin files it names to `out`.
    fn add_pipeline(&mut self, pipeline: &Path, out: &mut Vec<Seen>) {
        let file = seen(pipeline);
        let plugins: Vec<Seen> = self.of(pipeline, &file).iter().map(|p| seen(p)).collect();
        out.push(file);
        out.extend(plugins);
    }

    /// Adds a directory's listing to `out`, with the plugin files its
    /// pipeline files (`*.toml`) name.
    fn add_dir(&mut self, dir: &Path, out: &mut Vec<Seen>) {
        out.push(seen(dir));
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for name in names {
            if name.extension().is_some_and(|e| e == "toml") && name.is_file() {
                self.add_pipeline(&name, out);
            } else {
                out.push(seen(&name));
            }
        }
    }
}

impl Fingerprint {
    /// The fingerprint of `source`'s files now: its pipeline files and the
    /// plugin files they name. Files that cannot be read are part of it
    /// (as absent), so that their return is a change too.
    pub fn of(source: &TenantSource) -> Fingerprint {
        Fingerprint::with(source, &mut NamedPlugins::default())
    }

    /// [`Fingerprint::of`], reading only the pipeline files that changed
    /// since `named` last saw them.
    pub fn with(source: &TenantSource, named: &mut NamedPlugins) -> Fingerprint {
        named.start_poll();
        let mut out = Vec::new();
        match (&source.config_dir, &source.pipeline) {
            (Some(dir), _) => named.add_dir(dir, &mut out),
            (None, Some(PipelineSource::File(path))) => named.add_pipeline(path, &mut out),
            (None, Some(PipelineSource::Plugin(PluginSpec::File(path)))) => out.push(seen(path)),
            (None, _) => {}
        }
        if let Some(dir) = &source.shadow_dir {
            named.add_dir(dir, &mut out);
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
        let named = std::sync::Arc::new(std::sync::Mutex::new(NamedPlugins::default()));
        let fingerprint = |source: &TenantSource| {
            let source = source.clone();
            let named = named.clone();
            async move {
                tokio::task::spawn_blocking(move || Fingerprint::with(&source, &mut named.lock().unwrap_or_else(|e| e.into_inner())))
                    .await
                    .unwrap_or_default()
            }
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

    #[test]
    fn the_fingerprint_sees_the_plugin_files_a_pipeline_names() {
        let root = std::env::temp_dir().join(format!("cxr-watch-plugins-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("tenants")).unwrap();
        std::fs::create_dir_all(root.join("plugins")).unwrap();
        std::fs::create_dir_all(root.join("shadow")).unwrap();
        std::fs::write(root.join("plugins/router.wasm"), "one").unwrap();
        std::fs::write(root.join("plugins/candidate.wasm"), "one").unwrap();
        std::fs::write(root.join("plugins/unnamed.wasm"), "one").unwrap();
        // Relative to the pipeline file, as loading resolves it; builtins name no file.
        std::fs::write(
            root.join("tenants/acme.toml"),
            "[sentiment]\nplugin = \"builtin:sentiment\"\n[[routers]]\nplugin = \"../plugins/router.wasm\"\n",
        )
        .unwrap();
        std::fs::write(root.join("shadow/acme.toml"), "[[routers]]\nplugin = \"../plugins/candidate.wasm\"\n").unwrap();
        let source = TenantSource {
            config_dir: Some(root.join("tenants")),
            shadow_dir: Some(root.join("shadow")),
            ..TenantSource::default()
        };
        let mut named = NamedPlugins::default();
        let mut last = Fingerprint::with(&source, &mut named);
        assert_eq!(last, Fingerprint::with(&source, &mut named), "nothing changed");
        assert_eq!(last, Fingerprint::of(&source), "remembering the parsed files changes nothing");

        macro_rules! changed {
            ($what:expr, $change:expr) => {{
                $change();
                let now = Fingerprint::with(&source, &mut named);
                assert_ne!(last, now, "{}", $what);
                last = now;
            }};
        }
        changed!("the live plugin replaced", || std::fs::write(root.join("plugins/router.wasm"), "two!").unwrap());
        changed!("the shadow plugin replaced", || std::fs::write(root.join("plugins/candidate.wasm"), "two!").unwrap());
        changed!("the live plugin deleted", || std::fs::remove_file(root.join("plugins/router.wasm")).unwrap());
        changed!("the live plugin back", || std::fs::write(root.join("plugins/router.wasm"), "three").unwrap());
        // The pipeline now names another file: that one is watched instead.
        changed!("the pipeline edited", || {
            std::fs::write(root.join("tenants/acme.toml"), "[[routers]]\nplugin = \"../plugins/unnamed.wasm\"\n").unwrap()
        });
        changed!("the newly named plugin replaced", || std::fs::write(root.join("plugins/unnamed.wasm"), "two!").unwrap());
        std::fs::write(root.join("plugins/router.wasm"), "four!").unwrap();
        assert_eq!(last, Fingerprint::with(&source, &mut named), "a plugin no pipeline names any more");
        // A pipeline that does not parse names no plugin (its own change is seen).
        changed!("a broken pipeline", || std::fs::write(root.join("tenants/acme.toml"), "[[routers]\n").unwrap());
        std::fs::write(root.join("plugins/unnamed.wasm"), "three").unwrap();
        assert_eq!(last, Fingerprint::with(&source, &mut named));
        let _ = std::fs::remove_dir_all(&root);
    }
}
