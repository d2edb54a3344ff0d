//! Speed of the reference classifier (`builtin:classify`, contract 0.2.0),
//! measured in one run:
//!
//! - the classify hook per 200-character message, in wasm (one reused
//!   instance, no fuel) and natively, p50 and p90 over every call;
//! - what the classifier adds to a whole decision: the reference pipeline
//!   with and without its `[[classifiers]]` stage, in alternating rounds.
//!
//! Run: cargo bench -p cxr-host --bench classify_speed
//! Input: the bodies of examples/interactions.jsonl, each cut or repeated to
//! exactly 200 characters (for the hook); the interactions as they are (for
//! the pipelines).

use cxr_guest::{ClassifyHook, Plugin};
use cxr_host::bench_support::{self as bench, Component};
use cxr_host::config::PipelineConfig;
use cxr_host::input::parse_interaction;
use cxr_host::model::Interaction;
use cxr_host::{Pipeline, Runtime, builtin};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

#[path = "../examples/support/guest_input.rs"]
mod guest_input;
use guest_input::guest_interaction;

/// Passes over the 72 messages for the per-call hook times.
const HOOK_PASSES: usize = 40;
/// Alternating rounds of the two pipelines over the 72 interactions.
const ROUNDS: usize = 25;
/// Characters per message for the hook figure.
const CHARS: usize = 200;

fn main() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/interactions.jsonl")).unwrap();
    let inputs: Vec<Interaction> = text.lines().map(|l| parse_interaction(l).result.unwrap()).collect();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();

    // 200-character messages: no subject, body cut or repeated to 200 chars.
    let messages: Vec<Interaction> = inputs
        .iter()
        .map(|ix| {
            let mut m = ix.clone();
            m.subject = None;
            let mut body = String::new();
            while body.chars().count() < CHARS {
                body.push_str(&ix.body);
                body.push(' ');
            }
            m.body = body.chars().take(CHARS).collect();
            m
        })
        .collect();

    let base = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).unwrap();
    assert!(!base.classifiers.is_empty(), "the reference pipeline has no classifier");
    let c_cfg = base.classifiers[0].config_json().unwrap();

    // wasm: one reused instance, no fuel, as in a `reuse` pipeline.
    let mut unmetered = base.clone();
    unmetered.limits.fuel = 0;
    let runtime = Runtime::shared().unwrap();
    let component = Component::load(&runtime, builtin::CLASSIFY, false, &unmetered.limits).unwrap();
    let mut instance = component.configured(&c_cfg).unwrap();
    let w_ctx = bench::context(now.timestamp_millis(), "bench");
    let w_inputs: Vec<bench::Input> = messages.iter().map(bench::input).collect();
    let w_sent = bench::negative(-0.3, 0.7);

    // native: the same crate as a Rust library.
    let native = cxr_classify::ClassifyPlugin::configure(&c_cfg).unwrap();
    let g_ctx = cxr_guest::Context { now: now.timestamp_millis(), pipeline: "bench".into(), signals: Vec::new() };
    let g_inputs: Vec<cxr_guest::Interaction> = messages.iter().map(guest_interaction).collect();
    let g_sent = cxr_guest::Sentiment::from_score(-0.3, 0.7);

    let (mut wasm, mut nat) = (Vec::new(), Vec::new());
    for _ in 0..HOOK_PASSES {
        for (w, g) in w_inputs.iter().zip(&g_inputs) {
            let t = Instant::now();
            black_box(instance.classify(w, &w_ctx, &w_sent).unwrap());
            wasm.push(t.elapsed().as_secs_f64() * 1e6);
            let t = Instant::now();
            black_box(native.classify(g, &g_ctx, &g_sent).unwrap());
            nat.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    println!(
        "classify hook, {CHARS}-character messages ({} messages x {HOOK_PASSES} passes), µs per call",
        messages.len()
    );
    println!("{:<10} {:>8} {:>8}", "", "p50", "p90");
    let (wp50, wp90) = (pct(&mut wasm, 0.5), pct(&mut wasm, 0.9));
    let (np50, np90) = (pct(&mut nat, 0.5), pct(&mut nat, 0.9));
    println!("{:<10} {:>8.2} {:>8.2}", "wasm", wp50, wp90);
    println!("{:<10} {:>8.2} {:>8.2}", "native", np50, np90);
    println!("wasm / native (p50): {:.2}x\n", wp50 / np50);

    // Whole decisions: the reference pipeline with and without the classifier.
    let with = Pipeline::load(&base, Path::new(".")).unwrap();
    let mut without_cfg = base.clone();
    without_cfg.classifiers.clear();
    let without = Pipeline::load(&without_cfg, Path::new(".")).unwrap();
    let run = |p: &Pipeline| for ix in &inputs { black_box(p.decide(ix, now)); };
    run(&with);
    run(&without);
    let (mut tw, mut to) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        run(&without);
        to.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        run(&with);
        tw.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let n = inputs.len() as f64;
    let (a, b) = (pct(&mut to, 0.5) / n, pct(&mut tw, 0.5) / n);
    println!(
        "whole decision, reference pipeline (reuse, fuel on), {} interactions, median of {ROUNDS} rounds, µs per decision",
        inputs.len()
    );
    println!("without classifier {a:>9.2}");
    println!("with classifier    {b:>9.2}");
    println!("added              {:>9.2}  ({:.2}x, +{:.0}%)", b - a, b / a, (b / a - 1.0) * 100.0);
}

/// The `q` quantile of `v` (sorted in place).
fn pct(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}
