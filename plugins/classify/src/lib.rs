//! cxr-classify: a multilingual, explainable intent, churn-risk and risk
//! classifier for customer messages (English, German, Spanish, French,
//! Italian, Portuguese).
//!
//! Weighted phrase lexicons per language are compiled into one
//! Aho-Corasick automaton over normalised text (lower case, accents
//! folded, word boundaries kept); since contract 0.3.0 the host compiles
//! it, normalises the subject (first 1 KiB) and body (first 32 KiB) and
//! matches it natively, once per interaction (`cxr_guest::text`; natively
//! the same code runs in-process). The subject counts more than the body,
//! the longest phrase wins where phrases overlap ("cancel my order" is not
//! "cancel"), and cancellation is ignored after a negation ("I don't want
//! to cancel"). The intent with the highest score wins if it reaches
//! `min_score`; otherwise it is `other` with a low confidence. The same
//! scan finds risks (account takeover, fraud, legal threat), whatever the
//! intent. Every decision carries the phrases that made it.
//!
//! The engine has no I/O, no threads and no clock: it runs unchanged in a
//! wasm component; [`ClassifyPlugin`] is the `classify` hook of contract
//! 0.3.0 around it.
//!
//! ```
//! use cxr_classify::{Classifier, ClassifyInput};
//! let classifier = Classifier::from_config("").unwrap();
//! let input = ClassifyInput::new("I was charged twice for my order, please refund me");
//! let signals = classifier.classify(&input);
//! assert_eq!(signals[0].name, "intent");
//! assert_eq!(signals[0].value, "billing");
//! assert_eq!(signals[1].name, "churn-risk");
//! ```

mod churn;
mod config;
mod hook;
mod intent;
mod lexicon;
mod normalize;
mod risk;
mod scan;

pub use churn::ChurnRisk;
pub use hook::ClassifyPlugin;
pub use config::{Config, PhraseConfig};
pub use intent::{Intent, LANGUAGES};
pub use risk::{RISK_SIGNAL, Risk, RiskFound};

use lexicon::{ANY_LANGUAGE, ExtraPhrase, Lexicon};
use normalize::normalize_into;
use cxr_guest::text::Field;
use scan::{Scan, scan, scan_matches};

/// Name of the intent signal.
pub const INTENT_SIGNAL: &str = "intent";
/// Name of the churn-risk signal.
pub const CHURN_SIGNAL: &str = "churn-risk";

/// Cues reported per signal, at most.
const MAX_CUES: usize = 5;
/// Bytes of an earlier message searched for cancellation cues.
const MAX_HISTORY_BYTES: usize = 600;
/// Weight a cancellation phrase in an earlier message needs to count.
const HISTORY_CUE_WEIGHT: f64 = 2.0;
/// Weight of a cancellation phrase after a threat word ("... or I cancel").
const THREAT_WEIGHT: f64 = 0.3;
/// Returns score from which refund phrases count for returns: the message
/// is about sending the goods back (one clear phrase such as "send it back").
const RETURNS_FOR_REFUND: f64 = 3.0;
/// Extra feedback score for review and survey channels.
const FEEDBACK_CHANNEL_PRIOR: f64 = 3.0;

/// What is classified: the message and what the host knows about the
/// customer.
#[derive(Debug, Clone, Default)]
pub struct ClassifyInput<'a> {
    pub subject: Option<&'a str>,
    pub body: &'a str,
    /// Language tag if the platform gave one (`de`, `pt-BR`); else guessed.
    pub language: Option<&'a str>,
    /// The channel as the guest kit's `Channel::as_str` names it (`email`,
    /// `chat`, `phone`, `social`, `sms`, `web_form`, `in_app`, `review`,
    /// `survey`); `review` and `survey` lean towards `feedback`.
    pub channel: &'a str,
    /// Sentiment score of this message in [-1, 1].
    pub sentiment_score: f64,
    pub contacts_last_30d: Option<u32>,
    /// Last NPS answer, 0..=10.
    pub last_nps: Option<u8>,
    /// Last CSAT answer, 1..=5.
    pub last_csat: Option<u8>,
    /// Bodies of earlier inbound messages of the customer, oldest first.
    pub history_inbound: &'a [&'a str],
}

