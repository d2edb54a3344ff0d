//! `cxr:plugin@0.2.0`: its values are the host's own working types
//! ([`wit`], which 0.3.0 shares), so nothing is converted.

use crate::sandbox::{LogLevel, PluginState};
use bindings::cxr::plugin::host;
use bindings::exports::cxr::plugin::{classify, lifecycle, priority, routing, sentiment};
use cxr_model::Hook;
use wasmtime::component::{HasSelf, Instance, InstancePre, Linker};
use wasmtime::{Result, Store};

/// The bindings of `cxr:plugin@0.2.0`, from its frozen WIT (`wit/v0.2.0`).
pub(super) mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/v0.2.0",
        world: "full-plugin",
    });
}

/// The types of this version: the host's working types (0.3.0's bindings use them too).
pub(crate) use bindings::cxr::plugin::types as wit;

/// Links `cxr:plugin/host@0.2.0`.
pub(super) fn link(linker: &mut Linker<PluginState>) -> Result<()> {
    host::add_to_linker::<PluginState, HasSelf<PluginState>>(linker, |s| s)
}

impl host::Host for PluginState {
    fn log(&mut self, level: host::LogLevel, message: String) {
        let level = match level {
            host::LogLevel::Trace => LogLevel::Trace,
            host::LogLevel::Debug => LogLevel::Debug,
            host::LogLevel::Info => LogLevel::Info,
            host::LogLevel::Warn => LogLevel::Warn,
            host::LogLevel::Error => LogLevel::Error,
        };
        self.log(level, &message);
    }
}

version_exports!("0.2.0"; sentiment => Sentiment, classify => Classify, priority => Priority, routing => Routing);

use super::Returned;

impl Guests {
    pub(super) fn info(&self, store: &mut Store<PluginState>) -> Result<wit::PluginInfo> {
        self.lifecycle.call_info(store)
    }

    pub(super) fn configure(&self, store: &mut Store<PluginState>, config: &str) -> Result<std::result::Result<(), wit::PluginError>> {
        self.lifecycle.call_configure(store, config)
    }

    /// Each hook call is `None` when the component does not export the hook.
    pub(super) fn score(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context) -> Returned<wit::Sentiment> {
        self.sentiment.as_ref().map(|g| g.call_score(store, input, ctx))
    }

    pub(super) fn classify(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> Returned<Vec<wit::Signal>> {
        self.classify.as_ref().map(|g| g.call_classify(store, input, ctx, s))
    }

    pub(super) fn prioritize(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> Returned<wit::Priority> {
        self.priority.as_ref().map(|g| g.call_prioritize(store, input, ctx, s))
    }

    pub(super) fn route(
        &self,
        store: &mut Store<PluginState>,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
        p: &wit::Priority,
    ) -> Returned<wit::RoutingOutcome> {
        self.routing.as_ref().map(|g| g.call_route(store, input, ctx, s, p))
    }
}
