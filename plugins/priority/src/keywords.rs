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
//! All phrases of the urgent and the churn list are found in one pass of one
//! Aho-Corasick automaton built at configure time ([`Scanner`]; a DFA: about
//! 230 short phrases make a small one, and it takes a fifth fewer
//! instructions per message than the NFA).

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::cues::cues;
use crate::urgency::Cue;

/// Appends `text` to `out` in matching form (see the module docs).
///
/// One pass: ASCII (most of every message) goes through [`ASCII_CLASS`]
/// byte by byte, anything else is decoded, lower-cased and folded. The text
/// is written as bytes (`out`'s buffer, taken and given back, so no
/// character is encoded) and checked as UTF-8 once at the end.
pub fn normalize_into(text: &str, out: &mut String) {
    let mut bytes_out = std::mem::take(out).into_bytes();
    bytes_out.reserve(text.len());
    normalize_bytes(text, &mut bytes_out);
    // Whole characters of valid UTF-8 were appended to valid UTF-8.
    *out = String::from_utf8(bytes_out).expect("normalised text is UTF-8");
}

fn normalize_bytes(text: &str, out: &mut Vec<u8>) {
    // A run of separators is written as one space as soon as it starts
    // (none at the start or after a space), and a space left at the end
    // of this text is taken back: the same as writing it before the next
    // kept character, since only dropped characters and separators, which
    // write nothing, can come between.
    let start = out.len();
    let mut rest = text;
    loop {
        let bytes = rest.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii() {
                break;
            }
            i += 1;
            match ASCII_CLASS[usize::from(b)] {
                SEPARATOR => space(out),
                DROPPED => {}
                lower => out.push(lower),
            }
        }
        let Some(ch) = rest[i..].chars().next() else {
            break;
        };
        rest = &rest[i + ch.len_utf8()..];
        if matches!(ch, '\u{2018}' | '\u{2019}' | '\u{02BC}') {
            continue;
        }
        if ch.is_whitespace() || matches!(ch, '\u{2010}'..='\u{2015}') {
            space(out);
            continue;
        }
        for lower in ch.to_lowercase() {
            match fold(lower) {
                Some(plain) => out.extend_from_slice(plain.as_bytes()),
                None => out.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
    }
    if out.len() > start && out.last() == Some(&b' ') {
        out.pop();
    }
}

/// [`ASCII_CLASS`]: a separator (white space, `-`, `_`, `/`), folded into one space.
const SEPARATOR: u8 = 0x80;
/// [`ASCII_CLASS`]: an apostrophe or backtick, dropped.
const DROPPED: u8 = 0x81;

/// What [`normalize_into`] does with each ASCII byte: [`SEPARATOR`],
/// [`DROPPED`] (both outside ASCII), or else the byte it writes (the byte,
/// lower-cased).
static ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' | b'-' | b'_' | b'/' => SEPARATOR,
            b'\'' | b'`' => DROPPED,
            other => other.to_ascii_lowercase(),
        };
        b += 1;
    }
    table
};

/// The ASCII a lower-case accented Latin letter is written as without its
/// accent (`None`: kept as it is): the host's folding
/// ([`cxr_text::fold_letter`]), except that `ð`, `þ`, `ª` and `º` are kept
/// as written, as this plugin has always done (and its TypeScript and
/// Python ports do).
fn fold(c: char) -> Option<&'static str> {
    match c {
        'ð' | 'þ' | 'ª' | 'º' => None,
        c => cxr_text::fold_letter(c),
    }
}

/// Writes the single space that a run of separators stands for (none at
/// the start of the text or after a space already written).
#[inline]
fn space(out: &mut Vec<u8>) {
    if out.last().is_some_and(|&b| b != b' ') {
        out.push(b' ');
    }
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

/// A list of phrases (search it with a [`Scanner`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Keywords {
    phrases: Vec<Phrase>,
}

