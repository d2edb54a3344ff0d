//! `cxr cache`: the compile cache ([`cxr_host::cache`]) for people: sizes
//! and ages written the way people write them, and the text reports.

use chrono::{DateTime, SecondsFormat, Utc};
use cxr_host::cache::{Entry, EntryKind, Pruned};
use std::path::Path;
use std::time::Duration;

/// A size: a number of bytes, or a number with `K`, `M`, `G` or `T`
/// (powers of 1024; `KiB`, `MB`... read the same), e.g. `200M`, `1.5G`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let s = text.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let shift = match unit.trim().to_ascii_uppercase().trim_end_matches('B').trim_end_matches('I') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("{text:?} is not a size like 500M, 2G or 1048576 (unknown unit {unit:?})")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 500M, 2G or 1048576"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("{text:?} is not a size"));
    }
    Ok((value * (1u64 << shift) as f64).round() as u64)
}

/// An age: a whole number with `s`, `m`, `h`, `d` or `w`, e.g. `30d`, `12h`.
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("{text:?} is not an age like 30d, 12h or 90m (units: s, m, h, d, w)")),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not an age like 30d, 12h or 90m"))?;
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// Bytes for people: `812 B`, `1.2 KiB`, `219.4 MiB`, `1.5 GiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn time(t: std::time::SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Component => "component",
        EntryKind::Snapshot => "snapshot",
        EntryKind::PartialWrite => "partial write",
    }
}

/// `cxr cache` (show): where the cache is, its size against the cap, and
/// every entry, most recently used first.
pub fn render_show(dir: &Path, entries: &[Entry], max_bytes: Option<u64>, caching_off: bool) -> String {
    let total: u64 = entries.iter().map(|e| e.bytes).sum();
    let cap = match max_bytes {
        Some(b) => format!("cap {}", human_bytes(b)),
        None => "no cap".to_string(),
    };
    let mut out = format!("{}\n", dir.display());
    out.push_str(&format!("  {} entries, {} ({cap})\n", entries.len(), human_bytes(total)));
    if caching_off {
        out.push_str("  CXR_CACHE=off: cxr neither reads nor writes it now\n");
    }
    if entries.is_empty() {
        return out;
    }
    out.push_str(&format!("\n{:<14} {:>10}  {:<20}  {}\n", "kind", "size", "last used", "file"));
    for e in entries {
        out.push_str(&format!("{:<14} {:>10}  {:<20}  {}\n", kind(e.kind), human_bytes(e.bytes), time(e.last_used), e.name));
    }
    out
}

/// After `cxr cache prune` or `clear`: what went, what stayed.
pub fn render_pruned(dir: &Path, pruned: &Pruned) -> String {
    format!(
        "{}: removed {} entries ({}), kept {} ({})\n",
        dir.display(),
        pruned.removed.len(),
        human_bytes(pruned.removed_bytes),
        pruned.kept,
        human_bytes(pruned.kept_bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("200M"), Ok(200 << 20));
        assert_eq!(parse_size("200MiB"), Ok(200 << 20));
        assert_eq!(parse_size("200 MB"), Ok(200 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("0"), Ok(0));
        for bad in ["", "M", "12X", "-5M", "1.2.3G", "five"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_age("90m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_age("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_age("45s"), Ok(Duration::from_secs(45)));
        for bad in ["", "30", "d", "1.5d", "3y", "-1d"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(1260), "1.2 KiB");
        assert_eq!(human_bytes(230_066_585), "219.4 MiB");
        assert_eq!(human_bytes(3 << 29), "1.5 GiB");
    }
}
