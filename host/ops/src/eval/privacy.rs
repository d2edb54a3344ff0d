//! `[privacy]` against a labelled file (`cxr eval --privacy`): recall per
//! kind and per format, and false positives per class of numbers that are
//! not personal data, so an operator can measure the masker on their own
//! messages.
//!
//! The file is JSON Lines, one message per line (blank lines and lines
//! starting with `#` are skipped):
//!
//! ```json
//! {"text": "Karte 4111 1111 1111 1111, Rechnung 0004512398", "language": "de",
//!  "labels": [{"kind": "card", "format": "spaces", "value": "4111 1111 1111 1111"},
//!             {"kind": "none", "format": "invoice-id", "value": "0004512398"}]}
//! ```
//!
//! `kind` is `card`, `iban`, `email`, `phone` (or a `[privacy.patterns]`
//! name) for personal data, `none` for a value that must stay as it is;
//! `format` is free text that groups the figures (for `none`: the class of
//! the number). `value` must occur in `text`; a value labelled twice means
//! its second occurrence. `language` is optional.
//!
//! A labelled value counts as **found** when every letter and digit of it
//! lies inside a match of its kind (partly masked, or masked as another
//! kind, is a miss: the rest would still be shown); a `none` value is a
//! **false positive** when any match touches it.

use super::metrics::ratio;
use super::render;
use anyhow::{Result, bail};
use cxr_host::privacy::{Masker, Match};
use cxr_host::text::Shown;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

/// One labelled message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub text: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub labels: Vec<Label>,
}

/// One labelled value in a message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// `card`, `iban`, `email`, `phone`, a pattern name, or `none`.
    pub kind: String,
    /// How the value is written (for `none`: its class).
    #[serde(default)]
    pub format: String,
    pub value: String,
}

/// A labelled message and its line in the file.
#[derive(Debug, Clone)]
pub struct Message {
    pub line: u64,
    pub labelled: Labelled,
}

/// Reads a labelled JSON Lines file; errors name the line.
pub fn parse(text: &str, name: &str) -> Result<Vec<Message>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let labelled: Labelled =
            serde_json::from_str(t).map_err(|e| anyhow::anyhow!("{name} line {n}: not a labelled message ({e})"))?;
        for l in &labelled.labels {
            if l.value.is_empty() {
                bail!("{name} line {n}: a label with an empty value");
            }
        }
        out.push(Message { line: n, labelled });
    }
    if out.is_empty() {
        bail!("{name}: no labelled message");
    }
    Ok(out)
}

/// Found (or masked) out of all, with the rate.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    pub items: u64,
    pub hits: u64,
    pub rate: f64,
}

impl Tally {
    fn add(&mut self, hit: bool) {
        self.items += 1;
        self.hits += u64::from(hit);
        self.rate = ratio(self.hits, self.items);
    }
}

/// A labelled value the masker got wrong, for the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Miss {
    pub line: u64,
    pub format: String,
    pub value: String,
    /// What the masker made of it: the kinds that matched part of it (empty: nothing).
    pub matched: Vec<String>,
}

/// Recall of one kind of personal data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindReport {
    /// Values of the kind, and how many were found.
    pub recall: Tally,
    /// The same per format.
    pub formats: BTreeMap<String, Tally>,
    /// Values not (wholly) masked as this kind: the first few.
    pub misses: Vec<Miss>,
    /// Values of the kind left partly visible (some letter or digit outside every match).
    pub leaked: u64,
}

/// False positives on one class of numbers that are not personal data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClassReport {
    /// Values of the class, and how many were (wrongly) masked.
    pub false_positives: Tally,
    /// Masked values per kind that matched them.
    pub by_kind: BTreeMap<String, u64>,
    pub examples: Vec<Miss>,
}

/// Everything `cxr eval --privacy` reports (its `--json` output).
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyReport {
    pub input: String,
    pub messages: usize,
    /// Per kind of personal data.
    pub kinds: BTreeMap<String, KindReport>,
    /// Per class of `none` values.
    pub classes: BTreeMap<String, ClassReport>,
    /// All `none` values, and how many were masked.
    pub false_positives: Tally,
    /// `none` values masked, per kind that masked them, over all `none` values.
    pub false_positive_rate_by_kind: BTreeMap<String, f64>,
    /// Mean time to find everything in one message (µs), natively.
    pub mean_micros: f64,
}

