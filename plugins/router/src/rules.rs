//! Compiled rules and their evaluation.
//!
//! A [`Condition`] is checked twice at most: once without collecting reasons
//! for every rule in order (no allocation), and once more with reasons for
//! the rule that won.

use crate::explain;
use crate::keywords::{IN_BODY, IN_SUBJECT, KeywordHits, KeywordId};
use crate::language::{Effective, Languages};
use cxr_guest::{
    Channel, Customer, Discipline, Interaction, Priority, Route, Sentiment, SentimentLabel, Signal,
};
use regex::Regex;
use std::cell::OnceCell;
use std::fmt::Write as _;

/// Everything a condition looks at for one interaction.
pub struct Facts<'a> {
    /// The interaction being routed.
    pub input: &'a Interaction,
    /// The sentiment hook's result.
    pub sentiment: &'a Sentiment,
    /// The priority hook's result.
    pub priority: &'a Priority,
    /// The classifiers' signals (contract 0.2.0).
    pub signals: &'a [Signal],
    /// Where each keyword occurs.
    pub hits: &'a KeywordHits,
    languages: &'a Languages,
    language: OnceCell<Effective>,
}

impl<'a> Facts<'a> {
    /// Gathers the facts; the language is decided on first use.
    pub fn new(
        input: &'a Interaction,
        sentiment: &'a Sentiment,
        priority: &'a Priority,
        signals: &'a [Signal],
        hits: &'a KeywordHits,
        languages: &'a Languages,
    ) -> Self {
        Facts {
            input,
            sentiment,
            priority,
            signals,
            hits,
            languages,
            language: OnceCell::new(),
        }
    }

    /// The effective language (given, detected or default).
    pub fn language(&self) -> &Effective {
        self.language
            .get_or_init(|| self.languages.effective(self.input))
    }
}

/// A keyword as the operator wrote it, with its id in the keyword index.
#[derive(Debug)]
pub struct Keyword {
    /// Id in the [`crate::keywords::KeywordIndex`].
    pub id: KeywordId,
    /// The keyword as written, for reasons.
    pub text: String,
}

/// Conditions on the sentiment result.
#[derive(Debug, Default)]
pub struct SentimentTest {
    /// Accepted labels (empty = any).
    pub labels: Vec<SentimentLabel>,
    /// Score upper bound.
    pub at_most: Option<f64>,
    /// Score lower bound.
    pub at_least: Option<f64>,
    /// Confidence lower bound.
    pub confidence_at_least: Option<f64>,
}

impl SentimentTest {
    /// Whether the sentiment passes every bound.
    pub fn holds(&self, s: &Sentiment) -> bool {
        (self.labels.is_empty() || self.labels.contains(&s.label))
            && self.at_most.is_none_or(|n| s.score <= n)
            && self.at_least.is_none_or(|n| s.score >= n)
            && self.confidence_at_least.is_none_or(|n| s.confidence >= n)
    }
}

/// A condition on the signals: one named `name`, with an accepted value
/// (any when empty) and at least `min_confidence`.
#[derive(Debug)]
pub struct SignalTest {
    /// Signal name.
    pub name: String,
    /// Accepted values (empty = any).
    pub values: Vec<String>,
    /// Confidence lower bound.
    pub min_confidence: f64,
}

impl SignalTest {
    /// The most confident signal that passes, if any.
    pub fn find<'s>(&self, signals: &'s [Signal]) -> Option<&'s Signal> {
        signals
            .iter()
            .filter(|s| {
                s.name == self.name
                    && s.confidence >= self.min_confidence
                    && (self.values.is_empty() || self.values.iter().any(|v| eq_fold(v, &s.value)))
            })
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
    }
}

/// Conditions on the priority result.
#[derive(Debug, Default)]
pub struct PriorityTest {
    /// Level upper bound (1 = most urgent).
    pub level_at_most: Option<u8>,
    /// Level lower bound.
    pub level_at_least: Option<u8>,
    /// Score lower bound.
    pub score_at_least: Option<u32>,
    /// Score upper bound.
    pub score_at_most: Option<u32>,
}

impl PriorityTest {
    /// Whether the priority passes every bound.
    pub fn holds(&self, p: &Priority) -> bool {
        self.level_at_most.is_none_or(|n| p.level <= n)
            && self.level_at_least.is_none_or(|n| p.level >= n)
            && self.score_at_least.is_none_or(|n| p.score >= n)
            && self.score_at_most.is_none_or(|n| p.score <= n)
    }
}

/// One test on the customer record; a missing field fails it.
#[derive(Debug, Clone, Copy)]
pub enum CustomerTest {
    /// `contacts_last_30d >= n`.
    ContactsAtLeast(u32),
    /// `lifetime_value >= x`.
    LifetimeValueAtLeast(f64),
    /// `tenure_days >= n`.
    TenureAtLeast(u32),
    /// `open_interactions >= n`.
    OpenAtLeast(u32),
    /// `last_csat <= n`.
    CsatAtMost(u8),
    /// `last_nps <= n`.
    NpsAtMost(u8),
}

