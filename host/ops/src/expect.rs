//! The expected parts of a decision, and checking a decision against them.

use crate::cases::Values;
use anyhow::{Result, bail};
use cxr_host::Decision;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A priority level, or an inclusive range of levels (`2` or `[1, 2]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LevelSpec {
    Exactly(u8),
    Range([u8; 2]),
}

impl LevelSpec {
    /// Lowest and highest accepted level.
    pub fn bounds(self) -> (u8, u8) {
        match self {
            LevelSpec::Exactly(l) => (l, l),
            LevelSpec::Range([lo, hi]) => (lo, hi),
        }
    }

    fn describe(self) -> String {
        match self.bounds() {
            (lo, hi) if lo == hi => lo.to_string(),
            (lo, hi) => format!("{lo}..={hi}"),
        }
    }
}

/// What a case's decision must contain. Every field is optional; each one
/// present is checked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The queue (or one of several).
    pub queue: Option<Values<String>>,
    /// `service`, `care` or `experience` (or one of several).
    pub discipline: Option<Values<String>>,
    /// Priority level 1..=4, or an inclusive range `[lo, hi]`.
    pub level: Option<LevelSpec>,
    /// Sentiment label: `negative`, `neutral` or `positive` (or one of several).
    pub label: Option<Values<String>>,
    /// The sentiment score is at most this.
    pub sentiment_at_most: Option<f64>,
    /// The sentiment score is at least this.
    pub sentiment_at_least: Option<f64>,
    /// The rule (or router) that decided.
    pub rule: Option<Values<String>>,
    /// The route's language.
    pub language: Option<String>,
    /// Actions the route must ask for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions_include: Vec<String>,
    /// Actions the route must not ask for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions_exclude: Vec<String>,
    /// Skills the route must ask for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills_include: Vec<String>,
    /// Signals the decision must carry: name -> accepted value(s), e.g.
    /// `signals = { intent = "billing", churn-risk = ["low", "high"] }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signals: BTreeMap<String, Values<String>>,
    /// Every expected signal must have at least this confidence.
    pub signal_min_confidence: Option<f64>,
    /// Text each of which some reason must contain (case ignored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons_include: Vec<String>,
    /// Whether the pipeline's fallback decided.
    pub fallback: Option<bool>,
    /// Whether the decision carries an error.
    pub error: Option<bool>,
}

/// One expected part that the decision does not have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// The `expect` key, e.g. `queue`.
    pub field: String,
    /// What the case expects.
    pub expected: String,
    /// What the decision has.
    pub actual: String,
}

const DISCIPLINES: [&str; 3] = ["service", "care", "experience"];
const LABELS: [&str; 3] = ["negative", "neutral", "positive"];

