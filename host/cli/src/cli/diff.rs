//! `cxr diff`: how two pipelines or plugin versions decide the same input differently.

use super::setup::parse_time;
use anyhow::{Context as _, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::Args;
use cxr_host::policy::Now;
use cxr_host::{DecisionField, Pipeline, PipelineLoader, PipelineSource};
use cxr_ops::decide::{default_jobs, open_input};
use cxr_ops::diff::{self, DiffMeta, DiffOptions, Field};
use cxr_ops::progress::{self, CountingReader};
use cxr_ops::style::Style;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

const AFTER_HELP: &str = "\
BASE and CANDIDATE are each a pipeline file (.toml), a plugin component
(.wasm, or builtin:NAME) swapped into the reference pipeline for the hooks
it implements (as `--plugin` does), or `builtin` for the reference pipeline
itself. Both decide every line as of the same time (--now, or one reading
of the clock per line), so time-dependent priority factors cannot show up
as changes; give --now for the same output on every run. Lines are read as
`cxr route` reads them (a line that is not an interaction, or repeats an
id, is the same error record on both sides).

Fields compared (every part of a decision): queue, discipline, level,
score, due, label, sentiment_score, signals, skills, language, tags,
actions, rule, degraded, error (the error kind).

Examples:
  cxr diff --base builtin --candidate my_router.wasm examples/interactions.jsonl
  cxr diff --base prod.toml --candidate next.toml inbox.jsonl --fail-on queue,discipline
  cxr diff --base prod.toml --candidate next.toml inbox.jsonl --json > changes.json
  cxr diff --base prod.toml --candidate next.toml inbox.jsonl --report diff.html

Exit status:
  0  done (decisions may have changed, unless --fail-on says otherwise)
  1  a --fail-on field changed for some interaction, or the command failed
     (unreadable input, invalid pipeline or plugin)
  2  invalid command-line usage";

/// Compare two pipelines (or plugin versions) on the same JSON Lines input.
///
/// Reports the interactions decided differently: counts per field, the
/// queue-to-queue matrix, priority level shifts, discipline and label
/// changes, and examples with the reasons that differ. The same input and
/// the same plugins always give the same output.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct DiffArgs {
    /// JSON Lines input.
    pub input: PathBuf,
    /// The base: a pipeline file, a plugin .wasm, or `builtin`.
    #[arg(long, value_name = "PIPELINE|WASM")]
    pub base: String,
    /// The candidate: a pipeline file, a plugin .wasm, or `builtin`.
    #[arg(long, value_name = "PIPELINE|WASM")]
    pub candidate: String,
    /// Print the diff as JSON, with every changed interaction.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when any of these fields changed (comma-separated):
    /// queue, discipline, level, score, due, label, sentiment_score,
    /// signals, skills, language, tags, actions, rule, degraded, error.
    #[arg(long, value_name = "FIELDS", value_parser = parse_fields)]
    pub fail_on: Option<FieldList>,
    /// Also write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Examples shown per changed field.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub examples: usize,
    /// Decide as of this time (both sides). Default: the clock, read once
    /// per line for both sides.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
    /// Worker threads. Default: one per core.
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// No progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The fields named by `--fail-on`.
#[derive(Debug, Clone)]
pub struct FieldList(pub Vec<Field>);

fn parse_fields(s: &str) -> Result<FieldList, String> {
    DecisionField::parse_list(s).map(FieldList)
}

/// Loads any spelling of a pipeline (`builtin`, a `.wasm`, a pipeline file).
fn load(spec: &str, role: &str) -> Result<Pipeline> {
    PipelineLoader::new()
        .source(&PipelineSource::parse(spec))
        .with_context(|| format!("loading the {role} ({spec})"))
}

pub fn run(args: DiffArgs) -> Result<ExitCode> {
    let base = load(&args.base, "base")?;
    let candidate = load(&args.candidate, "candidate")?;
    let reader = CountingReader::new(open_input(&args.input)?);
    let consumed = reader.counter();
    let size = std::fs::metadata(&args.input).ok().map(|m| m.len());
    let bar = progress::bar(size, true, progress::wanted(args.quiet));
    let opts = DiffOptions {
        examples: args.examples,
        keep_all: args.json,
    };
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    let result = diff::compare(&base, &candidate, reader, Now::from(args.now), jobs, opts, |done| {
        bar.set_position(consumed.load(Ordering::Relaxed));
        bar.set_message(format!("{done} compared"));
    });
    bar.finish_and_clear();
    let d = result.with_context(|| format!("comparing decisions on {}", args.input.display()))?;
    let meta = DiffMeta {
        base: args.base.clone(),
        candidate: args.candidate.clone(),
        input: args.input.display().to_string(),
        now: args.now.map_or_else(|| "the clock".to_string(), |t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
    };
    if let Some(path) = &args.report {
        std::fs::write(path, cxr_ops::report::diff::render(&d, &meta))
            .with_context(|| format!("writing the report to {}", path.display()))?;
    }
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&d.to_json(&meta))?);
    } else {
        print!("{}", d.render_text(&meta, Style::for_stream(&std::io::stdout())));
    }
    let fail_on = args.fail_on.map(|f| f.0).unwrap_or_default();
    if d.any_changed(&fail_on) {
        let changed: Vec<String> = fail_on
            .iter()
            .filter(|f| d.fields.get(f).copied().unwrap_or(0) > 0)
            .map(|f| format!("{f} ({})", d.fields[f]))
            .collect();
        eprintln!("cxr diff: --fail-on fields changed: {}", changed.join(", "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