impl CustomerTest {
    /// Whether the customer passes the test.
    pub fn holds(self, c: &Customer) -> bool {
        match self {
            CustomerTest::ContactsAtLeast(n) => c.contacts_last_30d.is_some_and(|v| v >= n),
            CustomerTest::LifetimeValueAtLeast(n) => c.lifetime_value.is_some_and(|v| v >= n),
            CustomerTest::TenureAtLeast(n) => c.tenure_days.is_some_and(|v| v >= n),
            CustomerTest::OpenAtLeast(n) => c.open_interactions.is_some_and(|v| v >= n),
            CustomerTest::CsatAtMost(n) => c.last_csat.is_some_and(|v| v <= n),
            CustomerTest::NpsAtMost(n) => c.last_nps.is_some_and(|v| v <= n),
        }
    }
}

/// A compiled `when`: every present part must hold.
#[derive(Debug, Default)]
pub struct Condition {
    /// Accepted channels.
    pub channels: Option<Vec<Channel>>,
    /// Accepted effective languages (normalised codes).
    pub languages: Option<Vec<String>>,
    /// Accepted tiers (compared case-insensitively).
    pub tiers: Option<Vec<String>>,
    /// Customer record tests.
    pub customer: Vec<CustomerTest>,
    /// Attribute key and accepted values (compared case-insensitively).
    pub attributes: Vec<(String, Vec<String>)>,
    /// Attribute keys that must be present and non-empty.
    pub attributes_present: Vec<String>,
    /// Priority tests.
    pub priority: Option<PriorityTest>,
    /// Sentiment tests.
    pub sentiment: Option<SentimentTest>,
    /// Signal tests; all must hold.
    pub signals: Vec<SignalTest>,
    /// At least one must occur.
    pub keywords: Vec<Keyword>,
    /// The ids of `keywords`, sorted (set by [`Condition::index_keywords`]).
    pub keyword_ids: Vec<KeywordId>,
    /// All must occur.
    pub all_keywords: Vec<Keyword>,
    /// Searched in subject, then body.
    pub regex: Option<Regex>,
    /// At least one must match (when non-empty).
    pub any: Vec<Condition>,
    /// Must not match.
    pub not: Option<Box<Condition>>,
}

/// Pushes a reason only when reasons are being collected; the message is
/// built lazily so that plain matching allocates nothing.
fn note(out: &mut Option<&mut Vec<String>>, reason: impl FnOnce() -> String) {
    if let Some(out) = out.as_deref_mut() {
        out.push(reason());
    }
}

