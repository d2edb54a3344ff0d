//! `[privacy]`: personal data masked in the host, natively, once per
//! interaction, before any hook runs, so that no plugin ever sees it and
//! nothing a plugin returns or logs (and so no decision, report, log line or
//! metric) can carry it.
//!
//! Masked in the subject, the body, every history message's body and every
//! attribute value (not in the id, the channel or the customer profile):
//!
//! | kind | recognised | becomes |
//! |---|---|---|
//! | `email` | `local@domain.tld` | `[email]` |
//! | `iban` | 2 letters, 2 check digits, 11–30 letters or digits, any grouping with single spaces or dashes, ISO 7064 mod-97 valid | `[iban DE…3000]` (country, last 4) |
//! | `card` | 13–19 digits, any grouping with spaces or dashes, Luhn-valid | `[card …1111]` (last 4) |
//! | `phone` | `+`/`00` and 8–15 digits; or a leading `0` or `(` and 9–12 digits; or `NNN-NNN-NNNN`; dates excluded | `[phone …89]` (last 2) |
//! | named patterns | each extra regular expression of `[privacy.patterns]` | `[NAME]` |
//!
//! The kinds run in that order, each on the text the previous one left. The
//! decision's `masked` field counts what was masked per kind (never the values).

use crate::config::{MaskKind, Privacy};
use crate::model::{Decision, Interaction};
use anyhow::{Context as _, Result, bail};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Counts of what was masked, by kind.
pub type Counts = BTreeMap<String, u32>;

/// Masks one pipeline's `[privacy]` kinds. Compiled once per pipeline.
#[derive(Debug)]
pub struct Masker {
    email: Option<Regex>,
    iban: Option<Regex>,
    card: Option<Regex>,
    phone: Option<Regex>,
    patterns: Vec<(String, Regex)>,
}

/// Largest compiled size of one extra pattern.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

impl Masker {
    /// The masker for a `[privacy]` section; `None` when it masks nothing.
    /// Errors name the pattern that does not compile.
    pub fn new(privacy: &Privacy) -> Result<Option<Self>> {
        if privacy.is_off() {
            return Ok(None);
        }
        let on = |k: MaskKind| privacy.mask.contains(&k);
        let builtin = |k: MaskKind, re: &str| on(k).then(|| Regex::new(re).expect("built-in pattern compiles"));
        let mut patterns = Vec::new();
        for (name, re) in &privacy.patterns {
            let compiled = regex::RegexBuilder::new(re)
                .size_limit(PATTERN_SIZE_LIMIT)
                .build()
                .with_context(|| format!("privacy.patterns.{name}: not a valid regular expression"))?;
            if compiled.is_match("") {
                bail!("privacy.patterns.{name}: {re:?} matches the empty string");
            }
            patterns.push((name.clone(), compiled));
        }
        Ok(Some(Masker {
            email: builtin(MaskKind::Email, r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}"),
            // The start of an IBAN: country code and check digits.
            iban: builtin(MaskKind::Iban, r"(?i)\b[a-z]{2}[0-9]{2}"),
            // Runs of digits, spaces and dashes long enough to hold 13 digits.
            card: builtin(MaskKind::Card, r"[0-9][0-9 \-]{11,}[0-9]"),
            phone: builtin(MaskKind::Phone, r"(?:\+|\(\+?)?[0-9][0-9 \-./()]{5,}[0-9]"),
            patterns,
        }))
    }

    /// Decides `ix` masked with `decide`, and records in the decision what
    /// was masked.
    pub fn decide(&self, ix: &Interaction, decide: impl FnOnce(&Interaction) -> Decision) -> Decision {
        let mut counts = Counts::new();
        let masked = self.mask_interaction(ix, &mut counts);
        let mut d = decide(masked.as_ref().unwrap_or(ix));
        d.masked = counts;
        d
    }

