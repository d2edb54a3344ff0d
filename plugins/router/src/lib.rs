//! # cxr-router — a declarative, explainable rules router
//!
//! Routes each interaction with the first matching rule: the operator's
//! rules from the configuration first, then (unless `use_default_rules` is
//! false) the built-in rules of `default-rules.json`, which separate customer
//! service, care and experience work and end with a catch-all. Every route
//! carries the rule's name and one reason per condition that matched.
//!
//! Configuration is parsed and every keyword and regex compiled once, in
//! `configure`; a route call scans the text for keywords once, decides the
//! language (given, detected with whatlang, or the default) at most once, and
//! allocates reasons only for the rule that wins. See README.md for the
//! configuration format.

mod compile;
mod config;
mod explain;
mod keywords;
mod language;
mod rules;
mod stopwords;

use compile::Compiler;
use config::ConfigSpec;
use cxr_guest::{
    Context, Interaction, Plugin, PluginError, Priority, RoutingHook, RoutingOutcome, Sentiment,
};
use keywords::KeywordIndex;
use language::Languages;
use rules::{Facts, Rule};

/// The built-in rules, evaluated after the operator's.
const DEFAULT_RULES: &str = include_str!("../default-rules.json");

/// The reason given when no rule matches.
pub const NO_MATCH: &str = "no rule matched";

/// Bytes of the body and of the subject that keywords and regexes search
/// (and, with [`language`]'s own smaller cap, language detection reads): a
/// call's cost stays bounded whatever the message (a 1 MiB body costs what
/// its first 32 KiB cost).
pub const MAX_BODY_BYTES: usize = 32 << 10;
pub const MAX_SUBJECT_BYTES: usize = 1 << 10;

/// The subject and body as rules read them: their first
/// [`MAX_SUBJECT_BYTES`] and [`MAX_BODY_BYTES`].
pub(crate) fn searched(input: &Interaction) -> (Option<&str>, &str) {
    let subject = input.subject.as_deref().map(|s| &s[..s.floor_char_boundary(MAX_SUBJECT_BYTES)]);
    (subject, &input.body[..input.body.floor_char_boundary(MAX_BODY_BYTES)])
}

/// The rules router: compiled rules, their shared keyword index and the
/// language settings.
#[derive(Debug)]
pub struct RouterPlugin {
    rules: Vec<Rule>,
    keywords: KeywordIndex,
    languages: Languages,
    language_skill: bool,
}

/// A compiled rule as shown to an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSummary<'a> {
    /// The rule's name.
    pub name: &'a str,
    /// Its description, if it has one.
    pub description: Option<&'a str>,
    /// Whether it is a built-in default rule.
    pub builtin: bool,
    /// Its conditions in words ("anything" for a catch-all).
    pub conditions: String,
    /// The queue it routes to.
    pub queue: &'a str,
}

impl RouterPlugin {
    /// The rules in evaluation order.
    pub fn rules(&self) -> impl Iterator<Item = RuleSummary<'_>> {
        self.rules.iter().map(|r| RuleSummary {
            name: &r.name,
            description: r.description.as_deref(),
            builtin: r.builtin,
            conditions: r.when.describe(),
            queue: &r.then.queue,
        })
    }
}

impl Plugin for RouterPlugin {
    const DESCRIPTION: &'static str = "declarative first-match rules router (keywords, regex, channel, language, tier, sentiment, priority, customer) with reasons";

    fn configure(config: &str) -> Result<Self, PluginError> {
        let config = if config.trim().is_empty() {
            "{}"
        } else {
            config
        };
        let spec: ConfigSpec = serde_json::from_str(config)
            .map_err(|e| PluginError::config(format!("router config: {e}")))?;
        let languages = Languages::new(
            &spec.default_language,
            spec.detect_language,
            spec.language_allowlist.as_deref(),
        )
        .map_err(PluginError::config)?;

        let mut compiler = Compiler::default();
        compiler
            .add_rules(spec.rules, "rules", false)
            .map_err(PluginError::config)?;
        if spec.use_default_rules {
            let defaults: Vec<serde_json::Value> = serde_json::from_str(DEFAULT_RULES)
                .map_err(|e| PluginError::Internal(format!("default-rules.json: {e}")))?;
            compiler
                .add_rules(defaults, "default-rules.json", true)
                .map_err(PluginError::config)?;
        }
        let mut keywords = compiler.keywords;
        keywords.register_with_host();
        Ok(RouterPlugin {
            rules: compiler.rules,
            keywords,
            languages,
            language_skill: spec.language_skill,
        })
    }
}

impl RoutingHook for RouterPlugin {
    fn route(
        &self,
        input: &Interaction,
        ctx: &Context,
        sentiment: &Sentiment,
        priority: &Priority,
    ) -> Result<RoutingOutcome, PluginError> {
        let (subject, body) = searched(input);
        let hits = self.keywords.scan(subject, body);
        let facts = Facts::new(
            input,
            sentiment,
            priority,
            &ctx.signals,
            &hits,
            &self.languages,
        );
        Ok(
            match self.rules.iter().find(|r| r.when.check(&facts, None)) {
                Some(rule) => RoutingOutcome::Route(rule.route(&facts, self.language_skill)),
                None => RoutingOutcome::Pass(NO_MATCH.to_string()),
            },
        )
    }
}

cxr_guest::export!(RouterPlugin: routing);
