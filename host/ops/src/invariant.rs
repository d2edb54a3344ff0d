//! Invariants: properties that must hold for every interaction of an input
//! file, such as "platinum is never routed to a bot queue" or "worse
//! sentiment never makes the priority less urgent".

use crate::cases::Values;
use crate::decide::{for_each_chunk, open_input, par_map, recent_ids};
use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use cxr_host::io::{Input, Read};
use cxr_host::policy::Now;
use cxr_host::{Decision, Interaction, Pipeline};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The kind that checks priority under worse sentiment.
pub const MONOTONIC_PRIORITY: &str = "monotonic-priority-under-worse-sentiment";

/// Text appended to an interaction's body to make its sentiment worse.
pub const DEFAULT_PERTURBATION: &str = "This is unacceptable. I am furious and extremely disappointed!!!";

/// Most violations kept per invariant (the count covers all of them).
pub const MAX_KEPT_VIOLATIONS: usize = 50;

/// An `[[invariant]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvariantSpec {
    /// What must hold, in words.
    pub name: String,
    /// JSON Lines input, relative to the case file (resolved on load).
    pub input: PathBuf,
    /// Which interactions the invariant is about (all when absent).
    #[serde(rename = "where", default)]
    pub filter: Filter,
    /// The decision never satisfies this.
    pub never: Option<Condition>,
    /// The decision always satisfies this.
    pub always: Option<Condition>,
    /// A built-in property instead of `never`/`always`:
    /// `monotonic-priority-under-worse-sentiment`.
    pub kind: Option<String>,
    /// For the monotonic kind: the text appended to make the sentiment worse.
    pub perturbation: Option<String>,
}

impl InvariantSpec {
    /// Checks that exactly one property is given and that it makes sense.
    pub fn validate(&self) -> Result<()> {
        let given = [self.never.is_some(), self.always.is_some(), self.kind.is_some()]
            .iter()
            .filter(|x| **x)
            .count();
        if given != 1 {
            bail!("give exactly one of `never`, `always` or `kind` (found {given})");
        }
        if let Some(kind) = &self.kind
            && kind != MONOTONIC_PRIORITY
        {
            bail!("kind: unknown kind {kind:?} (known: {MONOTONIC_PRIORITY})");
        }
        if self.perturbation.is_some() && self.kind.is_none() {
            bail!("perturbation: only used with kind = \"{MONOTONIC_PRIORITY}\"");
        }
        for c in self.never.iter().chain(self.always.iter()) {
            c.validate()?;
        }
        Ok(())
    }

    /// The property as words, e.g. `never queue in [bot]`.
    pub fn describe(&self) -> String {
        match (&self.never, &self.always, &self.kind) {
            (Some(c), _, _) => format!("never {}", c.describe()),
            (_, Some(c), _) => format!("always {}", c.describe()),
            (_, _, Some(kind)) => kind.clone(),
            _ => String::new(),
        }
    }
}

/// Which interactions an invariant is about. Every field present must
/// match (AND); the values of one field are alternatives (OR).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub id: Option<Values<String>>,
    pub channel: Option<Values<String>>,
    pub tier: Option<Values<String>>,
    pub language: Option<Values<String>>,
    /// Any of these occurs in the subject or body (case ignored).
    pub text_contains: Option<Values<String>>,
}

impl Filter {
    /// True when the interaction is one the invariant is about.
    pub fn matches(&self, ix: &Interaction) -> bool {
        let field = |want: &Option<Values<String>>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| w.contains_ignore_case(h)),
        };
        let text_ok = match &self.text_contains {
            None => true,
            Some(words) => {
                let text = format!("{}\n{}", ix.subject.as_deref().unwrap_or(""), ix.body).to_lowercase();
                words.as_slice().iter().any(|w| text.contains(&w.to_lowercase()))
            }
        };
        field(&self.id, Some(&ix.id))
            && field(&self.channel, Some(ix.channel.as_str()))
            && field(&self.tier, ix.customer.tier.as_deref())
            && field(&self.language, ix.language.as_deref())
            && text_ok
    }
}

