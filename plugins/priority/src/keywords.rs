//! Keyword phrases: text normalisation and whole-word-ish phrase matching.
//!
//! Text and phrases are brought to the same form once (phrases at configure
//! time, the message once per call): lower case, common Latin accents
//! dropped (`kündigen` = `kundigen`, `piraté` = `pirate`, `ß` = `ss`),
//! apostrophes dropped (so "can't", "can’t" and "cant" are one word), and
//! runs of whitespace, hyphens, underscores and slashes folded into one
//! space ("double-charged" reads as "double charged", "log-in" as "log in").
//! Other punctuation stays, so a phrase never matches across a comma or a
//! sentence end.
//!
//! All phrases of a list are found in one pass of an Aho-Corasick automaton
//! built at configure time (a DFA: about 230 short phrases make a small
//! one, and it takes a fifth fewer instructions per message than the NFA).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::cues::cues;
use crate::urgency::Cue;

/// Appends `text` to `out` in matching form (see the module docs).
pub fn normalize_into(text: &str, out: &mut String) {
    out.reserve(text.len());
    let mut pending_space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A run of ASCII that is kept as it is, only lower-cased: most of
        // every message, copied in one go.
        let start = i;
        while i < bytes.len() && is_plain_ascii(bytes[i]) {
            i += 1;
        }
        if i > start {
            space_before_next(out, &mut pending_space);
            let from = out.len();
            out.push_str(&text[start..i]);
            out[from..].make_ascii_lowercase();
            continue;
        }
        // Anything else, one char at a time.
        let ch = text[i..].chars().next().unwrap_or_default();
        i += ch.len_utf8();
        if matches!(ch, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`') {
            continue;
        }
        if ch.is_whitespace() || matches!(ch, '-' | '_' | '/' | '\u{2010}'..='\u{2015}') {
            pending_space = true;
            continue;
        }
        space_before_next(out, &mut pending_space);
        for lower in ch.to_lowercase() {
            match fold(lower) {
                Some(plain) => out.push_str(plain),
                None => out.push(lower),
            }
        }
    }
}

/// The ASCII a lower-case accented Latin letter is written as without its
/// accent (`None`: kept as it is).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'š' | 'ś' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        _ => return None,
    })
}

/// Writes the single space that a run of separators stands for, before the
/// next kept text (none at the start or after a space already written).
fn space_before_next(out: &mut String, pending: &mut bool) {
    if std::mem::take(pending) && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// ASCII that [`normalize_into`] keeps (lower-cased): not a space, not an
/// apostrophe, not a word joiner that becomes a space.
fn is_plain_ascii(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r' | b'\'' | b'`' | b'-' | b'_' | b'/')
}

/// A configured keyword phrase, ready to be searched for.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    /// The phrase as the operator wrote it (trimmed, lower case), used in reasons.
    pub label: String,
    /// What the phrase is evidence of, for the built-in lists (`None` for an
    /// operator's keyword: it counts on its own).
    pub cue: Option<Cue>,
    /// The phrase in matching form.
    norm: String,
    /// Whether the phrase starts with a letter or digit (then it needs a word boundary before).
    word_start: bool,
    /// Whether the phrase ends with a letter or digit (then it needs a word boundary after).
    word_end: bool,
}

impl Phrase {
    /// Prepares a phrase; `None` when nothing of it is left to match (empty or only apostrophes/spaces).
    pub fn new(keyword: &str) -> Option<Phrase> {
        let mut norm = String::with_capacity(keyword.len());
        normalize_into(keyword, &mut norm);
        let first = norm.chars().next()?;
        let last = norm.chars().next_back()?;
        Some(Phrase {
            label: keyword.trim().to_lowercase(),
            cue: None,
            word_start: first.is_alphanumeric(),
            word_end: last.is_alphanumeric(),
            norm,
        })
    }

    /// The same phrase, as evidence of `cue`.
    pub fn with_cue(mut self, cue: Cue) -> Phrase {
        self.cue = Some(cue);
        self
    }

    /// Whether the match at byte `at` of `text` (in matching form) is whole
    /// words, allowing a plural "s" after it, and not right after a negation
    /// such as "not" or "no".
    fn counts_at(&self, text: &str, at: usize) -> bool {
        let before = &text[..at];
        let after = &text[at + self.norm.len()..];
        self.boundary_before(before) && self.boundary_after(after) && !negated(before)
    }

    fn boundary_before(&self, before: &str) -> bool {
        !self.word_start
            || !before
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    }

    fn boundary_after(&self, after: &str) -> bool {
        if !self.word_end {
            return true;
        }
        let mut rest = after.chars();
        match rest.next() {
            None => true,
            Some('s') => !rest.next().is_some_and(char::is_alphanumeric),
            Some(c) => !c.is_alphanumeric(),
        }
    }
}

/// Whether the word right before a match (separated by one space) is a
/// negation ("not urgent", "nicht dringend", "pas urgent": the `negations`
/// of `cues.json`).
fn negated(before: &str) -> bool {
    let Some(head) = before.strip_suffix(' ') else {
        return false;
    };
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(head.len(), |(i, _)| i);
    let word = &head[start..];
    cues().negations.iter().any(|n| n == word)
}