impl<'a> ClassifyInput<'a> {
    /// A message with only a body, on no particular channel, neutral.
    pub fn new(body: &'a str) -> Self {
        ClassifyInput { body, ..Default::default() }
    }
}

/// One signal, as the `classify` hook returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalOut {
    /// `intent`, `churn-risk` or `risk`.
    pub name: String,
    /// e.g. `billing`, `high`.
    pub value: String,
    /// In [0, 1].
    pub confidence: f64,
    /// The phrases or facts that decided it, strongest first.
    pub cues: Vec<String>,
}

/// The typed result of [`Classifier::classify_typed`].
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub intent: Intent,
    pub intent_confidence: f64,
    /// Phrases that decided the intent, strongest first.
    pub intent_cues: Vec<String>,
    /// Score per intent, in the order of [`Intent::ALL`].
    pub scores: [f64; 10],
    /// The language whose lexicon was preferred, given or guessed (`None`:
    /// every lexicon counted the same).
    pub language: Option<&'static str>,
    pub churn: ChurnRisk,
    pub churn_confidence: f64,
    pub churn_cues: Vec<String>,
    /// Risks found, strongest first (empty for most messages).
    pub risks: Vec<RiskFound>,
}

/// The compiled classifier. Build it once; `classify` takes `&self` and
/// allocates only small vectors.
#[derive(Debug)]
pub struct Classifier {
    lexicon: Lexicon,
    /// Strong cancellation phrases only, for the customer's history.
    history: Lexicon,
    config: Config,
}

/// A phrase that counted, how much, and the cue it shows.
struct Contribution<'t> {
    intent: Intent,
    weight: f64,
    cue: &'t str,
    /// A refund phrase (billing, or returns when goods are sent back).
    refund: bool,
}

impl Classifier {
    /// Builds the classifier from its JSON configuration (`""` = defaults).
    /// Errors name the key or the extra phrase.
    pub fn from_config(json: &str) -> Result<Self, String> {
        Self::new(Config::parse(json)?)
    }

    /// Builds the classifier from a parsed configuration.
    pub fn new(config: Config) -> Result<Self, String> {
        let extra: Vec<ExtraPhrase<'_>> = config
            .phrases
            .iter()
            .map(|p| ExtraPhrase {
                language: &p.language,
                intent: &p.intent,
                phrase: &p.phrase,
                weight: p.weight,
            })
            .collect();
        let lexicon = Lexicon::build(&extra)?;
        let history = Lexicon::build_history(&extra)?;
        Ok(Classifier { lexicon, history, config })
    }

    /// Heap bytes of the compiled lexicons (the automata).
    pub fn patterns(&self) -> usize {
        self.lexicon.patterns() + self.history.patterns()
    }

    /// The signals `intent` and `churn-risk`, in that order, then one
    /// `risk` signal per risk found (most messages have none).
    pub fn classify(&self, input: &ClassifyInput<'_>) -> Vec<SignalOut> {
        let c = self.classify_typed(input);
        let risks = c.risks.into_iter().map(|r| SignalOut {
            name: RISK_SIGNAL.to_string(),
            value: r.risk.as_str().to_string(),
            confidence: r.confidence,
            cues: r.cues,
        });
        let mut signals = vec![
            SignalOut {
                name: INTENT_SIGNAL.to_string(),
                value: c.intent.as_str().to_string(),
                confidence: c.intent_confidence,
                cues: c.intent_cues,
            },
            SignalOut {
                name: CHURN_SIGNAL.to_string(),
                value: c.churn.as_str().to_string(),
                confidence: c.churn_confidence,
                cues: c.churn_cues,
            },
        ];
        signals.extend(risks);
        signals
    }

    /// The intent only (no history needed): the same decision as
    /// [`Classifier::classify`] makes.
    pub fn intent(&self, subject: Option<&str>, body: &str, language: Option<&str>) -> (Intent, f64, Vec<String>) {
        let input = ClassifyInput { subject, body, language, ..Default::default() };
        let c = self.classify_typed(&input);
        (c.intent, c.intent_confidence, c.intent_cues)
    }

