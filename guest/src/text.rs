//! Text analysis done by the host (contract 0.3.0's `text` interface), with
//! plain Rust types.
//!
//! ```ignore
//! use cxr_guest::text::{self, Field, Lexicon};
//!
//! struct P { words: Lexicon }
//! impl Plugin for P {
//!     fn configure(_: &str) -> Result<Self, PluginError> {
//!         // Phrases are matched as written against normalised text.
//!         let phrases: Vec<String> = ["refund", "charged twice"].iter().map(|p| text::normalize(p)).collect();
//!         Ok(P { words: Lexicon::register(&phrases)? })
//!     }
//! }
//! // in a hook:
//! let t = text::of(input);
//! let body: &str = t.normalized(Field::Body);
//! for m in self.words.find(&t, Field::Body)? { /* m.phrase, m.start..m.end of `body` */ }
//! let lang = t.language(); // whatlang, on the host
//! ```
//!
//! In the sandbox every piece (normalised text, tokens, language, the
//! matches of one lexicon in one field) is computed natively by the host,
//! at most once per interaction, and shared by every stage of the decision.
//! Natively (`cargo test`) the same code ([`cxr_text`]) runs in-process, so
//! tests see what the host gives. What is analysed: the subject's first
//! 1024 bytes and the body's first 32768 bytes.
//!
//! Rules: register lexicons in `configure` only (the host refuses
//! elsewhere; natively it is not checked); at most 16 per instance, 100,000
//! phrases of at most 256 bytes, 4 MiB per lexicon.

use crate::{Interaction, PluginError};
use std::fmt;

pub use cxr_text::{CLAUSE, Token, normalize, normalize_into};

#[cfg(target_arch = "wasm32")]
use crate::bindings::cxr::plugin::text as host;

/// A text of the interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The subject (empty when there is none).
    Subject,
    /// The body.
    Body,
}

/// A phrase of a lexicon found in a normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Index of the phrase in the list registered.
    pub phrase: u32,
    /// First byte in the normalised text.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// The detected language of the body (whatlang, every language it knows).
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// ISO 639-3 code: `eng`, `deu`, `fra`, ...
    pub code: String,
    /// 0 to 1.
    pub confidence: f64,
    /// Whether the detector calls it reliable.
    pub reliable: bool,
}

/// A misuse of the text interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// A lexicon was registered outside `configure`.
    NotConfiguring,
    /// No lexicon with this handle was registered by this instance.
    UnknownLexicon(u32),
    /// A bound is exceeded or a phrase is empty; the text says which.
    InvalidLexicon(String),
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::NotConfiguring => f.write_str("a lexicon can be registered only in `configure`"),
            TextError::UnknownLexicon(h) => write!(f, "no lexicon {h} was registered by this instance"),
            TextError::InvalidLexicon(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TextError {}

impl From<TextError> for PluginError {
    fn from(e: TextError) -> Self {
        match e {
            TextError::InvalidLexicon(m) => PluginError::InvalidConfig(m),
            e => PluginError::Internal(e.to_string()),
        }
    }
}

/// The analysis of the interaction a hook was called for.
pub struct Text {
    #[cfg(not(target_arch = "wasm32"))]
    analysis: std::sync::Arc<cxr_text::Analysis>,
    #[cfg(target_arch = "wasm32")]
    normalized: [std::cell::OnceCell<String>; 2],
}

/// The analysis of `input`: pass the interaction the hook received. In the
/// sandbox the host analyses the interaction of the running hook call;
/// natively it is `input`'s (the last one analysed on this thread is kept,
/// as the host keeps it for the stages of a decision).
pub fn of(input: &Interaction) -> Text {
    of_fields(input.subject.as_deref(), &input.body)
}

/// The analysis of a subject and body: those of the interaction the hook
/// received (for engines that take the texts rather than the
/// [`Interaction`]). In the sandbox the host always analyses the running
/// hook's interaction, whatever is passed here: pass its own texts, or
/// native tests and the sandbox will disagree.
pub fn of_fields(subject: Option<&str>, body: &str) -> Text {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Text { analysis: cxr_text::Analysis::last_or_new(subject, body) }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = (subject, body);
        Text { normalized: Default::default() }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn native(field: Field) -> cxr_text::Field {
    match field {
        Field::Subject => cxr_text::Field::Subject,
        Field::Body => cxr_text::Field::Body,
    }
}

#[cfg(target_arch = "wasm32")]
fn wit(field: Field) -> host::Field {
    match field {
        Field::Subject => host::Field::Subject,
        Field::Body => host::Field::Body,
    }
}

#[cfg(target_arch = "wasm32")]
fn from_host(e: host::TextError) -> TextError {
    match e {
        host::TextError::NotConfiguring => TextError::NotConfiguring,
        host::TextError::UnknownLexicon(h) => TextError::UnknownLexicon(h),
        host::TextError::InvalidLexicon(m) => TextError::InvalidLexicon(m),
    }
}

/// The host's flat matches (phrase, start, end, ...) as [`Match`]es.
#[cfg(target_arch = "wasm32")]
fn unflatten(flat: &[u32]) -> Vec<Match> {
    flat.chunks_exact(3).map(|c| Match { phrase: c[0], start: c[1], end: c[2] }).collect()
}

impl Text {
    /// The normalised text of a field (see [`normalize`]).
    pub fn normalized(&self, field: Field) -> &str {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.analysis.normalized(native(field))
        }
        #[cfg(target_arch = "wasm32")]
        {
            let i = usize::from(field == Field::Body);
            self.normalized[i].get_or_init(|| host::normalized(wit(field)))
        }
    }

    /// The words of the normalised field, with their offsets.
    pub fn tokens(&self, field: Field) -> Vec<Token> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.analysis.tokens(native(field)).to_vec()
        }
        #[cfg(target_arch = "wasm32")]
        {
            host::tokens(wit(field)).into_iter().map(|t| Token { start: t.start, end: t.end }).collect()
        }
    }

    /// The language of the body's first 320 bytes (the subject's when the
    /// body is blank), if whatlang detects one.
    pub fn language(&self) -> Option<Language> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.analysis.language().map(|l| Language { code: l.code.to_string(), confidence: l.confidence, reliable: l.reliable })
        }
        #[cfg(target_arch = "wasm32")]
        {
            host::language().map(|l| Language { code: l.code, confidence: l.confidence, reliable: l.reliable })
        }
    }
}

