//! `cxr:plugin@0.1.0`: sentiment, priority and routing, no signals. Inputs
//! are converted from the host's (current) types into 0.1.0's, results
//! back; a 0.1.0 plugin never sees what later versions added.

use super::wit;
use crate::sandbox::{LogLevel, PluginState};
use bindings::cxr::plugin::host;
use bindings::cxr::plugin::types as old;
use bindings::exports::cxr::plugin::{lifecycle, priority, routing, sentiment};
use cxr_model::Hook;
use wasmtime::component::{HasSelf, Instance, InstancePre, Linker};
use wasmtime::{Result, Store};

/// The bindings of `cxr:plugin@0.1.0`, from its frozen WIT (`wit/v0.1.0`).
mod bindings {
    wasmtime::component::bindgen!({
        path: "wit/v0.1.0",
        world: "full-plugin",
    });
}

/// Links `cxr:plugin/host@0.1.0`.
pub(super) fn link(linker: &mut Linker<PluginState>) -> Result<()> {
    host::add_to_linker::<PluginState, HasSelf<PluginState>>(linker, |s| s)
}

/// Plugins of contract 0.1.0 import `cxr:plugin/host@0.1.0`: the same log.
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

version_exports!("0.1.0"; sentiment => Sentiment, priority => Priority, routing => Routing);

use super::Returned;

/// Converts a call's result from 0.1.0's types into the host's.
fn back<T, U>(r: Result<std::result::Result<T, old::PluginError>>, f: impl FnOnce(T) -> U) -> Result<std::result::Result<U, wit::PluginError>> {
    r.map(|r| r.map(f).map_err(plugin_error))
}

impl Guests {
    pub(super) fn info(&self, store: &mut Store<PluginState>) -> Result<wit::PluginInfo> {
        let i = self.lifecycle.call_info(store)?;
        Ok(wit::PluginInfo {
            name: i.name,
            version: i.version,
            description: i.description,
        })
    }

    pub(super) fn configure(&self, store: &mut Store<PluginState>, config: &str) -> Result<std::result::Result<(), wit::PluginError>> {
        back(self.lifecycle.call_configure(store, config), |()| ())
    }

    /// Each hook call is `None` when the component does not export the hook.
    pub(super) fn score(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context) -> Returned<wit::Sentiment> {
        let g = self.sentiment.as_ref()?;
        Some(back(g.call_score(store, &interaction(input), &context(ctx)), sentiment_back))
    }

    pub(super) fn prioritize(&self, store: &mut Store<PluginState>, input: &wit::Interaction, ctx: &wit::Context, s: &wit::Sentiment) -> Returned<wit::Priority> {
        let g = self.priority.as_ref()?;
        Some(back(g.call_prioritize(store, &interaction(input), &context(ctx), &sentiment(s)), priority_back))
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
        Some(back(
            g.call_route(store, &interaction(input), &context(ctx), &sentiment(s), &priority(p)),
            outcome_back,
        ))
    }
}

// --- host → 0.1.0 ---

fn channel(c: wit::Channel) -> old::Channel {
    match c {
        wit::Channel::Email => old::Channel::Email,
        wit::Channel::Chat => old::Channel::Chat,
        wit::Channel::Phone => old::Channel::Phone,
        wit::Channel::Social => old::Channel::Social,
        wit::Channel::Sms => old::Channel::Sms,
        wit::Channel::WebForm => old::Channel::WebForm,
        wit::Channel::InApp => old::Channel::InApp,
        wit::Channel::Review => old::Channel::Review,
        wit::Channel::Survey => old::Channel::Survey,
    }
}

fn interaction(i: &wit::Interaction) -> old::Interaction {
    let c = &i.customer;
    old::Interaction {
        id: i.id.clone(),
        channel: channel(i.channel),
        received_at: i.received_at,
        subject: i.subject.clone(),
        body: i.body.clone(),
        language: i.language.clone(),
        customer: old::Customer {
            id: c.id.clone(),
            tier: c.tier.clone(),
            lifetime_value: c.lifetime_value,
            tenure_days: c.tenure_days,
            contacts_last_30d: c.contacts_last_30d,
            open_interactions: c.open_interactions,
            last_csat: c.last_csat,
            last_nps: c.last_nps,
        },
        history: i
            .history
            .iter()
            .map(|m| old::Message {
                at: m.at,
                channel: m.channel.map(channel),
                direction: match m.direction {
                    wit::Direction::Inbound => old::Direction::Inbound,
                    wit::Direction::Outbound => old::Direction::Outbound,
                },
                body: m.body.clone(),
            })
            .collect(),
        attributes: i.attributes.clone(),
    }
}

/// 0.1.0's context has no signals.
fn context(c: &wit::Context) -> old::Context {
    old::Context {
        now: c.now,
        pipeline: c.pipeline.clone(),
    }
}

fn sentiment(s: &wit::Sentiment) -> old::Sentiment {
    old::Sentiment {
        score: s.score,
        label: match s.label {
            wit::SentimentLabel::Negative => old::SentimentLabel::Negative,
            wit::SentimentLabel::Neutral => old::SentimentLabel::Neutral,
            wit::SentimentLabel::Positive => old::SentimentLabel::Positive,
        },
        confidence: s.confidence,
        cues: s.cues.iter().map(|c| old::Cue { text: c.text.clone(), weight: c.weight }).collect(),
    }
}

fn priority(p: &wit::Priority) -> old::Priority {
    old::Priority {
        level: p.level,
        score: p.score,
        first_response_due: p.first_response_due,
        reasons: p.reasons.clone(),
    }
}

// --- 0.1.0 → host ---

fn plugin_error(e: old::PluginError) -> wit::PluginError {
    match e {
        old::PluginError::InvalidConfig(m) => wit::PluginError::InvalidConfig(m),
        old::PluginError::InvalidInput(m) => wit::PluginError::InvalidInput(m),
        old::PluginError::Internal(m) => wit::PluginError::Internal(m),
    }
}

fn sentiment_back(s: old::Sentiment) -> wit::Sentiment {
    wit::Sentiment {
        score: s.score,
        label: match s.label {
            old::SentimentLabel::Negative => wit::SentimentLabel::Negative,
            old::SentimentLabel::Neutral => wit::SentimentLabel::Neutral,
            old::SentimentLabel::Positive => wit::SentimentLabel::Positive,
        },
        confidence: s.confidence,
        cues: s.cues.into_iter().map(|c| wit::Cue { text: c.text, weight: c.weight }).collect(),
    }
}

fn priority_back(p: old::Priority) -> wit::Priority {
    wit::Priority {
        level: p.level,
        score: p.score,
        first_response_due: p.first_response_due,
        reasons: p.reasons,
    }
}

fn outcome_back(o: old::RoutingOutcome) -> wit::RoutingOutcome {
    match o {
        old::RoutingOutcome::Pass(why) => wit::RoutingOutcome::Pass(why),
        old::RoutingOutcome::Route(r) => wit::RoutingOutcome::Route(wit::Route {
            queue: r.queue,
            skills: r.skills,
            language: r.language,
            discipline: match r.discipline {
                old::Discipline::Service => wit::Discipline::Service,
                old::Discipline::Care => wit::Discipline::Care,
                old::Discipline::Experience => wit::Discipline::Experience,
            },
            actions: r.actions,
            tags: r.tags,
            rule: r.rule,
            reasons: r.reasons,
        }),
    }
}
