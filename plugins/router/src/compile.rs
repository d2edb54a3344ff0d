//! Turning configured rules into compiled [`Rule`]s, validating every value.
//! Errors name the rule (by name and position) and the field, e.g.
//! `rule 'billing-urgent' (rules[0]): when.any[1].regex: invalid regex: …`.

use crate::config::{
    CustomerSpec, PrioritySpec, RuleSpec, SentimentSpec, SignalSpec, Strings, ThenSpec, WhenSpec,
};
use crate::keywords::KeywordIndex;
use crate::language;
use crate::rules::{
    Condition, CustomerTest, Keyword, PriorityTest, Rule, SentimentTest, SignalTest, Then,
};
use cxr_guest::{Channel, Discipline, SentimentLabel};
use regex::RegexBuilder;
use std::collections::BTreeMap;

/// Typical messages, searched by each regex when it is compiled: letters
/// with and without accents, digits, ratings and punctuation, so that the
/// regex's lazy DFA already has the states such text needs.
const WARM_UP_TEXTS: [&str; 5] = [
    "Hi, my order #12345 was charged twice and I still have no refund. Can someone call me?",
    "Is the app down again? Login fails with error 503 since 09:30 today - please fix it ASAP!!",
    "NPS: 9, CSAT 5/5 - great service, 5 stars :) Thanks Anna, very helpful.",
    "Meine Bestellung ist nicht angekommen, bitte um Rückruf. ¿Dónde está mi pedido? Très déçu.",
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n",
];

/// Largest compiled program a rule's regex may have, in bytes.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;
/// Largest lazy-DFA cache a rule's regex may use, in bytes.
const REGEX_DFA_SIZE_LIMIT: usize = 512 * 1024;
/// Longest queue name, in characters.
const MAX_QUEUE_CHARS: usize = 64;

/// Builds rules in evaluation order and the keyword index they share.
#[derive(Debug, Default)]
pub struct Compiler {
    /// Compiled rules, in order.
    pub rules: Vec<Rule>,
    /// Keywords of all rules.
    pub keywords: KeywordIndex,
    /// Rule name -> label of the rule that took it, for duplicate errors.
    names: BTreeMap<String, String>,
}

impl Compiler {
    /// Compiles a list of rules. `list` names the list in errors
    /// (`rules` for the operator's, `default-rules.json` for the built-ins).
    pub fn add_rules(
        &mut self,
        rules: Vec<serde_json::Value>,
        list: &str,
        builtin: bool,
    ) -> Result<(), String> {
        for (i, value) in rules.into_iter().enumerate() {
            let label = match value.get("name").and_then(serde_json::Value::as_str) {
                Some(name) => format!("rule '{name}' ({list}[{i}])"),
                None => format!("{list}[{i}]"),
            };
            let spec: RuleSpec =
                serde_json::from_value(value).map_err(|e| format!("{label}: {e}"))?;
            let rule = self
                .rule(spec, builtin)
                .map_err(|e| format!("{label}: {e}"))?;
            if let Some(first) = self.names.get(&rule.name) {
                return Err(if builtin {
                    format!(
                        "{first}: name '{}' is taken by a built-in default rule; \
                         rename the rule or set use_default_rules = false",
                        rule.name
                    )
                } else {
                    format!(
                        "{label}: name: duplicate rule name '{}', already used by {first}",
                        rule.name
                    )
                });
            }
            self.names.insert(rule.name.clone(), label);
            self.rules.push(rule);
        }
        Ok(())
    }

    fn rule(&mut self, spec: RuleSpec, builtin: bool) -> Result<Rule, String> {
        let name = spec.name.trim();
        if name.is_empty() {
            return Err("name: must not be empty".to_string());
        }
        Ok(Rule {
            name: name.to_string(),
            description: spec.description.filter(|d| !d.trim().is_empty()),
            builtin,
            when: self.when(&spec.when, "when")?,
            then: then(spec.then)?,
        })
    }

