//! The words of explanations: why a condition matched ("reasons") and what a
//! condition asks for ("descriptions", used for `not` and rule listings).
//!
//! Reasons state the observed value against the configured bound, e.g.
//! `sentiment negative (-0.62) <= -0.3`, `contacts in 30 days 3 >= 3`,
//! `keyword 'cancel my' in body`.

use cxr_guest::fixed::Fixed;
use crate::keywords::{KeywordHits, Place, place_name};
use crate::rules::{Condition, CustomerTest, Keyword, PriorityTest, SentimentTest, SignalTest};
use cxr_guest::{Channel, Customer, Priority, Sentiment, SentimentLabel, Signal};
use regex::Regex;
use std::fmt::Write as _;

/// Matched keywords listed in a reason before "and N more".
const MAX_LISTED: usize = 5;
/// Characters of a regex or its match quoted in a reason.
const MAX_QUOTED: usize = 40;

impl CustomerTest {
    /// Why a customer passed, e.g. "contacts in 30 days 3 >= 3" (only
    /// called after [`CustomerTest::holds`], so the field is present).
    pub fn reason(self, c: &Customer) -> String {
        match self {
            CustomerTest::ContactsAtLeast(n) => format!(
                "contacts in 30 days {} >= {n}",
                c.contacts_last_30d.unwrap_or_default()
            ),
            CustomerTest::LifetimeValueAtLeast(n) => {
                format!(
                    "lifetime value {} >= {n}",
                    c.lifetime_value.unwrap_or_default()
                )
            }
            CustomerTest::TenureAtLeast(n) => {
                format!("tenure {} days >= {n}", c.tenure_days.unwrap_or_default())
            }
            CustomerTest::OpenAtLeast(n) => format!(
                "open interactions {} >= {n}",
                c.open_interactions.unwrap_or_default()
            ),
            CustomerTest::CsatAtMost(n) => {
                format!("last CSAT {} <= {n}", c.last_csat.unwrap_or_default())
            }
            CustomerTest::NpsAtMost(n) => {
                format!("last NPS {} <= {n}", c.last_nps.unwrap_or_default())
            }
        }
    }

    /// What the test asks for, e.g. "contacts in 30 days >= 3".
    fn describe(self) -> String {
        match self {
            CustomerTest::ContactsAtLeast(n) => format!("contacts in 30 days >= {n}"),
            CustomerTest::LifetimeValueAtLeast(n) => format!("lifetime value >= {n}"),
            CustomerTest::TenureAtLeast(n) => format!("tenure >= {n} days"),
            CustomerTest::OpenAtLeast(n) => format!("open interactions >= {n}"),
            CustomerTest::CsatAtMost(n) => format!("last CSAT <= {n}"),
            CustomerTest::NpsAtMost(n) => format!("last NPS <= {n}"),
        }
    }
}

impl PriorityTest {
    /// Why a priority passed, e.g. "priority level 1 <= 2, score 87 >= 60".
    pub fn reason(&self, p: &Priority) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.level_at_most {
            parts.push(format!("level {} <= {n}", p.level));
        }
        if let Some(n) = self.level_at_least {
            parts.push(format!("level {} >= {n}", p.level));
        }
        if let Some(n) = self.score_at_least {
            parts.push(format!("score {} >= {n}", p.score));
        }
        if let Some(n) = self.score_at_most {
            parts.push(format!("score {} <= {n}", p.score));
        }
        format!("priority {}", parts.join(", "))
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.level_at_most {
            parts.push(format!("level <= {n}"));
        }
        if let Some(n) = self.level_at_least {
            parts.push(format!("level >= {n}"));
        }
        if let Some(n) = self.score_at_least {
            parts.push(format!("score >= {n}"));
        }
        if let Some(n) = self.score_at_most {
            parts.push(format!("score <= {n}"));
        }
        format!("priority {}", parts.join(", "))
    }
}

impl SentimentTest {
    /// Why a sentiment passed, e.g. "sentiment negative (-0.62) <= -0.3".
    pub fn reason(&self, s: &Sentiment) -> String {
        let mut reason = format!("sentiment {} ({})", s.label.as_str(), Fixed(s.score, 2));
        if let Some(n) = self.at_most {
            let _ = write!(reason, " <= {n}");
        }
        if let Some(n) = self.at_least {
            let _ = write!(reason, " >= {n}");
        }
        if let Some(n) = self.confidence_at_least {
            let _ = write!(reason, ", confidence {} >= {n}", Fixed(s.confidence, 2));
        }
        reason
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.labels.is_empty() {
            let labels: Vec<&str> = self.labels.iter().map(SentimentLabel::as_str).collect();
            parts.push(labels.join(" or "));
        }
        if let Some(n) = self.at_most {
            parts.push(format!("score <= {n}"));
        }
        if let Some(n) = self.at_least {
            parts.push(format!("score >= {n}"));
        }
        if let Some(n) = self.confidence_at_least {
            parts.push(format!("confidence >= {n}"));
        }
        format!("sentiment {}", parts.join(", "))
    }
}

