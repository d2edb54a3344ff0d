//! # cxr-text — the text analysis cxr gives plugins
//!
//! One implementation, used by the host (contract 0.3.0's `text` interface)
//! and natively by the Rust plugin kit (`cxr_guest::text`), so that a
//! plugin's native tests see exactly what the host would give it:
//!
//! - [`normalize`]: the one normalisation rule (case and accents folded,
//!   punctuation to spaces and clause marks);
//! - [`tokens`]: the words of a normalised text with their byte offsets;
//! - [`Analysis`]: one interaction's subject and body, their normalised
//!   text, tokens, language (whatlang) and lexicon matches, each computed
//!   at most once;
//! - [`Lexicon`] and [`Registry`]: phrase lists compiled once (Aho-Corasick)
//!   and shared by content.
//!
//! Without the default `analysis` feature only the normalisation rule is
//! compiled (what a wasm plugin needs to prepare its phrases).

mod normalize;
pub use normalize::{CLAUSE, Token, fold_letter, normalize, normalize_into, tokens};

#[cfg(feature = "analysis")]
mod analysis;
#[cfg(feature = "analysis")]
pub mod lexicon;
#[cfg(feature = "analysis")]
pub use analysis::{Analysis, Field, Language, MAX_BODY_BYTES, MAX_DETECT_BYTES, MAX_SUBJECT_BYTES, detect_language, prefix};
#[cfg(feature = "analysis")]
pub use lexicon::{Lexicon, LexiconError, Match, Registry};