    /// Classifies with typed results.
    pub fn classify_typed(&self, input: &ClassifyInput<'_>) -> Classification {
        let lex = &self.lexicon;
        // The host normalises the subject and body and matches the lexicon
        // in them, natively, once per interaction (contract 0.3.0).
        let text = cxr_guest::text::of_fields(input.subject, input.body);
        let scan_field = |field: Field| {
            let normalized = text.normalized(field);
            // The only error is a handle this instance did not register: ours was.
            let matches = lex.automaton.find(&text, field).unwrap_or_default();
            (normalized, scan_matches(lex, normalized, &matches))
        };
        let (subject_text, subject_scan) = match input.subject.filter(|s| !s.trim().is_empty()) {
            Some(_) => scan_field(Field::Subject),
            None => ("", Scan::default()),
        };
        let (body_text, body_scan) = scan_field(Field::Body);

        let language = input
            .language
            .and_then(intent::language_index)
            .or_else(|| guess_language(&subject_scan, &body_scan));
        let fields = [
            (subject_text, &subject_scan, self.config.subject_weight),
            (body_text, &body_scan, 1.0),
        ];
        let mut cancellation_cues: Vec<(f64, &str)> = Vec::new();
        let mut contributions: Vec<Contribution<'_>> = Vec::new();
        let mut risk_scores = [0.0f64; Risk::ALL.len()];
        let mut risk_cues: Vec<(Risk, f64, &str)> = Vec::new();
        for (text, sc, field_weight) in fields {
            for hit in &sc.hits {
                let entry = &lex.entries[hit.entry as usize];
                if entry.negatable && lex.negated(text, hit) {
                    continue;
                }
                let lang_weight = match language {
                    Some(l) if entry.language != ANY_LANGUAGE && entry.language != l => {
                        self.config.foreign_weight
                    }
                    _ => 1.0,
                };
                let cue = lex.cue(text, hit);
                // Risk phrases are specific in any language: a guessed
                // language does not weaken them.
                if let Some(risk) = entry.risk {
                    let weight = entry.weight * field_weight;
                    risk_scores[risk.index()] += weight;
                    risk_cues.push((risk, weight, cue));
                    continue;
                }
                let mut threat_weight = 1.0;
                if entry.intent == Intent::Cancellation && entry.weight > 0.0 {
                    cancellation_cues.push((entry.weight, cue));
                    if lex.threat_before(text, hit.start) {
                        threat_weight = THREAT_WEIGHT;
                    }
                }
                contributions.push(Contribution {
                    intent: entry.intent,
                    weight: entry.weight * lang_weight * field_weight * threat_weight,
                    cue,
                    refund: entry.refund,
                });
            }
        }

        let mut scores = [0.0f64; 10];
        for c in &contributions {
            scores[c.intent.index()] += c.weight;
        }
        // A refund is billing, unless the message is about sending the goods
        // back: then it is part of the return.
        if scores[Intent::Returns.index()] >= RETURNS_FOR_REFUND {
            for c in contributions.iter_mut().filter(|c| c.refund && c.intent == Intent::Billing) {
                scores[Intent::Billing.index()] -= c.weight;
                scores[Intent::Returns.index()] += c.weight;
                c.intent = Intent::Returns;
            }
        }
        let mut channel_cue = None;
        if matches!(input.channel, "review" | "survey") {
            scores[Intent::Feedback.index()] += FEEDBACK_CHANNEL_PRIOR;
            channel_cue = Some(format!("channel {}", input.channel));
        }
        let (intent, confidence) = decide(&scores, self.config.min_score);
        let mut intent_cues = Vec::new();
        if intent != Intent::Other || scores[Intent::Other.index()] >= self.config.min_score {
            contributions.sort_by(|a, b| b.weight.total_cmp(&a.weight));
            for c in contributions.iter().filter(|c| c.intent == intent && c.weight > 0.0) {
                if intent_cues.len() < MAX_CUES && !intent_cues.iter().any(|k| k == c.cue) {
                    intent_cues.push(c.cue.to_string());
                }
            }
            if intent == Intent::Feedback {
                intent_cues.extend(channel_cue);
            }
        }

        // A customer who asks to cancel is high risk already: their history
        // need not be searched.
        let history_cue = if intent == Intent::Cancellation {
            None
        } else {
            self.history_cancellation(input.history_inbound)
        };
        cancellation_cues.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (churn, churn_confidence, churn_cues) = churn::assess(&churn::Evidence {
            cancellation_intent: intent == Intent::Cancellation,
            cancellation_cues: cancellation_cues.into_iter().map(|(_, cue)| cue).collect(),
            sentiment: input.sentiment_score,
            contacts_last_30d: input.contacts_last_30d,
            last_nps: input.last_nps,
            last_csat: input.last_csat,
            history_cue: history_cue.as_deref(),
        });
        risk_cues.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut risks: Vec<RiskFound> = Risk::ALL
            .into_iter()
            .filter(|r| risk_scores[r.index()] >= risk::MIN_RISK_SCORE)
            .map(|risk| {
                let mut cues: Vec<String> = Vec::new();
                for (_, _, cue) in risk_cues.iter().filter(|(r, w, _)| *r == risk && *w > 0.0) {
                    if cues.len() < MAX_CUES && !cues.iter().any(|k| k == cue) {
                        cues.push(cue.to_string());
                    }
                }
                RiskFound { risk, confidence: round2(risk::confidence(risk_scores[risk.index()])), cues }
            })
            .collect();
        risks.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        Classification {
            intent,
            intent_confidence: round2(confidence),
            intent_cues,
            scores,
            language: language.map(|l| LANGUAGES[l as usize]),
            churn,
            churn_confidence: round2(churn_confidence),
            churn_cues,
            risks,
        }
    }