    /// `ix` with subject, body, history bodies and attribute values masked;
    /// `None` when there was nothing to mask. Adds to `counts`.
    pub fn mask_interaction(&self, ix: &Interaction, counts: &mut Counts) -> Option<Interaction> {
        let mut out: Option<Interaction> = None;
        fn copy<'o>(out: &'o mut Option<Interaction>, ix: &Interaction) -> &'o mut Interaction {
            out.get_or_insert_with(|| ix.clone())
        }
        if let Some(subject) = &ix.subject
            && let Cow::Owned(m) = self.mask(subject, counts)
        {
            copy(&mut out, ix).subject = Some(m);
        }
        if let Cow::Owned(m) = self.mask(&ix.body, counts) {
            copy(&mut out, ix).body = m;
        }
        for (i, h) in ix.history.iter().enumerate() {
            if let Cow::Owned(m) = self.mask(&h.body, counts) {
                copy(&mut out, ix).history[i].body = m;
            }
        }
        for (k, v) in &ix.attributes {
            if let Cow::Owned(m) = self.mask(v, counts) {
                copy(&mut out, ix).attributes.insert(k.clone(), m);
            }
        }
        out
    }

    /// `text` with every configured kind masked; borrows when nothing was.
    pub fn mask<'a>(&self, text: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        // Every built-in kind needs a digit or an `@`: most texts skip them all.
        if text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
            if let Some(re) = &self.email {
                text = replace_all(text, re, "email", counts, |_, _| Some("[email]".to_string()));
            }
            if let Some(re) = &self.iban {
                text = replace_spans(text, "iban", counts, |t| iban_spans(re, t));
            }
            if let Some(re) = &self.card {
                text = replace_spans(text, "card", counts, |t| card_spans(re, t));
            }
            if let Some(re) = &self.phone {
                text = replace_spans(text, "phone", counts, |t| phone_spans(re, t));
            }
        }
        for (name, re) in &self.patterns {
            let mask = format!("[{name}]");
            text = replace_all(text, re, name, counts, |_, _| Some(mask.clone()));
        }
        text
    }
}

/// Replaces each match of `re` for which `mask` gives a replacement.
fn replace_all<'a>(
    text: Cow<'a, str>,
    re: &Regex,
    kind: &str,
    counts: &mut Counts,
    mask: impl Fn(&str, usize) -> Option<String>,
) -> Cow<'a, str> {
    replace_spans(text, kind, counts, |t| {
        re.find_iter(t)
            .filter_map(|m| mask(m.as_str(), m.start()).map(|r| (m.start(), m.end(), r)))
            .collect()
    })
}

/// Replaces the (sorted, disjoint) spans `find` gives with their masks.
fn replace_spans<'a>(
    text: Cow<'a, str>,
    kind: &str,
    counts: &mut Counts,
    find: impl FnOnce(&str) -> Vec<(usize, usize, String)>,
) -> Cow<'a, str> {
    let spans = find(text.as_ref());
    if spans.is_empty() {
        return text;
    }
    *counts.entry(kind.to_string()).or_default() += spans.len() as u32;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, mask) in spans {
        out.push_str(&text[at..start]);
        out.push_str(&mask);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// The digit groups of `run` (byte ranges relative to `offset`): runs of
/// ASCII digits separated by anything else.
fn digit_groups(run: &str, offset: usize) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut start = None;
    for (i, b) in run.bytes().enumerate() {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                groups.push((offset + s, offset + i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        groups.push((offset + s, offset + run.len()));
    }
    groups
}

/// Greedy left to right: from each group, the longest run of consecutive
/// groups `accept` takes; the spans taken do not overlap.
fn take_groups(groups: &[(usize, usize)], accept: impl Fn(usize, usize) -> bool) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        match (i..groups.len()).rev().find(|&j| accept(i, j)) {
            Some(j) => {
                spans.push((groups[i].0, groups[j].1));
                i = j + 1;
            }
            None => i += 1,
        }
    }
    spans
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The Luhn checksum of a string of ASCII digits is valid.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

fn card_spans(re: &Regex, text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        // A number written as `+49 ...` or `0049 ...` is a phone number.
        if text[..m.start()].ends_with('+') || m.as_str().starts_with("00") {
            continue;
        }
        let groups = digit_groups(m.as_str(), m.start());
        let span_digits = |i: usize, j: usize| digits_of(&text[groups[i].0..groups[j].1]);
        let spans = take_groups(&groups, |i, j| {
            let d = span_digits(i, j);
            (13..=19).contains(&d.len()) && luhn_valid(&d)
        });
        for (s, e) in spans {
            let d = digits_of(&text[s..e]);
            out.push((s, e, format!("[card …{}]", &d[d.len() - 4..])));
        }
    }
    out
}