/// A condition on a decision. Every field present must hold (AND); the
/// values of one field are alternatives (OR).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub queue: Option<Values<String>>,
    pub discipline: Option<Values<String>>,
    pub label: Option<Values<String>>,
    pub level: Option<Values<u8>>,
    pub rule: Option<Values<String>>,
    /// The route asks for at least one of these actions.
    pub actions: Option<Values<String>>,
    pub fallback: Option<bool>,
    pub error: Option<bool>,
}

impl Condition {
    fn validate(&self) -> Result<()> {
        let empty = self.queue.is_none()
            && self.discipline.is_none()
            && self.label.is_none()
            && self.level.is_none()
            && self.rule.is_none()
            && self.actions.is_none()
            && self.fallback.is_none()
            && self.error.is_none();
        if empty {
            bail!("the condition is empty: name a queue, discipline, label, level, rule, actions, fallback or error");
        }
        if let Some(l) = self.level.as_ref().and_then(|l| l.as_slice().iter().find(|l| !(1..=4).contains(*l))) {
            bail!("level: {l} is not 1..=4");
        }
        Ok(())
    }

    /// True when the decision satisfies every part of the condition.
    pub fn holds(&self, d: &Decision) -> bool {
        let route = d.route.as_ref();
        let field = |want: &Option<Values<String>>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| w.contains_ignore_case(h)),
        };
        field(&self.queue, route.map(|r| r.queue.as_str()))
            && field(&self.discipline, d.discipline.map(|x| x.as_str()))
            && field(&self.label, d.sentiment.as_ref().map(|s| s.label.as_str()))
            && field(&self.rule, route.and_then(|r| r.rule.as_deref()))
            && self
                .level
                .as_ref()
                .is_none_or(|l| d.priority.as_ref().is_some_and(|p| l.as_slice().contains(&p.level)))
            && self
                .actions
                .as_ref()
                .is_none_or(|a| route.is_some_and(|r| r.actions.iter().any(|x| a.contains_ignore_case(x))))
            && self.fallback.is_none_or(|f| route.is_some_and(|r| r.fallback == f))
            && self.error.is_none_or(|e| d.error.is_some() == e)
    }

    /// The condition in words, e.g. `queue in [bot, self-service]`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let list = |name: &str, v: &Option<Values<String>>, parts: &mut Vec<String>| {
            if let Some(v) = v {
                parts.push(format!("{name} in [{}]", v.as_slice().join(", ")));
            }
        };
        list("queue", &self.queue, &mut parts);
        list("discipline", &self.discipline, &mut parts);
        list("label", &self.label, &mut parts);
        if let Some(l) = &self.level {
            let levels: Vec<String> = l.as_slice().iter().map(u8::to_string).collect();
            parts.push(format!("level in [{}]", levels.join(", ")));
        }
        list("rule", &self.rule, &mut parts);
        list("actions", &self.actions, &mut parts);
        if let Some(f) = self.fallback {
            parts.push(format!("fallback = {f}"));
        }
        if let Some(e) = self.error {
            parts.push(if e { "an error" } else { "no error" }.to_string());
        }
        parts.join(" and ")
    }
}

/// One interaction for which an invariant does not hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The interaction's id (or `line N`).
    pub id: String,
    /// 1-based line in the input file.
    pub line: u64,
    /// What went wrong, with the values before and after where it applies.
    pub message: String,
    /// The decision's reasons trail (the perturbed decision's for the monotonic kind).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// The outcome of checking one invariant over its input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvariantOutcome {
    /// Input lines read.
    pub lines: u64,
    /// Interactions the invariant was checked on (after `where`).
    pub checked: u64,
    /// All violations found.
    pub violation_count: u64,
    /// The first [`MAX_KEPT_VIOLATIONS`] violations.
    pub violations: Vec<Violation>,
}

impl InvariantOutcome {
    fn add(&mut self, v: Violation) {
        self.violation_count += 1;
        if self.violations.len() < MAX_KEPT_VIOLATIONS {
            self.violations.push(v);
        }
    }
}

