//! # cxr-sentiment — rule-based sentiment for customer messages
//!
//! In English, German, Spanish, French, Italian and Portuguese. A VADER-style scorer (Hutto & Gilbert 2014) tuned to what customers
//! write to a help desk: a lexicon of about 2,300 words, emoji, emoticons
//! and help-desk phrases ("charged twice", "still no reply", "works now"),
//! over VADER's general vocabulary of about 7,500 terms (MIT licence, see
//! `data/LICENSE-VADER`) at half weight, with rules for negation, boosters and dampeners, contrast ("but",
//! "although"), ALL-CAPS and elongated words, `!`/`?`, questions (with or
//! without a question mark), sarcasm ("great, another delay", "thanks a
//! lot"), politeness formulas, transcript speakers, and complaints without
//! a sentiment word ("no reply", "down since 6am", "why is my bill higher").
//!
//! The compound score is VADER's x / sqrt(x² + 15) in [-1, 1]; every cue
//! carries its share of that score. The other five languages have lexicons
//! of their own (`src/lexicons/`, LeIA's Portuguese and Pattern's French
//! vocabulary beneath two of them) with the roles the same rules read; the
//! language is the interaction's tag or is detected from function words.
//! Texts in other languages get a neutral result with low confidence: the
//! plugin does not guess in languages it does not cover.
//!
//! Everything is built once in [`Plugin::configure`]; a call tokenizes the
//! subject and body once, in buffers reused from call to call, and
//! allocates little more than its result.

use std::cell::RefCell;

use cxr_guest::{Context, Interaction, Plugin, PluginError, Sentiment, SentimentHook};

mod clauses;
pub mod config;
mod explain;
mod helpdesk;
mod inflect;
mod lang;
mod lexicon;
mod rules;
mod tables;
mod tokenize;
mod units;
mod vocab;

pub use config::Config;
pub use lang::Language;

use lexicon::{BuildError, Lexicon};
use tokenize::Doc;

/// Share of the last inbound message's valence carried into the score.
const HISTORY_WEIGHT: f32 = 0.2;
/// Cap on that carried valence (VADER scale).
const HISTORY_CAP: f32 = 1.0;
/// Confidence of the neutral result for a text in another language.
const FOREIGN_CONFIDENCE: f64 = 0.15;
/// Bytes of the body, of the subject and of the last inbound message that
/// are scored: customers state how they feel early, and the cost of a call
/// must stay bounded whatever the message (a 1 MiB transcript costs what
/// its first 16 KiB cost: at most about 950 fuel per byte, for a text in
/// no clear language whose words are looked up in every lexicon).
pub const MAX_BODY_BYTES: usize = 16 << 10;
pub const MAX_SUBJECT_BYTES: usize = 1 << 10;
pub const MAX_HISTORY_BYTES: usize = 4 << 10;

/// The sentiment plugin: a lexicon compiled from the shipped word list and
/// the operator's `extra_lexicon`, and the label band.
#[derive(Debug, Clone)]
pub struct SentimentPlugin {
    /// One lexicon per covered language, in [`Language::ALL`] order
    /// (English first: the language check tokenizes with it).
    lexicons: Vec<Lexicon>,
    /// Per lexicon, whether it knows the same emoticons as the English one:
    /// a text tokenized with one of these is switched to another by looking
    /// its tokens up again ([`Doc::relex`]) instead of cutting it again.
    relexes: Vec<bool>,
    neutral_band: f64,
}

impl Plugin for SentimentPlugin {
    const DESCRIPTION: &'static str = "rule-based (VADER-style) sentiment for customer messages: \
        lexicon, help-desk phrases, negation, boosters, contrast, caps, sarcasm and emoji; \
        en, de, es, fr, it, pt";

