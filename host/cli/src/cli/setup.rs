//! What several verbs share: logging, choosing the pipeline, "now".

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use cxr_host::config::{PluginSource, StageConfig};
use cxr_host::text::LineGuard;
use cxr_host::{Hook, Pipeline, PipelineConfig, PluginComponent, Runtime, builtin};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Sets up `tracing` on stderr, as JSON lines when `json`; `CXR_LOG`
/// overrides the level.
pub fn init_logging(verbose: u8, json: bool) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CXR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = !json && std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        // Behind the escaping at each log call, a guard per line: one event,
        // one line, no control or bidi character (serde_json leaves C1 and bidi raw).
        logs.with_writer(|| LineGuard(std::io::stderr())).json().flatten_event(true).init();
    } else if ansi {
        // Colour codes are the formatter's own; plugin text is escaped where it is logged.
        logs.with_writer(std::io::stderr).with_ansi(true).init();
    } else {
        logs.with_writer(|| LineGuard(std::io::stderr())).with_ansi(false).init();
    }
}

/// Options choosing the pipeline.
#[derive(Args, Debug, Clone)]
pub struct PipelineArgs {
    /// Pipeline file (TOML). Default: the reference pipeline built into cxr.
    #[arg(short, long, value_name = "FILE")]
    pub pipeline: Option<PathBuf>,
    /// A plugin component to use instead of the pipeline's: it replaces the
    /// sentiment and priority stages for the hooks it implements, replaces
    /// the classifiers if it classifies (several `--plugin` classifiers run
    /// in the order given), and goes first in the router chain if it
    /// routes. Repeatable.
    #[arg(long, value_name = "WASM")]
    pub plugin: Vec<PathBuf>,
    /// Decide as of this time (RFC 3339), for replays. Default: the clock.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time like 2026-11-22T09:14:00Z ({e})"))
}

impl PipelineArgs {
    /// Loads the pipeline with any `--plugin` overrides applied.
    pub fn load(&self) -> Result<Pipeline> {
        let (mut config, base) = match &self.pipeline {
            Some(path) => PipelineConfig::from_file(path)?,
            None => (
                PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE)?,
                PathBuf::from("."),
            ),
        };
        let runtime = Runtime::with_cache(&config.runtime_limits(), cxr_host::runtime::default_cache_dir().as_deref())?;
        let mut loaded = HashMap::new();
        let mut classifiers_replaced = false;
        for path in &self.plugin {
            let bytes = std::fs::read(path).with_context(|| format!("reading plugin {}", path.display()))?;
            let component = PluginComponent::load(&runtime, &bytes, &path.display().to_string())?;
            let abs = std::path::absolute(path)?;
            let spec = StageConfig::new(abs.display().to_string());
            for hook in &component.meta().hooks {
                match hook {
                    Hook::Sentiment => config.sentiment = Some(spec.clone()),
                    Hook::Classify => {
                        if !classifiers_replaced {
                            config.classifiers.clear();
                            classifiers_replaced = true;
                        }
                        config.classifiers.push(spec.clone());
                    }
                    Hook::Priority => config.priority = Some(spec.clone()),
                    Hook::Routing => config.routers.insert(0, spec.clone()),
                }
            }
            loaded.insert(PluginSource::File(abs), component);
        }
        let pipeline = Pipeline::load_with(&config, &base, runtime, loaded);
        match &self.pipeline {
            Some(p) => pipeline.with_context(|| format!("loading pipeline {}", p.display())),
            None => pipeline.context("loading the reference pipeline"),
        }
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
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}
