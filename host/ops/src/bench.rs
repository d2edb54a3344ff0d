//! Benchmarking a pipeline on an input file: decisions per second, and per
//! plugin hook the latency percentiles, fuel and memory per call.

use crate::decide::recent_ids;
use crate::stats::Summary;
use crate::style::Style;
use cxr_host::text::Shown;
use chrono::{DateTime, Utc};
use cxr_host::io::{Input, RecentIds};
use cxr_host::{Interaction, Pipeline};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// How a benchmark runs.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// Times every interaction is decided (after one warm-up pass).
    pub iterations: usize,
    /// The "now" of every decision.
    pub now: DateTime<Utc>,
}

/// What one plugin hook used per call.
#[derive(Debug, Clone, Serialize)]
pub struct HookBench {
    pub plugin: String,
    pub version: String,
    pub hook: String,
    pub calls: u64,
    /// Calls per second this hook alone sustains (1 / mean call time).
    pub calls_per_second: f64,
    /// Call time in microseconds, as the decision trace reports it.
    pub micros: Summary,
    /// Mean fuel per call, when the pipeline meters fuel.
    pub mean_fuel: Option<f64>,
    /// Largest linear memory of an instance after a call, in bytes.
    pub max_memory_bytes: u64,
    /// Calls that ended in an error.
    pub errors: u64,
}

/// The result of a benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub pipeline: String,
    pub input: String,
    /// Interactions read from the input (lines that are not interactions are skipped).
    pub interactions: usize,
    pub skipped_lines: usize,
    pub iterations: usize,
    /// Decisions timed (interactions × iterations).
    pub decisions: u64,
    pub seconds: f64,
    /// Decisions per second on one thread.
    pub decisions_per_second: f64,
    /// Wall time of a whole decision, in microseconds.
    pub decision_micros: Summary,
    /// Decisions that carried an error.
    pub decision_errors: u64,
    pub hooks: Vec<HookBench>,
    /// Against a baseline pipeline, when one was given (`cxr bench --baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Comparison>,
}

/// The pipeline against a baseline, decision by decision in one run.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// How the baseline was given.
    pub pipeline: String,
    /// Decisions timed per side.
    pub decisions: u64,
    /// Per-decision time of the pipeline, in microseconds.
    pub micros: Summary,
    /// Per-decision time of the baseline, in microseconds.
    pub baseline_micros: Summary,
    /// Pipeline / baseline, of the medians.
    pub ratio_p50: f64,
    /// Pipeline / baseline, of the means.
    pub ratio_mean: f64,
}

