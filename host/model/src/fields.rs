//! The one vocabulary of decision fields: every part of a decision that can
//! differ between two pipelines, with its name and how to read it from a
//! [`Decision`]. `cxr diff`, shadow mode and the decision metrics all use
//! it, so they compare the same fields under the same names.
//!
//! A field reads as text: `-` when the decision has no value for it (an
//! error record has no queue), lists as sorted sets in brackets
//! (`[billing, en]`), so that two decisions differ in a field exactly when
//! its texts differ.

use crate::model::Decision;
use chrono::SecondsFormat;
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::fmt;

/// A part of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionField {
    /// `route.queue`.
    Queue,
    /// `discipline`: service, care or experience.
    Discipline,
    /// `priority.level`, 1 (most urgent) to 4.
    Level,
    /// `priority.score`.
    Score,
    /// `priority.first_response_due`, to the second.
    Due,
    /// `sentiment.label`.
    Label,
    /// `sentiment.score`, to two decimals.
    SentimentScore,
    /// The classifiers' signals as `name=value` pairs (confidences ignored).
    Signals,
    /// `route.skills`.
    Skills,
    /// `route.language`.
    Language,
    /// `route.tags`.
    Tags,
    /// `route.actions`.
    Actions,
    /// The rule that decided, `(fallback)` when the fallback did.
    Rule,
    /// `degraded`: stages that failed without stopping the decision.
    Degraded,
    /// `error_kind`: `none`, or what failed (`fuel`, `unknown_queue`, `input`, ...).
    Error,
}

impl DecisionField {
    /// Every field, in report order.
    pub const ALL: [DecisionField; 15] = [
        DecisionField::Queue,
        DecisionField::Discipline,
        DecisionField::Level,
        DecisionField::Score,
        DecisionField::Due,
        DecisionField::Label,
        DecisionField::SentimentScore,
        DecisionField::Signals,
        DecisionField::Skills,
        DecisionField::Language,
        DecisionField::Tags,
        DecisionField::Actions,
        DecisionField::Rule,
        DecisionField::Degraded,
        DecisionField::Error,
    ];

    /// The name used on the command line (`--fail-on`), in JSON and as the
    /// `field` label of metrics.
    pub const fn name(self) -> &'static str {
        match self {
            DecisionField::Queue => "queue",
            DecisionField::Discipline => "discipline",
            DecisionField::Level => "level",
            DecisionField::Score => "score",
            DecisionField::Due => "due",
            DecisionField::Label => "label",
            DecisionField::SentimentScore => "sentiment_score",
            DecisionField::Signals => "signals",
            DecisionField::Skills => "skills",
            DecisionField::Language => "language",
            DecisionField::Tags => "tags",
            DecisionField::Actions => "actions",
            DecisionField::Rule => "rule",
            DecisionField::Degraded => "degraded",
            DecisionField::Error => "error",
        }
    }

    /// Other spellings accepted by [`DecisionField::parse`]: the JSON paths.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            DecisionField::Level => &["priority_level", "priority.level"],
            DecisionField::Score => &["priority_score", "priority.score"],
            DecisionField::Due => &["first_response_due", "priority.first_response_due"],
            DecisionField::Label => &["sentiment_label", "sentiment.label"],
            DecisionField::SentimentScore => &["sentiment.score"],
            DecisionField::Queue => &["route.queue"],
            DecisionField::Skills => &["route.skills"],
            DecisionField::Language => &["route.language"],
            DecisionField::Tags => &["route.tags"],
            DecisionField::Actions => &["route.actions"],
            DecisionField::Rule => &["route.rule"],
            DecisionField::Error => &["error_kind"],
            DecisionField::Discipline | DecisionField::Signals | DecisionField::Degraded => &[],
        }
    }

    /// The field called `name` (or one of its aliases).
    pub fn parse(name: &str) -> Option<DecisionField> {
        let name = name.trim();
        DecisionField::ALL
            .into_iter()
            .find(|f| f.name() == name || f.aliases().contains(&name))
    }

    /// Parses a comma-separated list such as `queue,discipline,skills`;
    /// repeats are dropped; an unknown name is an error listing the known ones.
    pub fn parse_list(list: &str) -> Result<Vec<DecisionField>, String> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match DecisionField::parse(name) {
                Some(f) if !out.contains(&f) => out.push(f),
                Some(_) => {}
                None => return Err(format!("unknown field {name:?} (expected some of {})", DecisionField::names())),
            }
        }
        Ok(out)
    }

    /// Every field's name, comma-separated.
    pub fn names() -> String {
        DecisionField::ALL.map(DecisionField::name).join(", ")
    }

    /// This field of `d`, as text (`-` when the decision has none).
    pub fn read(self, d: &Decision) -> String {
        let route = d.route.as_ref();
        let priority = d.priority.as_ref();
        let sentiment = d.sentiment.as_ref();
        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        match self {
            DecisionField::Queue => opt(route.map(|r| r.queue.clone())),
            DecisionField::Discipline => opt(d.discipline.map(|x| x.as_str().to_string())),
            DecisionField::Level => opt(priority.map(|p| p.level.to_string())),
            DecisionField::Score => opt(priority.map(|p| p.score.to_string())),
            DecisionField::Due => opt(priority
                .and_then(|p| p.first_response_due)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))),
            DecisionField::Label => opt(sentiment.map(|s| s.label.as_str().to_string())),
            DecisionField::SentimentScore => opt(sentiment.map(|s| format!("{:+.2}", s.score))),
            DecisionField::Signals => set(d.signals.iter().map(|s| format!("{}={}", s.name, s.value))),
            DecisionField::Skills => set(route.into_iter().flat_map(|r| r.skills.iter().cloned())),
            DecisionField::Language => opt(route.and_then(|r| r.language.clone())),
            DecisionField::Tags => set(route.into_iter().flat_map(|r| r.tags.iter().cloned())),
            DecisionField::Actions => set(route.into_iter().flat_map(|r| r.actions.iter().cloned())),
            DecisionField::Rule => match route {
                None => "-".to_string(),
                Some(r) if r.fallback => "(fallback)".to_string(),
                Some(r) => r.rule.clone().unwrap_or_else(|| "(unnamed)".to_string()),
            },
            DecisionField::Degraded => set(d.degraded.iter().map(|s| s.stage.clone())),
            DecisionField::Error => match (&d.error, d.error_kind) {
                (None, _) => "none".to_string(),
                (Some(_), Some(kind)) => kind.as_str().to_string(),
                (Some(_), None) => "error".to_string(),
            },
        }
    }
}