/// Case-insensitive comparison without allocating (two ASCII strings, the
/// usual case, without decoding characters).
fn eq_fold(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

impl Condition {
    /// Sets [`Condition::keyword_ids`] from [`Condition::keywords`].
    pub fn index_keywords(&mut self) {
        self.keyword_ids = self.keywords.iter().map(|k| k.id).collect();
        self.keyword_ids.sort_unstable();
    }

    /// Whether the condition holds; when `out` is given, pushes one reason
    /// per matched part.
    pub fn check(&self, facts: &Facts<'_>, mut out: Option<&mut Vec<String>>) -> bool {
        let input = facts.input;
        if let Some(channels) = &self.channels {
            if !channels.contains(&input.channel) {
                return false;
            }
            note(&mut out, || format!("channel {}", input.channel.as_str()));
        }
        if let Some(tiers) = &self.tiers {
            let Some(tier) = input.customer.tier.as_deref().map(str::trim) else {
                return false;
            };
            if !tiers.iter().any(|t| eq_fold(t, tier)) {
                return false;
            }
            note(&mut out, || format!("tier {tier}"));
        }
        if let Some(languages) = &self.languages {
            let language = facts.language();
            if !languages.contains(&language.code) {
                return false;
            }
            note(&mut out, || language.to_string());
        }
        for test in &self.customer {
            if !test.holds(&input.customer) {
                return false;
            }
            note(&mut out, || test.reason(&input.customer));
        }
        for (key, values) in &self.attributes {
            match input.attribute(key) {
                Some(v) if values.iter().any(|want| eq_fold(want, v.trim())) => {
                    note(&mut out, || format!("attribute {key} = {v}"));
                }
                _ => return false,
            }
        }
        for key in &self.attributes_present {
            match input.attribute(key) {
                Some(v) if !v.trim().is_empty() => {
                    note(&mut out, || format!("attribute {key} present"));
                }
                _ => return false,
            }
        }
        if let Some(test) = &self.priority {
            if !test.holds(facts.priority) {
                return false;
            }
            note(&mut out, || test.reason(facts.priority));
        }
        if let Some(test) = &self.sentiment {
            if !test.holds(facts.sentiment) {
                return false;
            }
            note(&mut out, || test.reason(facts.sentiment));
        }
        for test in &self.signals {
            let Some(found) = test.find(facts.signals) else {
                return false;
            };
            note(&mut out, || explain::signal(found));
        }
        if !self.keywords.is_empty() {
            if !facts.hits.found_any(&self.keyword_ids) {
                return false;
            }
            note(&mut out, || {
                explain::keywords("keyword", &self.keywords, facts.hits)
            });
        }
        if !self.all_keywords.is_empty() {
            if !self.all_keywords.iter().all(|k| facts.hits.found(k.id)) {
                return false;
            }
            note(&mut out, || {
                explain::keywords("all keywords", &self.all_keywords, facts.hits)
            });
        }
        if let Some(re) = &self.regex {
            let (subject, body) = crate::searched(input);
            match out.as_deref_mut() {
                // Whether it matches is all that counts here: a cheaper
                // search than finding where.
                None => {
                    if !(re.is_match(subject.unwrap_or_default()) || re.is_match(body)) {
                        return false;
                    }
                }
                Some(reasons) => {
                    let found = re
                        .find(subject.unwrap_or_default())
                        .map(|m| (m.as_str(), IN_SUBJECT))
                        .or_else(|| re.find(body).map(|m| (m.as_str(), IN_BODY)));
                    let Some((text, place)) = found else {
                        return false;
                    };
                    reasons.push(explain::regex_match(re, text, place));
                }
            }
        }
        if !self.any.is_empty() {
            let Some((i, branch)) = self
                .any
                .iter()
                .enumerate()
                .find(|(_, c)| c.check(facts, None))
            else {
                return false;
            };
            note(&mut out, || {
                let mut inner = Vec::new();
                branch.check(facts, Some(&mut inner));
                format!("any[{}]: {}", i + 1, inner.join(" and "))
            });
        }
        if let Some(not) = &self.not {
            if not.check(facts, None) {
                return false;
            }
            note(&mut out, || format!("not ({})", not.describe()));
        }
        if self.is_empty() {
            note(&mut out, || "no conditions (catch-all)".to_string());
        }
        true
    }

    /// Whether the condition has no parts (and so always matches).
    pub fn is_empty(&self) -> bool {
        self.channels.is_none()
            && self.languages.is_none()
            && self.tiers.is_none()
            && self.customer.is_empty()
            && self.attributes.is_empty()
            && self.attributes_present.is_empty()
            && self.priority.is_none()
            && self.sentiment.is_none()
            && self.signals.is_empty()
            && self.keywords.is_empty()
            && self.all_keywords.is_empty()
            && self.regex.is_none()
            && self.any.is_empty()
            && self.not.is_none()
    }
}

/// What a rule produces when it matches.
#[derive(Debug)]
pub struct Then {
    /// Target queue.
    pub queue: String,
    /// Skills, without duplicates.
    pub skills: Vec<String>,
    /// Discipline of the work.
    pub discipline: Discipline,
    /// Follow-up actions, without duplicates.
    pub actions: Vec<String>,
    /// Tags, without duplicates.
    pub tags: Vec<String>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Unique name.
    pub name: String,
    /// The operator's description, if any.
    pub description: Option<String>,
    /// Whether the rule is one of the built-in defaults.
    pub builtin: bool,
    /// Conditions.
    pub when: Condition,
    /// Route template.
    pub then: Then,
}

impl Rule {
    /// Builds the route for an interaction this rule matched, with reasons.
    pub fn route(&self, facts: &Facts<'_>, language_skill: bool) -> Route {
        let mut found = Vec::with_capacity(8);
        self.when.check(facts, Some(&mut found));
        // Each reason once more with the rule's name in front, in a string
        // of the right size (inserting the prefix would move and regrow it).
        let mut reasons = Vec::with_capacity(found.len() + 1);
        reasons.extend(found.into_iter().map(|reason| {
            let mut prefixed = String::with_capacity(self.name.len() + reason.len() + 7);
            prefixed.push_str("rule ");
            prefixed.push_str(&self.name);
            prefixed.push_str(": ");
            prefixed.push_str(&reason);
            prefixed
        }));
        let language = facts.language();
        if self.when.languages.is_none() {
            let mut reason = String::with_capacity(48);
            let _ = write!(reason, "{language}");
            reasons.push(reason);
        }
        let mut skills = self.then.skills.clone();
        if language_skill && !skills.contains(&language.code) {
            skills.push(language.code.clone());
        }
        Route {
            queue: self.then.queue.clone(),
            skills,
            language: Some(language.code.clone()),
            discipline: self.then.discipline,
            actions: self.then.actions.clone(),
            tags: self.then.tags.clone(),
            rule: Some(self.name.clone()),
            reasons,
        }
    }
}
