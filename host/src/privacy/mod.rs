//! `[privacy]`: personal data masked in the host, natively, once per
//! interaction, before any hook runs, so that no plugin ever sees it and
//! nothing a plugin returns or logs (and so no decision, report, log line or
//! metric) can carry it.
//!
//! Masked in what a plugin sees as text: the subject, the body, every
//! history message's body (the history and the body are read as one
//! conversation, so a number sent over two chat turns is found), every
//! attribute key and value, the customer's id and tier, and the id the
//! plugins see (the decision keeps the platform's id, to correlate).
//!
//! | kind | recognised ([`email`], [`iban`], [`card`], [`phone`]) | becomes |
//! |---|---|---|
//! | `email` | addresses as written (Unicode, IDN, spaces around `@`) and disguised (`jane dot doe at example dot com`, `[at]`, `(at)`, `arroba`, ...) | `[email]` |
//! | `iban` | a registry country, check digits and that country's BBAN length and format, any grouping, mod-97 valid | `[iban DE…3000]` (country, last 4) |
//! | `card` | a card brand's prefix and length, Luhn-valid, any grouping, over line breaks and chat turns | `[card …1111]` (last 4, as PCI DSS allows) |
//! | `phone` | international (`+`/`00` and a country code) and the national plans of US/CA, UK, DE, FR, ES, IT, PT, NL | `[phone …89]` (last 2) |
//! | named patterns | each extra regular expression of `[privacy.patterns]` | `[NAME]` |
//!
//! Before matching, the text is folded ([`fold`]: NFKC, digits of every
//! script, every space and dash); context words before a number
//! ([`context`]) tell an order, tracking or article number from a card or
//! phone number; dates, expiry dates and IP addresses are never read as
//! part of one ([`numbers`]). The kinds are found in the order of the table,
//! each only where no earlier one matched; the named patterns then run on
//! the masked text. The decision's `masked` field counts what was masked
//! per kind (never the values).

pub mod card;
pub mod context;
pub mod email;
pub mod fold;
pub mod iban;
pub mod numbers;
pub mod phone;

use crate::config::{MaskKind, Privacy};
use crate::model::{Decision, Interaction};
use anyhow::{Context as _, Result, bail};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Counts of what was masked, by kind.
pub type Counts = BTreeMap<String, u32>;

/// A built-in match in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: MaskKind,
    /// What replaces it (`[card …1111]`).
    pub mask: String,
}

/// A match in the original text: byte range, kind (a built-in kind or a
/// pattern's name) and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub kind: String,
    pub mask: String,
}

/// Masks one pipeline's `[privacy]` kinds. Built once per pipeline.
#[derive(Debug)]
pub struct Masker {
    email: bool,
    iban: bool,
    card: bool,
    phone: bool,
    patterns: Vec<(String, Regex)>,
}

/// Largest compiled size of one extra pattern.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Attribute keys are masked like values; two keys that mask alike get a
/// number (`[email] #2`), so no value is lost.
fn unique_key(attributes: &BTreeMap<String, String>, key: String) -> String {
    if !attributes.contains_key(&key) {
        return key;
    }
    (2..)
        .map(|n| format!("{key} #{n}"))
        .find(|k| !attributes.contains_key(k))
        .expect("some number is free")
}

