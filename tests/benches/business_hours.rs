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

use cxr_host::bindings::wit;
use cxr_host::config::PipelineConfig;
use cxr_host::input::parse_interaction;
use cxr_host::{Limits, PluginComponent, Runtime, builtin, convert};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

const ROUNDS: usize = 25;

fn main() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/interactions.jsonl")).unwrap();
    let inputs: Vec<wit::Interaction> =
        text.lines().map(|l| convert::interaction(&parse_interaction(l).result.unwrap())).collect();
    let n = inputs.len() as f64;
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().timestamp_millis();
    let ctx = wit::Context { now, pipeline: "bench".into(), signals: Vec::new() };

    let limits = Limits { fuel: 0, ..Limits::default() };
    let runtime = Runtime::new(&limits).unwrap();
    let metered = Runtime::new(&Limits::default()).unwrap();
    let sentiment = PluginComponent::load(&runtime, builtin::SENTIMENT, "bench").unwrap();
    let mut s = sentiment.instantiate(&runtime, 0).unwrap();
    s.configure(&runtime, "{}").unwrap();
    let sents: Vec<wit::Sentiment> = inputs.iter().map(|i| s.sentiment(&runtime, i, &ctx).0.unwrap()).collect();

    // The reference pipeline's priority config (2 calendars, 3 policies), and the
    // same calendars with one catch-all policy: every interaction on Berlin office hours.
    let reference = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).unwrap();
    let reference_cfg = reference.priority.as_ref().unwrap().config_json().unwrap();
    let mut all_berlin: Value = serde_json::from_str(&reference_cfg).unwrap();
    all_berlin["sla_policies"] = json!([{"calendar": "berlin"}]);
    let all_berlin = all_berlin.to_string();

    let priority = PluginComponent::load(&runtime, builtin::PRIORITY, "bench").unwrap();
    let old = std::env::var("CXR_BENCH_OLD_PRIORITY").ok().map(|path| {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        (path, PluginComponent::load(&runtime, &bytes, "old").unwrap())
    });
    println!(
        "business hours, built-in priority component ({} bytes), median of {ROUNDS} rounds\n",
        builtin::PRIORITY.len()
    );

    println!("{:<58} {:>10} {:>10} {:>8}", "configure (fresh instance), µs", "a", "b", "b/a");
    let configure = |p: &PluginComponent, cfg: &str| {
        let mut i = p.instantiate(&runtime, 0).unwrap();
        let t = Instant::now();
        i.configure(&runtime, cfg).unwrap();
        t.elapsed().as_secs_f64() * 1e6
    };
    let row = |name: &str, (a, b): (f64, f64)| println!("{name:<58} {a:>10.1} {b:>10.1} {:>7.2}x", b / a);
    row("a: `{}`, b: reference config (2 calendars)", alternate(|| configure(&priority, "{}"), || configure(&priority, &reference_cfg)));
    if let Some((path, old)) = &old {
        row(&format!("a: {path} `{{}}`, b: this, reference config"), alternate(|| configure(old, "{}"), || configure(&priority, &reference_cfg)));
        let instantiate = |p: &PluginComponent| {
            let t = Instant::now();
            black_box(p.instantiate(&runtime, 0).unwrap());
            t.elapsed().as_secs_f64() * 1e6
        };
        row(&format!("instantiate only: a: {path}, b: this"), alternate(|| instantiate(old), || instantiate(&priority)));
    }

    println!("\n{:<58} {:>10} {:>10} {:>8}", "priority hook, µs per interaction (72 examples)", "a", "b", "b/a");
    let configured = |p: &PluginComponent, cfg: &str| {
        let mut i = p.instantiate(&runtime, 0).unwrap();
        i.configure(&runtime, cfg).unwrap();
        i
    };
    let mut plain = configured(&priority, "{}");
    let mut business = configured(&priority, &all_berlin);
    let mut hook = |i: &mut cxr_host::plugin::Instance| {
        let t = Instant::now();
        for (input, s) in inputs.iter().zip(&sents) {
            black_box(i.priority(&runtime, input, &ctx, s).0.unwrap());
        }
        t.elapsed().as_secs_f64() * 1e6 / n
    };
    let (a, b) = alternate_mut(&mut plain, &mut business, &mut hook);
    row("a: calendar hours, b: every one on Berlin office hours", (a, b));
    if let Some((path, old)) = &old {
        let mut before = configured(old, "{}");
        let (a, b) = alternate_mut(&mut before, &mut plain, &mut hook);
        row(&format!("a: {path}, b: this (both calendar hours)"), (a, b));
    }

    // Worst case: received 400 days before now, so the wait walks the whole horizon.
    let mut old_mail = inputs[0].clone();
    old_mail.received_at = Some(now - 400 * 86_400_000);
    let mut one = |i: &mut cxr_host::plugin::Instance| {
        let t = Instant::now();
        black_box(i.priority(&runtime, &old_mail, &ctx, &sents[0]).0.unwrap());
        t.elapsed().as_secs_f64() * 1e6
    };
    let (a, b) = alternate_mut(&mut plain, &mut business, &mut one);
    row("a wait of 400 days: a: calendar hours, b: Berlin hours", (a, b));
    let fuel = |cfg: &str| {
        let p = PluginComponent::load(&metered, builtin::PRIORITY, "bench").unwrap();
        let mut i = p.instantiate(&metered, 0).unwrap();
        i.configure(&metered, cfg).unwrap();
        let (result, usage) = i.priority(&metered, &old_mail, &ctx, &sents[0]);
        result.unwrap();
        usage.fuel.unwrap_or_default()
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
