//! Keyword phrases: text normalisation and whole-word-ish phrase matching.
//!
//! Text and phrases are brought to the same form once (phrases at configure
//! time, the message once per call): lower case, apostrophes dropped (so
//! "can't", "can’t" and "cant" are one word), and runs of whitespace,
//! hyphens, underscores and slashes folded into one space ("double-charged"
//! reads as "double charged", "log-in" as "log in"). Other punctuation stays,
//! so a phrase never matches across a comma or a sentence end.

use memchr::memmem::Finder;

/// Words that cancel a keyword when they come right before it ("not urgent").
const NEGATIONS: &[&str] = &["not", "no", "never", "isnt", "wasnt", "arent", "non"];

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
        out.extend(ch.to_lowercase());
    }
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
#[derive(Debug, Clone)]
pub struct Phrase {
    /// The phrase as the operator wrote it (trimmed, lower case), used in reasons.
    pub label: String,
    /// The phrase in matching form.
    norm: String,
    /// Whether the phrase starts with a letter or digit (then it needs a word boundary before).
    word_start: bool,
    /// Whether the phrase ends with a letter or digit (then it needs a word boundary after).
    word_end: bool,
    /// A substring searcher for `norm`, built once (vectorised natively and
    /// with wasm SIMD, unlike `str::find`, whose fast path is x86-only).
    finder: Finder<'static>,
}

impl PartialEq for Phrase {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.norm == other.norm
    }
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
            word_start: first.is_alphanumeric(),
            word_end: last.is_alphanumeric(),
            finder: Finder::new(norm.as_bytes()).into_owned(),
            norm,
        })
    }

    /// Whether the phrase occurs in `text` (which must be in matching form) as
    /// whole words, allowing a plural "s" after it, and not right after a
    /// negation such as "not" or "no".
    pub fn found_in(&self, text: &str) -> bool {
        self.finder.find_iter(text.as_bytes()).any(|at| {
            let before = &text[..at];
            let after = &text[at + self.norm.len()..];
            self.boundary_before(before) && self.boundary_after(after) && !negated(before)
        })
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

/// Whether the word right before a match (separated by one space) is a negation.
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
    NEGATIONS.contains(&&head[start..])
}

/// Labels of the phrases found in `text` (in matching form), in configured order.
pub fn matches<'a>(phrases: &'a [Phrase], text: &str) -> Vec<&'a str> {
    phrases
        .iter()
        .filter(|p| p.found_in(text))
        .map(|p| p.label.as_str())
        .collect()
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
        Phrase::new(keyword).expect("phrase").found_in(&norm(text))
    }

    #[test]
    fn normalisation_folds_case_apostrophes_and_separators() {
        assert_eq!(norm("  I CAN’T   log-in!\n\nHelp "), "i cant log in! help");
        assert_eq!(norm("Double-charged, twice"), "double charged, twice");
        assert_eq!(
            norm("ÉCHEC de paiement – URGENT\tSVP"),
            "échec de paiement urgent svp"
        );
        assert_eq!(
            norm("Straße/İstanbul `quoted`"),
            "straße i\u{307}stanbul quoted"
        );
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