impl Expect {
    /// Rejects expectations that can never hold or say nothing.
    pub fn validate(&self) -> Result<()> {
        if self.is_empty() {
            bail!("is empty: name at least one part of the decision (queue, discipline, level, label, ...)");
        }
        for d in self.discipline.iter().flat_map(|v| v.as_slice()) {
            if !DISCIPLINES.contains(&d.as_str()) {
                bail!("discipline: {d:?} is not one of {}", DISCIPLINES.join(", "));
            }
        }
        for l in self.label.iter().flat_map(|v| v.as_slice()) {
            if !LABELS.contains(&l.as_str()) {
                bail!("label: {l:?} is not one of {}", LABELS.join(", "));
            }
        }
        if let Some(level) = self.level {
            let (lo, hi) = level.bounds();
            if !(1..=4).contains(&lo) || !(1..=4).contains(&hi) || lo > hi {
                bail!("level: expected 1..=4 or [lo, hi] with 1 <= lo <= hi <= 4, found {}", level.describe());
            }
        }
        if let Some(x) = self.signal_min_confidence {
            if !(0.0..=1.0).contains(&x) {
                bail!("signal_min_confidence: {x} is outside 0..=1");
            }
            if self.signals.is_empty() {
                bail!("signal_min_confidence: needs `signals` to say which signals");
            }
        }
        for (key, v) in [("sentiment_at_most", self.sentiment_at_most), ("sentiment_at_least", self.sentiment_at_least)] {
            if let Some(x) = v
                && !(-1.0..=1.0).contains(&x)
            {
                bail!("{key}: {x} is outside -1..=1");
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.queue.is_none()
            && self.discipline.is_none()
            && self.level.is_none()
            && self.label.is_none()
            && self.sentiment_at_most.is_none()
            && self.sentiment_at_least.is_none()
            && self.rule.is_none()
            && self.language.is_none()
            && self.actions_include.is_empty()
            && self.actions_exclude.is_empty()
            && self.skills_include.is_empty()
            && self.reasons_include.is_empty()
            && self.signals.is_empty()
            && self.fallback.is_none()
            && self.error.is_none()
    }

    /// Every expected part the decision does not have, in a fixed order.
    pub fn check(&self, d: &Decision) -> Vec<Mismatch> {
        let mut out = Vec::new();
        let mut miss = |field: &str, expected: String, actual: String| {
            out.push(Mismatch {
                field: field.to_string(),
                expected,
                actual,
            })
        };
        let route = d.route.as_ref();
        let none = || "(none)".to_string();
        if let Some(q) = &self.queue {
            let actual = route.map(|r| r.queue.as_str());
            if !actual.is_some_and(|a| q.contains_ignore_case(a)) {
                miss("queue", q.describe(), actual.map_or_else(none, str::to_string));
            }
        }
        if let Some(disc) = &self.discipline {
            let actual = d.discipline.map(|x| x.as_str());
            if !actual.is_some_and(|a| disc.contains_ignore_case(a)) {
                miss("discipline", disc.describe(), actual.map_or_else(none, str::to_string));
            }
        }
        if let Some(level) = self.level {
            let (lo, hi) = level.bounds();
            let actual = d.priority.as_ref().map(|p| p.level);
            if !actual.is_some_and(|l| (lo..=hi).contains(&l)) {
                miss("level", level.describe(), actual.map_or_else(none, |l| l.to_string()));
            }
        }
        let sentiment = d.sentiment.as_ref();
        if let Some(label) = &self.label {
            let actual = sentiment.map(|s| s.label.as_str());
            if !actual.is_some_and(|a| label.contains_ignore_case(a)) {
                let shown = sentiment.map_or_else(none, |s| format!("{} ({:+.2})", s.label.as_str(), s.score));
                miss("label", label.describe(), shown);
            }
        }
        if let Some(max) = self.sentiment_at_most
            && !sentiment.is_some_and(|s| s.score <= max)
        {
            miss("sentiment_at_most", format!("score <= {max:+.2}"), sentiment.map_or_else(none, |s| format!("{:+.2}", s.score)));
        }
        if let Some(min) = self.sentiment_at_least
            && !sentiment.is_some_and(|s| s.score >= min)
        {
            miss("sentiment_at_least", format!("score >= {min:+.2}"), sentiment.map_or_else(none, |s| format!("{:+.2}", s.score)));
        }
        if let Some(rule) = &self.rule {
            let actual = route.and_then(|r| r.rule.as_deref());
            if !actual.is_some_and(|a| rule.contains_ignore_case(a)) {
                miss("rule", rule.describe(), actual.map_or_else(none, str::to_string));
            }
        }
        if let Some(lang) = &self.language {
            let actual = route.and_then(|r| r.language.as_deref());
            if !actual.is_some_and(|a| a.eq_ignore_ascii_case(lang)) {
                miss("language", lang.clone(), actual.map_or_else(none, str::to_string));
            }
        }
        let actions: &[String] = route.map_or(&[], |r| &r.actions);
        let missing: Vec<&str> = missing_from(&self.actions_include, actions);
        if !missing.is_empty() {
            miss("actions_include", format!("[{}]", missing.join(", ")), format!("[{}]", actions.join(", ")));
        }
        let present: Vec<&str> = self
            .actions_exclude
            .iter()
            .filter(|a| actions.iter().any(|x| x.eq_ignore_ascii_case(a)))
            .map(String::as_str)
            .collect();
        if !present.is_empty() {
            miss("actions_exclude", format!("none of [{}]", present.join(", ")), format!("[{}]", actions.join(", ")));
        }
        let skills: &[String] = route.map_or(&[], |r| &r.skills);
        let missing = missing_from(&self.skills_include, skills);
        if !missing.is_empty() {
            miss("skills_include", format!("[{}]", missing.join(", ")), format!("[{}]", skills.join(", ")));
        }
        for want in &self.reasons_include {
            let w = want.to_lowercase();
            if !d.reasons.iter().any(|r| r.to_lowercase().contains(&w)) {
                miss("reasons_include", format!("a reason containing {want:?}"), format!("{} reasons, none matching", d.reasons.len()));
            }
        }
        let min_confidence = self.signal_min_confidence.unwrap_or(0.0);
        for (name, values) in &self.signals {
            let named: Vec<_> = d.signals.iter().filter(|s| &s.name == name).collect();
            let ok = named
                .iter()
                .any(|s| values.contains_ignore_case(&s.value) && s.confidence >= min_confidence);
            if !ok {
                let mut expected = values.describe();
                if min_confidence > 0.0 {
                    expected.push_str(&format!(" (confidence >= {min_confidence:.2})"));
                }
                let actual = if named.is_empty() {
                    none()
                } else {
                    named.iter().map(|s| format!("{} ({:.2})", s.value, s.confidence)).collect::<Vec<_>>().join(", ")
                };
                miss(&format!("signals.{name}"), expected, actual);
            }
        }
        if let Some(fb) = self.fallback {
            let actual = route.map(|r| r.fallback);
            if actual != Some(fb) {
                miss("fallback", fb.to_string(), actual.map_or_else(none, |b| b.to_string()));
            }
        }
        if let Some(err) = self.error
            && d.error.is_some() != err
        {
            miss("error", if err { "an error".to_string() } else { "no error".to_string() }, d.error.clone().unwrap_or_else(|| "no error".to_string()));
        }
        out
    }
}

fn missing_from<'a>(wanted: &'a [String], have: &[String]) -> Vec<&'a str> {
    wanted
        .iter()
        .filter(|w| !have.iter().any(|h| h.eq_ignore_ascii_case(w)))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::model::{Discipline, PriorityResult, RouteResult, SentimentLabel, SentimentResult, SignalResult};