/// Checks an invariant over every line of its input file.
/// Each line decides as of `now` (one clock reading per line, shared by the
/// decisions a check compares).
pub fn check(spec: &InvariantSpec, pipeline: &Pipeline, now: Now, jobs: usize) -> Result<InvariantOutcome> {
    let mut outcome = InvariantOutcome::default();
    let reader = open_input(&spec.input)?;
    let mut seen = recent_ids();
    for_each_chunk(reader, |chunk| {
        outcome.lines += chunk.len() as u64;
        // Read in order (a repeated id is an error record, as in `cxr route`), check in parallel.
        let reads: Vec<Read> = chunk
            .iter()
            .map(Input::read)
            .map(|mut read| {
                if let Some(record) = read.repeated(&mut seen) {
                    read.interaction = Err(record);
                }
                read
            })
            .collect();
        let results = par_map(&reads, jobs, |read| check_line(spec, pipeline, now.at(), read));
        for r in results {
            match r {
                LineResult::Skipped => {}
                LineResult::Held => outcome.checked += 1,
                LineResult::Violated(v) => {
                    outcome.checked += 1;
                    outcome.add(v);
                }
            }
        }
        Ok(())
    })?;
    Ok(outcome)
}

enum LineResult {
    Skipped,
    Held,
    Violated(Violation),
}

fn check_line(spec: &InvariantSpec, pipeline: &Pipeline, now: DateTime<Utc>, read: &Read) -> LineResult {
    let number = read.position.line().unwrap_or_default();
    let violation = |id: &str, message: String, reasons: Vec<String>| {
        LineResult::Violated(Violation {
            id: id.to_string(),
            line: number,
            message,
            reasons,
        })
    };
    let ix = match &read.interaction {
        Ok(ix) => ix,
        Err(record) => {
            let error = record.error.as_deref().unwrap_or_default();
            return violation(&record.id, format!("input {error} (not an interaction to check)"), vec![]);
        }
    };
    if !spec.filter.matches(&ix) {
        return LineResult::Skipped;
    }
    let before = pipeline.decide(&ix, now);
    if let Some(c) = &spec.never
        && c.holds(&before)
    {
        return violation(&ix.id, format!("decided {}", summary(&before)), before.reasons);
    }
    if let Some(c) = &spec.always
        && !c.holds(&before)
    {
        return violation(&ix.id, format!("decided {}", summary(&before)), before.reasons);
    }
    if spec.kind.is_some() {
        let perturbation = spec.perturbation.as_deref().unwrap_or(DEFAULT_PERTURBATION);
        let worse = perturb(&ix, perturbation);
        let after = pipeline.decide(&worse, now);
        if let Some(message) = monotonic_violation(&before, &after) {
            return violation(&ix.id, message, after.reasons);
        }
    }
    LineResult::Held
}

/// The interaction with `text` appended to its body, as a new paragraph.
pub fn perturb(ix: &Interaction, text: &str) -> Interaction {
    let mut worse = ix.clone();
    if worse.body.trim().is_empty() {
        worse.body = text.to_string();
    } else {
        worse.body = format!("{}\n\n{text}", worse.body.trim_end());
    }
    worse
}

/// Why `after` (the same interaction with worse text) breaks monotonicity, if it does.
pub fn monotonic_violation(before: &Decision, after: &Decision) -> Option<String> {
    if let Some(e) = before.error.as_ref().or(after.error.as_ref()) {
        return Some(format!("could not be checked, a plugin failed: {e}"));
    }
    let (Some(s0), Some(s1)) = (&before.sentiment, &after.sentiment) else {
        return Some("could not be checked: the decision has no sentiment".to_string());
    };
    let (Some(p0), Some(p1)) = (&before.priority, &after.priority) else {
        return Some("could not be checked: the decision has no priority".to_string());
    };
    const EPS: f64 = 1e-9;
    if s1.score > s0.score + EPS {
        return Some(format!(
            "sentiment rose from {:+.2} to {:+.2} when the negative text was appended (priority level {} -> {})",
            s0.score, s1.score, p0.level, p1.level
        ));
    }
    if s1.score < s0.score - EPS && p1.level > p0.level {
        return Some(format!(
            "priority got less urgent, level {} -> {} (score {} -> {}), while sentiment got worse, {:+.2} -> {:+.2}",
            p0.level, p1.level, p0.score, p1.score, s0.score, s1.score
        ));
    }
    None
}

