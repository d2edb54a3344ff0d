//! Business-hours SLAs, measured in one run on the built-in priority
//! component (wasm, one thread, no fuel): `configure` with and without
//! calendars; the priority hook per interaction in calendar hours and in
//! business hours; and the worst case, a wait as long as the business-time
//! horizon (400 days walked). Rounds alternate the two sides of each row so
//! machine noise hits both alike; each figure is the median round.
//!
//! Run: cargo bench -p cxr-e2e --bench business_hours
//! Input: examples/interactions.jsonl (72 interactions), decided at 2026-11-22T10:00:00Z.
//! For a before/after, `CXR_BENCH_OLD_PRIORITY=path/to/older/cxr_priority.wasm`
//! adds rows comparing that component (calendar hours) with this one.

use cxr_host::bench_support::{self, Component, Input, Instance, Sentiment};
use cxr_host::config::PipelineConfig;
use cxr_host::input::parse_interaction;
use cxr_host::{Interaction, Limits, Runtime, builtin};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

const ROUNDS: usize = 25;

fn main() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/interactions.jsonl")).unwrap();
    let interactions: Vec<Interaction> = text.lines().map(|l| parse_interaction(l).result.unwrap()).collect();
    let inputs: Vec<Input> = interactions.iter().map(bench_support::input).collect();
    let n = inputs.len() as f64;
    let now_at = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap();
    let now = now_at.timestamp_millis();
    let ctx = bench_support::context(now, "bench");

    let runtime = Runtime::shared().unwrap();
    let unmetered = Limits { fuel: 0, ..Limits::default() };
    let load = |bytes: &[u8], limits: &Limits| Component::load(&runtime, bytes, false, limits).unwrap();
    let sentiment = load(builtin::SENTIMENT, &unmetered);
    let mut s = sentiment.configured("{}").unwrap();
    let sents: Vec<Sentiment> = inputs.iter().map(|i| s.sentiment(i, &ctx).unwrap()).collect();

    // The reference pipeline's priority config (2 calendars, 3 policies), and the
    // same calendars with one catch-all policy: every interaction on Berlin office hours.
    let reference = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).unwrap();
    let reference_cfg = reference.priority.as_ref().unwrap().config_json().unwrap();
    let mut all_berlin: Value = serde_json::from_str(&reference_cfg).unwrap();
    all_berlin["sla_policies"] = json!([{"calendar": "berlin"}]);
    let all_berlin = all_berlin.to_string();

    let priority = load(builtin::PRIORITY, &unmetered);
    let old = std::env::var("CXR_BENCH_OLD_PRIORITY").ok().map(|path| {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        (path, load(&bytes, &unmetered))
    });
    println!(
        "business hours, built-in priority component ({} bytes), median of {ROUNDS} rounds\n",
        builtin::PRIORITY.len()
    );

    println!("{:<58} {:>10} {:>10} {:>8}", "configure (fresh instance), µs", "a", "b", "b/a");
    let configure = |p: &Component, cfg: &str| {
        let mut i = p.instantiate().unwrap();
        let t = Instant::now();
        i.configure(cfg).unwrap();
        t.elapsed().as_secs_f64() * 1e6
    };
    let row = |name: &str, (a, b): (f64, f64)| println!("{name:<58} {a:>10.1} {b:>10.1} {:>7.2}x", b / a);
    row("a: `{}`, b: reference config (2 calendars)", alternate(|| configure(&priority, "{}"), || configure(&priority, &reference_cfg)));
    if let Some((path, old)) = &old {
        row(&format!("a: {path} `{{}}`, b: this, reference config"), alternate(|| configure(old, "{}"), || configure(&priority, &reference_cfg)));
        let instantiate = |p: &Component| {
            let t = Instant::now();
            black_box(p.instantiate().unwrap());
            t.elapsed().as_secs_f64() * 1e6
        };
        row(&format!("instantiate only: a: {path}, b: this"), alternate(|| instantiate(old), || instantiate(&priority)));
    }

    println!("\n{:<58} {:>10} {:>10} {:>8}", "priority hook, µs per interaction (72 examples)", "a", "b", "b/a");
    let mut plain = priority.configured("{}").unwrap();
    let mut business = priority.configured(&all_berlin).unwrap();
    let mut hook = |i: &mut Instance| {
        let t = Instant::now();
        for (input, s) in inputs.iter().zip(&sents) {
            black_box(i.priority(input, &ctx, s).unwrap());
        }
        t.elapsed().as_secs_f64() * 1e6 / n
    };
    let (a, b) = alternate_mut(&mut plain, &mut business, &mut hook);
    row("a: calendar hours, b: every one on Berlin office hours", (a, b));
    if let Some((path, old)) = &old {
        let mut before = old.configured("{}").unwrap();
        let (a, b) = alternate_mut(&mut before, &mut plain, &mut hook);
        row(&format!("a: {path}, b: this (both calendar hours)"), (a, b));
    }

    // Worst case: received 400 days before now, so the wait walks the whole horizon.
    let mut old_mail = interactions[0].clone();
    old_mail.received_at = Some(now_at.to_utc() - chrono::Duration::days(400));
    let old_mail = bench_support::input(&old_mail);
    let mut one = |i: &mut Instance| {
        let t = Instant::now();
        black_box(i.priority(&old_mail, &ctx, &sents[0]).unwrap());
        t.elapsed().as_secs_f64() * 1e6
    };
    let (a, b) = alternate_mut(&mut plain, &mut business, &mut one);
    row("a wait of 400 days: a: calendar hours, b: Berlin hours", (a, b));
    let metered = load(builtin::PRIORITY, &Limits::default());
    let fuel = |cfg: &str| {
        let mut i = metered.configured(cfg).unwrap();
        i.priority_fuel(&old_mail, &ctx, &sents[0]).unwrap().1.unwrap_or_default()
    };
    println!(
        "  fuel for that call: calendar hours {}, Berlin hours {} (the reference limit is {} per call)",
        fuel("{}"),
        fuel(&all_berlin),
        Limits::default().fuel
    );
}

/// Median over rounds of `a()` and `b()`, alternating the two.
fn alternate(mut a: impl FnMut() -> f64, mut b: impl FnMut() -> f64) -> (f64, f64) {
    a();
    b();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ta.push(a());
        tb.push(b());
    }
    (median(ta), median(tb))
}

/// The same with one measuring function applied to two instances.
fn alternate_mut<I>(a: &mut I, b: &mut I, f: &mut impl FnMut(&mut I) -> f64) -> (f64, f64) {
    f(a);
    f(b);
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ta.push(f(a));
        tb.push(f(b));
    }
    (median(ta), median(tb))
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