    fn decision() -> Decision {
        Decision {
            id: "T-1".into(),
            line: None,
            discipline: Some(Discipline::Service),
            sentiment: Some(SentimentResult {
                score: -0.6,
                label: SentimentLabel::Negative,
                confidence: 0.8,
                cues: vec![],
            }),
            signals: vec![SignalResult {
                name: "intent".into(),
                value: "billing".into(),
                confidence: 0.82,
                plugin: "cxr-classify".into(),
                cues: vec!["charged twice".into()],
            }],
            priority: Some(PriorityResult {
                level: 2,
                score: 60,
                first_response_due: None,
            }),
            route: Some(RouteResult {
                queue: "billing".into(),
                skills: vec!["billing".into(), "en".into()],
                language: Some("en".into()),
                actions: vec!["call-back".into()],
                tags: vec![],
                rule: Some("billing".into()),
                fallback: false,
            }),
            reasons: vec!["urgent keyword: charged twice".into()],
            trace: vec![],
            error: None,
            error_kind: None,
            degraded: vec![],
            request_id: None,
            masked: Default::default(),
        }
    }

    fn expect(json: &str) -> Expect {
        let e: Expect = serde_json::from_str(json).unwrap();
        e.validate().unwrap();
        e
    }

    #[test]
    fn a_matching_decision_has_no_mismatch() {
        let e = expect(
            r#"{"queue":"billing","discipline":["service","care"],"level":[1,2],"label":"negative",
                "sentiment_at_most":-0.3,"rule":"billing","language":"en","actions_include":["call-back"],
                "actions_exclude":["survey"],"skills_include":["billing"],"reasons_include":["Charged Twice"],
                "fallback":false,"error":false}"#,
        );
        assert_eq!(e.check(&decision()), vec![]);
    }

    #[test]
    fn signals_are_checked_by_name_value_and_confidence() {
        assert_eq!(expect(r#"{"signals":{"intent":["billing","refund"]}}"#).check(&decision()), vec![]);
        assert_eq!(expect(r#"{"signals":{"intent":"BILLING"},"signal_min_confidence":0.8}"#).check(&decision()), vec![]);
        let m = expect(r#"{"signals":{"intent":"delivery"}}"#).check(&decision());
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].field, "signals.intent");
        assert_eq!(m[0].actual, "billing (0.82)");
        let m = expect(r#"{"signals":{"intent":"billing"},"signal_min_confidence":0.9}"#).check(&decision());
        assert!(m[0].expected.contains("confidence >= 0.90"), "{m:?}");
        let m = expect(r#"{"signals":{"churn-risk":"high"}}"#).check(&decision());
        assert_eq!(m[0].actual, "(none)");
        let bad: Expect = serde_json::from_str(r#"{"signals":{"intent":"billing"},"signal_min_confidence":1.5}"#).unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("signal_min_confidence"));
    }

    #[test]
    fn each_difference_is_named_with_expected_and_actual() {
        let e = expect(r#"{"queue":"retention","level":1,"label":"positive","actions_include":["survey"],"actions_exclude":["call-back"],"fallback":true}"#);
        let m = e.check(&decision());
        let fields: Vec<&str> = m.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(fields, ["queue", "level", "label", "actions_include", "actions_exclude", "fallback"]);
        assert_eq!((m[0].expected.as_str(), m[0].actual.as_str()), ("retention", "billing"));
        assert_eq!((m[1].expected.as_str(), m[1].actual.as_str()), ("1", "2"));
        assert_eq!(m[2].actual, "negative (-0.60)");
        assert_eq!(m[3].expected, "[survey]");
    }

    #[test]
    fn nonsense_expectations_are_rejected() {
        for (json, needle) in [
            (r#"{}"#, "is empty"),
            (r#"{"discipline":"support"}"#, "support"),
            (r#"{"label":"angry"}"#, "angry"),
            (r#"{"level":[3,1]}"#, "level"),
            (r#"{"level":7}"#, "level"),
            (r#"{"sentiment_at_most":-2}"#, "sentiment_at_most"),
        ] {
            let e: Expect = serde_json::from_str(json).unwrap();
            let err = e.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }
}
