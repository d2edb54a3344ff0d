//! The compile cache on disk: where it is, what it holds, and keeping it
//! small.
//!
//! A [`Runtime`](crate::Runtime) made with a cache directory keeps every
//! component it compiles there (`KEY-ENGINE.cwasm`, KEY being the sha256 of
//! the component's bytes), and every `isolate` snapshot it takes
//! (`snapshot-KEY-ENGINE.cwasm`), so that the next process maps them instead
//! of compiling. Entries of other wasmtime versions or settings are never
//! read again, and every new plugin version adds one, so the directory
//! would grow forever: after each write the runtime evicts the least
//! recently used entries until the directory is back under its cap
//! ([`DEFAULT_MAX_BYTES`], or `CXR_CACHE_MAX_MB`). A hit refreshes the
//! entry's modification time, which is what "recently used" means here.
//!
//! Only files named like entries are ever counted or removed: a directory
//! given by mistake (`--dir ~`) loses nothing else.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The default cap on the cache's size: 512 MiB. A compiled reference
/// plugin takes 1–5 MB and a large plugin about 40 MB, so this holds the
/// components and snapshots of a few dozen plugin versions.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// A file being written (`ENTRY.tmpPID`) older than this was abandoned by
/// a process that died while writing it; younger ones are left alone.
pub const ABANDONED_WRITE_AGE: Duration = Duration::from_secs(3600);

/// The cache directory: `$CXR_CACHE_DIR`, else `$XDG_CACHE_HOME/cxr`, else
/// `~/.cache/cxr` (`None` when no home is known). Unlike
/// [`runtime::default_cache_dir`](crate::runtime::default_cache_dir) it
/// ignores `CXR_CACHE=off`, so that a cache can be inspected or cleared
/// while caching is off.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CXR_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("cxr"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("cxr"))
}

/// The cap applied after each write: `CXR_CACHE_MAX_MB` mebibytes if set
/// (`0`: no cap), else [`DEFAULT_MAX_BYTES`]. `None` means no cap; an
/// unreadable value is an error naming the variable.
pub fn max_bytes_from_env() -> Result<Option<u64>, String> {
    match std::env::var("CXR_CACHE_MAX_MB") {
        Err(_) => Ok(Some(DEFAULT_MAX_BYTES)),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(mb) => Ok(Some(mb.saturating_mul(1 << 20))),
            Err(_) => Err(format!("CXR_CACHE_MAX_MB={v:?} is not a whole number of mebibytes (0: no cap)")),
        },
    }
}

/// What a cache file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A compiled component; its key is the sha256 of the component's bytes.
    Component,
    /// A compiled `isolate` snapshot (a plugin configured once).
    Snapshot,
    /// A file still being written, or abandoned by a process that died.
    PartialWrite,
}

/// One file of the cache.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// The file name.
    pub name: String,
    pub kind: EntryKind,
    /// Size in bytes.
    pub bytes: u64,
    /// When it was last written or read by a runtime (its modification time).
    #[serde(serialize_with = "as_rfc3339")]
    pub last_used: SystemTime,
}

fn as_rfc3339<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let t: chrono::DateTime<chrono::Utc> = (*t).into();
    s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// What to keep when pruning; entries that fail any bound are removed,
/// least recently used first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Keep at most this many bytes.
    pub max_bytes: Option<u64>,
    /// Keep only entries used within this long.
    pub max_age: Option<Duration>,
}

/// The result of a prune or clear.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Pruned {
    /// The entries removed, least recently used first.
    pub removed: Vec<Entry>,
    /// Bytes removed.
    pub removed_bytes: u64,
    /// Entries left, and their bytes.
    pub kept: usize,
    pub kept_bytes: u64,
}

/// A compile cache directory.
#[derive(Debug, Clone)]
pub struct CacheDir {
    dir: PathBuf,
}

