//! The host's own data types: interactions as read from JSON, and decisions
//! as written to JSON. Plugins see the WIT types; the host converts.

use crate::hook::{ErrorKind, Hook, TraceOutcome};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The channel an interaction arrived through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Chat,
    Phone,
    Social,
    Sms,
    WebForm,
    InApp,
    Review,
    Survey,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 9] = [
        Channel::Email,
        Channel::Chat,
        Channel::Phone,
        Channel::Social,
        Channel::Sms,
        Channel::WebForm,
        Channel::InApp,
        Channel::Review,
        Channel::Survey,
    ];

    /// The JSON name (`web_form`, `in_app`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Phone => "phone",
            Channel::Social => "social",
            Channel::Sms => "sms",
            Channel::WebForm => "web_form",
            Channel::InApp => "in_app",
            Channel::Review => "review",
            Channel::Survey => "survey",
        }
    }

    /// Parses a channel name; `web-form` and `webform` are accepted too.
    pub fn parse(name: &str) -> Option<Channel> {
        // A channel's own name (the usual case) needs no folding.
        if let Some(c) = Channel::ALL.into_iter().find(|c| c.as_str() == name) {
            return Some(c);
        }
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == n || c.as_str().replace('_', "") == n)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Direction of a history message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// What the platform knows about the customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenure_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts_last_30d: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_interactions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_csat: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_nps: Option<u8>,
}

/// An earlier message in the customer's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryMessage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    pub direction: Direction,
    pub body: String,
}

/// One incoming customer interaction (the input contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: String,
    pub channel: Channel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub customer: Customer,
    #[serde(default)]
    pub history: Vec<HistoryMessage>,
    /// Free key/value attributes, including unknown input fields.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Interaction {
    /// A minimal interaction: an id, a channel and a body.
    pub fn new(id: impl Into<String>, channel: Channel, body: impl Into<String>) -> Self {
        Interaction {
            id: id.into(),
            channel,
            received_at: None,
            subject: None,
            body: body.into(),
            language: None,
            customer: Customer::default(),
            history: Vec::new(),
            attributes: BTreeMap::new(),
        }
    }
}

/// Which kind of work an interaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    Service,
    Care,
    Experience,
}

impl Discipline {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Discipline::Service => "service",
            Discipline::Care => "care",
            Discipline::Experience => "experience",
        }
    }
}

impl fmt::Display for Discipline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sentiment label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    Negative,
    Neutral,
    Positive,
}

impl SentimentLabel {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }
}

/// A text cue that moved the sentiment score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    pub text: String,
    pub weight: f64,
}

/// A signal a classifier emitted (contract 0.2.0): e.g. `intent=billing`
/// with confidence 0.82 because of "charged twice".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalResult {
    pub name: String,
    pub value: String,
    /// In [0, 1].
    pub confidence: f64,
    /// Name of the classifier plugin that emitted it.
    pub plugin: String,
    /// The phrases or facts behind it, strongest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

/// Result of the sentiment hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentResult {
    pub score: f64,
    pub label: SentimentLabel,
    pub confidence: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<Cue>,
}

/// Result of the priority hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityResult {
    pub level: u8,
    pub score: u32,
    pub first_response_due: Option<DateTime<Utc>>,
}

/// The route part of a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteResult {
    pub queue: String,
    pub skills: Vec<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The rule (or router) that decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// True when the pipeline's fallback decided (no router did, or a plugin failed).
    pub fallback: bool,
}

/// What one hook call used and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    pub plugin: String,
    pub version: String,
    pub sha256: String,
    pub hook: Hook,
    /// Fuel consumed (when the pipeline meters fuel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    /// Wall time of the call in microseconds (instantiation included when a
    /// fresh instance was needed).
    pub micros: f64,
    /// Peak linear memory of the instance, in bytes.
    pub memory_bytes: u64,
    /// `ok`, `pass` or `error`.
    pub outcome: TraceOutcome,
}

/// The decision for one interaction (the output contract). Every input line
/// yields exactly one of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub id: String,
    /// The caller's request (correlation) id, when it gave one: every
    /// decision of one request carries it. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// 1-based input line, when the decision came from a JSON Lines batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub discipline: Option<Discipline>,
    pub sentiment: Option<SentimentResult>,
    /// What the pipeline's classifiers found (contract 0.2.0); omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SignalResult>,
    pub priority: Option<PriorityResult>,
    pub route: Option<RouteResult>,
    pub reasons: Vec<String>,
    pub trace: Vec<TraceEntry>,
    pub error: Option<String>,
    /// What kind of failure `error` is; absent when there is no error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
    /// Stages that failed without stopping the decision (`on_failure =
    /// "degrade"`, the default): what each would have contributed was
    /// replaced by its default. Absent when every stage ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<DegradedStage>,
    /// What the pipeline's `[privacy]` masked before any plugin saw the
    /// interaction: kind (`card`, `email`, ...) to count; never the values.
    /// Absent when nothing was masked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub masked: BTreeMap<String, u32>,
}

impl Decision {
    /// A record standing in for input that could not be read or decided at
    /// all: no route, `error` and `error_kind` set. The front ends build
    /// them through `cxr_host::io::records`, which words them alike.
    pub fn error_record(id: impl Into<String>, line: Option<u64>, kind: ErrorKind, error: impl Into<String>) -> Self {
        Decision {
            id: id.into(),
            request_id: None,
            line,
            discipline: None,
            sentiment: None,
            signals: Vec::new(),
            priority: None,
            route: None,
            reasons: Vec::new(),
            trace: Vec::new(),
            error: Some(error.into()),
            error_kind: Some(kind),
            degraded: Vec::new(),
            masked: BTreeMap::new(),
        }
    }

    /// Whether this is an error record (nothing was decided).
    pub fn is_error_record(&self) -> bool {
        self.route.is_none() && self.error_kind.is_some_and(ErrorKind::is_input)
    }
}

/// A stage that failed while the decision went on without it: a failed
/// sentiment stage gives neutral sentiment, a failed classifier no signals,
/// a failed priority stage the fallback level, a failed router passes to
/// the next router (then the fallback route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DegradedStage {
    /// The stage as the pipeline file names it: `sentiment`,
    /// `classifiers[0]`, `priority`, `routers[1]`.
    pub stage: String,
    /// The plugin's name.
    pub plugin: String,
    /// Why the stage failed, naming the hook and the plugin.
    pub error: String,
    /// What kind of failure it was (`fuel`, `trap`, `contract`, ...).
    pub error_kind: ErrorKind,
}

/// An interaction as one line of JSON (the input contract).
pub fn to_json(ix: &Interaction) -> String {
    serde_json::to_string(ix).expect("an interaction always serialises")
}
