//! `cxr test`: check case files against a pipeline.

use super::setup::{PipelineArgs, parse_time};
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Args;
use cxr_host::{Pipeline, PipelineSource, PluginSpec};
use cxr_ops::decide::default_jobs;
use cxr_ops::style::Style;
use cxr_ops::testing::{self, TestOptions, Totals};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

const AFTER_HELP: &str = "\
A case file (TOML, or JSON of the same shape) holds [[case]] entries, an
interaction with the expected parts of its decision, and [[invariant]]
entries, properties that must hold for every interaction of a JSON Lines
file. Paths in it are relative to the file. See docs/operators.md.

  [[case]]
  name = \"gold billing complaint goes to billing\"
  interaction = { channel = \"email\", body = \"I was charged twice\", customer = { tier = \"gold\" } }
  expect = { queue = \"billing\", discipline = \"service\", level = [1, 2], label = \"negative\" }

  [[invariant]]
  name = \"platinum never goes to a bot queue\"
  input = \"../../../examples/interactions.jsonl\"
  where = { tier = [\"platinum\", \"vip\"] }
  never = { queue = [\"bot\", \"self-service\"] }

Examples:
  cxr test plugins/router/cases plugins/priority/cases plugins/sentiment/cases
  cxr test --plugin my_router.wasm plugins/router/cases --junit junit.xml
  cxr test my-cases.toml --json

Exit status:
  0  every case and invariant passed
  1  a case or invariant failed, or a case file could not be read or run
  2  invalid command-line usage";

/// Check case files: expected decisions for interactions, and invariants
/// over whole input files.
///
/// Prints PASS or FAIL per case and invariant; a failure shows what was
/// expected, what the decision has, and the decision's reasons.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct TestArgs {
    /// Case files (`.toml` or `.json`), or folders holding them.
    #[arg(required = true, value_name = "CASES")]
    pub cases: Vec<PathBuf>,
    /// Pipeline for case files that name none (a file, a .wasm swapped into
    /// the reference pipeline, or `builtin`). Default: the reference pipeline.
    #[arg(short, long, value_name = "PIPELINE")]
    pub pipeline: Option<PipelineSource>,
    /// A plugin component (a `.wasm` or `builtin:NAME`) swapped into every
    /// pipeline for the hooks it implements (as for `cxr run`). Repeatable.
    #[arg(long, value_name = "WASM")]
    pub plugin: Vec<PluginSpec>,
    /// Decide as of this time in case files that set no `now`. Default: the
    /// clock (read for each case, and each line of an invariant).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print the results as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Worker threads for invariants. Default: one per core.
    #[arg(short, long)]
    pub jobs: Option<usize>,
}

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let files = testing::collect_files(&args.cases)?;
    let mut cache: HashMap<Option<PipelineSource>, Arc<Pipeline>> = HashMap::new();
    let mut loader = |own: Option<&Path>| -> Result<Arc<Pipeline>> {
        let chosen = own.map(|p| PipelineSource::File(p.to_path_buf())).or_else(|| args.pipeline.clone());
        let key = match &chosen {
            Some(PipelineSource::File(p)) => Some(PipelineSource::File(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))),
            other => other.clone(),
        };
        if let Some(p) = cache.get(&key) {
            return Ok(p.clone());
        }
        let pipeline = PipelineArgs {
            pipeline: chosen,
            plugin: args.plugin.clone(),
            now: None,
        }
        .load()?;
        let pipeline = Arc::new(pipeline);
        cache.insert(key, pipeline.clone());
        Ok(pipeline)
    };
    let opts = TestOptions {
        now: args.now,
        jobs: args.jobs.unwrap_or_else(default_jobs).max(1),
    };
    let results: Vec<_> = files.iter().map(|f| testing::run_file(f, &mut loader, &opts)).collect();
    if let Some(path) = &args.junit {
        std::fs::write(path, cxr_ops::junit::render(&results))
            .with_context(|| format!("writing JUnit XML to {}", path.display()))?;
    }
    let totals = Totals::of(&results);
    if args.json {
        let doc = serde_json::json!({
            "passed": totals.passed,
            "failed": totals.failed,
            "files": results,
        });
        println!("{}", cxr_host::text::to_json_pretty(&doc)?);
    } else {
        print!("{}", testing::render_text(&results, Style::for_stream(&std::io::stdout())));
    }
    Ok(if totals.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
