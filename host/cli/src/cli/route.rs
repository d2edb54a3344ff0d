//! `cxr route`: decide a JSON Lines batch.

use super::setup::PipelineArgs;
use anyhow::{Context as _, Result};
use clap::Args;
use cxr_host::batch::{BatchOptions, BatchSummary, route_stream};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Decide every interaction of a JSON Lines file, one decision per line, in order.
///
/// Reads FILE (or stdin for `-`) and writes one decision JSON line per input
/// line to stdout (or --output), in input order, using every core. A line
/// that cannot be read gets an error record naming the line and the problem.
/// A summary goes to stderr at the end.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  cxr route examples/interactions.jsonl\n  cxr route --pipeline my.toml -o decisions.jsonl inbox.jsonl\n  cat inbox.jsonl | cxr route - --now 2026-11-22T10:00:00Z")]
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
    #[arg(long, default_value_t = 1 << 20)]
    pub max_line_bytes: usize,
    /// Print the summary as JSON (on stderr).
    #[arg(long)]
    pub json_summary: bool,
    /// No summary or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: RouteArgs) -> Result<ExitCode> {
    let pipeline = args.pipeline.load()?;
    let reader: Box<dyn io::BufRead> = if args.input.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        let f = File::open(&args.input).with_context(|| format!("opening {}", args.input.display()))?;
        Box::new(BufReader::with_capacity(1 << 16, f))
    };
    let writer: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("creating {}", p.display()))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut opts = BatchOptions {
        max_line_bytes: args.max_line_bytes,
        now: args.pipeline.now,
        ..BatchOptions::default()
    };
    if let Some(j) = args.jobs {
        opts.jobs = j.max(1);
    }
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let summary = route_stream(&pipeline, reader, writer, &opts, |s| {
        if show_progress {
            eprint!("\r{} decided, {:.0}/s", s.lines, s.rate());
        }
    })
    .context("routing the batch")?;
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    if !args.quiet {
        if args.json_summary {
            eprintln!("{}", serde_json::to_string(&summary)?);
        } else {
            print_summary(&summary, opts.jobs);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(s: &BatchSummary, jobs: usize) {
    eprintln!(
        "{} lines: {} routed, {} fallback ({} plugin errors), {} input errors in {:.2}s ({:.0}/s on {} threads)",
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
        v.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
    };
    if !s.by_discipline.is_empty() {
        eprintln!("disciplines: {}", join(&s.by_discipline));
        eprintln!("queues: {}", join(&s.by_queue));
    }
}