impl Masker {
    /// The masker for a `[privacy]` section; `None` when it masks nothing.
    /// Errors name the pattern that does not compile.
    pub fn new(privacy: &Privacy) -> Result<Option<Self>> {
        if privacy.is_off() {
            return Ok(None);
        }
        let on = |k: MaskKind| privacy.mask.contains(&k);
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
            email: on(MaskKind::Email),
            iban: on(MaskKind::Iban),
            card: on(MaskKind::Card),
            phone: on(MaskKind::Phone),
            patterns,
        }))
    }

    /// Every built-in kind, no pattern.
    pub fn all() -> Self {
        Masker {
            email: true,
            iban: true,
            card: true,
            phone: true,
            patterns: Vec::new(),
        }
    }

    /// Decides `ix` masked with `decide`, and records in the decision what
    /// was masked. The decision keeps `ix`'s id.
    pub fn decide(&self, ix: &Interaction, decide: impl FnOnce(&Interaction) -> Decision) -> Decision {
        let mut counts = Counts::new();
        let masked = self.mask_interaction(ix, &mut counts);
        let mut d = decide(masked.as_ref().unwrap_or(ix));
        if d.id != ix.id {
            d.id = ix.id.clone();
        }
        d.masked = counts;
        d
    }

    /// `ix` with everything a plugin reads as text masked (subject, body,
    /// history, attribute keys and values, customer id and tier, id);
    /// `None` when there was nothing to mask. Adds to `counts`.
    pub fn mask_interaction(&self, ix: &Interaction, counts: &mut Counts) -> Option<Interaction> {
        let mut out: Option<Interaction> = None;
        fn copy<'o>(out: &'o mut Option<Interaction>, ix: &Interaction) -> &'o mut Interaction {
            out.get_or_insert_with(|| ix.clone())
        }
        if let Cow::Owned(m) = self.mask(&ix.id, counts) {
            copy(&mut out, ix).id = m;
        }
        if let Some(subject) = &ix.subject
            && let Cow::Owned(m) = self.mask(subject, counts)
        {
            copy(&mut out, ix).subject = Some(m);
        }
        // history and body: one conversation
        let mut segments: Vec<&str> = ix.history.iter().map(|h| h.body.as_str()).collect();
        segments.push(&ix.body);
        for (i, m) in self.mask_segments(&segments, counts).into_iter().enumerate() {
            if let Some(m) = m {
                let target = copy(&mut out, ix);
                match target.history.get_mut(i) {
                    Some(h) => h.body = m,
                    None => target.body = m,
                }
            }
        }
        if let Some(id) = &ix.customer.id
            && let Cow::Owned(m) = self.mask(id, counts)
        {
            copy(&mut out, ix).customer.id = Some(m);
        }
        if let Some(tier) = &ix.customer.tier
            && let Cow::Owned(m) = self.mask(tier, counts)
        {
            copy(&mut out, ix).customer.tier = Some(m);
        }
        let mut attributes = BTreeMap::new();
        let mut changed = false;
        for (k, v) in &ix.attributes {
            let key = self.mask(k, counts);
            let value = self.mask(v, counts);
            changed |= matches!(key, Cow::Owned(_)) || matches!(value, Cow::Owned(_));
            let key = unique_key(&attributes, key.into_owned());
            attributes.insert(key, value.into_owned());
        }
        if changed {
            copy(&mut out, ix).attributes = attributes;
        }
        out
    }

    /// `text` with every configured kind masked; borrows when nothing was.
    pub fn mask<'a>(&self, text: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let found = self.builtin(text);
        let text = apply(text, &found, counts);
        self.apply_patterns(text, counts)
    }

    /// Masks texts read as one conversation, in order (a number may run
    /// from the end of one into the next): the masked text of each that
    /// changed.
    pub fn mask_segments(&self, segments: &[&str], counts: &mut Counts) -> Vec<Option<String>> {
        if segments.len() == 1 {
            return vec![match self.mask(segments[0], counts) {
                Cow::Owned(m) => Some(m),
                Cow::Borrowed(_) => None,
            }];
        }
        let joined = segments.join("\n");
        let found = self.builtin(&joined);
        let mut out = Vec::with_capacity(segments.len());
        let mut offset = 0;
        let mut counted = 0;
        for seg in segments {
            let (lo, hi) = (offset, offset + seg.len());
            // the matches touching this segment, clipped to it; each counted once
            let mut pieces = Vec::new();
            for (k, f) in found.iter().enumerate() {
                if f.end > lo && f.start < hi {
                    pieces.push(Match {
                        start: f.start.max(lo) - lo,
                        end: f.end.min(hi) - lo,
                        kind: if k >= counted { f.kind.clone() } else { String::new() },
                        mask: f.mask.clone(),
                    });
                    counted = counted.max(k + 1);
                }
            }
            let masked = apply(seg, &pieces, counts);
            out.push(match self.apply_patterns(masked, counts) {
                Cow::Owned(m) => Some(m),
                Cow::Borrowed(_) => None,
            });
            offset = hi + 1;
        }
        out
    }

    /// The built-in kinds' matches in `text` (original byte ranges), in order.
    pub fn builtin(&self, text: &str) -> Vec<Match> {
        if !(self.email || self.iban || self.card || self.phone) || !self.worth_looking(text) {
            return Vec::new();
        }
        let folded = fold::Folded::new(text);
        let t: &str = &folded.text;
        let mut found = Vec::new();
        if self.email {
            email::find(t, &mut found);
        }
        if self.iban {
            let mut ibans = Vec::new();
            iban::find(t, &mut ibans);
            let ibans: Vec<Found> = ibans.into_iter().filter(|i| !overlaps(&found, i.start, i.end)).collect();
            found.extend(ibans);
        }
        if self.card || self.phone {
            let mut groups = numbers::groups(t);
            for g in &mut groups {
                if overlaps(&found, g.start, g.end) {
                    g.used = true;
                }
            }
            if self.card {
                card::find(t, &mut groups, &mut found);
            }
            if self.phone {
                phone::find(t, &mut groups, &mut found);
            }
        }
        found.sort_by_key(|f| f.start);
        found
            .into_iter()
            .map(|f| {
                let (start, end) = folded.original(f.start, f.end);
                Match {
                    start,
                    end,
                    kind: f.kind.as_str().to_string(),
                    mask: f.mask,
                }
            })
            .collect()
    }

    /// Whether `text` may hold any built-in kind: a digit (of any script),
    /// an `@` (of any width), or a disguised `@` (`[at]`, ` at `, `arroba`).
    /// Most texts without numbers are skipped here, unfolded.
    fn worth_looking(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        if bytes.iter().any(|b| b.is_ascii_digit() || *b == b'@') {
            return true;
        }
        if !text.is_ascii() && text.chars().any(|c| !c.is_ascii() && fold::may_stand_for_ascii(c)) {
            return true;
        }
        self.email && email::may_hold(text)
    }

    /// Every match in `text`: the built-in kinds, then each named pattern
    /// where no built-in kind matched. For measuring (`cxr eval --privacy`).
    pub fn find(&self, text: &str) -> Vec<Match> {
        let mut found = self.builtin(text);
        for (name, re) in &self.patterns {
            for m in re.find_iter(text) {
                if !found.iter().any(|f| m.start() < f.end && f.start < m.end()) {
                    found.push(Match {
                        start: m.start(),
                        end: m.end(),
                        kind: name.clone(),
                        mask: format!("[{name}]"),
                    });
                }
            }
        }
        found.sort_by_key(|f| f.start);
        found
    }

    fn apply_patterns<'a>(&self, mut text: Cow<'a, str>, counts: &mut Counts) -> Cow<'a, str> {
        for (name, re) in &self.patterns {
            let found: Vec<Match> = re
                .find_iter(&text)
                .map(|m| Match {
                    start: m.start(),
                    end: m.end(),
                    kind: name.clone(),
                    mask: format!("[{name}]"),
                })
                .collect();
            if !found.is_empty() {
                text = Cow::Owned(apply(&text, &found, counts).into_owned());
            }
        }
        text
    }
}

fn overlaps(found: &[Found], start: usize, end: usize) -> bool {
    found.iter().any(|f| start < f.end && f.start < end)
}

/// `text` with the (sorted, disjoint) matches replaced by their masks,
/// counted by kind (a match with an empty kind is not counted).
fn apply<'a>(text: &'a str, found: &[Match], counts: &mut Counts) -> Cow<'a, str> {
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        if f.start < at {
            continue;
        }
        out.push_str(&text[at..f.start]);
        out.push_str(&f.mask);
        at = f.end;
        if !f.kind.is_empty() {
            *counts.entry(f.kind.clone()).or_default() += 1;
        }
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