impl SignalTest {
    /// "signal intent billing or refund, confidence >= 0.6"
    pub fn describe(&self) -> String {
        let mut text = format!("signal {}", self.name);
        if !self.values.is_empty() {
            let _ = write!(text, " {}", self.values.join(" or "));
        }
        if self.min_confidence > 0.0 {
            let _ = write!(text, ", confidence >= {}", self.min_confidence);
        }
        text
    }
}

/// Why a signal condition matched: "signal intent=billing 0.82 ('charged twice')".
pub fn signal(s: &Signal) -> String {
    let mut reason = String::with_capacity(64);
    let _ = write!(reason, "signal {}={} {}", Quoted(&s.name), Quoted(&s.value), Fixed(s.confidence, 2));
    if let Some(cue) = s.cues.first() {
        let _ = write!(reason, " ('{}')", Quoted(cue));
    }
    reason
}

impl Condition {
    /// What the condition asks for, e.g. "channel review or survey and
    /// sentiment negative"; "anything" for an empty condition.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(channels) = &self.channels {
            let names: Vec<&str> = channels.iter().map(Channel::as_str).collect();
            parts.push(format!("channel {}", names.join(" or ")));
        }
        if let Some(tiers) = &self.tiers {
            parts.push(format!("tier {}", tiers.join(" or ")));
        }
        if let Some(languages) = &self.languages {
            parts.push(format!("language {}", languages.join(" or ")));
        }
        parts.extend(self.customer.iter().map(|t| t.describe()));
        for (key, values) in &self.attributes {
            parts.push(format!("attribute {key} = {}", values.join(" or ")));
        }
        for key in &self.attributes_present {
            parts.push(format!("attribute {key} present"));
        }
        if let Some(p) = &self.priority {
            parts.push(p.describe());
        }
        if let Some(s) = &self.sentiment {
            parts.push(s.describe());
        }
        parts.extend(self.signals.iter().map(SignalTest::describe));
        if !self.keywords.is_empty() {
            parts.push(format!("keyword {}", list(&self.keywords, " or ")));
        }
        if !self.all_keywords.is_empty() {
            parts.push(format!(
                "all keywords {}",
                list(&self.all_keywords, " and ")
            ));
        }
        if let Some(re) = &self.regex {
            parts.push(format!("regex /{}/", Quoted(re.as_str())));
        }
        if !self.any.is_empty() {
            let branches: Vec<String> = self
                .any
                .iter()
                .map(|c| format!("({})", c.describe()))
                .collect();
            parts.push(format!("any of {}", branches.join(" or ")));
        }
        if let Some(not) = &self.not {
            parts.push(format!("not ({})", not.describe()));
        }
        if parts.is_empty() {
            return "anything".to_string();
        }
        parts.join(" and ")
    }
}

/// "keyword 'refund' in body" or "keywords 'refund' in body, 'invoice' in
/// subject", listing the keywords of `keywords` that were found.
pub fn keywords(label: &str, keywords: &[Keyword], hits: &KeywordHits) -> String {
    let found: Vec<(&Keyword, Place)> = keywords
        .iter()
        .map(|k| (k, hits.place(k.id)))
        .filter(|(_, place)| *place != 0)
        .collect();
    let mut reason = String::from(label);
    if found.len() > 1 && label == "keyword" {
        reason.push('s');
    }
    for (i, (k, place)) in found.iter().take(MAX_LISTED).enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let _ = write!(reason, "{sep}'{}' in {}", k.text, place_name(*place));
    }
    if found.len() > MAX_LISTED {
        let _ = write!(reason, " and {} more", found.len() - MAX_LISTED);
    }
    reason
}

/// "regex /pattern/ matched 'text' in body"; a pattern longer than 40
/// characters is left out.
pub fn regex_match(re: &Regex, text: &str, place: Place) -> String {
    let pattern = re.as_str();
    let shown = if pattern.chars().count() <= MAX_QUOTED {
        format!("regex /{pattern}/")
    } else {
        "regex".to_string()
    };
    format!("{shown} matched '{}' in {}", Quoted(text), place_name(place))
}

fn list(keywords: &[Keyword], sep: &str) -> String {
    let mut listed: Vec<String> = keywords
        .iter()
        .take(MAX_LISTED)
        .map(|k| format!("'{}'", k.text))
        .collect();
    if keywords.len() > MAX_LISTED {
        listed.push(format!("{} more", keywords.len() - MAX_LISTED));
    }
    listed.join(sep)
}

/// Displays the first characters of a text, on one line (control
/// characters as spaces, `…` when cut), without copying it first.
struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(MAX_QUOTED) {
            f.write_char(if c.is_control() { ' ' } else { c })?;
        }
        if chars.next().is_some() {
            f.write_char('…')?;
        }
        Ok(())
    }
}