/// A list of phrases compiled once by the host (Aho-Corasick) and matched
/// natively against normalised text, every occurrence (overlapping ones
/// too) reported in the order found: by end, then by phrase index.
#[derive(Debug, Clone)]
pub struct Lexicon {
    #[cfg(target_arch = "wasm32")]
    handle: u32,
    #[cfg(not(target_arch = "wasm32"))]
    compiled: std::sync::Arc<cxr_text::Lexicon>,
}

impl Lexicon {
    /// Registers `phrases` (in `configure`), matched as written: normalise
    /// them first ([`normalize`]) and pad them with spaces to match whole
    /// words only.
    pub fn register<S: AsRef<str>>(phrases: &[S]) -> Result<Lexicon, TextError> {
        let phrases: Vec<String> = phrases.iter().map(|p| p.as_ref().to_string()).collect();
        #[cfg(not(target_arch = "wasm32"))]
        {
            let compiled = cxr_text::Registry::shared().register(phrases).map_err(|e| TextError::InvalidLexicon(e.to_string()))?;
            Ok(Lexicon { compiled })
        }
        #[cfg(target_arch = "wasm32")]
        {
            host::register_lexicon(&phrases).map(|handle| Lexicon { handle }).map_err(from_host)
        }
    }

    /// Its matches in a field of the interaction `text` is of.
    pub fn find(&self, text: &Text, field: Field) -> Result<Vec<Match>, TextError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Ok(text.analysis.matches(&self.compiled, native(field)).iter().map(|m| Match { phrase: m.phrase, start: m.start, end: m.end }).collect())
        }
        #[cfg(target_arch = "wasm32")]
        {
            let _ = text;
            host::find(self.handle, wit(field)).map(|v| unflatten(&v)).map_err(from_host)
        }
    }

    /// Its matches in a normalised text of the plugin's own (e.g. a message
    /// of the history); its first 32768 bytes are searched.
    pub fn find_in(&self, normalized: &str) -> Result<Vec<Match>, TextError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let text = cxr_text::prefix(normalized, cxr_text::MAX_BODY_BYTES);
            Ok(self.compiled.find(text).into_iter().map(|m| Match { phrase: m.phrase, start: m.start, end: m.end }).collect())
        }
        #[cfg(target_arch = "wasm32")]
        {
            host::find_in(self.handle, normalized).map(|v| unflatten(&v)).map_err(from_host)
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::Channel;

    #[test]
    fn native_analysis_of_an_interaction() {
        let input = Interaction::new("t", Channel::Email, "Ich wurde doppelt belastet, bitte erstatten Sie den Betrag zurück.").with_subject("Doppelte Abbuchung!");
        let t = of(&input);
        assert_eq!(t.normalized(Field::Subject), " doppelte abbuchung . ");
        assert_eq!(t.language().map(|l| l.code), Some("deu".to_string()));
        let lex = Lexicon::register(&[" doppelt ", " betrag ", " abbuchung "]).unwrap();
        let found: Vec<u32> = lex.find(&t, Field::Body).unwrap().iter().map(|m| m.phrase).collect();
        assert_eq!(found, [0, 1]);
        let m = lex.find(&t, Field::Subject).unwrap();
        assert_eq!(&t.normalized(Field::Subject)[m[0].start as usize..m[0].end as usize], " abbuchung ");
        assert_eq!(lex.find_in(&normalize("kein Betrag")).unwrap().len(), 1);
        assert!(t.tokens(Field::Body).len() > 8);
        assert!(matches!(Lexicon::register(&[""]), Err(TextError::InvalidLexicon(_))));
    }
}
