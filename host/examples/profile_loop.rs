//! A loop to profile: runs one piece of the reference pipeline over the
//! example interactions for a few seconds and prints the time per call.
//! Meant to run under `perf record` (with `CXR_PERF_MAP=1`, so that the
//! profile names the plugins' functions); see docs/performance.md.
//!
//! ```sh
//! cargo build --release --workspace --examples
//! target/release/examples/profile_loop hook priority wasm 1   # fills the compile cache
//! CXR_PERF_MAP=1 perf record -g target/release/examples/profile_loop hook priority wasm 5
//! perf report --no-children --sort dso,sym
//! ```
//!
//! Modes:
//! - `pipeline reuse|isolate SECS`: `Pipeline::decide`, fuel off;
//! - `hook sentiment|priority|routing native|wasm SECS`: one hook, the plugin
//!   compiled natively or as a component (one instance, `reuse`);
//! - `instantiate SECS`: fresh router instances from the pooling allocator.
//!
//! The input is `examples/interactions.jsonl` unless `CXR_PROFILE_INPUT`
//! names another JSON Lines file of interactions.
//!
//! Components come from the compile cache (`$CXR_CACHE_DIR` or the default),
//! so a profile holds no compilation once the cache is warm.

use cxr_guest::{Plugin, PriorityHook, RoutingHook, SentimentHook};
use cxr_host::bench_support::{self as bench, Component};
use cxr_host::config::{InstanceMode, PipelineConfig};
use cxr_host::input::parse_interaction;
use cxr_host::model::Interaction;
use cxr_host::{PipelineLoader, Runtime, RuntimeSettings, builtin};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

mod support {
    pub mod guest_input;
}
use support::guest_input::guest_interaction;

const USAGE: &str = "usage: profile_loop pipeline reuse|isolate SECS | hook sentiment|priority|routing native|wasm SECS | instantiate SECS";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let secs = |s: &str| s.parse::<f64>().unwrap_or_else(|_| usage());
    let examples = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/interactions.jsonl"
    );
    let path = std::env::var("CXR_PROFILE_INPUT").unwrap_or_else(|_| examples.to_string());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let inputs: Vec<Interaction> = text
        .lines()
        .map(|l| parse_interaction(l).result.expect("a valid example"))
        .collect();
    let mut config =
        PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).expect("reference pipeline");
    config.limits.fuel = 0;
    match args.as_slice() {
        ["pipeline", mode, s] => {
            config.instance_mode = match *mode {
                "reuse" => InstanceMode::Reuse,
                "isolate" => InstanceMode::Isolate,
                _ => usage(),
            };
            pipeline(&config, &inputs, secs(s));
        }
        ["hook", hook, build, s] => {
            let native = match *build {
                "native" => true,
                "wasm" => false,
                _ => usage(),
            };
            hook_loop(&config, &inputs, hook, native, secs(s));
        }
        ["instantiate", s] => {
            let runtime = Runtime::new(RuntimeSettings { pool_instances: 64, ..Default::default() }).expect("runtime");
            let plugin = Component::load(&runtime, builtin::ROUTER, true, &config.limits).expect("router");
            let per_call = run_for(secs(s), || {
                black_box(plugin.instantiate().expect("instance"));
                1
            });
            println!("{per_call:.2} µs per instantiation (router, pooled)");
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

/// Calls `f` (which returns how many calls it made) until `secs` have
/// passed; µs per call.
fn run_for(secs: f64, mut f: impl FnMut() -> usize) -> f64 {
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed().as_secs_f64() < secs {
        calls += f();
    }
    started.elapsed().as_secs_f64() * 1e6 / calls.max(1) as f64
}

fn pipeline(config: &PipelineConfig, inputs: &[Interaction], secs: f64) {
    let p = PipelineLoader::new().config(config, Path::new(".")).expect("pipeline");
    let now = chrono::Utc::now();
    let mut in_hooks = 0.0;
    let mut decisions = 0;
    let per_call = run_for(secs, || {
        for ix in inputs {
            let d = p.decide(ix, now);
            in_hooks += d.trace.iter().map(|t| t.micros).sum::<f64>();
            black_box(d);
        }
        decisions += inputs.len();
        inputs.len()
    });
    println!(
        "{per_call:.1} µs per decision, of which {:.1} µs inside hook calls (lowering, plugin, lifting)",
        in_hooks / decisions as f64
    );
}

fn hook_loop(config: &PipelineConfig, inputs: &[Interaction], hook: &str, native: bool, secs: f64) {
    let stage = |s: &Option<cxr_host::config::StageConfig>| {
        s.as_ref().expect("stage").config_json().expect("config")
    };
    let (s_cfg, p_cfg) = (stage(&config.sentiment), stage(&config.priority));
    let r_cfg = config.routers[0].config_json().expect("config");
    let per_call = if native {
        let ns = cxr_sentiment::SentimentPlugin::configure(&s_cfg).expect("configure");
        let np = cxr_priority::PriorityPlugin::configure(&p_cfg).expect("configure");
        let nr = cxr_router::RouterPlugin::configure(&r_cfg).expect("configure");
        let ctx = cxr_guest::Context {
            now: 0,
            pipeline: "profile".into(),
            signals: Vec::new(),
        };
        let g: Vec<cxr_guest::Interaction> = inputs.iter().map(guest_interaction).collect();
        let s: Vec<_> = g
            .iter()
            .map(|i| ns.score(i, &ctx).expect("score"))
            .collect();
        let p: Vec<_> = g
            .iter()
            .zip(&s)
            .map(|(i, s)| np.prioritize(i, &ctx, s).expect("prioritize"))
            .collect();
        run_for(secs, || {
            for (k, i) in g.iter().enumerate() {
                match hook {
                    "sentiment" => drop(black_box(ns.score(i, &ctx))),
                    "priority" => drop(black_box(np.prioritize(i, &ctx, &s[k]))),
                    "routing" => drop(black_box(nr.route(i, &ctx, &s[k], &p[k]))),
                    _ => usage(),
                }
            }
            g.len()
        })
    } else {
        let rt = Runtime::shared().expect("runtime");
        let load = |bytes: &[u8], cfg: &str| {
            let plugin = Component::load(&rt, bytes, false, &config.limits).expect("component");
            plugin.configured(cfg).expect("configure")
        };
        let (mut si, mut pi, mut ri) = (
            load(builtin::SENTIMENT, &s_cfg),
            load(builtin::PRIORITY, &p_cfg),
            load(builtin::ROUTER, &r_cfg),
        );
        let ctx = bench::context(0, "profile");
        let w: Vec<bench::Input> = inputs.iter().map(bench::input).collect();
        let s: Vec<_> = w.iter().map(|i| si.sentiment(i, &ctx).expect("score")).collect();
        let p: Vec<_> = w
            .iter()
            .zip(&s)
            .map(|(i, s)| pi.priority(i, &ctx, s).expect("prioritize"))
            .collect();
        run_for(secs, || {
            for (k, i) in w.iter().enumerate() {
                match hook {
                    "sentiment" => drop(black_box(si.sentiment(i, &ctx))),
                    "priority" => drop(black_box(pi.priority(i, &ctx, &s[k]))),
                    "routing" => drop(black_box(ri.routing(i, &ctx, &s[k], &p[k]))),
                    _ => usage(),
                }
            }
            w.len()
        })
    };
    println!(
        "{per_call:.2} µs per {hook} call ({})",
        if native { "native" } else { "wasm" }
    );
}