    fn configure(config: &str) -> Result<Self, PluginError> {
        let config = Config::parse(config)?;
        let extra: Vec<(&str, f32)> = config
            .extra_lexicon
            .iter()
            .map(|(term, &valence)| (term.as_str(), valence as f32))
            .collect();
        let shared = lexicon::Shared::load();
        let lexicons = Language::ALL
            .into_iter()
            .map(|language| {
                Lexicon::build_language(language, &shared, &extra).map_err(|e| match e {
                    BuildError::Extra(msg) => PluginError::config(format!("sentiment config: {msg}")),
                    BuildError::Shipped(msg) => PluginError::Internal(format!(
                        "sentiment lexicon ({}): {msg}",
                        language.code()
                    )),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let relexes = lexicons.iter().map(|lex| lex.same_emoticons(&lexicons[0])).collect();
        let plugin = SentimentPlugin {
            lexicons,
            relexes,
            neutral_band: config.neutral_band,
        };
        // Grow the scratch buffers now: an instance started from a snapshot
        // taken after `configure` (the host's isolate mode) then begins with
        // them in place instead of allocating them on its one call.
        plugin.score_text(WARM_UP_TEXT);
        Ok(plugin)
    }
}

/// A typical message, scored once in `configure` to size the scratch buffers.
const WARM_UP_TEXT: &str = "Hi, I was charged twice for my order and the parcel is still not here. \
    I have been on hold for an hour and nobody replies to my emails! Please refund the second \
    payment today, otherwise I will cancel. Thanks :(";

impl SentimentHook for SentimentPlugin {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        Ok(with_scratch(|scratch| {
            let history = self.history(input, scratch);
            if !self.analyze(scratch, input.subject.as_deref(), &input.body, input.language.as_deref()) {
                return Sentiment::neutral(FOREIGN_CONFIDENCE);
            }
            explain::sentiment(&scratch.doc, &scratch.analysis, history, self.neutral_band, &mut scratch.cue)
        }))
    }
}

impl SentimentPlugin {
    /// Scores a bare text (no subject, history or language code).
    pub fn score_text(&self, text: &str) -> Sentiment {
        self.score_text_in(text, None)
    }

    /// Scores a bare text with an optional platform language tag (`de`, `pt-BR`).
    pub fn score_text_in(&self, text: &str, language: Option<&str>) -> Sentiment {
        with_scratch(|scratch| {
            if !self.analyze(scratch, None, text, language) {
                return Sentiment::neutral(FOREIGN_CONFIDENCE);
            }
            explain::sentiment(&scratch.doc, &scratch.analysis, 0.0, self.neutral_band, &mut scratch.cue)
        })
    }

    /// A light carry-over from the customer's last inbound message.
    fn history(&self, input: &Interaction, scratch: &mut Scratch) -> f32 {
        let Some(last) = input.inbound_history().last() else {
            return 0.0;
        };
        let body = &last.body[..last.body.floor_char_boundary(MAX_HISTORY_BYTES)];
        if !self.analyze(scratch, None, body, None) {
            return 0.0;
        }
        (HISTORY_WEIGHT * scratch.analysis.total).clamp(-HISTORY_CAP, HISTORY_CAP)
    }

    /// The language the text would be scored in (`None`: not covered, the
    /// result is neutral), from the platform tag or the text.
    pub fn language_of(&self, text: &str, language: Option<&str>) -> Option<Language> {
        let text = &text[..text.floor_char_boundary(MAX_BODY_BYTES)];
        with_scratch(|scratch| {
            let doc = &mut scratch.doc;
            doc.clear();
            if let Some(Some(given)) = Language::from_tag(language)
                && given != Language::En
            {
                doc.push_text(text, &self.lexicons[given.index()], false);
                return Some(if lang::english_overrides(&doc.stats) { Language::En } else { given });
            }
            doc.push_text(text, &self.lexicons[0], false);
            lang::choose(&doc.stats, language)
        })
    }

    /// Tokenises subject and body (their first [`MAX_SUBJECT_BYTES`] and
    /// [`MAX_BODY_BYTES`]) into the scratch document and analyses it;
    /// false (nothing analysed) when the text is in a language not covered.
    ///
    /// The text is tokenized with the English lexicon first (whose counts
    /// tell the language); for a text in another covered language its
    /// tokens are then looked up in that language's lexicon
    /// ([`Doc::relex`]) rather than cut again.
    fn analyze(&self, scratch: &mut Scratch, subject: Option<&str>, body: &str, language: Option<&str>) -> bool {
        let Scratch {
            doc,
            buffers,
            analysis,
            ..
        } = scratch;
        let subject = subject.map(|s| &s[..s.floor_char_boundary(MAX_SUBJECT_BYTES)]);
        let body = &body[..body.floor_char_boundary(MAX_BODY_BYTES)];
        let push = |doc: &mut Doc, lex: &Lexicon| {
            doc.clear();
            if let Some(subject) = subject {
                doc.push_text(subject, lex, true);
            }
            doc.push_text(body, lex, false);
        };
        // from the lexicon the document was tokenized with to another one
        let switch = |doc: &mut Doc, from: Language, to: Language| {
            if self.relexes[from.index()] && self.relexes[to.index()] {
                doc.relex(&self.lexicons[to.index()]);
            } else {
                push(doc, &self.lexicons[to.index()]);
            }
        };
        let tag = Language::from_tag(language);
        match tag {
            // a language the plugin does not cover: no guess
            Some(None) => return false,
            // a covered foreign language: one pass with its lexicon, unless
            // the text turns out to be English
            Some(Some(given)) if given != Language::En => {
                push(doc, &self.lexicons[given.index()]);
                let lex = if lang::english_overrides(&doc.stats) {
                    switch(doc, given, Language::En);
                    &self.lexicons[0]
                } else {
                    &self.lexicons[given.index()]
                };
                rules::analyze(doc, lex, buffers, analysis);
                return true;
            }
            _ => {}
        }
        push(doc, &self.lexicons[0]);
        let st = doc.stats;
        let untagged = tag.is_none();
        // without a tag, a Latin-script text with no function word of any
        // language and mostly unknown words ("Peinlich hoch 10.", "amo
        // demais", "excellent ! Reconstruire l'écosystème"): the language
        // whose lexicon knows the most words, if one knows at least two
        // and more than the English lexicon
        let unclear = untagged
            && st.english == 0
            && st.foreign == 0
            && st.non_latin * 2 <= st.words
            && st.known * 2 < st.words;
        let Some(mut chosen) = lang::choose(&st, language).or(unclear.then_some(Language::En)) else {
            return false;
        };
        let mut tokenized = Language::En;
        if unclear {
            let mut best = st.known;
            for l in &Language::ALL[1..] {
                switch(doc, tokenized, *l);
                tokenized = *l;
                if doc.stats.known > best.max(1) {
                    best = doc.stats.known;
                    chosen = *l;
                }
            }
        }
        let lex = &self.lexicons[chosen.index()];
        if chosen != tokenized {
            switch(doc, tokenized, chosen);
        }
        rules::analyze(doc, lex, buffers, analysis);
        true
    }
}

/// Buffers reused from call to call: a call then allocates little more
/// than its result.
#[derive(Default)]
struct Scratch {
    doc: Doc,
    buffers: rules::Buffers,
    analysis: rules::Analysis,
    /// The cue text being written ([`explain::sentiment`]).
    cue: String,
}

/// Buffers grown past this many bytes of text are dropped after the call.
const SCRATCH_KEEP: usize = 64 << 10;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones if they are in use).
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let out = f(&mut scratch);
            if scratch.doc.lower.capacity() > SCRATCH_KEEP {
                *scratch = Scratch::default();
            }
            out
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

cxr_guest::export!(SentimentPlugin: sentiment);
