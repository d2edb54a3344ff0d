//! Loading pipelines: the one way the command line, the service, the
//! worker, Python, the tests and the examples load them.
//!
//! A [`PipelineLoader`] says where compiled code comes from (the process
//! runtime or another, the compile cache or none) and which plugins to swap
//! in (`--plugin`); it then loads the reference pipeline, a file, TOML text,
//! a parsed configuration or any [`PipelineSource`].
//!
//! ```no_run
//! use cxr_host::{PipelineLoader, runtime::CachePolicy, source::PluginSpec};
//! let pipeline = PipelineLoader::new()
//!     .cache(CachePolicy::Off)
//!     .plugin(PluginSpec::parse("my_router.wasm"))
//!     .file("tenant-a.toml".as_ref())?;
//! # Ok::<(), anyhow::Error>(())
//! ```

use crate::builtin;
use crate::config::{PipelineConfig, StageConfig};
use crate::pipeline::Pipeline;
use crate::plugin::PluginComponent;
use crate::runtime::{CachePolicy, Runtime};
use crate::source::{PipelineSource, PluginSpec};
use anyhow::{Context as _, Result};
use cxr_model::Hook;
use std::path::Path;

/// How to load pipelines. Cheap to clone; load as many pipelines with one
/// loader as you like.
#[derive(Clone, Default)]
pub struct PipelineLoader {
    runtime: Option<Runtime>,
    cache: CachePolicy,
    plugins: Vec<PluginSpec>,
}

impl PipelineLoader {
    /// Loads on the process runtime ([`Runtime::shared`]) with the default
    /// compile cache ([`CachePolicy::Default`]), no plugin swapped in.
    pub fn new() -> Self {
        PipelineLoader::default()
    }

    /// Loads on `runtime` instead of the process runtime.
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Keeps compiled components as `cache` says.
    pub fn cache(mut self, cache: CachePolicy) -> Self {
        self.cache = cache;
        self
    }

    /// Swaps `plugin` into every pipeline loaded: it replaces the sentiment
    /// and priority stages for the hooks it implements, replaces the
    /// classifiers if it classifies (several such plugins run in the order
    /// given), and goes first in the router chain if it routes (the last
    /// given first).
    pub fn plugin(mut self, plugin: PluginSpec) -> Self {
        self.plugins.push(plugin);
        self
    }

    /// [`PipelineLoader::plugin`] for each of `plugins`, in order.
    pub fn plugins(mut self, plugins: impl IntoIterator<Item = PluginSpec>) -> Self {
        self.plugins.extend(plugins);
        self
    }

    /// The cache policy.
    pub fn cache_policy(&self) -> &CachePolicy {
        &self.cache
    }

    /// The runtime pipelines are loaded on.
    pub fn runtime_in_use(&self) -> Result<Runtime> {
        match &self.runtime {
            Some(r) => Ok(r.clone()),
            None => Runtime::shared(),
        }
    }

    /// Loads whatever `source` names.
    pub fn source(&self, source: &PipelineSource) -> Result<Pipeline> {
        match source {
            PipelineSource::Reference => self.reference(),
            PipelineSource::File(path) => self.file(path),
            PipelineSource::Plugin(plugin) => self
                .clone()
                .plugin(plugin.clone())
                .reference()
                .with_context(|| format!("with {plugin} swapped in")),
        }
    }

    /// The reference pipeline built into cxr.
    pub fn reference(&self) -> Result<Pipeline> {
        let config = PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE).context("in the built-in reference pipeline")?;
        self.config(&config, Path::new(".")).context("loading the reference pipeline")
    }

    /// A pipeline file; plugin paths in it are relative to its folder.
    pub fn file(&self, path: &Path) -> Result<Pipeline> {
        let (config, base) = read_pipeline_file(path)?;
        self.config(&config, &base).with_context(|| format!("loading pipeline {}", path.display()))
    }

    /// A pipeline file's text; plugin paths in it are relative to `base`.
    pub fn toml(&self, text: &str, base: &Path) -> Result<Pipeline> {
        self.config(&PipelineConfig::from_toml(text)?, base)
    }

    /// A parsed pipeline configuration; plugin paths in it are relative to `base`.
    pub fn config(&self, config: &PipelineConfig, base: &Path) -> Result<Pipeline> {
        let runtime = self.runtime_in_use()?;
        let cache = self.cache.dir();
        if self.plugins.is_empty() {
            return Pipeline::build(config, base, &runtime, cache.as_deref());
        }
        let (config, _held) = self.swap_in(config, &runtime, cache.as_deref())?;
        Pipeline::build(&config, base, &runtime, cache.as_deref())
    }

    /// `config` with the plugins swapped in, and the components loaded to
    /// learn their hooks (held, so that the pipeline finds them loaded).
    fn swap_in(&self, config: &PipelineConfig, runtime: &Runtime, cache: Option<&Path>) -> Result<(PipelineConfig, Vec<std::sync::Arc<PluginComponent>>)> {
        let mut config = config.clone();
        let engine = runtime.engine_for(config.instance_mode == crate::config::InstanceMode::Isolate)?;
        let limits = std::sync::Arc::new(config.limits.clone());
        let mut held = Vec::new();
        let mut classifiers_replaced = false;
        for spec in &self.plugins {
            let bytes = spec.read(limits.max_component_mb)?;
            let component = PluginComponent::load_on(runtime, &engine, &bytes, &spec.to_string(), &limits, cache)?;
            let stage = StageConfig::new(spec.to_stage_value()?);
            for hook in &component.meta().hooks {
                match hook {
                    Hook::Sentiment => config.sentiment = Some(stage.clone()),
                    Hook::Classify => {
                        if !classifiers_replaced {
                            config.classifiers.clear();
                            classifiers_replaced = true;
                        }
                        config.classifiers.push(stage.clone());
                    }
                    Hook::Priority => config.priority = Some(stage.clone()),
                    Hook::Routing => config.routers.insert(0, stage.clone()),
                }
            }
            held.push(component);
        }
        Ok((config, held))
    }
}

/// Reads and parses a pipeline file (a regular file under
/// [`crate::fs::MAX_PIPELINE_FILE_BYTES`]); returns it and its folder, which
/// plugin paths in it are relative to.
pub fn read_pipeline_file(path: &Path) -> Result<(PipelineConfig, std::path::PathBuf)> {
    let text = crate::fs::read_pipeline_text(path)?;
    let config = PipelineConfig::from_toml(&text).with_context(|| format!("in pipeline file {}", path.display()))?;
    Ok((config, path.parent().map(Path::to_path_buf).unwrap_or_default()))
}
