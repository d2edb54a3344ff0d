//! From rule output to the WIT result: compound score, label, the cues that
//! explain it and a confidence that means something.

use cxr_guest::{Cue, Sentiment, SentimentLabel};

use crate::rules::{Analysis, Note};
use crate::tokenize::{Doc, Kind, tf};

/// VADER's normalisation constant: compound = x / sqrt(x² + ALPHA).
const ALPHA: f32 = 15.0;
/// At most this many cues are returned.
pub(crate) const MAX_CUES: usize = 5;
/// The strongest sources looked at for cues (equal texts merge).
const CANDIDATES: usize = 4 * MAX_CUES;
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
/// inbound message; `text` is a buffer the cue texts are written into
/// first (kept from call to call: only the cues kept are allocated).
pub(crate) fn sentiment(
    doc: &Doc,
    analysis: &Analysis,
    history: f32,
    band: f64,
    text: &mut String,
) -> Sentiment {
    let total = analysis.total + history;
    let norm = (total * total + ALPHA).sqrt();
    let score = round(f64::from(total / norm), 4).clamp(-1.0, 1.0);
    let label = label(score, band);
    Sentiment {
        score,
        label,
        confidence: round(confidence(doc, analysis, label), 3),
        cues: cues(doc, analysis, history, norm, text),
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
fn cues(doc: &Doc, analysis: &Analysis, history: f32, norm: f32, text: &mut String) -> Vec<Cue> {
    // the strongest sources, strongest first (ties in text order), without allocating
    let mut top = [(0.0f32, Source::History); CANDIDATES];
    let mut len = 0;
    let sources = analysis
        .contributions
        .iter()
        .enumerate()
        .map(|(i, c)| (c.value, Source::Term(i)))
        .chain([
            (analysis.punctuation, Source::Punctuation),
            (history, Source::History),
        ]);
    for (value, source) in sources {
        let mut at = len;
        while at > 0 && value.abs() > top[at - 1].0.abs() {
            at -= 1;
        }
        if at < CANDIDATES {
            let end = (len + 1).min(CANDIDATES);
            top.copy_within(at..end - 1, at + 1);
            top[at] = (value, source);
            len = end;
        }
    }

    let mut out: Vec<Cue> = Vec::with_capacity(MAX_CUES);
    for &(value, source) in &top[..len] {
        let weight = f64::from(value / norm);
        if weight.abs() < 0.005 {
            break;
        }
        text.clear();
        match source {
            Source::Term(i) => term_text(doc, analysis, i, text),
            Source::Punctuation => punctuation_text(doc, text),
            Source::History => text.push_str("earlier message"),
        }
        if let Some(cue) = out.iter_mut().find(|c| c.text == *text) {
            cue.weight += weight;
        } else if out.len() < MAX_CUES {
            out.push(Cue {
                text: text.as_str().to_owned(),
                weight,
            });
        }
    }
    for cue in &mut out {
        cue.weight = round(cue.weight, 3);
    }
    out.retain(|c| c.weight != 0.0);
    out.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    out
}

/// Writes the matched words of a contribution, lower case, modifiers
/// included.
fn term_text(doc: &Doc, analysis: &Analysis, i: usize, text: &mut String) {
    let c = &analysis.contributions[i];
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
}

/// Writes "!!!" / "??", the punctuation cue.
fn punctuation_text(doc: &Doc, text: &mut String) {
    let st = &doc.stats;
    text.extend(std::iter::repeat_n('!', st.excl.min(3) as usize));
    if st.quest > 1 {
        text.extend(std::iter::repeat_n('?', st.quest.min(3) as usize));
    }
}

/// Confidence in [0, 1]: grows with the amount of evidence and with how
/// well the cues agree, shrinks for short texts and for texts whose words
/// are mostly unknown. A text with no cue is confidently neutral only when
/// it asks or requests something, is long enough and is made of known
/// English words.
fn confidence(doc: &Doc, analysis: &Analysis, label: SentimentLabel) -> f64 {
    let st = &doc.stats;
    let terms = (st.words + st.symbols) as f32;
    if terms == 0.0 {
        return 0.1;
    }
    let coverage = (st.known + st.symbols) as f32 / terms;
    let coverage_f = (coverage / 0.4).min(1.0);
    // a question or request without any cue is a reliable neutral; a
    // statement without one may be an implicit complaint or praise
    let open = if analysis.request { 0.45 } else { 0.2 };
    let neutral = 0.15 + open * (terms / 8.0).min(1.0) * coverage_f;
    let evidence = analysis.evidence;
    if evidence < 1e-6 {
        return f64::from(neutral);
    }
    let strength = 1.0 - (-evidence / 2.0).exp();
    let net: f32 = analysis.contributions.iter().map(|c| c.value).sum();
    let agreement = (net.abs() / evidence).clamp(0.0, 1.0);
    let length_f = 0.55 + 0.45 * (terms / 10.0).min(1.0);
    // agreement^1.5, without a call to powf (slow in wasm)
    let mut c = (0.15 + 0.8 * strength * (0.2 + 0.8 * agreement * agreement.sqrt()))
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
