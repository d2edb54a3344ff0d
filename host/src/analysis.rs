//! The host's side of contract 0.3.0's `text` interface: what an instance
//! holds (its lexicons, whether it is configuring, the interaction its
//! running hook was called for). One interaction's analysis is shared by
//! every stage of a decision through [`Analysis::last_or_new`].
//!
//! The analysis itself ([`cxr_text::Analysis`]: normalised text, tokens,
//! language, lexicon matches, each computed at most once) is the same code
//! the Rust kit runs natively, so a plugin's native tests see what the host
//! gives it.

use cxr_text::lexicon::{LexiconError, MAX_LEXICONS};
use cxr_text::{Analysis, Field, Lexicon, Match, Registry};
use std::sync::{Arc, OnceLock};

/// The `text` state of one instance.
#[derive(Default)]
pub(crate) struct TextState {
    /// The lexicons this instance registered, by handle (registration
    /// order). A snapshot-restored instance starts with those its snapshot
    /// registered, so the handles in its memory stay valid.
    pub(crate) lexicons: Vec<Arc<Lexicon>>,
    /// Whether `configure` is running (the only time a lexicon may be registered).
    pub(crate) configuring: bool,
    /// The interaction of the running hook call.
    pub(crate) current: Option<Arc<Analysis>>,
}

/// A misuse of the interface, as the plugin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextMisuse {
    NotConfiguring,
    UnknownLexicon(u32),
    InvalidLexicon(String),
}

impl From<LexiconError> for TextMisuse {
    fn from(e: LexiconError) -> Self {
        TextMisuse::InvalidLexicon(e.to_string())
    }
}

/// The analysis of no interaction (what `configure` sees).
fn empty() -> &'static Analysis {
    static EMPTY: OnceLock<Analysis> = OnceLock::new();
    EMPTY.get_or_init(|| Analysis::new(None, ""))
}

impl TextState {
    /// The analysis of the running hook's interaction.
    pub(crate) fn analysis(&self) -> &Analysis {
        match &self.current {
            Some(a) => a,
            None => empty(),
        }
    }

    /// Registers a lexicon (only while configuring); its handle.
    pub(crate) fn register(&mut self, phrases: Vec<String>) -> Result<u32, TextMisuse> {
        if !self.configuring {
            return Err(TextMisuse::NotConfiguring);
        }
        if self.lexicons.len() >= MAX_LEXICONS {
            return Err(TextMisuse::InvalidLexicon(format!("an instance may register at most {MAX_LEXICONS} lexicons")));
        }
        let lexicon = Registry::shared().register(phrases)?;
        self.lexicons.push(lexicon);
        Ok((self.lexicons.len() - 1) as u32)
    }

    fn lexicon(&self, handle: u32) -> Result<&Lexicon, TextMisuse> {
        self.lexicons.get(handle as usize).map(|l| &**l).ok_or(TextMisuse::UnknownLexicon(handle))
    }

    /// The matches of a lexicon in a field of the running interaction.
    pub(crate) fn find(&self, handle: u32, field: Field) -> Result<Arc<[Match]>, TextMisuse> {
        let lexicon = self.lexicon(handle)?;
        Ok(match &self.current {
            Some(a) => a.matches(lexicon, field),
            // `configure`: no interaction, nothing to find (and nothing kept).
            None => Arc::from([]),
        })
    }

    /// The matches of a lexicon in a text the plugin gives (its first
    /// [`cxr_text::MAX_BODY_BYTES`]).
    pub(crate) fn find_in(&self, handle: u32, text: &str) -> Result<Vec<Match>, TextMisuse> {
        Ok(self.lexicon(handle)?.find(cxr_text::prefix(text, cxr_text::MAX_BODY_BYTES)))
    }
}

/// Normalises a text the plugin gives (its first [`cxr_text::MAX_BODY_BYTES`]).
pub(crate) fn normalize(text: &str) -> String {
    cxr_text::normalize(cxr_text::prefix(text, cxr_text::MAX_BODY_BYTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let mut t = TextState::default();
        assert_eq!(t.register(vec![" a ".into()]), Err(TextMisuse::NotConfiguring));
        assert_eq!(t.find(0, Field::Body).err(), Some(TextMisuse::UnknownLexicon(0)));
        t.configuring = true;
        assert_eq!(t.register(vec![" a ".into()]), Ok(0));
        assert!(matches!(t.register(vec![String::new()]), Err(TextMisuse::InvalidLexicon(_))));
        for i in 1..MAX_LEXICONS {
            assert_eq!(t.register(vec![format!(" w{i} ")]), Ok(i as u32));
        }
        assert!(matches!(t.register(vec![" b ".into()]), Err(TextMisuse::InvalidLexicon(m)) if m.contains("16")));
        // Outside a hook: the empty interaction.
        assert!(t.find(0, Field::Body).unwrap().is_empty());
        assert_eq!(t.find(99, Field::Body).err(), Some(TextMisuse::UnknownLexicon(99)));
    }
}
