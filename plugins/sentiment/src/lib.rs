//! # cxr-sentiment — rule-based sentiment for customer messages
//!
//! A VADER-style scorer (Hutto & Gilbert 2014) tuned to what customers
//! write to a help desk: a lexicon of about 1,500 words, emoji, emoticons
//! and help-desk phrases ("charged twice", "still no reply", "works now"),
//! with rules for negation, boosters and dampeners, contrast ("but",
//! "although"), ALL-CAPS and elongated words, `!`/`?`, questions, sarcasm
//! ("great, another delay"), politeness formulas and transcript speakers.
//!
//! The compound score is VADER's x / sqrt(x² + 15) in [-1, 1]; every cue
//! carries its share of that score. Texts that are not English get a
//! neutral result with low confidence (emoji aside): the plugin does not
//! guess in languages it does not cover.
//!
//! Everything is built once in [`Plugin::configure`]; a call tokenizes the
//! subject and body once and makes a handful of allocations.

use cxr_guest::{Context, Interaction, Plugin, PluginError, Sentiment, SentimentHook};

mod clauses;
pub mod config;
mod explain;
mod helpdesk;
mod lang;
mod lexicon;
mod rules;
mod tables;
mod tokenize;
mod units;
mod vocab;

pub use config::Config;

use lexicon::{BuildError, Lexicon};
use rules::Analysis;
use tokenize::Doc;

/// Share of the last inbound message's valence carried into the score.
const HISTORY_WEIGHT: f32 = 0.2;
/// Cap on that carried valence (VADER scale).
const HISTORY_CAP: f32 = 1.0;
/// Confidence of the neutral result for a text in another language.
const FOREIGN_CONFIDENCE: f64 = 0.15;
/// Confidence cap when a foreign text is scored from its emoji alone.
const FOREIGN_EMOJI_CONFIDENCE: f64 = 0.3;
/// |valence| from which an emoji counts as unambiguous.
const UNAMBIGUOUS_EMOJI: f32 = 1.5;

/// The sentiment plugin: a lexicon compiled from the shipped word list and
/// the operator's `extra_lexicon`, and the label band.
#[derive(Debug, Clone)]
pub struct SentimentPlugin {
    lexicon: Lexicon,
    neutral_band: f64,
}

impl Plugin for SentimentPlugin {
    const DESCRIPTION: &'static str = "rule-based (VADER-style) sentiment for customer messages: \
        lexicon, help-desk phrases, negation, boosters, contrast, caps, sarcasm and emoji";

    fn configure(config: &str) -> Result<Self, PluginError> {
        let config = Config::parse(config)?;
        let extra: Vec<(&str, f32)> = config
            .extra_lexicon
            .iter()
            .map(|(term, &valence)| (term.as_str(), valence as f32))
            .collect();
        let lexicon = Lexicon::build(&extra).map_err(|e| match e {
            BuildError::Extra(msg) => PluginError::config(format!("sentiment config: {msg}")),
            BuildError::Shipped(msg) => PluginError::Internal(format!("sentiment lexicon: {msg}")),
        })?;
        Ok(SentimentPlugin {
            lexicon,
            neutral_band: config.neutral_band,
        })
    }
}

impl SentimentHook for SentimentPlugin {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        let mut doc =
            Doc::with_capacity(input.body.len() + input.subject.as_ref().map_or(0, String::len));
        if let Some(subject) = input.subject.as_deref() {
            doc.push_text(subject, &self.lexicon, true);
        }
        doc.push_text(&input.body, &self.lexicon, false);
        let analysis = rules::analyze(&doc, &self.lexicon);
        if lang::is_foreign(&doc.stats, input.language.as_deref()) {
            return Ok(self.foreign(&doc, analysis));
        }
        let history = self.history(input);
        Ok(explain::sentiment(
            &doc,
            &analysis,
            history,
            self.neutral_band,
            1.0,
        ))
    }
}

impl SentimentPlugin {
    /// Scores a bare text (no subject, history or language code).
    pub fn score_text(&self, text: &str) -> Sentiment {
        let mut doc = Doc::with_capacity(text.len());
        doc.push_text(text, &self.lexicon, false);
        let analysis = rules::analyze(&doc, &self.lexicon);
        if lang::is_foreign(&doc.stats, None) {
            return self.foreign(&doc, analysis);
        }
        explain::sentiment(&doc, &analysis, 0.0, self.neutral_band, 1.0)
    }

    /// A text in a language the lexicon does not cover: neutral with low
    /// confidence, unless strong emoji say something on their own.
    fn foreign(&self, doc: &Doc, mut analysis: Analysis) -> Sentiment {
        analysis
            .contributions
            .retain(|c| c.symbol && c.value.abs() >= UNAMBIGUOUS_EMOJI);
        if analysis.contributions.is_empty() {
            return Sentiment::neutral(FOREIGN_CONFIDENCE);
        }
        let sum: f32 = analysis.contributions.iter().map(|c| c.value).sum();
        analysis.evidence = analysis.contributions.iter().map(|c| c.value.abs()).sum();
        analysis.punctuation = 0.0;
        analysis.total = sum;
        explain::sentiment(
            doc,
            &analysis,
            0.0,
            self.neutral_band,
            FOREIGN_EMOJI_CONFIDENCE,
        )
    }

    /// A light carry-over from the customer's last inbound message.
    fn history(&self, input: &Interaction) -> f32 {
        let Some(last) = input.inbound_history().last() else {
            return 0.0;
        };
        let mut doc = Doc::with_capacity(last.body.len());
        doc.push_text(&last.body, &self.lexicon, false);
        if lang::is_foreign(&doc.stats, None) {
            return 0.0;
        }
        let total = rules::analyze(&doc, &self.lexicon).total;
        (HISTORY_WEIGHT * total).clamp(-HISTORY_CAP, HISTORY_CAP)
    }
}

cxr_guest::export!(SentimentPlugin: sentiment);
