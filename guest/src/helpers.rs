//! Conveniences on the generated types: constructors for tests, text access,
//! time arithmetic and result builders.

use crate::{
    Channel, Context, Customer, Direction, Discipline, Interaction, Message, PluginError, Signal,
    Priority, Route, RoutingOutcome, Sentiment, SentimentLabel, Timestamp,
};

/// Milliseconds in one minute, for [`Timestamp`] arithmetic.
pub const MINUTE: Timestamp = 60_000;
/// Milliseconds in one hour.
pub const HOUR: Timestamp = 60 * MINUTE;

impl Default for Customer {
    fn default() -> Self {
        Customer {
            id: None,
            tier: None,
            lifetime_value: None,
            tenure_days: None,
            contacts_last_30d: None,
            open_interactions: None,
            last_csat: None,
            last_nps: None,
        }
    }
}

impl Interaction {
    /// A minimal interaction, for tests: the given channel and body, nothing else.
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
            attributes: Vec::new(),
        }
    }

    /// Sets the subject (builder style).
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets the customer's tier (builder style).
    pub fn with_tier(mut self, tier: impl Into<String>) -> Self {
        self.customer.tier = Some(tier.into());
        self
    }

    /// Sets the language (builder style).
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Adds an attribute (builder style).
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((key.into(), value.into()));
        self
    }

    /// Subject and body joined by a newline (the body alone when there is no subject).
    pub fn text(&self) -> String {
        match &self.subject {
            Some(s) if !s.is_empty() => format!("{s}\n{}", self.body),
            _ => self.body.clone(),
        }
    }

    /// The value of an attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Earlier inbound messages from the customer, oldest first.
    pub fn inbound_history(&self) -> impl Iterator<Item = &Message> {
        self.history
            .iter()
            .filter(|m| m.direction == Direction::Inbound)
    }
}

impl Context {
    /// A context for tests with the given "now" and no signals.
    pub fn at(now: Timestamp) -> Self {
        Context {
            now,
            pipeline: "test".to_string(),
            signals: Vec::new(),
        }
    }

    /// The same context with one more signal (for tests of priority and routing).
    pub fn with_signal(mut self, signal: Signal) -> Self {
        self.signals.push(signal);
        self
    }

    /// The most confident signal named `name` (e.g. `"intent"`), if any.
    pub fn signal(&self, name: &str) -> Option<&Signal> {
        self.signals
            .iter()
            .filter(|s| s.name == name)
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
    }

    /// Whether a signal `name=value` is present with at least `min_confidence`.
    pub fn has_signal(&self, name: &str, value: &str, min_confidence: f64) -> bool {
        self.signals
            .iter()
            .any(|s| s.name == name && s.value == value && s.confidence >= min_confidence)
    }
}

impl Signal {
    /// A signal `name=value` with a confidence (clamped to [0, 1]) and no cues yet.
    pub fn new(name: impl Into<String>, value: impl Into<String>, confidence: f64) -> Self {
        Signal {
            name: name.into(),
            value: value.into(),
            confidence: if confidence.is_nan() { 0.0 } else { confidence.clamp(0.0, 1.0) },
            cues: Vec::new(),
        }
    }

    /// The same signal with one more cue (a phrase or fact behind it).
    pub fn with_cue(mut self, cue: impl Into<String>) -> Self {
        self.cues.push(cue.into());
        self
    }
}

impl SentimentLabel {
    /// The label for a compound score with the usual ±0.05 thresholds.
    pub fn from_score(score: f64) -> Self {
        if score >= 0.05 {
            SentimentLabel::Positive
        } else if score <= -0.05 {
            SentimentLabel::Negative
        } else {
            SentimentLabel::Neutral
        }
    }

    /// Lower-case name, as in decision JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }
}

impl Sentiment {
    /// A neutral result with the given confidence and no cues.
    pub fn neutral(confidence: f64) -> Self {
        Sentiment::from_score(0.0, confidence)
    }

    /// A result with the label derived from the score (clamped to [-1, 1]).
    pub fn from_score(score: f64, confidence: f64) -> Self {
        let score = score.clamp(-1.0, 1.0);
        Sentiment {
            score,
            label: SentimentLabel::from_score(score),
            confidence: confidence.clamp(0.0, 1.0),
            cues: Vec::new(),
        }
    }
}

impl Priority {
    /// A priority with the given level and score, no due time and no reasons.
    pub fn new(level: u8, score: u32) -> Self {
        Priority {
            level,
            score,
            first_response_due: None,
            reasons: Vec::new(),
        }
    }
}

impl Route {
    /// A route to `queue` for the given discipline, with nothing else set.
    pub fn to(queue: impl Into<String>, discipline: Discipline) -> Self {
        Route {
            queue: queue.into(),
            skills: Vec::new(),
            language: None,
            discipline,
            actions: Vec::new(),
            tags: Vec::new(),
            rule: None,
            reasons: Vec::new(),
        }
    }
}

impl From<Route> for RoutingOutcome {
    fn from(route: Route) -> Self {
        RoutingOutcome::Route(route)
    }
}

impl Channel {
    /// Every channel, in WIT order.
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

    /// snake_case name, as in interaction JSON (`web_form`, `in_app`).
    pub fn as_str(&self) -> &'static str {
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

    /// Parses a channel name (`web_form`, `web-form` and `webform` all work).
    pub fn parse(name: &str) -> Option<Channel> {
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == n || c.as_str().replace('_', "") == n)
    }
}

impl Discipline {
    /// Lower-case name, as in decision JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Discipline::Service => "service",
            Discipline::Care => "care",
            Discipline::Experience => "experience",
        }
    }

    /// Parses `service`, `care` or `experience`.
    pub fn parse(name: &str) -> Option<Discipline> {
        match name.trim().to_ascii_lowercase().as_str() {
            "service" => Some(Discipline::Service),
            "care" => Some(Discipline::Care),
            "experience" => Some(Discipline::Experience),
            _ => None,
        }
    }
}

impl PluginError {
    /// An `invalid-config` error from anything displayable.
    pub fn config(e: impl std::fmt::Display) -> Self {
        PluginError::InvalidConfig(e.to_string())
    }
}
