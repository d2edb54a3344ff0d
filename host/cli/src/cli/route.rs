//! `cxr route`: decide a JSON Lines batch.

use super::setup::{PipelineArgs, parse_request_id};
use anyhow::{Context as _, Result};
use clap::Args;
use cxr_host::io::{BatchOptions, BatchSummary, route_stream};
use cxr_host::policy;
use cxr_ops::progress::{self, CountingReader};
use cxr_ops::report::{self, route::DecisionTap, route::RouteMeta};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// Decide every interaction of a JSON Lines file, one decision per line, in order.
///
/// Reads FILE (or stdin for `-`) and writes one decision JSON line per input
/// line to stdout (or --output), in input order, using every core. A line
/// that cannot be read gets an error record naming the line and the problem.
/// A summary goes to stderr at the end.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  cxr route examples/interactions.jsonl\n  cxr route --pipeline my.toml -o decisions.jsonl inbox.jsonl\n  cat inbox.jsonl | cxr route - --now 2026-11-22T10:00:00Z\n  cxr route examples/interactions.jsonl -o decisions.jsonl --report report.html\n\nExit status:\n  0  every line was read and answered (a line that is not an interaction gets\n     an error record, a plugin failure a fallback decision: neither is a failure)\n  1  the command failed: unreadable input, output not writable, invalid pipeline or plugin\n  2  invalid command-line usage")]
pub struct RouteArgs {
    /// JSON Lines input, or `-` for stdin.
    pub input: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Write decisions here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads. Default: one per core.
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Largest accepted input line, in bytes; longer lines get an error record.
    #[arg(long, default_value_t = policy::MAX_INTERACTION_BYTES)]
    pub max_line_bytes: usize,
    /// How many recent ids are remembered to flag a repeated id as an error
    /// record (0 turns the check off).
    #[arg(long, default_value_t = policy::DUPLICATE_WINDOW)]
    pub duplicate_window: usize,
    /// A request (correlation) id set on every decision and error record as `request_id`.
    #[arg(long, value_name = "ID", value_parser = parse_request_id)]
    pub request_id: Option<String>,
    /// Print the summary as JSON (on stderr).
    #[arg(long)]
    pub json_summary: bool,
    /// No summary or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write a self-contained HTML report (queues, disciplines,
    /// priorities, sentiment, fallbacks and errors, slowest plugins) to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(args: RouteArgs) -> Result<ExitCode> {
    let pipeline = args.pipeline.load()?;
    let from_stdin = args.input.as_os_str() == "-";
    let (reader, size): (Box<dyn io::BufRead>, Option<u64>) = if from_stdin {
        (Box::new(BufReader::new(io::stdin().lock())), None)
    } else {
        let f = cxr_host::fs::open_regular(&args.input, "input")?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, f)), size)
    };
    let reader = CountingReader::new(reader);
    let consumed = reader.counter();
    let writer: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut tap = DecisionTap::new(writer);
    let mut opts = BatchOptions {
        max_line_bytes: args.max_line_bytes,
        duplicate_window: args.duplicate_window,
        now: args.pipeline.now,
        request_id: args.request_id.clone(),
        ..BatchOptions::default()
    };
    if let Some(j) = args.jobs {
        opts.jobs = j.max(1);
    }
    let bar = progress::bar(size, true, progress::wanted(args.quiet));
    let counting = args.report.is_some();
    let summary = {
        // Decisions pass through the tap (which counts them for the report) only when a report is wanted.
        let sink: &mut dyn Write = if counting { &mut tap } else { tap.inner_mut() };
        route_stream(&pipeline, reader, sink, &opts, |s| {
            bar.set_position(consumed.load(Ordering::Relaxed));
            bar.set_message(format!("{} decided, {:.0}/s", s.lines, s.rate()));
        })
    };
    bar.finish_and_clear();
    let summary = summary.context("routing the batch")?;
    if let Some(path) = &args.report {
        let meta = RouteMeta {
            input: if from_stdin { "stdin".to_string() } else { args.input.display().to_string() },
            pipeline: args.pipeline.describe(),
            now: args.pipeline.now.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            seconds: summary.elapsed.as_secs_f64(),
            threads: opts.jobs,
        };
        std::fs::write(path, report::route::render(&tap.stats, &meta))
            .with_context(|| format!("writing the report to {}", path.display()))?;
    }
    if !args.quiet {
        if args.json_summary {
            eprintln!("{}", cxr_host::text::to_json(&summary)?);
        } else {
            print_summary(&summary, opts.jobs);
        }
        if let Some(path) = &args.report {
            eprintln!("report: {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(s: &BatchSummary, jobs: usize) {
    let degraded = if s.degraded > 0 { format!(", {} with degraded stages", s.degraded) } else { String::new() };
    eprintln!(
        "{} lines: {} routed, {} fallback ({} plugin errors){degraded}, {} input errors in {:.2}s ({:.0}/s on {} threads)",
        s.lines,
        s.routed,
        s.fallbacks,
        s.plugin_errors,
        s.input_errors,
        s.elapsed.as_secs_f64(),
        s.rate(),
        jobs
    );
    let join = |m: &std::collections::BTreeMap<String, u64>| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.iter().map(|(k, n)| format!("{} {n}", cxr_host::text::Shown(k))).collect::<Vec<_>>().join(", ")
    };
    if !s.by_discipline.is_empty() {
        eprintln!("disciplines: {}", join(&s.by_discipline));
        eprintln!("queues: {}", join(&s.by_queue));
    }
    if !s.masked.is_empty() {
        eprintln!("masked before any plugin ran: {}", join(&s.masked));
    }
}