/// How many misses per kind and examples per class are kept.
pub const EXAMPLES: usize = 5;

/// Runs `masker` on every message and scores it against the labels.
pub fn evaluate(masker: &Masker, input: &str, messages: &[Message]) -> PrivacyReport {
    let mut kinds: BTreeMap<String, KindReport> = BTreeMap::new();
    let mut classes: BTreeMap<String, ClassReport> = BTreeMap::new();
    let mut false_positives = Tally::default();
    let mut fp_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let started = Instant::now();
    let found: Vec<Vec<Match>> = messages.iter().map(|m| masker.find(&m.labelled.text)).collect();
    let micros = started.elapsed().as_secs_f64() * 1e6 / messages.len().max(1) as f64;
    for (m, matches) in messages.iter().zip(&found) {
        let text = &m.labelled.text;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for label in &m.labelled.labels {
            let nth = seen.entry(label.value.as_str()).or_default();
            let Some(start) = text.match_indices(label.value.as_str()).nth(*nth).map(|(i, _)| i) else {
                // a value not in the text counts as missed (or, for none, as kept)
                let k = kinds.entry(label.kind.clone()).or_default();
                if label.kind != "none" {
                    k.recall.add(false);
                }
                continue;
            };
            *nth += 1;
            let end = start + label.value.len();
            let touching: Vec<&Match> = matches.iter().filter(|f| f.start < end && start < f.end).collect();
            let mut matched: Vec<String> = touching.iter().map(|f| f.kind.clone()).collect();
            matched.dedup();
            let miss = || Miss {
                line: m.line,
                format: label.format.clone(),
                value: label.value.clone(),
                matched: matched.clone(),
            };
            if label.kind == "none" {
                let class = classes.entry(label.format.clone()).or_default();
                let hit = !touching.is_empty();
                class.false_positives.add(hit);
                false_positives.add(hit);
                if hit {
                    for k in &matched {
                        *class.by_kind.entry(k.clone()).or_default() += 1;
                        *fp_by_kind.entry(k.clone()).or_default() += 1;
                    }
                    if class.examples.len() < EXAMPLES {
                        class.examples.push(miss());
                    }
                }
                continue;
            }
            // every letter and digit of the value inside a match of its kind
            let covered_by = |at: usize, kind: Option<&str>| {
                touching.iter().any(|f| f.start <= at && at < f.end && kind.is_none_or(|k| f.kind == k))
            };
            let alnum: Vec<usize> = text[start..end]
                .char_indices()
                .filter(|(_, c)| c.is_alphanumeric())
                .map(|(i, _)| start + i)
                .collect();
            let found = alnum.iter().all(|&at| covered_by(at, Some(&label.kind)));
            let leaked = alnum.iter().any(|&at| !covered_by(at, None));
            let k = kinds.entry(label.kind.clone()).or_default();
            k.recall.add(found);
            k.formats.entry(label.format.clone()).or_default().add(found);
            if leaked {
                k.leaked += 1;
            }
            if !found && k.misses.len() < EXAMPLES {
                k.misses.push(miss());
            }
        }
    }
    kinds.remove("none");
    let total = false_positives.items;
    PrivacyReport {
        input: input.to_string(),
        messages: messages.len(),
        kinds,
        classes,
        false_positive_rate_by_kind: fp_by_kind.into_iter().map(|(k, n)| (k, ratio(n, total))).collect(),
        false_positives,
        mean_micros: micros,
    }
}

