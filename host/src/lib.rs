//! # cxr-host — run cxr plugins safely and fast
//!
//! Load a pipeline (sentiment → classifiers → priority → routers → fallback) of wasm
//! component plugins and turn interactions into explained decisions:
//!
//! ```no_run
//! use cxr_host::{Pipeline, input::parse_interaction};
//! let pipeline = Pipeline::reference()?;
//! let ix = parse_interaction(r#"{"id":"T-1","body":"I was charged twice!"}"#).result?;
//! let decision = pipeline.decide(&ix, chrono::Utc::now());
//! println!("{}", serde_json::to_string(&decision)?);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Plugins run sandboxed (no files, network, environment, real clock or
//! varying randomness) under per-call limits on fuel, time, memory and output
//! size; a plugin that misbehaves yields the fallback decision with `error`
//! set, never a panic.

pub mod batch;
pub mod bindings;
pub mod builtin;
pub mod cache;
pub mod contract;
pub mod convert;
pub mod inspect;
mod gate;
pub mod guest_error;
pub mod pipeline;
pub mod plugin;
pub mod precheck;
pub mod privacy;
pub mod runtime;
pub mod sandbox;
mod snapshot;
pub mod versions;

pub use cxr_model::{config, input, language, model, text};

pub use config::{InstanceMode, Limits, PipelineConfig};
pub use model::{Decision, Interaction};
pub use pipeline::Pipeline;
pub use plugin::{Hook, PluginComponent, PluginMeta};
pub use versions::ContractVersion;
pub use runtime::Runtime;