    fn when(&mut self, spec: &WhenSpec, path: &str) -> Result<Condition, String> {
        let mut c = Condition::default();
        if let Some(list) = &spec.channel {
            let names = values(list, path, "channel")?;
            let mut channels = Vec::with_capacity(names.len());
            for name in names {
                let channel = Channel::parse(&name).ok_or_else(|| {
                    let known: Vec<&str> = Channel::ALL.iter().map(Channel::as_str).collect();
                    format!(
                        "{path}.channel: unknown channel '{name}' (expected one of {})",
                        known.join(", ")
                    )
                })?;
                push_unique(&mut channels, channel);
            }
            c.channels = Some(channels);
        }
        if let Some(list) = &spec.language {
            let mut codes = Vec::new();
            for tag in values(list, path, "language")? {
                let code = language::normalize(&tag).ok_or_else(|| {
                    format!("{path}.language: '{tag}' is not a two- or three-letter language code")
                })?;
                push_unique(&mut codes, code);
            }
            c.languages = Some(codes);
        }
        if let Some(list) = &spec.tier {
            let tiers = values(list, path, "tier")?;
            c.tiers = Some(tiers.into_iter().map(|t| t.to_lowercase()).collect());
        }
        if let Some(customer) = &spec.customer {
            c.customer = customer_tests(customer, &format!("{path}.customer"))?;
        }
        if let Some(attributes) = &spec.attributes {
            for (key, accepted) in attributes {
                let key = key.trim();
                if key.is_empty() {
                    return Err(format!("{path}.attributes: empty attribute name"));
                }
                let accepted = values(accepted, &format!("{path}.attributes"), key)?;
                c.attributes.push((key.to_string(), accepted));
            }
        }
        if let Some(list) = &spec.attributes_present {
            c.attributes_present = values(list, path, "attributes_present")?;
        }
        if let Some(priority) = &spec.priority {
            c.priority = Some(priority_test(priority, &format!("{path}.priority"))?);
        }
        if let Some(sentiment) = &spec.sentiment {
            c.sentiment = Some(sentiment_test(sentiment, &format!("{path}.sentiment"))?);
        }
        if let Some(signals) = &spec.signal {
            for (i, s) in signals.items().iter().enumerate() {
                let at = match signals.items().len() {
                    1 => format!("{path}.signal"),
                    _ => format!("{path}.signal[{i}]"),
                };
                c.signals.push(signal_test(s, &at)?);
            }
        }
        if let Some(list) = &spec.keywords {
            c.keywords = self.keywords(list, path, "keywords")?;
            c.index_keywords();
        }
        if let Some(list) = &spec.all_keywords {
            c.all_keywords = self.keywords(list, path, "all_keywords")?;
        }
        if let Some(pattern) = &spec.regex {
            if pattern.is_empty() {
                return Err(format!("{path}.regex: must not be empty"));
            }
            let re = RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
                .build()
                .map_err(|e| format!("{path}.regex: invalid regex: {e}"))?;
            // Searching the warm-up texts creates the regex's match cache
            // and most lazy DFA states now, in `configure`, so that an
            // instance started from a snapshot taken after `configure` (the
            // host's isolate mode) does not build them on its one call.
            for text in WARM_UP_TEXTS {
                re.is_match(text);
            }
            c.regex = Some(re);
        }
        if let Some(branches) = &spec.any {
            if branches.is_empty() {
                return Err(format!("{path}.any: must not be empty"));
            }
            for (i, branch) in branches.iter().enumerate() {
                let inner = self.when(branch, &format!("{path}.any[{i}]"))?;
                c.any.push(inner);
            }
        }
        if let Some(not) = &spec.not {
            let inner = self.when(not, &format!("{path}.not"))?;
            if inner.is_empty() {
                return Err(format!(
                    "{path}.not: an empty condition always matches, so this rule never would"
                ));
            }
            c.not = Some(Box::new(inner));
        }
        Ok(c)
    }

