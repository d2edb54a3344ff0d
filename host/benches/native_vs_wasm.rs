//! Native vs wasm, measured in one run: each hook and the whole pipeline
//! (sentiment → classify → priority → routing),
//! the same plugin code compiled natively (as a Rust library) and as a wasm
//! component run by the host; `reuse` vs `isolate`; instantiation time.
//!
//! Run: cargo bench -p cxr-host --bench native_vs_wasm
//! Input: examples/interactions.jsonl (every line), repeated in rounds that
//! alternate native and wasm so machine noise hits both alike; the figure
//! reported is the median round.

use cxr_guest::{ClassifyHook, Plugin, PriorityHook, RoutingHook, SentimentHook};
use cxr_host::bench_support::{self as bench, Component};
use cxr_host::config::{InstanceMode, PipelineConfig};
use cxr_host::input::parse_interaction;
use cxr_host::model::Interaction;
use cxr_host::{Hook, Pipeline, PipelineLoader, Runtime, RuntimeSettings, builtin};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

#[path = "../examples/support/guest_input.rs"]
mod guest_input;
use guest_input::guest_interaction;

const ROUNDS: usize = 25;

fn main() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/interactions.jsonl")).unwrap();
    let inputs: Vec<Interaction> = text.lines().map(|l| parse_interaction(l).result.unwrap()).collect();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
    let n = inputs.len() as f64;

    let base = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).unwrap();
    let cfg = |s: &Option<cxr_host::config::StageConfig>| s.as_ref().unwrap().config_json().unwrap();
    let (s_cfg, p_cfg, r_cfg) = (cfg(&base.sentiment), cfg(&base.priority), base.routers[0].config_json().unwrap());
    let c_cfg = base.classifiers[0].config_json().unwrap();

    // Native: the plugin crates as plain Rust.
    let ns = cxr_sentiment::SentimentPlugin::configure(&s_cfg).unwrap();
    let nc = cxr_classify::ClassifyPlugin::configure(&c_cfg).unwrap();
    let np = cxr_priority::PriorityPlugin::configure(&p_cfg).unwrap();
    let nr = cxr_router::RouterPlugin::configure(&r_cfg).unwrap();
    let g_inputs: Vec<cxr_guest::Interaction> = inputs.iter().map(guest_interaction).collect();
    let g_ctx = cxr_guest::Context { now: now.timestamp_millis(), pipeline: "bench".into(), signals: Vec::new() };

    // Wasm: the same code as components, one instance each (reuse), no fuel.
    let mut unmetered = base.clone();
    unmetered.limits.fuel = 0;
    let runtime = Runtime::shared().unwrap();
    let load = |bytes: &[u8], cfg: &str| {
        let p = Component::load(&runtime, bytes, false, &unmetered.limits).unwrap();
        let i = p.configured(cfg).unwrap();
        (p, i)
    };
    let (sp, mut si) = load(builtin::SENTIMENT, &s_cfg);
    let (cp, mut ci) = load(builtin::CLASSIFY, &c_cfg);
    let (pp, mut pi) = load(builtin::PRIORITY, &p_cfg);
    let (rp, mut ri) = load(builtin::ROUTER, &r_cfg);
    let w_inputs: Vec<bench::Input> = inputs.iter().map(bench::input).collect();
    let w_ctx = bench::context(now.timestamp_millis(), "bench");

    // Hook inputs computed once, natively and in wasm: the sentiment, the
    // context carrying the classifier's signals (what priority and routing
    // see in the pipeline), the priority.
    let g_sent: Vec<_> = g_inputs.iter().map(|i| ns.score(i, &g_ctx).unwrap()).collect();
    let g_ctxs: Vec<_> = g_inputs
        .iter()
        .zip(&g_sent)
        .map(|(i, s)| cxr_guest::Context { signals: nc.classify(i, &g_ctx, s).unwrap(), ..g_ctx.clone() })
        .collect();
    let g_prio: Vec<_> = g_inputs.iter().zip(&g_sent).zip(&g_ctxs).map(|((i, s), c)| np.prioritize(i, c, s).unwrap()).collect();
    let w_sent: Vec<_> = w_inputs.iter().map(|i| si.sentiment(i, &w_ctx).unwrap()).collect();
    let w_ctxs: Vec<_> = w_inputs.iter().zip(&w_sent).map(|(i, s)| ci.classified(i, &w_ctx, s).unwrap()).collect();
    let w_prio: Vec<_> = w_inputs.iter().zip(&w_sent).zip(&w_ctxs).map(|((i, s), c)| pi.priority(i, c, s).unwrap()).collect();

    let pipeline = |mode: InstanceMode, fuel: u64| {
        let mut c = base.clone();
        c.instance_mode = mode;
        c.limits.fuel = fuel;
        Pipeline::load(&c, Path::new(".")).unwrap()
    };
    let reuse = pipeline(InstanceMode::Reuse, 0);
    let reuse_fuel = pipeline(InstanceMode::Reuse, base.limits.fuel);
    // The same, with no deadline checks compiled in: what the deadline costs.
    let reuse_unbounded = PipelineLoader::new()
        .runtime(Runtime::without_deadlines_for_benchmarks(RuntimeSettings::default()).unwrap())
        .config(&unmetered, Path::new("."))
        .unwrap();
    let isolate = pipeline(InstanceMode::Isolate, 0);
    // The process pool `isolate` pipelines run on, 64 slots.
    let pooled_runtime = Runtime::new(RuntimeSettings { pool_instances: 64, ..Default::default() }).unwrap();

    println!("native vs wasm on {} interactions (examples/interactions.jsonl), median of {ROUNDS} rounds, µs per interaction\n", inputs.len());
    println!("{:<34} {:>10} {:>10} {:>8}", "measure", "baseline", "wasm", "ratio");
    let row = |name: &str, a: &mut dyn FnMut(), b: &mut dyn FnMut()| {
        let (x, y) = alternate(a, b);
        println!("{name:<34} {:>10.2} {:>10.2} {:>7.2}x", x / n, y / n, y / x);
    };
    row("sentiment hook (native → wasm)", &mut || for i in &g_inputs { black_box(ns.score(i, &g_ctx).unwrap()); }, &mut || {
        for i in &w_inputs { black_box(si.sentiment(i, &w_ctx).unwrap()); }
    });
    row("classify hook (native → wasm)", &mut || for (i, s) in g_inputs.iter().zip(&g_sent) { black_box(nc.classify(i, &g_ctx, s).unwrap()); }, &mut || {
        for (i, s) in w_inputs.iter().zip(&w_sent) { black_box(ci.classify(i, &w_ctx, s).unwrap()); }
    });
    row("priority hook (native → wasm)", &mut || {
        for ((i, s), c) in g_inputs.iter().zip(&g_sent).zip(&g_ctxs) { black_box(np.prioritize(i, c, s).unwrap()); }
    }, &mut || {
        for ((i, s), c) in w_inputs.iter().zip(&w_sent).zip(&w_ctxs) { black_box(pi.priority(i, c, s).unwrap()); }
    });
    row("routing hook (native → wasm)", &mut || {
        for (((i, s), p), c) in g_inputs.iter().zip(&g_sent).zip(&g_prio).zip(&g_ctxs) { black_box(nr.route(i, c, s, p).unwrap()); }
    }, &mut || {
        for (((i, s), p), c) in w_inputs.iter().zip(&w_sent).zip(&w_prio).zip(&w_ctxs) { black_box(ri.routing(i, c, s, p).unwrap()); }
    });
    // The four stages natively, as the pipeline runs them: the classifier's
    // signals reach priority and routing through the context.
    let mut native_pipeline = || {
        for ix in &inputs {
            let i = guest_interaction(ix);
            let s = ns.score(&i, &g_ctx).unwrap();
            let ctx = cxr_guest::Context { signals: nc.classify(&i, &g_ctx, &s).unwrap(), ..g_ctx.clone() };
            let p = np.prioritize(&i, &ctx, &s).unwrap();
            black_box(nr.route(&i, &ctx, &s, &p).unwrap());
        }
    };
    row("pipeline reuse (native → wasm)", &mut native_pipeline, &mut || for ix in &inputs { black_box(reuse.decide(ix, now)); });
    row("pipeline reuse+fuel (native → wasm)", &mut native_pipeline, &mut || for ix in &inputs { black_box(reuse_fuel.decide(ix, now)); });
    row("reuse without vs with deadline checks", &mut || for ix in &inputs { black_box(reuse_unbounded.decide(ix, now)); }, &mut || {
        for ix in &inputs { black_box(reuse.decide(ix, now)); }
    });
    row("isolate vs reuse (wasm → wasm)", &mut || for ix in &inputs { black_box(reuse.decide(ix, now)); }, &mut || {
        for ix in &inputs { black_box(isolate.decide(ix, now)); }
    });

    for stage in isolate.stats() {
        println!("  isolate, {} ({}): {}", stage.plugin, stage.hook, stage.isolate.unwrap_or_default());
    }
    println!("\ninstantiation (fresh instance, before configure), µs: on demand vs pooling allocator");
    for (name, bytes, p) in [
        ("sentiment", builtin::SENTIMENT, &sp),
        ("classify", builtin::CLASSIFY, &cp),
        ("priority", builtin::PRIORITY, &pp),
        ("router", builtin::ROUTER, &rp),
    ] {
        let pooled = Component::load(&pooled_runtime, bytes, true, &unmetered.limits).unwrap();
        let (a, b) = alternate(&mut || { black_box(p.instantiate().unwrap()); }, &mut || {
            black_box(pooled.instantiate().unwrap());
        });
        println!("  {name:<10} {a:>8.1} {b:>8.1}  ratio {:.2}x", b / a);
    }
    // For scale: what wasmtime's pool charges for components that import
    // nothing, one empty and one shaped like a plugin (a main module with
    // memory and table, a shim with a table, a fixup module), created and
    // dropped `REPS` times a round.
    const REPS: usize = 100;
    for (name, wat) in [
        ("empty component", "(component)"),
        ("3 core modules, no imports", "(component (core module $m (memory 26) (table 699 funcref)) (core instance (instantiate $m)) (core module $s (table 8 funcref)) (core instance (instantiate $s)) (core module $f) (core instance (instantiate $f)))"),
    ] {
        let engine = bench::engine(&pooled_runtime, true).unwrap();
        let component = wasmtime::component::Component::new(&engine, wat).unwrap();
        let pre = wasmtime::component::Linker::<()>::new(&engine).instantiate_pre(&component).unwrap();
        let (t, _) = alternate(&mut || for _ in 0..REPS {
            let mut store = wasmtime::Store::new(&engine, ());
            black_box(pre.instantiate(&mut store).unwrap());
        }, &mut || {});
        println!("  for scale, pooled, {name}: {:.1}", t / REPS as f64);
    }

    // What `isolate` pays per stage: a fresh instance of the configured
    // snapshot, one hook call on it, and returning it to the pool (where
    // wasmtime resets the slot's memory for the next instance).
    println!("\nisolate, per stage and interaction, µs (pooling allocator): create | hook call | return to pool");
    let mut isolate_sum = 0.0;
    for (name, hook, bytes, cfg) in [
        ("sentiment", Hook::Sentiment, builtin::SENTIMENT, &s_cfg),
        ("classify", Hook::Classify, builtin::CLASSIFY, &c_cfg),
        ("priority", Hook::Priority, builtin::PRIORITY, &p_cfg),
        ("router", Hook::Routing, builtin::ROUTER, &r_cfg),
    ] {
        let plugin = Component::load(&pooled_runtime, bytes, true, &unmetered.limits).unwrap();
        let snapshot = plugin.snapshot(cfg).unwrap();
        let mut rounds: [Vec<f64>; 3] = Default::default();
        for round in 0..=ROUNDS {
            let mut t = [0.0f64; 3];
            for (k, input) in w_inputs.iter().enumerate() {
                let started = Instant::now();
                let mut instance = snapshot.instantiate().unwrap();
                let created = Instant::now();
                match hook {
                    Hook::Sentiment => drop(black_box(instance.sentiment(input, &w_ctx).unwrap())),
                    Hook::Classify => drop(black_box(instance.classify(input, &w_ctx, &w_sent[k]).unwrap())),
                    Hook::Priority => drop(black_box(instance.priority(input, &w_ctxs[k], &w_sent[k]).unwrap())),
                    Hook::Routing => drop(black_box(instance.routing(input, &w_ctxs[k], &w_sent[k], &w_prio[k]).unwrap())),
                }
                let called = Instant::now();
                drop(instance);
                t[0] += (created - started).as_secs_f64();
                t[1] += (called - created).as_secs_f64();
                t[2] += called.elapsed().as_secs_f64();
            }
            // The first round warms the pool's slots; the median of the rest.
            if round > 0 {
                for (phase, time) in rounds.iter_mut().zip(t) {
                    phase.push(time * 1e6 / n);
                }
            }
        }
        let [create, call, back] = rounds.map(median);
        isolate_sum += create + back;
        println!("  {name:<10} {create:>8.1} {call:>8.1} {back:>8.1}");
    }
    println!("  creating and returning the four instances: {isolate_sum:.0} µs per interaction");
    let (cfg_time, _) = alternate(&mut || {
        black_box(rp.configured(&r_cfg).unwrap());
    }, &mut || {});
    println!("  router instantiate + configure (what isolate would pay per interaction without its snapshot): {cfg_time:.0} µs");
}

/// Median over rounds of the time of `a` and of `b` (nanoseconds per round),
/// alternating the two.
fn alternate(a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> (f64, f64) {
    a();
    b();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        a();
        ta.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        b();
        tb.push(t.elapsed().as_secs_f64() * 1e6);
    }
    (median(ta), median(tb))
}

/// The median of `times`.
fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
