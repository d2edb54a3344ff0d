//! The in-process baseline for the HTTP load figures: `Pipeline::decide` on
//! one interaction, in a loop, on N threads, for S seconds.
//!
//! cargo run --release -p cxr-serve --example inprocess -- [--threads N] [--seconds S] [--pipeline FILE] INTERACTION.json
//!
//! Prints one line: `threads=N decisions=... seconds=... per_sec=... p50_us=... p99_us=... errors=...`,
//! `errors` counting the decisions a plugin failed (a deadline missed on a
//! loaded machine, say): each is still a decision, the fallback, as over HTTP.

use anyhow::{Context as _, Result, bail};
use cxr_host::Pipeline;
use cxr_host::input::parse_interaction;
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Args {
    threads: usize,
    seconds: f64,
    pipeline: Option<PathBuf>,
    input: PathBuf,
}

fn args() -> Result<Args> {
    let mut threads = 1;
    let mut seconds = 10.0;
    let mut pipeline = None;
    let mut input = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--threads" => threads = value("--threads")?.parse().context("--threads")?,
            "--seconds" => seconds = value("--seconds")?.parse().context("--seconds")?,
            "--pipeline" => pipeline = Some(PathBuf::from(value("--pipeline")?)),
            other if other.starts_with("--") => bail!("unknown option {other}"),
            other => input = Some(PathBuf::from(other)),
        }
    }
    if threads == 0 || seconds <= 0.0 {
        bail!("--threads and --seconds must be positive");
    }
    Ok(Args {
        threads,
        seconds,
        pipeline,
        input: input.context("usage: inprocess [--threads N] [--seconds S] [--pipeline FILE] INTERACTION.json")?,
    })
}

fn main() -> Result<()> {
    let args = args()?;
    let text = std::fs::read_to_string(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    let ix = parse_interaction(&text).result?;
    let pipeline = match &args.pipeline {
        Some(p) => Pipeline::from_file(p)?,
        None => Pipeline::reference()?,
    };
    // Warm up every thread's instances.
    for _ in 0..args.threads * 20 {
        pipeline.decide(&ix, chrono::Utc::now());
    }
    let run_for = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let first_error = std::sync::Mutex::new(None::<String>);
    let (mut latencies, errors): (Vec<f64>, usize) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..args.threads)
            .map(|_| {
                s.spawn(|| {
                    let (mut micros, mut errors) = (Vec::new(), 0usize);
                    while started.elapsed() < run_for {
                        let t = Instant::now();
                        let d = pipeline.decide(&ix, chrono::Utc::now());
                        micros.push(t.elapsed().as_secs_f64() * 1e6);
                        if let Some(e) = d.error {
                            errors += 1;
                            first_error.lock().unwrap().get_or_insert(e);
                        }
                    }
                    (micros, errors)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).fold((Vec::new(), 0), |(mut all, n), (m, e)| {
            all.extend(m);
            (all, n + e)
        })
    });
    if let Some(e) = first_error.into_inner().unwrap() {
        eprintln!("{errors} decisions were fallbacks; the first error: {}", cxr_host::text::Shown(&e));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "threads={} decisions={} seconds={:.2} per_sec={:.0} p50_us={:.0} p99_us={:.0} errors={errors}",
        args.threads,
        latencies.len(),
        elapsed,
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}
