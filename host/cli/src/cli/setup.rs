//! What several verbs share: logging, choosing the pipeline (through the
//! host's one loader and one parser of plugin and pipeline names), "now".

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use cxr_fleet::logging::{self, EventLine};
use cxr_host::{Pipeline, PipelineLoader, PipelineSource, PluginSpec, policy};
use std::path::Path;

/// Sets up `tracing` on stderr, as JSON lines when `json`; `CXR_LOG`
/// overrides the level. Each event is one line written with one `write(2)`
/// (`cxr_fleet::logging`), whatever the concurrency.
pub fn init_logging(verbose: u8, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CXR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(logging::default_filter(verbose)));
    let ansi = !json && std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        // Behind the escaping at each log call, the event writer escapes
        // what is left (serde_json leaves C1 and bidi raw) as JSON escapes.
        logs.with_writer(EventLine::stderr_json).json().flatten_event(true).init();
    } else if ansi {
        // Colour codes are the formatter's own; plugin text is escaped where it is logged.
        logs.with_writer(EventLine::stderr_coloured).with_ansi(true).init();
    } else {
        logs.with_writer(EventLine::stderr).with_ansi(false).init();
    }
}

/// Options choosing the pipeline.
#[derive(Args, Debug, Clone, Default)]
pub struct PipelineArgs {
    /// The pipeline: a pipeline file (TOML), a plugin `.wasm` (or
    /// `builtin:NAME`) swapped into the reference pipeline, or `builtin`.
    /// Default: the reference pipeline built into cxr.
    #[arg(short, long, value_name = "PIPELINE")]
    pub pipeline: Option<PipelineSource>,
    /// A plugin component (a `.wasm` file or `builtin:NAME`) to use instead
    /// of the pipeline's: it replaces the sentiment and priority stages for
    /// the hooks it implements, replaces the classifiers if it classifies
    /// (several `--plugin` classifiers run in the order given), and goes
    /// first in the router chain if it routes. Repeatable.
    #[arg(long, value_name = "WASM")]
    pub plugin: Vec<PluginSpec>,
    /// Decide as of this time (RFC 3339), for replays. Default: the clock
    /// when each interaction is decided.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
}

/// Parses `--now` as every front end reads a decision time.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    policy::parse_now(s)
}

/// Parses `--request-id` as every front end checks one.
pub fn parse_request_id(s: &str) -> Result<String, String> {
    policy::check_request_id(s)
}

impl PipelineArgs {
    /// Loads the pipeline with any `--plugin` overrides applied.
    pub fn load(&self) -> Result<Pipeline> {
        let loader = PipelineLoader::new().plugins(self.plugin.clone());
        match &self.pipeline {
            Some(source) => loader.source(source),
            None => loader.reference(),
        }
    }

    /// The pipeline as the user chose it, for reports: `reference (built
    /// in)` or the file, then `+ PLUGIN` for each `--plugin`.
    pub fn describe(&self) -> String {
        let mut name = match &self.pipeline {
            Some(source) => source.to_string(),
            None => "reference (built in)".to_string(),
        };
        for plugin in &self.plugin {
            name.push_str(&format!(" + {plugin}"));
        }
        name
    }
}

/// Reads a whole input file, or stdin for `-`.
pub fn read_input(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("reading stdin")?;
        return Ok(s);
    }
    if !path.exists() {
        bail!("input file {} does not exist", path.display());
    }
    cxr_host::fs::read_text_capped(path, "input", cxr_host::fs::Limit::WHOLE_INPUT)
}