/// One line about a decision: queue, discipline, level, label, rule.
pub fn summary(d: &Decision) -> String {
    let route = d.route.as_ref();
    let mut s = format!(
        "queue {} ({}, level {}, sentiment {})",
        route.map_or("-", |r| r.queue.as_str()),
        d.discipline.map_or("-", |x| x.as_str()),
        d.priority.as_ref().map_or("-".to_string(), |p| p.level.to_string()),
        d.sentiment.as_ref().map_or("-".to_string(), |s| format!("{} {:+.2}", s.label.as_str(), s.score)),
    );
    if let Some(rule) = route.and_then(|r| r.rule.as_deref()) {
        s.push_str(&format!(", rule {rule}"));
    }
    if route.is_some_and(|r| r.fallback) {
        s.push_str(", fallback");
    }
    if let Some(e) = &d.error {
        s.push_str(&format!(", error: {e}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_host::model::{Channel, PriorityResult, SentimentLabel, SentimentResult};

    fn d(score: f64, level: u8) -> Decision {
        let mut d = Decision::error_record("T-1", None, cxr_host::ErrorKind::Input, "x");
        d.error = None;
        d.error_kind = None;
        d.sentiment = Some(SentimentResult {
            score,
            label: SentimentLabel::Neutral,
            confidence: 0.5,
            cues: vec![],
        });
        d.priority = Some(PriorityResult {
            level,
            score: 50,
            first_response_due: None,
        });
        d
    }

    #[test]
    fn monotonicity_flags_only_real_violations() {
        assert_eq!(monotonic_violation(&d(0.0, 3), &d(-0.5, 2)), None);
        assert_eq!(monotonic_violation(&d(0.0, 3), &d(-0.5, 3)), None);
        assert_eq!(monotonic_violation(&d(0.0, 3), &d(0.0, 4)), None, "sentiment did not change");
        let m = monotonic_violation(&d(0.0, 2), &d(-0.5, 3)).unwrap();
        assert!(m.contains("level 2 -> 3") && m.contains("+0.00 -> -0.50"), "{m}");
        let m = monotonic_violation(&d(-0.2, 2), &d(0.1, 2)).unwrap();
        assert!(m.contains("sentiment rose"), "{m}");
    }

    #[test]
    fn filters_and_conditions() {
        let mut ix = Interaction::new("T-1", Channel::Chat, "My parcel is late");
        ix.customer.tier = Some("Platinum".into());
        let f: Filter = serde_json::from_str(r#"{"tier":["platinum","vip"],"channel":"chat","text_contains":"PARCEL"}"#).unwrap();
        assert!(f.matches(&ix));
        let f: Filter = serde_json::from_str(r#"{"tier":"gold"}"#).unwrap();
        assert!(!f.matches(&ix));
        let c: Condition = serde_json::from_str(r#"{"level":[3,4],"fallback":false}"#).unwrap();
        assert!(!c.holds(&d(0.0, 3)), "no route: fallback = false cannot hold");
        let c: Condition = serde_json::from_str(r#"{"level":[3,4],"error":false}"#).unwrap();
        assert!(c.holds(&d(0.0, 3)));
        assert!(!c.holds(&d(0.0, 2)));
        assert_eq!(c.describe(), "level in [3, 4] and no error");
    }

    #[test]
    fn perturbation_appends_a_paragraph() {
        let ix = Interaction::new("T-1", Channel::Chat, "Where is my order?  ");
        assert_eq!(perturb(&ix, "Awful!").body, "Where is my order?\n\nAwful!");
        let empty = Interaction::new("T-2", Channel::Chat, "");
        assert_eq!(perturb(&empty, "Awful!").body, "Awful!");
    }

    #[test]
    fn invariants_need_exactly_one_property() {
        let spec = |json: &str| serde_json::from_str::<InvariantSpec>(json).unwrap().validate();
        assert!(spec(r#"{"name":"a","input":"x"}"#).is_err());
        assert!(spec(r#"{"name":"a","input":"x","never":{"queue":"bot"},"always":{"queue":"x"}}"#).is_err());
        assert!(spec(r#"{"name":"a","input":"x","kind":"sideways"}"#).unwrap_err().to_string().contains("sideways"));
        assert!(spec(r#"{"name":"a","input":"x","never":{}}"#).is_err());
        assert!(spec(r#"{"name":"a","input":"x","never":{"level":9}}"#).is_err());
        assert!(spec(r#"{"name":"a","input":"x","kind":"monotonic-priority-under-worse-sentiment"}"#).is_ok());
    }
}
