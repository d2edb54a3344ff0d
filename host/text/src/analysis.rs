//! The analysis of one interaction's text, computed lazily, each piece at
//! most once, and shared by every stage of a decision.

use crate::lexicon::{Lexicon, Match};
use crate::normalize::{Token, normalize, tokens};
use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

/// Bytes of the subject analysed (the first ones, cut at a character boundary).
pub const MAX_SUBJECT_BYTES: usize = 1 << 10;
/// Bytes of the body analysed.
pub const MAX_BODY_BYTES: usize = 32 << 10;
/// Bytes of the body (or, when the body is blank, of the subject) given to
/// language detection: enough to be sure, and a bound on its cost.
pub const MAX_DETECT_BYTES: usize = 320;

/// A text of the interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The subject (empty when there is none).
    Subject,
    /// The body.
    Body,
}

impl Field {
    fn index(self) -> usize {
        match self {
            Field::Subject => 0,
            Field::Body => 1,
        }
    }
}

/// A detected language.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// whatlang's ISO 639-3 code (`eng`, `deu`, `fra`, ...).
    pub code: &'static str,
    /// whatlang's confidence, 0 to 1.
    pub confidence: f64,
    /// Whether whatlang calls the detection reliable.
    pub reliable: bool,
}

/// Detects the language of a text with whatlang (every language it knows,
/// default options).
pub fn detect_language(text: &str) -> Option<Language> {
    let info = whatlang::detect(text)?;
    Some(Language { code: info.lang().code(), confidence: info.confidence(), reliable: info.is_reliable() })
}

/// The first `max` bytes of `s`, cut at a character boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// One interaction's text and what has been computed from it.
#[derive(Debug, Default)]
pub struct Analysis {
    texts: [String; 2],
    normalized: [OnceLock<String>; 2],
    tokens: [OnceLock<Vec<Token>>; 2],
    language: OnceLock<Option<Language>>,
    /// Matches per (lexicon id, field): a decision's stages use a few lexicons.
    matches: Mutex<Vec<(u64, Field, Arc<[Match]>)>>,
}

impl Analysis {
    /// The analysis of a subject and body (only their first
    /// [`MAX_SUBJECT_BYTES`] and [`MAX_BODY_BYTES`] are kept).
    pub fn new(subject: Option<&str>, body: &str) -> Analysis {
        Analysis {
            texts: [prefix(subject.unwrap_or(""), MAX_SUBJECT_BYTES).to_string(), prefix(body, MAX_BODY_BYTES).to_string()],
            ..Default::default()
        }
    }

    /// The analysis of `subject` and `body` shared by the stages of one
    /// decision: the last one made on this thread if it is of the same text
    /// (a decision's stages run one after the other on one thread), else a
    /// new one (computing nothing until asked).
    pub fn last_or_new(subject: Option<&str>, body: &str) -> Arc<Analysis> {
        thread_local! {
            static LAST: RefCell<Option<Arc<Analysis>>> = const { RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| match last {
            Some(a) if a.is_of(subject, body) => a.clone(),
            _ => {
                let a = Arc::new(Analysis::new(subject, body));
                *last = Some(a.clone());
                a
            }
        })
    }

    /// Whether this is the analysis of `subject` and `body`.
    pub fn is_of(&self, subject: Option<&str>, body: &str) -> bool {
        self.texts[0] == prefix(subject.unwrap_or(""), MAX_SUBJECT_BYTES) && self.texts[1] == prefix(body, MAX_BODY_BYTES)
    }

    /// The text analysed (the field's first bytes).
    pub fn text(&self, field: Field) -> &str {
        &self.texts[field.index()]
    }

    /// The normalised text (see [`crate::normalize`]).
    pub fn normalized(&self, field: Field) -> &str {
        self.normalized[field.index()].get_or_init(|| normalize(&self.texts[field.index()]))
    }

    /// The words of the normalised text.
    pub fn tokens(&self, field: Field) -> &[Token] {
        self.tokens[field.index()].get_or_init(|| tokens(self.normalized(field)))
    }

    /// The language of the body's first [`MAX_DETECT_BYTES`] (of the
    /// subject's when the body is blank), if whatlang detects one.
    pub fn language(&self) -> Option<&Language> {
        self.language
            .get_or_init(|| {
                let body = self.text(Field::Body);
                let text = if body.trim().is_empty() { self.text(Field::Subject) } else { body };
                detect_language(prefix(text, MAX_DETECT_BYTES))
            })
            .as_ref()
    }

    /// The matches of `lexicon` in the normalised `field`, computed once.
    pub fn matches(&self, lexicon: &Lexicon, field: Field) -> Arc<[Match]> {
        let mut cache = self.matches.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, m)) = cache.iter().find(|(id, f, _)| *id == lexicon.id() && *f == field) {
            return m.clone();
        }
        let found: Arc<[Match]> = lexicon.find(self.normalized(field)).into();
        cache.push((lexicon.id(), field, found.clone()));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_computed_once_and_bounded() {
        let body = "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond. ".repeat(MAX_BODY_BYTES / 40);
        let a = Analysis::new(Some("Où est ma commande ?"), &body);
        assert_eq!(a.text(Field::Body).len(), MAX_BODY_BYTES);
        assert_eq!(a.normalized(Field::Subject), " ou est ma commande . ");
        assert!(std::ptr::eq(a.normalized(Field::Body), a.normalized(Field::Body)));
        assert_eq!(a.language().map(|l| l.code), Some("fra"));
        let lex = Lexicon::compile(&[" commande "]).unwrap();
        let m1 = a.matches(&lex, Field::Body);
        let m2 = a.matches(&lex, Field::Body);
        assert!(Arc::ptr_eq(&m1, &m2) && m1.len() > 100);
        assert_eq!(a.matches(&lex, Field::Subject).len(), 1);
        assert!(a.is_of(Some("Où est ma commande ?"), &body) && !a.is_of(None, &body));
    }

    #[test]
    fn consecutive_stages_share_one_analysis() {
        let a = Analysis::last_or_new(Some("s"), "body one");
        let b = Analysis::last_or_new(Some("s"), "body one");
        let c = Analysis::last_or_new(None, "body one");
        assert!(Arc::ptr_eq(&a, &b) && !Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn no_language_for_an_empty_text() {
        assert_eq!(Analysis::new(None, "").language(), None);
    }
}