/// ISO 7064 mod-97-10 over an IBAN's letters and digits (uppercase).
pub fn iban_valid(iban: &str) -> bool {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) || !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

fn iban_spans(re: &Regex, text: &str) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for m in re.find_iter(text) {
        if out.last().is_some_and(|(_, end, _)| m.start() < *end) {
            continue;
        }
        // Walk on over letters and digits, allowing single spaces or dashes
        // between them; every place a group ends is a possible end.
        let bytes = text.as_bytes();
        let mut chars = String::new();
        let mut ends = Vec::new();
        let mut i = m.start();
        while i < bytes.len() && chars.len() < 34 {
            let c = bytes[i];
            if c.is_ascii_alphanumeric() {
                chars.push(c.to_ascii_uppercase() as char);
                i += 1;
                let at_end = i >= bytes.len() || !bytes[i].is_ascii_alphanumeric();
                if at_end {
                    ends.push((i, chars.len()));
                }
            } else if (c == b' ' || c == b'-') && i + 1 < bytes.len() && bytes[i + 1].is_ascii_alphanumeric() && !chars.is_empty() {
                i += 1;
            } else {
                break;
            }
        }
        // The longest valid prefix ending at a group end (and at a word end).
        let best = ends.iter().rev().find(|&&(end, n)| {
            let word_end = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
            word_end && iban_valid(&chars[..n])
        });
        if let Some(&(end, n)) = best {
            out.push((m.start(), end, format!("[iban {}…{}]", &chars[..2], &chars[n - 4..n])));
        }
    }
    out
}

/// `2026-11-22`, `22.11.2026`, `11/22/26` and the like.
fn looks_like_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '.', '/']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let len: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let short = |n: usize| n <= 2;
    (len[0] == 4 && short(len[1]) && short(len[2])) || (short(len[0]) && short(len[1]) && (len[2] == 4 || len[2] == 2))
}

fn is_nanp(s: &str) -> bool {
    let groups: Vec<&str> = s.split([' ', '-', '.']).collect();
    groups.len() == 3
        && [3, 3, 4].iter().zip(&groups).all(|(n, g)| g.len() == *n && g.bytes().all(|b| b.is_ascii_digit()))
}

