//! From rule output to the WIT result: compound score, label, the cues that
//! explain it and a confidence that means something.

use cxr_guest::{Cue, Sentiment, SentimentLabel};

use crate::rules::{Analysis, Note};
use crate::tokenize::{Doc, Kind, tf};

/// VADER's normalisation constant: compound = x / sqrt(x² + ALPHA).
const ALPHA: f32 = 15.0;
/// At most this many cues are returned.
pub(crate) const MAX_CUES: usize = 5;
/// The label band the host's `SentimentLabel::from_score` uses.
const DEFAULT_BAND: f64 = 0.05;
/// Confidence never goes above this: rules are rules.
const MAX_CONFIDENCE: f64 = 0.95;

/// Where a cue comes from.
#[derive(Clone, Copy)]
enum Source {
    Term(usize),
    Punctuation,
    History,
}

/// Builds the result. `history` is the valence carried over from the last
/// inbound message; confidence is capped at `cap`.
pub(crate) fn sentiment(
    doc: &Doc,
    analysis: &Analysis,
    history: f32,
    band: f64,
    cap: f64,
) -> Sentiment {
    let total = analysis.total + history;
    let norm = (total * total + ALPHA).sqrt();
    let score = round(f64::from(total / norm), 4).clamp(-1.0, 1.0);
    let label = label(score, band);
    Sentiment {
        score,
        label,
        confidence: round(confidence(doc, analysis, label).min(cap), 3),
        cues: cues(doc, analysis, history, norm),
    }
}

/// The label for `score` with a neutral band (the host's thresholds by default).
pub(crate) fn label(score: f64, band: f64) -> SentimentLabel {
    if (band - DEFAULT_BAND).abs() < 1e-12 {
        SentimentLabel::from_score(score)
    } else if score == 0.0 || score.abs() < band {
        SentimentLabel::Neutral
    } else if score > 0.0 {
        SentimentLabel::Positive
    } else {
        SentimentLabel::Negative
    }
}

/// The strongest contributions as cues, each weight on the compound scale:
/// contribution / sqrt(x² + 15), so that the weights of all contributions
/// add up to the score. Equal texts are merged.
fn cues(doc: &Doc, analysis: &Analysis, history: f32, norm: f32) -> Vec<Cue> {
    let mut sources: Vec<(f32, Source)> = analysis
        .contributions
        .iter()
        .enumerate()
        .map(|(i, c)| (c.value, Source::Term(i)))
        .collect();
    sources.push((analysis.punctuation, Source::Punctuation));
    sources.push((history, Source::History));
    sources.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));

    let mut out: Vec<Cue> = Vec::with_capacity(MAX_CUES);
    for &(value, source) in sources.iter().take(4 * MAX_CUES) {
        let weight = f64::from(value / norm);
        if weight.abs() < 0.005 {
            break;
        }
        let text = match source {
            Source::Term(i) => term_text(doc, analysis, i),
            Source::Punctuation => punctuation_text(doc),
            Source::History => "earlier message".to_string(),
        };
        if let Some(cue) = out.iter_mut().find(|c| c.text == text) {
            cue.weight += weight;
        } else if out.len() < MAX_CUES {
            out.push(Cue { text, weight });
        }
    }
    for cue in &mut out {
        cue.weight = round(cue.weight, 3);
    }
    out.retain(|c| c.weight != 0.0);
    out.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    out
}

/// The matched words of a contribution, lower case, modifiers included.
fn term_text(doc: &Doc, analysis: &Analysis, i: usize) -> String {
    let c = &analysis.contributions[i];
    let mut text = String::new();
    for t in &doc.tokens[c.first..=c.last] {
        match t.kind {
            Kind::Word | Kind::Number | Kind::Symbol => {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(doc.text(t));
            }
            Kind::Sep if t.flags & tf::COMMA != 0 => text.push(','),
            _ => {}
        }
    }
    if c.note == Note::Sarcasm {
        text.push_str(" (sarcasm)");
    }
    text
}

/// "!!!" / "??" as the punctuation cue.
fn punctuation_text(doc: &Doc) -> String {
    let st = &doc.stats;
    let mut text = "!".repeat(st.excl.min(3) as usize);
    if st.quest > 1 {
        text.push_str(&"?".repeat(st.quest.min(3) as usize));
    }
    text
}

/// Confidence in [0, 1]: grows with the amount of evidence and with how
/// well the cues agree, shrinks for short texts and for texts whose words
/// are mostly unknown. A text with no cue is confidently neutral only when
/// it is long enough and made of known English words.
fn confidence(doc: &Doc, analysis: &Analysis, label: SentimentLabel) -> f64 {
    let st = &doc.stats;
    let terms = (st.words + st.symbols) as f32;
    if terms == 0.0 {
        return 0.1;
    }
    let coverage = (st.known + st.symbols) as f32 / terms;
    let coverage_f = (coverage / 0.4).min(1.0);
    let neutral = 0.15 + 0.4 * (terms / 8.0).min(1.0) * coverage_f;
    let evidence = analysis.evidence;
    if evidence < 1e-6 {
        return f64::from(neutral);
    }
    let strength = 1.0 - (-evidence / 2.0).exp();
    let net: f32 = analysis.contributions.iter().map(|c| c.value).sum();
    let agreement = (net.abs() / evidence).clamp(0.0, 1.0);
    let length_f = 0.55 + 0.45 * (terms / 10.0).min(1.0);
    let mut c = (0.15 + 0.8 * strength * (0.2 + 0.8 * agreement.powf(1.5)))
        * length_f
        * (0.7 + 0.3 * coverage_f);
    if label == SentimentLabel::Neutral {
        c = c.max(neutral * (1.0 - strength));
    }
    f64::from(c).clamp(0.05, MAX_CONFIDENCE)
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}