impl CacheDir {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        CacheDir { dir: dir.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Every entry, most recently used first. A directory that does not
    /// exist holds none.
    pub fn entries(&self) -> io::Result<Vec<Entry>> {
        let read = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for item in read {
            let item = item?;
            let Some(name) = item.file_name().to_str().map(str::to_string) else { continue };
            let Some(kind) = kind_of(&name) else { continue };
            // Another process may have removed it meanwhile.
            let Ok(meta) = item.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            out.push(Entry {
                name,
                kind,
                bytes: meta.len(),
                last_used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            });
        }
        out.sort_by(|a, b| b.last_used.cmp(&a.last_used).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Removes what `keep` does not keep: entries unused for longer than
    /// `max_age`, then the least recently used until at most `max_bytes`
    /// remain, and writes abandoned for [`ABANDONED_WRITE_AGE`]. `protect`
    /// names an entry never removed (the one just written). Files another
    /// process removed meanwhile are skipped.
    pub fn prune(&self, keep: Keep, protect: Option<&str>, now: SystemTime) -> io::Result<Pruned> {
        let entries = self.entries()?;
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        let mut doomed = vec![false; entries.len()];
        let age = |e: &Entry| now.duration_since(e.last_used).unwrap_or_default();
        for (i, e) in entries.iter().enumerate() {
            if Some(e.name.as_str()) == protect {
                continue;
            }
            let too_old = match e.kind {
                EntryKind::PartialWrite => age(e) > ABANDONED_WRITE_AGE,
                _ => keep.max_age.is_some_and(|max| age(e) > max),
            };
            if too_old {
                doomed[i] = true;
                total -= e.bytes;
            }
        }
        if let Some(max) = keep.max_bytes {
            // Least recently used first: the list is most recent first.
            for (i, e) in entries.iter().enumerate().rev() {
                if total <= max {
                    break;
                }
                if doomed[i] || Some(e.name.as_str()) == protect || e.kind == EntryKind::PartialWrite {
                    continue;
                }
                doomed[i] = true;
                total -= e.bytes;
            }
        }
        self.remove(entries, &doomed)
    }

    /// Removes every entry (files being written included).
    pub fn clear(&self) -> io::Result<Pruned> {
        let entries = self.entries()?;
        let doomed = vec![true; entries.len()];
        self.remove(entries, &doomed)
    }

    /// Removes the doomed entries, least recently used first (`entries` is
    /// most recent first).
    fn remove(&self, entries: Vec<Entry>, doomed: &[bool]) -> io::Result<Pruned> {
        let mut out = Pruned::default();
        for (e, gone) in entries.into_iter().zip(doomed).rev() {
            if !gone {
                out.kept += 1;
                out.kept_bytes += e.bytes;
                continue;
            }
            match std::fs::remove_file(self.dir.join(&e.name)) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
                Err(err) => return Err(io::Error::new(err.kind(), format!("removing {}: {err}", self.dir.join(&e.name).display()))),
            }
            out.removed_bytes += e.bytes;
            out.removed.push(e);
        }
        Ok(out)
    }
}

/// Marks an entry as just used (its modification time), so that pruning
/// keeps it over entries used less recently. Best effort: a read-only cache
/// is still read.
pub(crate) fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().write(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// The kind of a cache file from its name, `None` for any other file.
/// Entries are `[snapshot-]KEY-TAG.cwasm`, KEY 64 and TAG 16 hex digits;
/// writes in progress add `.tmpPID`.
fn kind_of(name: &str) -> Option<EntryKind> {
    let (stem, partial) = match name.rsplit_once(".tmp") {
        Some((stem, pid)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => (stem, true),
        _ => (name, false),
    };
    let stem = stem.strip_suffix(".cwasm").or(if partial { Some(stem) } else { None })?;
    let (snapshot, rest) = match stem.strip_prefix("snapshot-") {
        Some(rest) => (true, rest),
        None => (false, stem),
    };
    let (key, tag) = rest.split_once('-')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(key, 64) || !hex(tag, 16) {
        return None;
    }
    Some(if partial {
        EntryKind::PartialWrite
    } else if snapshot {
        EntryKind::Snapshot
    } else {
        EntryKind::Component
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "378dbb1469beee4c37ee128cd9cc5974bb32183b6081de5a2b58c67765f4cf86";
    const TAG: &str = "e5f15d13a2b099db";

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cxr-cache-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Writes an entry of `bytes` bytes last used `ago` before `now`.
    fn put(dir: &Path, name: &str, bytes: usize, now: SystemTime, ago: Duration) {
        let path = dir.join(name);
        std::fs::write(&path, vec![0u8; bytes]).unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(now - ago).unwrap();
    }

    fn name(i: u8) -> String {
        format!("{}{i:02x}-{TAG}.cwasm", &KEY[..62])
    }

    fn names(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn only_files_named_like_entries_count() {
        assert_eq!(kind_of(&format!("{KEY}-{TAG}.cwasm")), Some(EntryKind::Component));
        assert_eq!(kind_of(&format!("snapshot-{KEY}-{TAG}.cwasm")), Some(EntryKind::Snapshot));
        assert_eq!(kind_of(&format!("{KEY}-{TAG}.tmp4242")), Some(EntryKind::PartialWrite));
        assert_eq!(kind_of(&format!("snapshot-{KEY}-{TAG}.tmp7")), Some(EntryKind::PartialWrite));
        for other in ["notes.txt", ".bashrc", "x.cwasm", &format!("{KEY}.cwasm"), &format!("{KEY}-{TAG}.cwasm.bak"), &format!("{KEY}-{TAG}.tmp"), &format!("{KEY}-{TAG}x.cwasm")] {
            assert_eq!(kind_of(other), None, "{other}");
        }
    }

    #[test]
    fn prune_to_a_size_removes_the_least_recently_used_first() {
        let dir = scratch("size");
        let now = SystemTime::now();
        for i in 0..5u8 {
            put(&dir, &name(i), 1000, now, Duration::from_secs(60 * (i as u64 + 1)));
        }
        std::fs::write(dir.join("keep-me.txt"), "not an entry").unwrap();
        let cache = CacheDir::new(&dir);
        assert_eq!(names(&cache.entries().unwrap()), [name(0), name(1), name(2), name(3), name(4)]);
        let pruned = cache.prune(Keep { max_bytes: Some(2500), max_age: None }, None, now).unwrap();
        assert_eq!(names(&pruned.removed), [name(4), name(3), name(2)]);
        assert_eq!((pruned.removed_bytes, pruned.kept, pruned.kept_bytes), (3000, 2, 2000));
        assert_eq!(names(&cache.entries().unwrap()), [name(0), name(1)]);
        assert!(dir.join("keep-me.txt").exists(), "a file that is not an entry is never removed");
        // The protected entry stays even when it alone is over the cap.
        let pruned = cache.prune(Keep { max_bytes: Some(0), max_age: None }, Some(&name(1)), now).unwrap();
        assert_eq!(names(&pruned.removed), [name(0)]);
        assert_eq!(names(&cache.entries().unwrap()), [name(1)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn prune_by_age_and_abandoned_writes() {
        let dir = scratch("age");
        let now = SystemTime::now();
        let day = Duration::from_secs(86_400);
        put(&dir, &name(1), 10, now, day / 2);
        put(&dir, &name(2), 10, now, day * 3);
        let fresh_tmp = format!("{KEY}-{TAG}.tmp100");
        let stale_tmp = format!("snapshot-{KEY}-{TAG}.tmp200");
        put(&dir, &fresh_tmp, 10, now, Duration::from_secs(60));
        put(&dir, &stale_tmp, 10, now, ABANDONED_WRITE_AGE * 2);
        let cache = CacheDir::new(&dir);
        let pruned = cache.prune(Keep { max_bytes: None, max_age: Some(day) }, None, now).unwrap();
        let mut removed = names(&pruned.removed);
        removed.sort();
        assert_eq!(removed, [name(2).as_str(), stale_tmp.as_str()]);
        let mut left: Vec<String> = cache.entries().unwrap().into_iter().map(|e| e.name).collect();
        left.sort();
        assert_eq!(left, [name(1), fresh_tmp.clone()], "a write in progress is left alone");
        let cleared = cache.clear().unwrap();
        assert_eq!(cleared.removed.len(), 2);
        assert!(cache.entries().unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_empty_cache() {
        let cache = CacheDir::new(std::env::temp_dir().join(format!("cxr-cache-unit-none-{}", std::process::id())));
        assert!(cache.entries().unwrap().is_empty());
        assert_eq!(cache.prune(Keep { max_bytes: Some(0), max_age: None }, None, SystemTime::now()).unwrap().kept, 0);
        assert_eq!(cache.clear().unwrap().removed.len(), 0);
    }
}
