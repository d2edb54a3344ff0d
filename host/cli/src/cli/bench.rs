//! `cxr bench`: how fast a pipeline or plugin decides, and what each hook uses.

use super::setup::PipelineArgs;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use cxr_host::PipelineSource;
use cxr_ops::bench::{self, BenchInput, BenchOptions};
use cxr_ops::decide::{for_each_chunk, open_input};
use cxr_ops::progress;
use cxr_ops::style::Style;
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Every interaction of INPUT is decided once to warm up, then --iterations
times on one thread. Reported: decisions per second and per-decision time;
per plugin hook the calls per second, p50/p90/p99 call time (from the
decision trace), mean fuel per call and the largest instance memory.
Lines that are not interactions are skipped and counted.

Examples:
  cxr bench examples/interactions.jsonl
  cxr bench --plugin my_router.wasm examples/interactions.jsonl -n 50
  cxr bench --pipeline prod.toml inbox.jsonl --json
  cxr bench --pipeline private.toml --baseline examples/pipeline.toml inbox.jsonl

Exit status:
  0  done
  1  the command failed: unreadable input, no interaction in it, invalid pipeline or plugin
  2  invalid command-line usage";

/// Measure a pipeline or plugin: calls per second, latency percentiles per
/// hook, fuel and memory per call.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct BenchArgs {
    /// JSON Lines input.
    pub input: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Times every interaction is decided after the warm-up.
    #[arg(short = 'n', long, default_value_t = 20)]
    pub iterations: usize,
    /// Also time this pipeline (a file, a .wasm swapped into the reference
    /// pipeline, or `builtin`), with the same `--plugin`s, decision by
    /// decision against the benchmarked one, in the same run, and print the
    /// ratio: e.g. a pipeline with `[privacy]` against the same without.
    #[arg(long, value_name = "PIPELINE")]
    pub baseline: Option<PipelineSource>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    let pipeline = args.pipeline.load()?;
    let mut input = BenchInput::new(args.pipeline.describe(), args.input.display().to_string());
    for_each_chunk(open_input(&args.input)?, |chunk| {
        input.add_lines(chunk);
        Ok(())
    })
    .with_context(|| format!("reading {}", args.input.display()))?;
    if input.interactions.is_empty() {
        bail!("{} holds no interaction to benchmark ({} lines skipped)", args.input.display(), input.skipped_lines);
    }
    let opts = BenchOptions {
        iterations: args.iterations.max(1),
        // One reading for every decision timed, so each decides alike.
        now: args.pipeline.now.unwrap_or_else(chrono::Utc::now),
    };
    let total = (input.interactions.len() * opts.iterations) as u64;
    let bar = progress::bar(Some(total), false, progress::wanted(args.quiet));
    bar.set_message("decisions");
    let mut report = bench::run(&pipeline, &input, opts, |done, _| bar.set_position(done));
    bar.finish_and_clear();
    if let Some(spec) = &args.baseline {
        let baseline = PipelineArgs {
            pipeline: Some(spec.clone()),
            plugin: args.pipeline.plugin.clone(),
            now: None,
        }
        .load()
        .with_context(|| format!("loading the baseline {spec}"))?;
        report.baseline = Some(bench::compare(&pipeline, &baseline, &spec.to_string(), &input, opts));
    }
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&report)?);
    } else {
        print!("{}", report.render_text(Style::for_stream(&std::io::stdout())));
    }
    Ok(ExitCode::SUCCESS)
}