    /// A strong cancellation phrase in one of the latest earlier messages.
    fn history_cancellation(&self, history: &[&str]) -> Option<String> {
        let lex = &self.history;
        let mut buf = String::new();
        let start = history.len().saturating_sub(self.config.history_messages);
        for message in history[start..].iter().rev() {
            let message = &message[..message.floor_char_boundary(MAX_HISTORY_BYTES)];
            normalize_into(message, &mut buf);
            for hit in scan(lex, &buf).hits {
                let entry = &lex.entries[hit.entry as usize];
                if entry.intent == Intent::Cancellation
                    && entry.weight >= HISTORY_CUE_WEIGHT
                    && !(entry.negatable && lex.negated(&buf, &hit))
                {
                    return Some(lex.cue(&buf, &hit).to_string());
                }
            }
        }
        None
    }
}

/// The stop-word language when it clearly leads.
fn guess_language(subject: &Scan, body: &Scan) -> Option<u8> {
    let mut counts = [0u32; LANGUAGES.len()];
    for (i, n) in counts.iter_mut().enumerate() {
        *n = u32::from(subject.stops[i]) + u32::from(body.stops[i]);
    }
    let best = (0..counts.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))?;
    let second = (0..counts.len()).filter(|&i| i != best).map(|i| counts[i]).max().unwrap_or(0);
    (counts[best] >= 2 && counts[best] * 2 > second * 3).then_some(best as u8)
}

/// The winning intent and its confidence: the lead over the runner-up
/// times how much evidence there is. Ties go to the earlier intent of
/// [`Intent::ALL`]. Below `min_score`, `other` with at most 0.3.
fn decide(scores: &[f64; 10], min_score: f64) -> (Intent, f64) {
    let mut best = 0;
    for i in 1..scores.len() {
        if scores[i] > scores[best] {
            best = i;
        }
    }
    let top = scores[best];
    if top < min_score || top <= 0.0 {
        // Some evidence for something, but too little: less sure it is nothing.
        return (Intent::Other, if top > 0.0 { 0.2 } else { 0.3 });
    }
    let second = scores
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != best)
        .map(|(_, &s)| s.max(0.0))
        .fold(0.0, f64::max);
    let confidence = top / (top + second) * (1.0 - (-top / 2.0).exp());
    (Intent::ALL[best], confidence.clamp(0.05, 0.99))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decide_prefers_clear_leads() {
        let mut s = [0.0; 10];
        assert_eq!(decide(&s, 1.0), (Intent::Other, 0.3));
        s[Intent::Billing.index()] = 0.5;
        assert_eq!(decide(&s, 1.0), (Intent::Other, 0.2));
        s[Intent::Billing.index()] = 4.0;
        let (i, clear) = decide(&s, 1.0);
        assert_eq!(i, Intent::Billing);
        s[Intent::Returns.index()] = 3.5;
        let (i, close) = decide(&s, 1.0);
        assert_eq!(i, Intent::Billing);
        assert!(close < clear && clear > 0.8 && close < 0.5, "{clear} {close}");
    }
}