fn phone_spans(re: &Regex, text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        let groups = digit_groups(m.as_str(), m.start());
        // A span may begin at the match's own start (taking its `+` or `(`).
        let begin = |i: usize| if i == 0 { m.start() } else { groups[i].0 };
        let accept = |i: usize, j: usize| {
            let span = &text[begin(i)..groups[j].1];
            let n = span.bytes().filter(u8::is_ascii_digit).count();
            let intl = span.starts_with('+') || span.starts_with("(+") || span.starts_with("00");
            if looks_like_date(span) {
                return false;
            }
            if intl {
                (8..=15).contains(&n)
            } else if span.starts_with('0') || span.starts_with('(') {
                (9..=12).contains(&n)
            } else {
                is_nanp(span)
            }
        };
        let mut spans = take_groups(&groups, accept);
        if let Some(first) = spans.first_mut()
            && first.0 == groups[0].0
        {
            first.0 = m.start();
        }
        for (s, e) in spans {
            let d = digits_of(&text[s..e]);
            out.push((s, e, format!("[phone …{}]", &d[d.len() - 2..])));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker(kinds: &[MaskKind]) -> Masker {
        Masker::new(&Privacy { mask: kinds.to_vec(), patterns: BTreeMap::new() }).unwrap().unwrap()
    }

    fn all() -> Masker {
        masker(&[MaskKind::Card, MaskKind::Iban, MaskKind::Email, MaskKind::Phone])
    }

    fn mask(text: &str) -> (String, Counts) {
        let mut counts = Counts::new();
        let out = all().mask(text, &mut counts).into_owned();
        (out, counts)
    }

    #[test]
    fn cards_in_any_grouping_are_masked_when_luhn_valid() {
        for (text, hint) in [
            ("4111111111111111", "1111"),
            ("4111 1111 1111 1111", "1111"),
            ("4111-1111-1111-1111", "1111"),
            ("5555 5555 5555 4444", "4444"),
            ("3782 822463 10005", "0005"),
            ("6011 1111 1111 1117", "1117"),
            ("30569309025904", "5904"),
            ("4111 11 11 1111 1111", "1111"),
        ] {
            let (out, counts) = mask(&format!("my card is {text}, thanks"));
            assert_eq!(out, format!("my card is [card …{hint}], thanks"), "{text}");
            assert_eq!(counts["card"], 1);
        }
        // Not Luhn-valid: left alone (and not a phone number either).
        assert_eq!(mask("order 4111 1111 1111 1112").0, "order 4111 1111 1111 1112");
        // A card followed by its security code keeps the code.
        assert_eq!(mask("4111 1111 1111 1111 123").0, "[card …1111] 123");
    }

    #[test]
    fn ibans_are_masked_when_the_checksum_holds() {
        let (out, counts) = mask("IBAN DE89 3704 0044 0532 0130 00 please, or GB82WEST12345698765432.");
        assert_eq!(out, "IBAN [iban DE…3000] please, or [iban GB…5432].");
        assert_eq!(counts["iban"], 2);
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(!iban_valid("DE89370400440532013001"));
        assert_eq!(mask("DE89370400440532013001").0, "DE89370400440532013001");
    }

    #[test]
    fn emails_and_phones_are_masked() {
        let (out, counts) = mask("Mail jane.doe+cx@example.co.uk or call +49 171 1234567, (555) 123-4567, 555-123-4567 or 030 12345678.");
        assert_eq!(out, "Mail [email] or call [phone …67], [phone …67], [phone …67] or [phone …78].");
        assert_eq!(counts["email"], 1);
        assert_eq!(counts["phone"], 4);
    }

    #[test]
    fn dates_amounts_and_order_numbers_stay() {
        for text in ["on 2026-11-22 at 10:30", "order A123 for 1,234.56 EUR", "ticket 123456", "since 22.11.2026"] {
            assert_eq!(mask(text).0, text);
        }
    }

    #[test]
    fn extra_patterns_and_counts() {
        let mut patterns = BTreeMap::new();
        patterns.insert("order".to_string(), r"\bA\d{3,}\b".to_string());
        let m = Masker::new(&Privacy { mask: vec![MaskKind::Email], patterns }).unwrap().unwrap();
        let mut counts = Counts::new();
        assert_eq!(m.mask("A123 and A4567 from a@b.io", &mut counts), "[order] and [order] from [email]");
        assert_eq!(counts, Counts::from([("email".into(), 1), ("order".into(), 2)]));
        let bad = Privacy { mask: vec![], patterns: BTreeMap::from([("x".to_string(), "(".to_string())]) };
        assert!(Masker::new(&bad).unwrap_err().to_string().contains("privacy.patterns.x"));
        assert!(Masker::new(&Privacy::default()).unwrap().is_none());
    }

    #[test]
    fn every_text_field_of_an_interaction_is_masked() {
        let mut ix = Interaction::new("T-1", crate::model::Channel::Email, "card 4111111111111111");
        ix.subject = Some("from jane@example.com".into());
        ix.history.push(crate::model::HistoryMessage {
            at: None,
            channel: None,
            direction: crate::model::Direction::Inbound,
            body: "call me on +44 20 7946 0958".into(),
        });
        ix.attributes.insert("contact".into(), "jane@example.com".into());
        let mut counts = Counts::new();
        let m = all().mask_interaction(&ix, &mut counts).unwrap();
        assert_eq!(m.body, "card [card …1111]");
        assert_eq!(m.subject.as_deref(), Some("from [email]"));
        assert_eq!(m.history[0].body, "call me on [phone …58]");
        assert_eq!(m.attributes["contact"], "[email]");
        assert_eq!(counts, Counts::from([("card".into(), 1), ("email".into(), 2), ("phone".into(), 1)]));
        let clean = Interaction::new("T-2", crate::model::Channel::Chat, "nothing personal here");
        assert!(all().mask_interaction(&clean, &mut counts).is_none());
    }
}
