//! # cxr-guest — write cxr plugins in Rust
//!
//! A plugin is a type that implements [`Plugin`] (how to build it from its
//! configuration) and one or more hook traits ([`SentimentHook`],
//! [`ClassifyHook`], [`PriorityHook`], [`RoutingHook`]), plus one export
//! line naming the hooks it implements, in any combination and order:
//!
//! ```ignore
//! use cxr_guest::*;
//!
//! struct Shouty;
//! impl Plugin for Shouty {
//!     fn configure(_config: &str) -> Result<Self, PluginError> { Ok(Shouty) }
//! }
//! impl SentimentHook for Shouty {
//!     fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
//!         let angry = input.body.contains("!!");
//!         Ok(Sentiment::from_score(if angry { -0.8 } else { 0.0 }, 0.5))
//!     }
//! }
//! cxr_guest::export!(Shouty: sentiment);
//! ```
//!
//! Build with `cargo build --release --target wasm32-wasip2`; the `.wasm` in
//! `target/wasm32-wasip2/release/` is a component the `cxr` host loads. The
//! same code compiles natively, so plugin logic is tested with `cargo test`
//! by calling the trait methods directly.
//!
//! The kit targets contract `cxr:plugin@0.3.0` and carries that WIT in its
//! `wit/` folder, so it works as a crates.io, git or path dependency.
//! Components built with earlier kits keep running on newer hosts. Since
//! 0.3.0 the host analyses the text for plugins: see [`text`] (normalised
//! text, tokens, language, lexicons matched natively).

extern crate self as cxr_guest;

/// Bindings generated from the `cxr:plugin` WIT package.
#[allow(missing_docs, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "cxr:plugin-worlds/sentiment-classify-priority-routing@0.3.0",
        // The contract is a dependency of the worlds package: generate its interfaces too.
        generate_all,
        pub_export_macro: true,
        export_macro_name: "__cxr_world_export",
        default_bindings_module: "cxr_guest::bindings",
        runtime_path: "::cxr_guest::__private::wit_bindgen::rt",
        additional_derives: [PartialEq],
    });
}

pub use bindings::cxr::plugin::host::LogLevel;
pub use bindings::cxr::plugin::types::{
    Channel, Context, Cue, Customer, Direction, Discipline, Interaction, Message, PluginError,
    PluginInfo, Priority, Route, RoutingOutcome, Sentiment, SentimentLabel, Signal, Timestamp,
};

/// The WIT package version this crate implements (`0.3.0`).
pub const WIT_VERSION: &str = include!(concat!(env!("OUT_DIR"), "/wit_version.rs"));

/// A plugin: built once per instance from the pipeline's configuration.
///
/// `configure` receives the plugin's config table from the pipeline file as a
/// JSON document (`{}` when none is given). Parse it once here and keep what
/// the hooks need in `Self`.
pub trait Plugin: Sized + 'static {
    /// One line saying what the plugin does (shown by `cxr inspect`).
    const DESCRIPTION: &'static str = "";

    /// Builds the plugin from its configuration.
    fn configure(config: &str) -> Result<Self, PluginError>;
}

/// The sentiment hook: how does the customer feel?
pub trait SentimentHook: Plugin {
    /// Scores the interaction; `score` in [-1, 1], `confidence` in [0, 1].
    fn score(&self, input: &Interaction, ctx: &Context) -> Result<Sentiment, PluginError>;
}

/// The classify hook (contract 0.2.0): what is the interaction about?
///
/// Runs after sentiment and before priority. Return signals such as
/// `Signal::new("intent", "billing", 0.82).with_cue("charged twice")`;
/// priority and routing plugins see them in [`Context::signals`], and the
/// decision carries them with the name of the plugin that emitted them.
pub trait ClassifyHook: Plugin {
    /// Classifies the interaction; each confidence in [0, 1].
    fn classify(
        &self,
        input: &Interaction,
        ctx: &Context,
        sentiment: &Sentiment,
    ) -> Result<Vec<Signal>, PluginError>;
}

/// The priority hook: how urgent is it? Sees the sentiment, and the
/// classifiers' signals in `ctx.signals`.
pub trait PriorityHook: Plugin {
    /// Computes the priority; `level` 1 (most urgent) to 4, `score` 0 to 100.
    fn prioritize(
        &self,
        input: &Interaction,
        ctx: &Context,
        sentiment: &Sentiment,
    ) -> Result<Priority, PluginError>;
}

