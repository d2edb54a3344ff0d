//! Traps give their memory back: ten thousand panicking calls leave the
//! process's resident memory where it was. Alone in its own test binary
//! (cargo runs test binaries one at a time), so that no other test's
//! allocations fall into the measurement, as they did when it shared a
//! process with the other hostile tests.

use cxr_e2e::{Role, hostile_pipeline, ix, now};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn memory_comes_back_after_ten_thousand_traps() {
    let p = hostile_pipeline(Role::Sentiment, "panic", None, "fuel = 0\ntimeout_ms = 1000\nmemory_mb = 16");
    let input = ix(r#"{"id":"T","body":"x"}"#);
    for _ in 0..1_000 {
        assert!(p.decide(&input, now()).error.is_some());
    }
    let before = rss_kib();
    for _ in 0..9_000 {
        assert!(p.decide(&input, now()).error.is_some());
    }
    let after = rss_kib();
    // Each trap drops a store with a 16 MiB-capable memory; none may pile up.
    assert!(after < before + 16 * 1024, "RSS grew from {before} KiB to {after} KiB over 9000 traps");
}
