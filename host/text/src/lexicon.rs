//! Lexicons: lists of phrases compiled once into an Aho-Corasick automaton
//! and matched natively against normalised text.
//!
//! A phrase is matched as written (a plugin normalises its phrases with
//! [`crate::normalize`] and usually pads them with spaces, `" cancel "`, so
//! that they match whole words). Matching reports every occurrence of every
//! phrase, overlapping ones included (aho-corasick's standard semantics,
//! `find_overlapping_iter`), in the order the automaton finds them: by end,
//! then by the phrase's index.
//!
//! [`Registry`] compiles each distinct list of phrases once per process and
//! hands the same compiled lexicon to every instance that registers it; it
//! keeps only lexicons some instance still holds.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Lexicons one plugin instance may register.
pub const MAX_LEXICONS: usize = 16;
/// Phrases in one lexicon.
pub const MAX_PHRASES: usize = 100_000;
/// Bytes of one phrase.
pub const MAX_PHRASE_BYTES: usize = 256;
/// Bytes of all phrases of one lexicon together.
pub const MAX_LEXICON_BYTES: usize = 4 << 20;
/// Matches reported for one lexicon in one field; the matches past it
/// (the text's end) are not reported.
pub const MAX_MATCHES: usize = 65_536;

/// Where a phrase was found: phrase index (in registration order) and the
/// bytes `start..end` of the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Index of the phrase in the list registered.
    pub phrase: u32,
    /// First byte of the match.
    pub start: u32,
    /// One past its last byte.
    pub end: u32,
}

/// Why a lexicon cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexiconError {
    /// A bound (named, with its number) is exceeded.
    TooLarge(String),
    /// The automaton could not be built.
    Invalid(String),
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LexiconError::TooLarge(m) | LexiconError::Invalid(m) => f.write_str(m),
        }
    }
}

/// A compiled lexicon.
#[derive(Debug)]
pub struct Lexicon {
    /// Unique in the process: the key of its matches in an [`crate::Analysis`].
    id: u64,
    phrases: usize,
    automaton: AhoCorasick,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Lexicon {
    /// Compiles `phrases`, checking the bounds.
    pub fn compile<S: AsRef<str>>(phrases: &[S]) -> Result<Lexicon, LexiconError> {
        check(phrases)?;
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(phrases.iter().map(|p| p.as_ref()))
            .map_err(|e| LexiconError::Invalid(format!("lexicon: {e}")))?;
        Ok(Lexicon { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), phrases: phrases.len(), automaton })
    }

    /// Its process-wide id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many phrases it holds.
    pub fn len(&self) -> usize {
        self.phrases
    }

    /// Whether it holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.phrases == 0
    }

    /// Heap bytes of the automaton.
    pub fn memory_usage(&self) -> usize {
        self.automaton.memory_usage()
    }

    /// Every occurrence of every phrase in `text` (overlapping ones too),
    /// at most [`MAX_MATCHES`].
    pub fn find(&self, text: &str) -> Vec<Match> {
        self.automaton
            .find_overlapping_iter(text)
            .take(MAX_MATCHES)
            .map(|m| Match { phrase: m.pattern().as_u32(), start: m.start() as u32, end: m.end() as u32 })
            .collect()
    }
}

/// Checks the documented bounds of one lexicon.
pub fn check<S: AsRef<str>>(phrases: &[S]) -> Result<(), LexiconError> {
    if phrases.len() > MAX_PHRASES {
        return Err(LexiconError::TooLarge(format!("lexicon has {} phrases; the limit is {MAX_PHRASES}", phrases.len())));
    }
    let mut total = 0usize;
    for (i, p) in phrases.iter().enumerate() {
        let p = p.as_ref();
        if p.is_empty() {
            return Err(LexiconError::Invalid(format!("lexicon phrase {i} is empty")));
        }
        if p.len() > MAX_PHRASE_BYTES {
            return Err(LexiconError::TooLarge(format!("lexicon phrase {i} has {} bytes; the limit is {MAX_PHRASE_BYTES}", p.len())));
        }
        total += p.len();
    }
    if total > MAX_LEXICON_BYTES {
        return Err(LexiconError::TooLarge(format!("lexicon has {total} bytes of phrases; the limit is {MAX_LEXICON_BYTES}")));
    }
    Ok(())
}

/// Compiled lexicons by content, shared by every instance in the process.
#[derive(Default)]
pub struct Registry {
    by_content: Mutex<HashMap<Vec<String>, Weak<Lexicon>>>,
}

impl Registry {
    /// The process's registry.
    pub fn shared() -> &'static Registry {
        static SHARED: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        SHARED.get_or_init(Registry::default)
    }

    /// The compiled lexicon of `phrases`: the one an instance holds already
    /// when the same list was registered before, else a new one.
    pub fn register(&self, phrases: Vec<String>) -> Result<Arc<Lexicon>, LexiconError> {
        check(&phrases)?;
        let mut map = self.by_content.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = map.get(&phrases).and_then(Weak::upgrade) {
            return Ok(l);
        }
        // Entries whose lexicons nobody holds any more go first: the map
        // never holds more than the live lexicons and this one.
        map.retain(|_, w| w.strong_count() > 0);
        let lexicon = Arc::new(Lexicon::compile(&phrases)?);
        map.insert(phrases, Arc::downgrade(&lexicon));
        Ok(lexicon)
    }

    /// Distinct lexicons alive.
    pub fn live(&self) -> usize {
        self.by_content.lock().unwrap_or_else(|e| e.into_inner()).values().filter(|w| w.strong_count() > 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_matches_in_automaton_order() {
        let l = Lexicon::compile(&[" cancel ", " cancel my order ", " my "]).unwrap();
        let m = l.find(" please cancel my order ");
        let got: Vec<(u32, u32, u32)> = m.iter().map(|m| (m.phrase, m.start, m.end)).collect();
        assert_eq!(got, [(0, 7, 15), (2, 14, 18), (1, 7, 24)]);
    }

    #[test]
    fn the_registry_shares_identical_lists() {
        let r = Registry::default();
        let a = r.register(vec![" a ".into(), " b ".into()]).unwrap();
        let b = r.register(vec![" a ".into(), " b ".into()]).unwrap();
        let c = r.register(vec![" b ".into(), " a ".into()]).unwrap();
        assert!(Arc::ptr_eq(&a, &b) && !Arc::ptr_eq(&a, &c));
        assert_eq!(r.live(), 2);
        drop((a, b, c));
        assert_eq!(r.live(), 0);
    }

    #[test]
    fn bounds_are_errors() {
        let long = "x".repeat(MAX_PHRASE_BYTES + 1);
        assert!(matches!(Lexicon::compile(&[long.as_str()]), Err(LexiconError::TooLarge(m)) if m.contains("phrase 0")));
        assert!(matches!(Lexicon::compile(&[""]), Err(LexiconError::Invalid(_))));
        let many = vec!["ab"; MAX_PHRASES + 1];
        assert!(matches!(Lexicon::compile(&many), Err(LexiconError::TooLarge(_))));
    }
}