fn set(items: impl Iterator<Item = String>) -> String {
    let set: BTreeSet<String> = items.collect();
    format!("[{}]", set.into_iter().collect::<Vec<_>>().join(", "))
}

impl fmt::Display for DecisionField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for DecisionField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Every field of one decision, read once: what shadow mode keeps of a live
/// decision to compare the candidate's with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading(Vec<String>);

impl Reading {
    /// Reads every field of `d`.
    pub fn of(d: &Decision) -> Self {
        Reading(DecisionField::ALL.iter().map(|f| f.read(d)).collect())
    }

    /// The value of `field`.
    pub fn get(&self, field: DecisionField) -> &str {
        let i = DecisionField::ALL.iter().position(|f| *f == field).expect("every field is in ALL");
        &self.0[i]
    }

    /// The fields that differ, each with this reading's value and the other's.
    pub fn differences(&self, other: &Reading) -> Vec<Difference> {
        DecisionField::ALL
            .iter()
            .zip(self.0.iter().zip(&other.0))
            .filter(|(_, (a, b))| a != b)
            .map(|(f, (a, b))| Difference {
                field: *f,
                before: a.clone(),
                after: b.clone(),
            })
            .collect()
    }
}

/// One field that differs between two decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: DecisionField,
    /// The value in the first decision (the base, the live one).
    pub before: String,
    /// The value in the second (the candidate, the shadow).
    pub after: String,
}

/// The fields in which `a` and `b` differ, in [`DecisionField::ALL`] order.
pub fn differences(a: &Decision, b: &Decision) -> Vec<Difference> {
    Reading::of(a).differences(&Reading::of(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hook::ErrorKind;
    use crate::model::{Discipline, PriorityResult, RouteResult};

    fn decision() -> Decision {
        let mut d = Decision::error_record("A", Some(1), ErrorKind::Input, "x");
        d.error = None;
        d.error_kind = None;
        d.discipline = Some(Discipline::Service);
        d.priority = Some(PriorityResult {
            level: 2,
            score: 70,
            first_response_due: None,
        });
        d.route = Some(RouteResult {
            queue: "billing".into(),
            skills: vec!["billing".into(), "en".into()],
            language: Some("en".into()),
            actions: vec![],
            tags: vec!["intent".into()],
            rule: Some("billing-intent".into()),
            fallback: false,
        });
        d
    }

    #[test]
    fn names_and_aliases_parse() {
        for f in DecisionField::ALL {
            assert_eq!(DecisionField::parse(f.name()), Some(f));
            for a in f.aliases() {
                assert_eq!(DecisionField::parse(a), Some(f));
            }
        }
        assert_eq!(
            DecisionField::parse_list("queue, skills,queue,priority_level").unwrap(),
            [DecisionField::Queue, DecisionField::Skills, DecisionField::Level]
        );
        assert!(DecisionField::parse_list("queue,colour").unwrap_err().contains("colour"));
    }

    #[test]
    fn a_dropped_skill_and_a_changed_language_are_differences() {
        let a = decision();
        let mut b = decision();
        assert!(differences(&a, &b).is_empty());
        let route = b.route.as_mut().unwrap();
        route.skills.retain(|s| s != "en");
        route.language = Some("de".into());
        let d = differences(&a, &b);
        let fields: Vec<_> = d.iter().map(|x| x.field).collect();
        assert_eq!(fields, [DecisionField::Skills, DecisionField::Language]);
        assert_eq!((d[0].before.as_str(), d[0].after.as_str()), ("[billing, en]", "[billing]"));
    }

    #[test]
    fn error_records_read_as_absent_values_and_their_kind() {
        let r = Decision::error_record("line 3", Some(3), ErrorKind::Duplicate, "line 3: duplicate id");
        assert_eq!(DecisionField::Queue.read(&r), "-");
        assert_eq!(DecisionField::Skills.read(&r), "[]");
        assert_eq!(DecisionField::Error.read(&r), "duplicate");
        assert_eq!(DecisionField::Error.read(&decision()), "none");
    }
}
