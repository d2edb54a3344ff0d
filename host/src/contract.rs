//! Checks every value a plugin returns against the contract and converts it
//! into the host's types. Out-of-contract values are rejected with a reason
//! naming the field; over-long lists of reasons or cues are trimmed.

use crate::versions::wit;
use cxr_model::ErrorKind;
use crate::convert::from_millis;
use crate::config::PipelineConfig;
use crate::model::{Cue, Discipline, PriorityResult, RouteResult, SentimentLabel, SentimentResult};
use crate::text;
use std::collections::BTreeSet;

/// Most cues kept from a sentiment result.
pub const MAX_CUES: usize = 8;
/// Most reasons kept from one hook.
pub const MAX_REASONS: usize = 16;
/// Longest queue name accepted.
pub const MAX_QUEUE_LEN: usize = 64;
/// Most skills, actions or tags accepted.
pub const MAX_LIST: usize = 32;
/// Longest skill, action, tag, rule name or language code accepted.
pub const MAX_NAME_LEN: usize = 64;
/// Longest reason or cue text kept (longer ones are cut).
pub const MAX_TEXT_LEN: usize = 300;
/// Most signals accepted from one classify call.
pub const MAX_SIGNALS: usize = 32;

fn cut(mut s: String) -> String {
    if s.len() > MAX_TEXT_LEN {
        let mut end = MAX_TEXT_LEN;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

fn reasons(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .filter(|r| !r.trim().is_empty())
        .take(MAX_REASONS)
        .map(cut)
        .collect()
}

fn unit(name: &str, v: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if !v.is_finite() {
        return Err(format!("{name} is {v}, not a finite number"));
    }
    if v < lo || v > hi {
        return Err(format!("{name} {v} is outside [{lo}, {hi}]"));
    }
    Ok(v)
}

fn name_list(field: &str, list: Vec<String>) -> Result<Vec<String>, String> {
    if list.len() > MAX_LIST {
        return Err(format!("{field} has {} entries (at most {MAX_LIST})", list.len()));
    }
    for item in &list {
        check_name(field, item)?;
    }
    Ok(list)
}

fn check_name(field: &str, item: &str) -> Result<(), String> {
    if item.trim().is_empty() {
        return Err(format!("{field} contains an empty name"));
    }
    if item.len() > MAX_NAME_LEN {
        return Err(format!("{field} entry is {} bytes long (at most {MAX_NAME_LEN})", item.len()));
    }
    if item.chars().any(|c| c.is_control() || text::is_unsafe(c)) {
        return Err(format!("{field} entry \"{}\" contains control or bidi characters", text::Shown(item)));
    }
    Ok(())
}

/// Rough size in bytes of what a hook returned, for the output-size limit.
fn strings_size<'a>(items: impl IntoIterator<Item = &'a String>) -> usize {
    items.into_iter().map(|s| s.len() + 8).sum()
}

fn check_size(hook: &str, size: usize, limit_bytes: usize) -> Result<(), String> {
    if size > limit_bytes {
        return Err(format!(
            "{hook} output is {size} bytes, over the {} KiB limit",
            limit_bytes / 1024
        ));
    }
    Ok(())
}

/// Checks and converts a sentiment result.
pub fn sentiment(s: wit::Sentiment, limit_bytes: usize) -> Result<SentimentResult, String> {
    check_size("sentiment", strings_size(s.cues.iter().map(|c| &c.text)) + 32, limit_bytes)?;
    let score = unit("sentiment.score", s.score, -1.0, 1.0)?;
    let confidence = unit("sentiment.confidence", s.confidence, 0.0, 1.0)?;
    let mut cues = Vec::with_capacity(s.cues.len().min(MAX_CUES));
    for c in s.cues.into_iter().take(MAX_CUES) {
        let weight = unit("sentiment.cues.weight", c.weight, -4.0, 4.0)?;
        cues.push(Cue { text: cut(c.text), weight });
    }
    Ok(SentimentResult {
        score,
        label: match s.label {
            wit::SentimentLabel::Negative => SentimentLabel::Negative,
            wit::SentimentLabel::Neutral => SentimentLabel::Neutral,
            wit::SentimentLabel::Positive => SentimentLabel::Positive,
        },
        confidence,
        cues,
    })
}

/// Checks and converts a priority result; returns it with its reasons.
pub fn priority(p: wit::Priority, limit_bytes: usize) -> Result<(PriorityResult, Vec<String>), String> {
    check_size("priority", strings_size(&p.reasons) + 32, limit_bytes)?;
    if !(1..=4).contains(&p.level) {
        return Err(format!("priority.level {} is outside 1..=4", p.level));
    }
    if p.score > 100 {
        return Err(format!("priority.score {} is outside 0..=100", p.score));
    }
    let due = match p.first_response_due {
        None => None,
        Some(ms) => Some(from_millis(ms).ok_or_else(|| format!("priority.first_response_due {ms} is not a representable time"))?),
    };
    Ok((
        PriorityResult {
            level: p.level,
            score: p.score,
            first_response_due: due,
        },
        reasons(p.reasons),
    ))
}

/// Checks and converts a route; returns it with its discipline and reasons.
pub fn route(r: wit::Route, limit_bytes: usize) -> Result<(RouteResult, Discipline, Vec<String>), String> {
    let size = r.queue.len()
        + strings_size(&r.skills)
        + strings_size(&r.actions)
        + strings_size(&r.tags)
        + strings_size(&r.reasons)
        + r.rule.as_ref().map_or(0, String::len)
        + r.language.as_ref().map_or(0, String::len);
    check_size("routing", size, limit_bytes)?;
    if r.queue.trim().is_empty() {
        return Err("route.queue is empty".to_string());
    }
    if r.queue.len() > MAX_QUEUE_LEN {
        return Err(format!("route.queue is {} bytes long (at most {MAX_QUEUE_LEN})", r.queue.len()));
    }
    check_name("route.queue", &r.queue)?;
    if let Some(l) = &r.language {
        check_name("route.language", l)?;
    }
    if let Some(rule) = &r.rule {
        check_name("route.rule", rule)?;
    }
    let discipline = match r.discipline {
        wit::Discipline::Service => Discipline::Service,
        wit::Discipline::Care => Discipline::Care,
        wit::Discipline::Experience => Discipline::Experience,
    };
    Ok((
        RouteResult {
            queue: r.queue,
            skills: name_list("route.skills", r.skills)?,
            language: r.language,
            actions: name_list("route.actions", r.actions)?,
            tags: name_list("route.tags", r.tags)?,
            rule: r.rule,
            fallback: false,
        },
        discipline,
        reasons(r.reasons),
    ))
}

/// Checks the signals a classifier returned: names and values are 1-64
/// bytes without control characters, confidence is in [0, 1]; at most
/// [`MAX_CUES`] cues are kept per signal, each cut to [`MAX_TEXT_LEN`].
pub fn signals(list: Vec<wit::Signal>, limit_bytes: usize) -> Result<Vec<wit::Signal>, String> {
    let size: usize = list
        .iter()
        .map(|s| s.name.len() + s.value.len() + 16 + strings_size(&s.cues))
        .sum();
    check_size("classify", size, limit_bytes)?;
    if list.len() > MAX_SIGNALS {
        return Err(format!("classify returned {} signals (at most {MAX_SIGNALS})", list.len()));
    }
    list.into_iter()
        .map(|s| {
            check_name("signal.name", &s.name)?;
            // The signal's name joins the field's only in an error (no
            // formatting on the way of a good result).
            let named = |e: String| format!("signal `{}` {e}", s.name);
            check_name("value", &s.value).map_err(named)?;
            let confidence = unit("confidence", s.confidence, 0.0, 1.0).map_err(named)?;
            Ok(wit::Signal {
                name: s.name,
                value: s.value,
                confidence,
                cues: s.cues.into_iter().filter(|c| !c.trim().is_empty()).take(MAX_CUES).map(cut).collect(),
            })
        })
        .collect()
}

/// What the error of a route refused for an unknown queue says (its
/// decision's `error_kind` is `unknown_queue`).
pub const UNKNOWN_QUEUE: &str = "is not in the pipeline's `queues`";

/// The names a pipeline allows in its routes (`queues`, `skills` and
/// `actions` in the pipeline file); `None` accepts any well-formed name.
#[derive(Debug, Clone, Default)]
pub struct Known {
    queues: Option<Vec<String>>,
    queue_set: Option<BTreeSet<String>>,
    skills: Option<BTreeSet<String>>,
    actions: Option<BTreeSet<String>>,
}

impl Known {
    /// The lists of a pipeline file.
    pub fn of(config: &PipelineConfig) -> Self {
        let set = |l: &Option<Vec<String>>| l.as_ref().map(|l| l.iter().cloned().collect::<BTreeSet<_>>());
        Known {
            queues: config.queues.clone(),
            queue_set: set(&config.queues),
            skills: set(&config.skills),
            actions: set(&config.actions),
        }
    }

    /// The known queues, in the order the pipeline file lists them.
    pub fn queues(&self) -> Option<&[String]> {
        self.queues.as_deref()
    }

    /// Whether `queue` is allowed.
    pub fn allows_queue(&self, queue: &str) -> bool {
        self.queue_set.as_ref().is_none_or(|s| s.contains(queue))
    }

    /// Passes a checked route through when its queue, skills and actions are
    /// all known; else names the field and the value, with the kind:
    /// `unknown_queue` for a queue, `contract` for a skill or an action.
    pub fn check<T>(&self, checked: (RouteResult, T, Vec<String>)) -> Result<(RouteResult, T, Vec<String>), (ErrorKind, String)> {
        let route = &checked.0;
        if !self.allows_queue(&route.queue) {
            return Err((ErrorKind::UnknownQueue, format!("route.queue \"{}\" {UNKNOWN_QUEUE}", text::Shown(&route.queue))));
        }
        for (field, key, list, values) in [
            ("route.skills", "skills", &self.skills, &route.skills),
            ("route.actions", "actions", &self.actions, &route.actions),
        ] {
            if let Some(known) = list
                && let Some(bad) = values.iter().find(|v| !known.contains(*v))
            {
                return Err((ErrorKind::Contract, format!("{field} entry \"{}\" is not in the pipeline's `{key}`", text::Shown(bad))));
            }
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(score: f64, confidence: f64) -> wit::Sentiment {
        wit::Sentiment {
            score,
            label: wit::SentimentLabel::Neutral,
            confidence,
            cues: vec![],
        }
    }

    #[test]
    fn sentiment_out_of_range_is_rejected_with_the_field() {
        assert!(sentiment(s(7.3, 0.5), 1 << 20).unwrap_err().contains("sentiment.score 7.3"));
        assert!(sentiment(s(f64::NAN, 0.5), 1 << 20).unwrap_err().contains("NaN"));
        assert!(sentiment(s(0.1, 1.5), 1 << 20).unwrap_err().contains("confidence"));
        assert!(sentiment(s(-1.0, 0.0), 1 << 20).is_ok());
    }

    #[test]
    fn bad_levels_and_queues_are_rejected() {
        let p = wit::Priority { level: 9, score: 10, first_response_due: None, reasons: vec![] };
        assert!(priority(p, 1 << 20).unwrap_err().contains("level 9"));
        let mut r = wit::Route {
            queue: String::new(),
            skills: vec![],
            language: None,
            discipline: wit::Discipline::Care,
            actions: vec![],
            tags: vec![],
            rule: None,
            reasons: vec![],
        };
        assert!(route(r.clone(), 1 << 20).unwrap_err().contains("empty"));
        r.queue = "q".repeat(10_000);
        assert!(route(r.clone(), 1 << 20).unwrap_err().contains("at most 64"));
        r.queue = "bil\u{202e}ling".into();
        assert!(route(r.clone(), 1 << 20).unwrap_err().contains("bidi"));
        r.queue = "billing".into();
        r.skills = vec!["x".repeat(100_000)];
        assert!(route(r, 64 * 1024).unwrap_err().contains("over the 64 KiB limit"));
    }

    fn sig(name: &str, value: &str, confidence: f64) -> wit::Signal {
        wit::Signal { name: name.into(), value: value.into(), confidence, cues: vec!["charged twice".into()] }
    }

    #[test]
    fn signals_out_of_contract_are_rejected_with_the_field() {
        assert!(signals(vec![sig("intent", "billing", 0.8)], 1 << 20).is_ok());
        assert!(signals(vec![sig("intent", "billing", 1.2)], 1 << 20).unwrap_err().contains("signal `intent` confidence 1.2"));
        assert!(signals(vec![sig("intent", "billing", f64::NAN)], 1 << 20).unwrap_err().contains("NaN"));
        assert!(signals(vec![sig("", "billing", 0.5)], 1 << 20).unwrap_err().contains("signal.name"));
        assert!(signals(vec![sig("intent", "", 0.5)], 1 << 20).unwrap_err().contains("value"));
        assert!(signals(vec![sig("intent", &"v".repeat(65), 0.5)], 1 << 20).unwrap_err().contains("at most 64"));
        assert!(signals(vec![sig("in\u{1b}[2Jtent", "x", 0.5)], 1 << 20).unwrap_err().contains("control"));
        assert!(signals((0..33).map(|_| sig("a", "b", 0.1)).collect(), 1 << 20).unwrap_err().contains("at most 32"));
        let mut many = sig("topic", "delivery", 0.4);
        many.cues = (0..20).map(|i| format!("cue {i}")).collect();
        assert_eq!(signals(vec![many], 1 << 20).unwrap()[0].cues.len(), MAX_CUES);
    }

    #[test]
    fn unknown_queues_skills_and_actions_are_out_of_contract() {
        let config = PipelineConfig::from_toml("queues = [\"billing\", \"general\"]\nactions = [\"call-back\"]\n").unwrap();
        let known = Known::of(&config);
        let mut r = RouteResult {
            queue: "billing".into(),
            skills: vec!["anything".into()],
            language: None,
            actions: vec!["call-back".into()],
            tags: vec![],
            rule: None,
            fallback: false,
        };
        assert!(known.check((r.clone(), (), vec![])).is_ok());
        r.queue = "b\u{1b}[2Jogus".into();
        let e = known.check((r.clone(), (), vec![])).unwrap_err();
        assert_eq!(e, (ErrorKind::UnknownQueue, "route.queue \"b\\u{1b}[2Jogus\" is not in the pipeline's `queues`".to_string()));
        r.queue = "general".into();
        r.actions = vec!["refund-everyone".into()];
        let (kind, e) = known.check((r, (), vec![])).unwrap_err();
        assert_eq!(kind, ErrorKind::Contract);
        assert!(e.contains("route.actions entry \"refund-everyone\""));
        assert!(Known::default().allows_queue("whatever"));
    }
}
