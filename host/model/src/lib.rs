//! # cxr-model — the cxr data model, without the runtime
//!
//! Interactions (input) and decisions (output) as the JSON contracts define
//! them, reading interactions with errors that name the field, the pipeline
//! file, the hooks and how their calls end ([`hook`]: [`Hook`],
//! [`TraceOutcome`], [`ErrorKind`]), the one vocabulary of decision fields
//! ([`fields`]), and [`text`]: neutralising untrusted text for terminals,
//! logs, HTML and JSON. No wasmtime here: services, tools and fuzzers use
//! this crate alone; `cxr-host` re-exports it.

pub mod config;
pub mod fields;
pub mod hook;
pub mod input;
pub mod language;
pub mod model;
pub mod text;

pub use fields::DecisionField;
pub use hook::{ErrorKind, Hook, TraceOutcome};