    fn keywords(
        &mut self,
        list: &Strings,
        path: &str,
        field: &str,
    ) -> Result<Vec<Keyword>, String> {
        let mut out: Vec<Keyword> = Vec::new();
        for text in values(list, path, field)? {
            let id = self
                .keywords
                .add(&text)
                .map_err(|e| format!("{path}.{field}: {e}"))?;
            if !out.iter().any(|k| k.id == id) {
                out.push(Keyword { id, text });
            }
        }
        Ok(out)
    }
}

/// The trimmed values of a list that must not be empty nor contain empty values.
fn values(list: &Strings, path: &str, field: &str) -> Result<Vec<String>, String> {
    if list.0.is_empty() {
        return Err(format!("{path}.{field}: must not be empty"));
    }
    let mut out = Vec::with_capacity(list.0.len());
    for value in &list.0 {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("{path}.{field}: contains an empty value"));
        }
        push_unique(&mut out, value.to_string());
    }
    Ok(out)
}

/// Like [`values`] for optional lists in `then` (empty allowed).
fn tags(list: Strings, field: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(list.0.len());
    for value in list.0 {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("then.{field}: contains an empty value"));
        }
        push_unique(&mut out, value.to_string());
    }
    Ok(out)
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn then(spec: ThenSpec) -> Result<Then, String> {
    let queue = spec.queue.trim();
    if queue.is_empty() {
        return Err("then.queue: must not be empty".to_string());
    }
    if queue.chars().count() > MAX_QUEUE_CHARS {
        return Err(format!(
            "then.queue: '{queue}' is longer than {MAX_QUEUE_CHARS} characters"
        ));
    }
    if queue.chars().any(char::is_control) {
        return Err("then.queue: must not contain control characters".to_string());
    }
    let discipline = match spec.discipline.as_deref() {
        None => Discipline::Service,
        Some(name) => Discipline::parse(name).ok_or_else(|| {
            format!("then.discipline: '{name}' is not one of service, care, experience")
        })?,
    };
    Ok(Then {
        queue: queue.to_string(),
        skills: tags(spec.skills, "skills")?,
        discipline,
        actions: tags(spec.actions, "actions")?,
        tags: tags(spec.tags, "tags")?,
    })
}

fn customer_tests(spec: &CustomerSpec, path: &str) -> Result<Vec<CustomerTest>, String> {
    let mut tests = Vec::new();
    if let Some(n) = spec.contacts_last_30d_at_least {
        tests.push(CustomerTest::ContactsAtLeast(n));
    }
    if let Some(x) = spec.lifetime_value_at_least {
        if !x.is_finite() {
            return Err(format!(
                "{path}.lifetime_value_at_least: must be a finite number"
            ));
        }
        tests.push(CustomerTest::LifetimeValueAtLeast(x));
    }
    if let Some(n) = spec.tenure_days_at_least {
        tests.push(CustomerTest::TenureAtLeast(n));
    }
    if let Some(n) = spec.open_interactions_at_least {
        tests.push(CustomerTest::OpenAtLeast(n));
    }
    if let Some(n) = spec.last_csat_at_most {
        if !(1..=5).contains(&n) {
            return Err(format!("{path}.last_csat_at_most: {n} is outside 1..=5"));
        }
        tests.push(CustomerTest::CsatAtMost(n));
    }
    if let Some(n) = spec.last_nps_at_most {
        if n > 10 {
            return Err(format!("{path}.last_nps_at_most: {n} is outside 0..=10"));
        }
        tests.push(CustomerTest::NpsAtMost(n));
    }
    if tests.is_empty() {
        return Err(format!("{path}: needs at least one condition"));
    }
    Ok(tests)
}