/// The routing hook: where does it go? Sees sentiment, priority and the
/// classifiers' signals (`ctx.signals`). Return [`RoutingOutcome::Pass`] to
/// let the next router in the chain (then the pipeline's fallback) decide.
pub trait RoutingHook: Plugin {
    /// Decides the route, or passes.
    fn route(
        &self,
        input: &Interaction,
        ctx: &Context,
        sentiment: &Sentiment,
        priority: &Priority,
    ) -> Result<RoutingOutcome, PluginError>;
}

mod helpers;
pub use helpers::*;

pub mod fixed;
pub mod log;
pub mod text;

include!(concat!(env!("OUT_DIR"), "/export_macro.rs"));

/// Implementation details of [`export!`]; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use super::{Plugin, PluginError};
    use std::any::Any;
    use std::cell::RefCell;

    pub use wit_bindgen;

    thread_local! {
        static INSTANCE: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
    }

    /// Builds the plugin and keeps it for the hook calls of this instance.
    pub fn configure<T: Plugin>(config: &str) -> Result<(), PluginError> {
        let plugin = T::configure(config)?;
        INSTANCE.with_borrow_mut(|slot| *slot = Some(Box::new(plugin)));
        Ok(())
    }

    /// Runs a hook against the configured plugin.
    pub fn with<T: Plugin, R>(f: impl FnOnce(&T) -> Result<R, PluginError>) -> Result<R, PluginError> {
        INSTANCE.with_borrow(|slot| match slot.as_ref().and_then(|b| b.downcast_ref::<T>()) {
            Some(plugin) => f(plugin),
            None => Err(PluginError::Internal(
                "hook called before `configure`".to_string(),
            )),
        })
    }

    /// Builds the `lifecycle` and hook trait impls for the export glue.
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __impl_hook {
        (lifecycle, $ty:ty) => {
            impl __cxr_export::exports::cxr::plugin::lifecycle::Guest for __CxrExport {
                fn info() -> ::cxr_guest::PluginInfo {
                    ::cxr_guest::PluginInfo {
                        name: env!("CARGO_PKG_NAME").to_string(),
                        version: env!("CARGO_PKG_VERSION").to_string(),
                        description: <$ty as ::cxr_guest::Plugin>::DESCRIPTION.to_string(),
                    }
                }
                fn configure(config: String) -> Result<(), ::cxr_guest::PluginError> {
                    ::cxr_guest::__private::configure::<$ty>(&config)
                }
            }
        };
        (sentiment, $ty:ty) => {
            impl __cxr_export::exports::cxr::plugin::sentiment::Guest for __CxrExport {
                fn score(
                    input: ::cxr_guest::Interaction,
                    ctx: ::cxr_guest::Context,
                ) -> Result<::cxr_guest::Sentiment, ::cxr_guest::PluginError> {
                    ::cxr_guest::__private::with::<$ty, _>(|p| {
                        ::cxr_guest::SentimentHook::score(p, &input, &ctx)
                    })
                }
            }
        };
        (classify, $ty:ty) => {
            impl __cxr_export::exports::cxr::plugin::classify::Guest for __CxrExport {
                fn classify(
                    input: ::cxr_guest::Interaction,
                    ctx: ::cxr_guest::Context,
                    sentiment: ::cxr_guest::Sentiment,
                ) -> Result<::std::vec::Vec<::cxr_guest::Signal>, ::cxr_guest::PluginError> {
                    ::cxr_guest::__private::with::<$ty, _>(|p| {
                        ::cxr_guest::ClassifyHook::classify(p, &input, &ctx, &sentiment)
                    })
                }
            }
        };
        (priority, $ty:ty) => {
            impl __cxr_export::exports::cxr::plugin::priority::Guest for __CxrExport {
                fn prioritize(
                    input: ::cxr_guest::Interaction,
                    ctx: ::cxr_guest::Context,
                    sentiment: ::cxr_guest::Sentiment,
                ) -> Result<::cxr_guest::Priority, ::cxr_guest::PluginError> {
                    ::cxr_guest::__private::with::<$ty, _>(|p| {
                        ::cxr_guest::PriorityHook::prioritize(p, &input, &ctx, &sentiment)
                    })
                }
            }
        };
        (routing, $ty:ty) => {
            impl __cxr_export::exports::cxr::plugin::routing::Guest for __CxrExport {
                fn route(
                    input: ::cxr_guest::Interaction,
                    ctx: ::cxr_guest::Context,
                    sentiment: ::cxr_guest::Sentiment,
                    priority: ::cxr_guest::Priority,
                ) -> Result<::cxr_guest::RoutingOutcome, ::cxr_guest::PluginError> {
                    ::cxr_guest::__private::with::<$ty, _>(|p| {
                        ::cxr_guest::RoutingHook::route(p, &input, &ctx, &sentiment, &priority)
                    })
                }
            }
        };
    }
}
