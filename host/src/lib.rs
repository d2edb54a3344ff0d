//! # cxr-host — run cxr plugins safely and fast
//!
//! Load a pipeline (sentiment → classifiers → priority → routers → fallback)
//! of wasm component plugins and turn interactions into explained decisions:
//!
//! ```no_run
//! use cxr_host::{PipelineLoader, input::parse_interaction};
//! let pipeline = PipelineLoader::new().reference()?;      // or .file(path), .source(&spec)
//! let ix = parse_interaction(r#"{"id":"T-1","body":"I was charged twice!"}"#).result?;
//! let decision = pipeline.decide(&ix, chrono::Utc::now());
//! println!("{}", serde_json::to_string(&decision)?);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Plugins run sandboxed (no files, network, environment, real clock or
//! varying randomness) under per-call limits on fuel, time, memory and output
//! size; a plugin that misbehaves yields the fallback decision with `error`
//! and `error_kind` set, never a panic.
//!
//! What this crate offers:
//!
//! | item | for |
//! |---|---|
//! | [`Pipeline`] | deciding: `decide`, its plugins, per-stage counters |
//! | [`PipelineLoader`] | loading pipelines: reference, file, TOML text, plugin overrides, cache policy, runtime |
//! | [`source`] | the one parser of plugin and pipeline names (`builtin:NAME`, `builtin`, paths) |
//! | [`io`] | the decision I/O layer: JSON Lines reader, ordered parallel map, batches and streams, error records |
//! | [`policy`] | the input policy of every front end: size cap, blank input, repeated ids, `now`, request ids |
//! | [`privacy`] | the `[privacy]` masker (what a pipeline masks before plugins see a text; `cxr eval --privacy`) |
//! | [`runtime`] | the process's wasmtime runtime, its settings and the compile cache |
//! | [`cache`] | the compile cache on disk: its entries, size cap and pruning (`cxr cache`) |
//! | [`inspect`] | describing a component (`cxr inspect`) |
//! | [`versions`] | the contract versions this host runs |
//! | [`builtin`] | the reference plugins and pipeline compiled into the build |
//! | `model`, `input`, `config`, `text`, `fields`, `language` | re-exported from `cxr-model` |
//!
//! wasmtime's generated bindings, the raw hook calls and every piece of
//! per-version code stay inside (`versions/`).

mod analysis;
mod contract;
mod convert;
mod deadline;
mod gate;
mod guest_error;
mod health;
mod loader;
mod pipeline;
mod plugin;
mod precheck;
mod sandbox;
mod snapshot;

pub mod builtin;
pub mod cache;
pub mod fs;
pub mod inspect;
pub mod io;
pub mod policy;
pub mod privacy;
pub mod runtime;
pub mod source;
pub mod versions;

#[doc(hidden)]
pub mod bench_support;

pub use cxr_model::{config, fields, input, language, model, text};
pub use cxr_model::{DecisionField, ErrorKind, Hook, TraceOutcome};

pub use config::{InstanceMode, Limits, PipelineConfig};
pub use loader::{PipelineLoader, read_pipeline_file};
pub use model::{Decision, Interaction};
pub use pipeline::{LANGUAGE_DROPPED, Pipeline, StageStats};
pub use plugin::{PluginComponent, PluginMeta, WIT_VERSION};
pub use runtime::{CachePolicy, Runtime, RuntimeSettings};
pub use source::{PipelineSource, PluginSpec};
pub use versions::ContractVersion;