/// A list of phrases and the automaton that finds them all in one pass.
#[derive(Debug, Clone)]
pub struct Keywords {
    phrases: Vec<Phrase>,
    automaton: AhoCorasick,
}

impl PartialEq for Keywords {
    fn eq(&self, other: &Self) -> bool {
        self.phrases == other.phrases
    }
}

impl Keywords {
    /// Compiles `phrases`; a phrase whose label is already in the list is dropped.
    pub fn new(phrases: impl IntoIterator<Item = Phrase>) -> Keywords {
        let mut unique: Vec<Phrase> = Vec::new();
        for phrase in phrases {
            if !unique.iter().any(|p| p.label == phrase.label) {
                unique.push(phrase);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(unique.iter().map(|p| p.norm.as_str()))
            // Only a list far beyond any configuration's size could fail.
            .expect("keyword automaton");
        Keywords { phrases: unique, automaton }
    }

    /// The phrases, in configured order.
    pub fn phrases(&self) -> &[Phrase] {
        &self.phrases
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The phrases found in `text` (which must be in matching form), each
    /// once, in configured order.
    pub fn found<'a>(&'a self, text: &str) -> Vec<&'a Phrase> {
        let mut hit = vec![false; self.phrases.len()];
        for m in self.automaton.find_overlapping_iter(text) {
            let i = m.pattern().as_usize();
            if !hit[i] && self.phrases[i].counts_at(text, m.start()) {
                hit[i] = true;
            }
        }
        self.phrases.iter().zip(hit).filter(|(_, h)| *h).map(|(p, _)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        let mut out = String::new();
        normalize_into(text, &mut out);
        out
    }

    fn found(keyword: &str, text: &str) -> bool {
        let list = Keywords::new(Phrase::new(keyword));
        !list.found(&norm(text)).is_empty()
    }

    #[test]
    fn normalisation_folds_case_apostrophes_and_separators() {
        assert_eq!(norm("  I CAN’T   log-in!\n\nHelp "), "i cant log in! help");
        assert_eq!(norm("Double-charged, twice"), "double charged, twice");
        assert_eq!(
            norm("ÉCHEC de paiement – URGENT\tSVP"),
            "echec de paiement urgent svp"
        );
        assert_eq!(
            norm("Straße/İstanbul `quoted`"),
            "strasse i\u{307}stanbul quoted"
        );
        assert_eq!(norm("Kündigung, não, piraté"), "kundigung, nao, pirate");
        assert_eq!(norm("--a__b//"), "a b");
        assert_eq!(norm("\u{2019}"), "");
    }

    #[test]
    fn phrases_match_whole_words_case_insensitively() {
        assert!(found("charged twice", "I was CHARGED TWICE for one order."));
        assert!(found("can't log in", "I cant log in since Monday"));
        assert!(found("can't log in", "I can’t log-in on my laptop"));
        assert!(found("double charged", "Looks like I was double-charged"));
        assert!(found("outage", "Are there any outages in Leeds?"));
        assert!(!found("down", "I downloaded the invoice"));
        assert!(!found("leave", "The sleeve of the jacket is torn"));
        assert!(!found("cancel", "Cancellation fees are listed where?"));
        assert!(!found(
            "charged twice",
            "I was charged, twice as much as last month"
        ));
    }

    #[test]
    fn negated_keywords_do_not_count() {
        assert!(!found(
            "urgent",
            "This is not urgent, whenever you have time."
        ));
        assert!(!found("urgent", "No urgent action needed"));
        assert!(found("urgent", "Not sure who to ask, but this is urgent"));
        assert!(found("down", "No, the site is down again"));
    }

    #[test]
    fn accents_and_negations_in_other_languages() {
        assert!(found("kündigen", "ich will KUENDIGEN".replace("UE", "Ü").as_str()));
        assert!(found("kündigen", "Ich will kundigen"));
        assert!(found("piraté", "Mon compte a été PIRATE"));
        assert!(!found("dringend", "Es ist nicht dringend"));
        assert!(!found("urgent", "ce n'est pas urgent"));
        assert!(found("urgente", "é urgente, não demorem"));
    }

    #[test]
    fn one_pass_finds_every_phrase_once_in_list_order() {
        let list = Keywords::new(["outage", "down", "is down", "outage"].into_iter().filter_map(Phrase::new));
        assert_eq!(list.len(), 3, "the repeated phrase is dropped");
        let labels: Vec<&str> = list
            .found(&norm("Outage! The site is down, down, DOWN."))
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(labels, ["outage", "down", "is down"]);
        assert!(list.found(&norm("downloads work")).is_empty());
    }

    #[test]
    fn later_occurrence_counts_when_first_is_negated() {
        assert!(found(
            "urgent",
            "It wasn't urgent yesterday, today it is urgent."
        ));
    }

    #[test]
    fn empty_keywords_are_rejected() {
        assert!(Phrase::new("   ").is_none());
        assert!(Phrase::new("''").is_none());
        assert_eq!(
            Phrase::new(" Charged Twice ").map(|p| p.label),
            Some("charged twice".into())
        );
    }
}
