//! # cxr-priority — explainable prioritization for cxr
//!
//! Scores how urgent an interaction is from 0 to 100 by adding up simple,
//! named factors: the channel, the sentiment computed earlier, urgency and
//! churn (from the classifiers' signals where the pipeline has a classifier,
//! else from keywords in six languages), repeat contact, open issues, last CSAT / NPS, the
//! customer's tier, lifetime value and tenure, and the time already waited
//! against the SLA. The score maps to a level (1 most urgent .. 4) through
//! configurable thresholds, and every factor that moved the score leaves a
//! human-readable reason, strongest first.
//!
//! The first-response due time is `received_at` (or `ctx.now`) plus the
//! channel SLA times the tier factor, halved again for level 1. SLA
//! policies can count it in the business hours of a calendar (weekly hours
//! in an IANA time zone, overnight windows, holidays, exceptions) instead of
//! calendar hours; the time-zone rules are bundled ([`calendar::tzdb_version`]).
//!
//! Configuration is described in the crate's README; it is parsed once in
//! [`Plugin::configure`].

use cxr_guest::{Context, Interaction, Plugin, PluginError, Priority, PriorityHook, Sentiment};

pub mod business_time;
pub mod calendar;
pub mod config;
pub mod cues;
pub mod keywords;
pub mod scoring;
pub mod signals;
pub mod sla;
pub mod urgency;

pub use config::Config;

/// The priority plugin: a validated [`Config`] applied by [`scoring::prioritize`].
#[derive(Debug, Clone)]
pub struct PriorityPlugin {
    config: Config,
}

impl PriorityPlugin {
    /// The configuration this instance was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

impl Plugin for PriorityPlugin {
    const DESCRIPTION: &'static str = "explainable priority from channel, sentiment, classifier signals \
        and keywords (en, de, es, fr, it, pt), repeat contact, customer value and time waited against the SLA, \
        in calendar or business hours (time zones: bundled IANA tzdb 2026f)";

    fn configure(config: &str) -> Result<Self, PluginError> {
        Ok(PriorityPlugin {
            config: Config::parse(config)?,
        })
    }
}

impl PriorityHook for PriorityPlugin {
    fn prioritize(
        &self,
        input: &Interaction,
        ctx: &Context,
        sentiment: &Sentiment,
    ) -> Result<Priority, PluginError> {
        Ok(scoring::prioritize(&self.config, input, ctx, sentiment))
    }
}

cxr_guest::export!(PriorityPlugin: priority);