/// Times `pipeline` against `baseline` on the same interactions in one run:
/// after a warm-up, each interaction is decided by both, one after the
/// other (the order alternating by round), `iterations` rounds, so that the
/// machine's noise falls on both alike.
pub fn compare(pipeline: &Pipeline, baseline: &Pipeline, baseline_name: &str, input: &BenchInput, opts: BenchOptions) -> Comparison {
    let interactions = &input.interactions;
    for ix in interactions {
        pipeline.decide(ix, opts.now);
        baseline.decide(ix, opts.now);
    }
    let n = interactions.len() * opts.iterations.max(1);
    let (mut mine, mut theirs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let time = |p: &Pipeline, ix: &Interaction| {
        let t = Instant::now();
        std::hint::black_box(p.decide(ix, opts.now));
        t.elapsed().as_secs_f64() * 1e6
    };
    for round in 0..opts.iterations.max(1) {
        for ix in interactions {
            if round % 2 == 0 {
                mine.push(time(pipeline, ix));
                theirs.push(time(baseline, ix));
            } else {
                theirs.push(time(baseline, ix));
                mine.push(time(pipeline, ix));
            }
        }
    }
    let (micros, baseline_micros) = (Summary::of(&mut mine), Summary::of(&mut theirs));
    Comparison {
        pipeline: baseline_name.to_string(),
        decisions: n as u64,
        ratio_p50: micros.p50 / baseline_micros.p50.max(1e-9),
        ratio_mean: micros.mean / baseline_micros.mean.max(1e-9),
        micros,
        baseline_micros,
    }
}

/// What is benchmarked: the pipeline's and input's names, and the interactions.
#[derive(Debug, Clone, Default)]
pub struct BenchInput {
    /// How the pipeline was given (for the report).
    pub pipeline: String,
    /// The input file's name (for the report).
    pub input: String,
    pub interactions: Vec<Interaction>,
    /// Lines that were not interactions, or repeated an earlier id.
    pub skipped_lines: usize,
    /// The ids seen so far (a repeated id is skipped, as `cxr route` refuses it).
    seen: Option<RecentIds>,
}

impl BenchInput {
    /// No interaction yet; `pipeline` and `input` name what is measured.
    pub fn new(pipeline: String, input: String) -> Self {
        BenchInput {
            pipeline,
            input,
            ..BenchInput::default()
        }
    }

    /// Adds the interactions of `lines`, counting the lines that are not
    /// interactions (or repeat an id) as skipped.
    pub fn add_lines(&mut self, lines: &[Input]) {
        let seen = self.seen.get_or_insert_with(recent_ids);
        for line in lines {
            let read = line.read();
            if read.repeated(seen).is_some() {
                self.skipped_lines += 1;
                continue;
            }
            match read.interaction {
                Ok(ix) => self.interactions.push(ix),
                Err(_) => self.skipped_lines += 1,
            }
        }
    }
}

#[derive(Default)]
struct HookSamples {
    version: String,
    micros: Vec<f64>,
    fuel_sum: f64,
    fuel_calls: u64,
    max_memory: u64,
    errors: u64,
}

/// Decides every interaction once to warm up, then `iterations` times on
/// one thread, timing each decision. `progress(done, total)` is called as it goes.
pub fn run(pipeline: &Pipeline, input: &BenchInput, opts: BenchOptions, mut progress: impl FnMut(u64, u64)) -> BenchReport {
    let interactions = &input.interactions;
    for ix in interactions {
        pipeline.decide(ix, opts.now);
    }
    let total = (interactions.len() * opts.iterations.max(1)) as u64;
    let mut samples: BTreeMap<(String, String), HookSamples> = BTreeMap::new();
    let mut decision_micros = Vec::with_capacity(total as usize);
    let mut errors = 0;
    let started = Instant::now();
    let mut done = 0u64;
    for _ in 0..opts.iterations.max(1) {
        for ix in interactions {
            let t = Instant::now();
            let d = pipeline.decide(ix, opts.now);
            decision_micros.push(t.elapsed().as_secs_f64() * 1e6);
            errors += u64::from(d.error.is_some());
            for e in d.trace {
                let s = samples.entry((e.plugin, e.hook.to_string())).or_default();
                s.version = e.version;
                s.micros.push(e.micros);
                if let Some(f) = e.fuel {
                    s.fuel_sum += f as f64;
                    s.fuel_calls += 1;
                }
                s.max_memory = s.max_memory.max(e.memory_bytes);
                s.errors += u64::from(e.outcome == "error");
            }
            done += 1;
            if done.is_multiple_of(256) {
                progress(done, total);
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    progress(done, total);
    let hooks: Vec<HookBench> = samples
        .into_iter()
        .map(|((plugin, hook), mut s)| {
            let micros = Summary::of(&mut s.micros);
            HookBench {
                plugin,
                version: s.version,
                hook,
                calls: micros.count as u64,
                calls_per_second: if micros.mean > 0.0 { 1e6 / micros.mean } else { 0.0 },
                micros,
                mean_fuel: (s.fuel_calls > 0).then(|| s.fuel_sum / s.fuel_calls as f64),
                max_memory_bytes: s.max_memory,
                errors: s.errors,
            }
        })
        .collect();
    let rank = |hook: &str| ["sentiment", "priority", "routing"].iter().position(|h| *h == hook).unwrap_or(3);
    let mut hooks = hooks;
    hooks.sort_by(|a, b| rank(&a.hook).cmp(&rank(&b.hook)).then_with(|| a.plugin.cmp(&b.plugin)));
    BenchReport {
        pipeline: input.pipeline.clone(),
        input: input.input.clone(),
        interactions: interactions.len(),
        skipped_lines: input.skipped_lines,
        iterations: opts.iterations.max(1),
        decisions: done,
        seconds,
        decisions_per_second: done as f64 / seconds.max(1e-9),
        decision_micros: Summary::of(&mut decision_micros),
        decision_errors: errors,
        hooks,
        baseline: None,
    }
}

impl BenchReport {
    /// The report as a text table.
    pub fn render_text(&self, style: Style) -> String {
        let mut out = format!(
            "{} pipeline {} on {}: {} interactions x {} iterations ({} lines skipped)\n",
            style.bold("cxr bench:"),
            Shown(&self.pipeline),
            Shown(&self.input),
            self.interactions,
            self.iterations,
            self.skipped_lines
        );
        let d = &self.decision_micros;
        out.push_str(&format!(
            "{} decisions in {:.2}s: {:.0} decisions/s on one thread; per decision p50 {:.1} us, p90 {:.1} us, p99 {:.1} us{}\n\n",
            self.decisions,
            self.seconds,
            self.decisions_per_second,
            d.p50,
            d.p90,
            d.p99,
            if self.decision_errors > 0 { format!(", {} with errors", self.decision_errors) } else { String::new() }
        ));
        out.push_str(&format!(
            "{:<10} {:<22} {:>9} {:>10} {:>9} {:>9} {:>9} {:>12} {:>9}\n",
            "hook", "plugin", "calls", "calls/s", "p50 us", "p90 us", "p99 us", "fuel/call", "max mem"
        ));
        for h in &self.hooks {
            let fuel = h.mean_fuel.map_or("-".to_string(), |f| format!("{f:.0}"));
            out.push_str(&format!(
                "{:<10} {:<22} {:>9} {:>10.0} {:>9.1} {:>9.1} {:>9.1} {:>12} {:>8.1}M{}\n",
                Shown(&h.hook),
                format!("{} {}", Shown(&h.plugin), Shown(&h.version)),
                h.calls,
                h.calls_per_second,
                h.micros.p50,
                h.micros.p90,
                h.micros.p99,
                fuel,
                h.max_memory_bytes as f64 / (1 << 20) as f64,
                if h.errors > 0 { format!("  {} errors", h.errors) } else { String::new() }
            ));
        }
        if let Some(c) = &self.baseline {
            out.push_str(&format!(
                "\n{} {} ({} decisions each, interleaved): per decision p50 {:.1} us vs {:.1} us ({:.3}x), mean {:.1} us vs {:.1} us ({:.3}x)\n",
                style.bold("against baseline"),
                Shown(&c.pipeline),
                c.decisions,
                c.micros.p50,
                c.baseline_micros.p50,
                c.ratio_p50,
                c.micros.mean,
                c.baseline_micros.mean,
                c.ratio_mean
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_are_not_interactions_are_skipped() {
        let mut lines = Vec::new();
        crate::decide::for_each_chunk(&b"{\"id\":\"a\",\"body\":\"hi\"}\n{not json\n\n{\"id\":\"a\",\"body\":\"again\"}\n"[..], |c| {
            lines.extend_from_slice(c);
            Ok(())
        })
        .unwrap();
        let mut input = BenchInput::default();
        input.add_lines(&lines);
        assert_eq!(input.interactions.len(), 1);
        assert_eq!(input.skipped_lines, 3, "not JSON, blank, a repeated id");
    }
}