impl PrivacyReport {
    /// The report for a person (values of misses shown escaped).
    pub fn text(&self) -> String {
        let mut o = String::new();
        render::line(&mut o, "file", Shown(&self.input));
        render::line(&mut o, "messages", self.messages);
        render::line(&mut o, "time", format_args!("{:.1} µs per message to find everything (natively)", self.mean_micros));
        o.push_str("\nrecall per kind (found: every letter and digit masked as that kind)\n");
        for (kind, k) in &self.kinds {
            let _ = writeln!(
                o,
                "{:<24} {:>6} of {:>6}  {:.4}  ({} left partly visible)",
                Shown(kind),
                k.recall.hits,
                k.recall.items,
                k.recall.rate,
                k.leaked
            );
            for (format, t) in &k.formats {
                let _ = writeln!(o, "  {:<22} {:>6} of {:>6}  {:.4}", Shown(format), t.hits, t.items, t.rate);
            }
            for miss in &k.misses {
                let _ = writeln!(o, "  missed line {}: {:?} ({})", miss.line, Shown(&miss.value).to_string(), matched(miss));
            }
        }
        o.push_str("\nfalse positives per class (masked, though not personal data)\n");
        for (class, c) in &self.classes {
            let by: Vec<String> = c.by_kind.iter().map(|(k, n)| format!("{} {n}", Shown(k))).collect();
            let _ = writeln!(
                o,
                "{:<24} {:>6} of {:>6}  {:.4}{}",
                Shown(class),
                c.false_positives.hits,
                c.false_positives.items,
                c.false_positives.rate,
                if by.is_empty() { String::new() } else { format!("  (as {})", by.join(", ")) }
            );
            for ex in &c.examples {
                let _ = writeln!(o, "  masked line {}: {:?} ({})", ex.line, Shown(&ex.value).to_string(), matched(ex));
            }
        }
        let by: Vec<String> = self.false_positive_rate_by_kind.iter().map(|(k, r)| format!("{} {r:.4}", Shown(k))).collect();
        let _ = writeln!(
            o,
            "{:<24} {:>6} of {:>6}  {:.4}{}",
            "all",
            self.false_positives.hits,
            self.false_positives.items,
            self.false_positives.rate,
            if by.is_empty() { String::new() } else { format!("  (per kind: {})", by.join(", ")) }
        );
        o
    }
}

fn matched(m: &Miss) -> String {
    if m.matched.is_empty() {
        "not masked".to_string()
    } else {
        format!("matched as {}", m.matched.iter().map(|k| Shown(k).to_string()).collect::<Vec<_>>().join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_partial_and_false_positives_are_told_apart() {
        let file = r#"
# a comment
{"text": "card 4111 1111 1111 1111 and INV 0004512398", "labels": [{"kind": "card", "format": "spaces", "value": "4111 1111 1111 1111"}, {"kind": "none", "format": "invoice", "value": "0004512398"}]}
{"text": "call +49 171 1234567", "labels": [{"kind": "email", "format": "wrong-kind", "value": "+49 171 1234567"}]}
{"text": "mail jane@example.com", "labels": [{"kind": "email", "format": "plain", "value": "jane@example.com"}, {"kind": "none", "format": "word", "value": "mail"}]}
{"text": "nothing 4111 1111 1111 1112", "labels": [{"kind": "card", "format": "bad-luhn", "value": "4111 1111 1111 1112"}]}
"#;
        let messages = parse(file, "f.jsonl").unwrap();
        assert_eq!(messages.len(), 4);
        assert_eq!(messages[0].line, 3);
        let r = evaluate(&Masker::all(), "f.jsonl", &messages);
        let card = &r.kinds["card"];
        assert_eq!((card.recall.hits, card.recall.items), (1, 2));
        assert_eq!(card.leaked, 1);
        assert_eq!(card.misses[0].matched, Vec::<String>::new());
        let email = &r.kinds["email"];
        assert_eq!((email.recall.hits, email.recall.items), (1, 2));
        assert_eq!(email.misses[0].matched, ["phone"]);
        assert_eq!(email.leaked, 0, "masked as a phone: not visible, but a miss of its kind");
        assert_eq!((r.false_positives.hits, r.false_positives.items), (0, 2));
        let text = r.text();
        assert!(text.contains("card") && text.contains("1 of      2"), "{text}");
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse("{\"text\": \"x\", \"labels\": []}\n{\"txt\": 1}\n", "f.jsonl").unwrap_err().to_string();
        assert!(e.contains("f.jsonl line 2"), "{e}");
        assert!(parse("\n# nothing\n", "f.jsonl").is_err());
    }
}
