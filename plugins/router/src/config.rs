//! The configuration format: serde types mirroring the JSON document the
//! pipeline passes to `configure`. Every struct denies unknown fields so that
//! an operator's typo is reported instead of silently ignored.
//!
//! These types only describe the shape; [`crate::compile`] validates values
//! and turns them into the rules the router evaluates.

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// The top-level plugin configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSpec {
    /// Language used when none is given and none can be detected.
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Detect the language with whatlang when the input gives none.
    #[serde(default = "yes")]
    pub detect_language: bool,
    /// Languages the detector may answer with (ISO 639-1 or 639-3 codes).
    #[serde(default)]
    pub language_allowlist: Option<Vec<String>>,
    /// Add the effective language code to the route's skills.
    #[serde(default = "yes")]
    pub language_skill: bool,
    /// Evaluate the built-in default rules after the operator's rules.
    #[serde(default = "yes")]
    pub use_default_rules: bool,
    /// The operator's rules, evaluated first. Kept as raw JSON here so that a
    /// rule that fails to parse can be reported by its name.
    #[serde(default)]
    pub rules: Vec<serde_json::Value>,
}

fn default_language() -> String {
    "en".to_string()
}

fn yes() -> bool {
    true
}

/// One rule: a name, the conditions it needs and the route it produces.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique, non-empty name; reported in `route.rule` and in reasons.
    pub name: String,
    /// Free text for the operator; not used for routing.
    #[serde(default)]
    pub description: Option<String>,
    /// Conditions; an empty `when` always matches.
    #[serde(default)]
    pub when: WhenSpec,
    /// The route produced when the rule matches.
    pub then: ThenSpec,
}

/// Conditions of a rule. Every present field must hold (AND); a list is
/// satisfied by any of its values (OR).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    /// Channel names (`email`, `web_form`, ...).
    pub channel: Option<Strings>,
    /// Language codes compared with the effective language.
    pub language: Option<Strings>,
    /// Customer tiers, compared case-insensitively.
    pub tier: Option<Strings>,
    /// Phrases of which at least one must occur (whole words, `*` suffix = prefix).
    pub keywords: Option<Strings>,
    /// Phrases which must all occur.
    pub all_keywords: Option<Strings>,
    /// A regular expression searched in the subject and the body.
    pub regex: Option<String>,
    /// Conditions on the sentiment hook's result.
    pub sentiment: Option<SentimentSpec>,
    /// Conditions on the priority hook's result.
    pub priority: Option<PrioritySpec>,
    /// Conditions on the classifiers' signals (one table, or a list of
    /// tables that must all hold).
    pub signal: Option<OneOrMany<SignalSpec>>,
    /// Conditions on the customer record.
    pub customer: Option<CustomerSpec>,
    /// Attribute values (key -> one value or a list of accepted values).
    pub attributes: Option<BTreeMap<String, Strings>>,
    /// Attribute keys that must be present with a non-empty value.
    pub attributes_present: Option<Strings>,
    /// Nested conditions of which at least one must match.
    pub any: Option<Vec<WhenSpec>>,
    /// Nested conditions which must not match.
    pub not: Option<Box<WhenSpec>>,
}

/// Conditions on the sentiment hook's result.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentimentSpec {
    /// Accepted labels: `negative`, `neutral`, `positive`.
    pub label: Option<Strings>,
    /// The score must be at most this.
    pub at_most: Option<f64>,
    /// The score must be at least this.
    pub at_least: Option<f64>,
    /// The sentiment confidence must be at least this.
    pub confidence_at_least: Option<f64>,
}

/// A condition on the classifiers' signals: some signal `name` with one of
/// the values (any value when absent) and at least the confidence.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalSpec {
    /// Signal name, e.g. `intent`, `churn-risk`.
    pub name: String,
    /// Accepted values, e.g. `["billing", "payments"]`; any when absent.
    pub value: Option<Strings>,
    /// The signal's confidence must be at least this (0..=1).
    pub min_confidence: Option<f64>,
}

/// One item or a list of them (`signal = { .. }` or `signal = [{ .. }, { .. }]`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items, in order.
    pub fn items(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }
}

/// Conditions on the priority hook's result.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrioritySpec {
    /// Level (1 = most urgent) must be at most this.
    pub level_at_most: Option<u8>,
    /// Level must be at least this.
    pub level_at_least: Option<u8>,
    /// Score (0..=100) must be at least this.
    pub score_at_least: Option<u32>,
    /// Score must be at most this.
    pub score_at_most: Option<u32>,
}

/// Conditions on the customer record; a missing customer field fails its test.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerSpec {
    /// Contacts in the last 30 days, at least.
    pub contacts_last_30d_at_least: Option<u32>,
    /// Lifetime value, at least.
    pub lifetime_value_at_least: Option<f64>,
    /// Tenure in days, at least.
    pub tenure_days_at_least: Option<u32>,
    /// Open interactions, at least.
    pub open_interactions_at_least: Option<u32>,
    /// Last CSAT answer (1..=5), at most.
    pub last_csat_at_most: Option<u8>,
    /// Last NPS answer (0..=10), at most.
    pub last_nps_at_most: Option<u8>,
}

/// The route a rule produces.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThenSpec {
    /// Target queue, non-empty, at most 64 characters.
    pub queue: String,
    /// Skills an agent needs.
    #[serde(default)]
    pub skills: Strings,
    /// `service`, `care` or `experience`; `service` when absent.
    #[serde(default)]
    pub discipline: Option<String>,
    /// Follow-up actions, e.g. `call-back`.
    #[serde(default)]
    pub actions: Strings,
    /// Free tags.
    #[serde(default)]
    pub tags: Strings,
}

/// A list of strings that may also be written as a single string
/// (`channel = "review"` as well as `channel = ["review", "survey"]`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Strings(pub Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;

        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings(vec![v.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Strings(out))
            }
        }

        deserializer.deserialize_any(StringsVisitor)
    }
}