impl Keywords {
    /// Collects `phrases`; a phrase whose label is already in the list is dropped.
    pub fn new(phrases: impl IntoIterator<Item = Phrase>) -> Keywords {
        let mut unique: Vec<Phrase> = Vec::new();
        for phrase in phrases {
            if !unique.iter().any(|p| p.label == phrase.label) {
                unique.push(phrase);
            }
        }
        Keywords { phrases: unique }
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
}

thread_local! {
    /// Which patterns of a [`Scanner`] were found, kept between calls.
    static HIT: RefCell<Vec<bool>> = const { RefCell::new(Vec::new()) };
}

/// `N` phrase lists and the one automaton that finds the phrases of all of
/// them in a single pass over a message (the config's urgent and churn
/// lists share one: the text is read once, not once per list).
#[derive(Debug, Clone)]
pub struct Scanner<const N: usize> {
    lists: [Keywords; N],
    /// Index of each list's first phrase among the automaton's patterns.
    starts: [usize; N],
    automaton: AhoCorasick,
}

impl<const N: usize> PartialEq for Scanner<N> {
    fn eq(&self, other: &Self) -> bool {
        self.lists == other.lists
    }
}

impl<const N: usize> Scanner<N> {
    /// Compiles the automaton of `lists` (the phrases of list 0 first).
    pub fn new(lists: [Keywords; N]) -> Scanner<N> {
        let mut starts = [0; N];
        let mut total = 0;
        for (start, list) in starts.iter_mut().zip(&lists) {
            *start = total;
            total += list.len();
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(lists.iter().flat_map(|l| l.phrases.iter().map(|p| p.norm.as_str())))
            // Only lists far beyond any configuration's size could fail.
            .expect("keyword automaton");
        Scanner { lists, starts, automaton }
    }

    /// The lists, in the order given.
    pub fn lists(&self) -> &[Keywords; N] {
        &self.lists
    }

    /// The phrases of each list found in `text` (which must be in matching
    /// form), each once, in configured order.
    pub fn found(&self, text: &str) -> [Vec<&Phrase>; N] {
        let total = self.starts.last().map_or(0, |s| s + self.lists[N - 1].len());
        HIT.with_borrow_mut(|hit| {
            hit.clear();
            hit.resize(total, false);
            for m in self.automaton.find_overlapping_iter(text) {
                let i = m.pattern().as_usize();
                if !hit[i] && self.phrase(i).counts_at(text, m.start()) {
                    hit[i] = true;
                }
            }
            std::array::from_fn(|l| {
                let start = self.starts[l];
                self.lists[l]
                    .phrases
                    .iter()
                    .zip(&hit[start..])
                    .filter(|(_, h)| **h)
                    .map(|(p, _)| p)
                    .collect()
            })
        })
    }

    /// The phrase of automaton pattern `i`.
    fn phrase(&self, i: usize) -> &Phrase {
        let l = self.starts.partition_point(|&s| s <= i) - 1;
        &self.lists[l].phrases[i - self.starts[l]]
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

    /// The one-character-at-a-time normaliser [`normalize_into`] replaced.
    fn reference(text: &str, out: &mut String) {
        let mut pending_space = false;
        for ch in text.chars() {
            if matches!(ch, '\'' | '`' | '\u{2018}' | '\u{2019}' | '\u{02BC}') {
                continue;
            }
            if ch.is_whitespace() || matches!(ch, '-' | '_' | '/' | '\u{2010}'..='\u{2015}') {
                pending_space = true;
                continue;
            }
            if std::mem::take(&mut pending_space) && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            for lower in ch.to_lowercase() {
                match fold(lower) {
                    Some(plain) => out.push_str(plain),
                    None => out.push(lower),
                }
            }
        }
    }

    /// Writing bytes gives what one character at a time gives, appended to empty and non-empty text, over every ASCII byte,
    /// the folded letters, apostrophes, dashes, other scripts and emoji.
    #[test]
    fn normalisation_is_the_character_by_character_definition() {
        let pieces: Vec<String> = (0u8..128)
            .map(|b| char::from(b).to_string())
            .chain(
                ["Ünïcödé", "STRASSE", "Straße", "’", "‘", "ʼ", "–", "—", "\u{2010}", "\u{a0}", "\u{3000}",
                 "İ", "Ω", "日本", "🙂", "ÀÉÎÕÜ", "can't", "log-in", "  ", "\t\n", "ŁÓDŹ", "Œuvre"]
                    .map(str::to_string),
            )
            .chain(["urgent", "Refund", "NOW", "a1", "x"].map(str::to_string))
            .collect();
        let mut state = 0x853c_49e6_748f_ea9b_u64;
        for n in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(n % 23) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(&pieces[(state % pieces.len() as u64) as usize]);
            }
            for prefix in ["", "x", "x "] {
                let (mut want, mut got) = (prefix.to_string(), prefix.to_string());
                reference(&text, &mut want);
                normalize_into(&text, &mut got);
                assert_eq!(got, want, "{text:?} after {prefix:?}");
            }
        }
    }

    fn found(keyword: &str, text: &str) -> bool {
        let scanner = Scanner::new([Keywords::new(Phrase::new(keyword))]);
        !scanner.found(&norm(text))[0].is_empty()
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
        let scanner = Scanner::new([list]);
        let [found] = scanner.found(&norm("Outage! The site is down, down, DOWN."));
        let labels: Vec<&str> = found.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["outage", "down", "is down"]);
        assert!(scanner.found(&norm("downloads work"))[0].is_empty());
    }

    #[test]
    fn lists_scanned_together_each_get_their_phrases() {
        let list = |words: &[&str]| Keywords::new(words.iter().filter_map(|w| Phrase::new(w)));
        let scanner = Scanner::new([list(&["outage", "cancel", "down"]), list(&[]), list(&["cancel", "leave"])]);
        let [a, b, c] = scanner.found(&norm("Down again: I will cancel and leave."));
        let labels = |v: Vec<&Phrase>| v.iter().map(|p| p.label.clone()).collect::<Vec<_>>();
        assert_eq!(labels(a), ["cancel", "down"]);
        assert!(b.is_empty());
        assert_eq!(labels(c), ["cancel", "leave"], "a phrase in two lists is found for both");
    }

    #[test]
    fn normalisation_keeps_control_bytes_and_folds_unicode_separators() {
        assert_eq!(norm("a\u{0}b\u{1}c"), "a\u{0}b\u{1}c");
        assert_eq!(norm("a\u{a0}\u{2013}b\u{3000}c\u{2019}d"), "a b cd");
        assert_eq!(norm("\u{1c}x\u{1f}"), "\u{1c}x\u{1f}");
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