fn priority_test(spec: &PrioritySpec, path: &str) -> Result<PriorityTest, String> {
    for (field, level) in [
        ("level_at_most", spec.level_at_most),
        ("level_at_least", spec.level_at_least),
    ] {
        if let Some(n) = level.filter(|n| !(1..=4).contains(n)) {
            return Err(format!("{path}.{field}: {n} is outside 1..=4"));
        }
    }
    for (field, score) in [
        ("score_at_least", spec.score_at_least),
        ("score_at_most", spec.score_at_most),
    ] {
        if let Some(n) = score.filter(|n| *n > 100) {
            return Err(format!("{path}.{field}: {n} is outside 0..=100"));
        }
    }
    if let (Some(lo), Some(hi)) = (spec.level_at_least, spec.level_at_most)
        && lo > hi
    {
        return Err(format!(
            "{path}: level_at_least {lo} > level_at_most {hi} never matches"
        ));
    }
    if let (Some(lo), Some(hi)) = (spec.score_at_least, spec.score_at_most)
        && lo > hi
    {
        return Err(format!(
            "{path}: score_at_least {lo} > score_at_most {hi} never matches"
        ));
    }
    let test = PriorityTest {
        level_at_most: spec.level_at_most,
        level_at_least: spec.level_at_least,
        score_at_least: spec.score_at_least,
        score_at_most: spec.score_at_most,
    };
    if test.level_at_most.is_none()
        && test.level_at_least.is_none()
        && test.score_at_least.is_none()
        && test.score_at_most.is_none()
    {
        return Err(format!("{path}: needs at least one condition"));
    }
    Ok(test)
}

fn signal_test(spec: &SignalSpec, path: &str) -> Result<SignalTest, String> {
    let name = spec.name.trim();
    if name.is_empty() {
        return Err(format!("{path}.name: must not be empty"));
    }
    let values = match &spec.value {
        Some(list) => values(list, path, "value")?,
        None => Vec::new(),
    };
    let min_confidence = spec.min_confidence.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&min_confidence) {
        return Err(format!(
            "{path}.min_confidence: {min_confidence} is outside 0..=1"
        ));
    }
    Ok(SignalTest {
        name: name.to_string(),
        values,
        min_confidence,
    })
}

fn sentiment_test(spec: &SentimentSpec, path: &str) -> Result<SentimentTest, String> {
    let mut test = SentimentTest::default();
    if let Some(list) = &spec.label {
        for name in values(list, path, "label")? {
            let label = match name.to_ascii_lowercase().as_str() {
                "negative" => SentimentLabel::Negative,
                "neutral" => SentimentLabel::Neutral,
                "positive" => SentimentLabel::Positive,
                _ => {
                    return Err(format!(
                        "{path}.label: '{name}' is not one of negative, neutral, positive"
                    ));
                }
            };
            push_unique(&mut test.labels, label);
        }
    }
    for (field, bound) in [("at_most", spec.at_most), ("at_least", spec.at_least)] {
        if let Some(x) = bound.filter(|x| !(-1.0..=1.0).contains(x)) {
            return Err(format!("{path}.{field}: {x} is outside -1..=1"));
        }
    }
    if let Some(x) = spec
        .confidence_at_least
        .filter(|x| !(0.0..=1.0).contains(x))
    {
        return Err(format!("{path}.confidence_at_least: {x} is outside 0..=1"));
    }
    if let (Some(lo), Some(hi)) = (spec.at_least, spec.at_most)
        && lo > hi
    {
        return Err(format!(
            "{path}: at_least {lo} > at_most {hi} never matches"
        ));
    }
    test.at_most = spec.at_most;
    test.at_least = spec.at_least;
    test.confidence_at_least = spec.confidence_at_least;
    if test.labels.is_empty()
        && test.at_most.is_none()
        && test.at_least.is_none()
        && test.confidence_at_least.is_none()
    {
        return Err(format!("{path}: needs at least one condition"));
    }
    Ok(test)
}
