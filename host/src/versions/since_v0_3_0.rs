//! `cxr:plugin@0.3.0`, the current version: 0.2.0's types and hooks, plus
//! the host's `text` interface (normalised text, tokens, language and
//! lexicons, analysed natively once per interaction; see
//! [`crate::analysis`]). Its types are 0.2.0's, field for field, so the
//! bindings share the host's working types ([`wit`]) and nothing is
//! converted.

use super::wit;
use crate::analysis::{self, TextMisuse};
use crate::sandbox::{LogLevel, PluginState};
use bindings::cxr::plugin::{host, text};
use bindings::exports::cxr::plugin::{classify, lifecycle, priority, routing, sentiment};
use cxr_model::Hook;
use wasmtime::component::{HasSelf, Instance, InstancePre, Linker};
use wasmtime::{Result, Store};

/// The bindings of `cxr:plugin@0.3.0`, from its frozen WIT (`wit/v0.3.0`).
mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/v0.3.0",
        world: "full-plugin",
        // The same records and variants as 0.2.0's: one set of Rust types.
        with: {
            "cxr:plugin/types@0.3.0": crate::versions::since_v0_2_0::bindings::cxr::plugin::types,
        },
    });
}

/// Links `cxr:plugin/host@0.3.0` and `cxr:plugin/text@0.3.0`.
pub(super) fn link(linker: &mut Linker<PluginState>) -> Result<()> {
    host::add_to_linker::<PluginState, HasSelf<PluginState>>(linker, |s| s)?;
    text::add_to_linker::<PluginState, HasSelf<PluginState>>(linker, |s| s)
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

fn field(f: text::Field) -> cxr_text::Field {
    match f {
        text::Field::Subject => cxr_text::Field::Subject,
        text::Field::Body => cxr_text::Field::Body,
    }
}

fn misuse(e: TextMisuse) -> text::TextError {
    match e {
        TextMisuse::NotConfiguring => text::TextError::NotConfiguring,
        TextMisuse::UnknownLexicon(h) => text::TextError::UnknownLexicon(h),
        TextMisuse::InvalidLexicon(m) => text::TextError::InvalidLexicon(m),
    }
}

/// Matches as the contract gives them: phrase, start, end, flat.
fn matches(found: &[cxr_text::Match]) -> Vec<u32> {
    let mut out = Vec::with_capacity(found.len() * 3);
    for m in found {
        out.extend_from_slice(&[m.phrase, m.start, m.end]);
    }
    out
}

impl text::Host for PluginState {
    fn normalized(&mut self, f: text::Field) -> String {
        self.text.analysis().normalized(field(f)).to_string()
    }

    fn tokens(&mut self, f: text::Field) -> Vec<text::Token> {
        self.text.analysis().tokens(field(f)).iter().map(|t| text::Token { start: t.start, end: t.end }).collect()
    }

    fn language(&mut self) -> Option<text::DetectedLanguage> {
        self.text
            .analysis()
            .language()
            .map(|l| text::DetectedLanguage { code: l.code.to_string(), confidence: l.confidence, reliable: l.reliable })
    }

    fn normalize(&mut self, t: String) -> String {
        analysis::normalize(&t)
    }

    fn register_lexicon(&mut self, phrases: Vec<String>) -> std::result::Result<text::Lexicon, text::TextError> {
        self.text.register(phrases).map_err(misuse)
    }

    fn find(&mut self, lexicon: text::Lexicon, f: text::Field) -> std::result::Result<Vec<u32>, text::TextError> {
        self.text.find(lexicon, field(f)).map(|m| matches(&m)).map_err(misuse)
    }

    fn find_in(&mut self, lexicon: text::Lexicon, t: String) -> std::result::Result<Vec<u32>, text::TextError> {
        self.text.find_in(lexicon, &t).map(|m| matches(&m)).map_err(misuse)
    }
}

version_exports!("0.3.0"; sentiment => Sentiment, classify => Classify, priority => Priority, routing => Routing);

use super::Returned;

/// Runs a hook with the running interaction's analysis in reach of `text`.
fn with_text<R>(store: &mut Store<PluginState>, input: &wit::Interaction, call: impl FnOnce(&mut Store<PluginState>) -> R) -> R {
    store.data_mut().text.current = Some(cxr_text::Analysis::last_or_new(input.subject.as_deref(), &input.body));
    let r = call(&mut *store);
    store.data_mut().text.current = None;
    r
}

impl Guests {
    pub(super) fn info(&self, store: &mut Store<PluginState>) -> Result<wit::PluginInfo> {
        self.lifecycle.call_info(store)
    }

    /// `configure` is the only call in which lexicons may be registered.
    pub(super) fn configure(&self, store: &mut Store<PluginState>, config: &str) -> Result<std::result::Result<(), wit::PluginError>> {
        store.data_mut().text.configuring = true;
        let r = self.lifecycle.call_configure(&mut *store, config);
        store.data_mut().text.configuring = false;
        r
    }

    /// Each hook call is `None` when the component does not export the hook.
    pub(super) fn score(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context) -> Returned<wit::Sentiment> {
        let g = self.sentiment.as_ref()?;
        Some(with_text(store, input, |s| g.call_score(s, input, ctx)))
    }

    pub(super) fn classify(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> Returned<Vec<wit::Signal>> {
        let g = self.classify.as_ref()?;
        Some(with_text(store, input, |st| g.call_classify(st, input, ctx, s)))
    }

    pub(super) fn prioritize(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> Returned<wit::Priority> {
        let g = self.priority.as_ref()?;
        Some(with_text(store, input, |st| g.call_prioritize(st, input, ctx, s)))
    }

    pub(super) fn route(
        &self,
        store: &mut Store<PluginState>,
        input: &wit::Interaction,
        ctx: &wit::Context,
        s: &wit::Sentiment,
        p: &wit::Priority,
    ) -> Returned<wit::RoutingOutcome> {
        let g = self.routing.as_ref()?;
        Some(with_text(store, input, |st| g.call_route(st, input, ctx, s, p)))
    }
}
