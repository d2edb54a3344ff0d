//! Per-unit weights from sentence structure: contrast ("but", "however",
//! "although"), question sentences, the subject line and transcript
//! speakers.

use crate::lexicon::flag;
use crate::tokenize::{Doc, Kind, tf};
use crate::units::Unit;

/// Clause before "but" / after "although".
const BEFORE_CONTRAST: f32 = 0.5;
/// Clause after "but".
const AFTER_CONTRAST: f32 = 1.5;
/// Words of the subject line count a little less than the body.
const SUBJECT_WEIGHT: f32 = 0.75;
/// The company side of a transcript ("Agent: I'm sorry to hear that").
const AGENT_WEIGHT: f32 = 0.1;

/// Per-sentence weights: contrast ("but", "however", "although"), the
/// subject line, and which units sit in a question sentence.
/// `present` holds every flag some unit has: without a contrast word the
/// searches for one are skipped.
pub(crate) fn sentences(
    doc: &Doc,
    units: &[Unit],
    present: u64,
    weight: &mut [f32],
    question: &mut [bool],
) {
    let contrast = present & (flag::BUT | flag::HOWEVER) != 0;
    let although = present & flag::ALTHOUGH != 0;
    let n = units.len();
    let mut s = 0;
    let mut prev: Option<(usize, usize)> = None;
    while s < n {
        let mut e = s;
        while e < n && !units[e].ends_sentence() {
            e += 1;
        }
        let first_word =
            (s..e).find(|&k| matches!(units[k].kind, Kind::Word | Kind::Number | Kind::Symbol));
        let but = if contrast {
            (s..e).find(|&k| units[k].entry.has(flag::BUT | flag::HOWEVER))
        } else {
            None
        };
        if let Some(c) = but {
            if Some(c) == first_word {
                if let Some((ps, pe)) = prev {
                    weight[ps..pe]
                        .iter_mut()
                        .for_each(|w| *w *= BEFORE_CONTRAST);
                }
            } else {
                weight[s..c].iter_mut().for_each(|w| *w *= BEFORE_CONTRAST);
            }
            weight[c + 1..e]
                .iter_mut()
                .for_each(|w| *w *= AFTER_CONTRAST);
        } else if let Some(c) = although
            .then(|| (s..e).find(|&k| units[k].entry.has(flag::ALTHOUGH)))
            .flatten()
        {
            match (c + 1..e).find(|&k| units[k].kind == Kind::Sep) {
                Some(m) => {
                    weight[c..m].iter_mut().for_each(|w| *w *= BEFORE_CONTRAST);
                    if Some(c) == first_word {
                        weight[m + 1..e]
                            .iter_mut()
                            .for_each(|w| *w *= AFTER_CONTRAST);
                    }
                }
                None => weight[c..e].iter_mut().for_each(|w| *w *= BEFORE_CONTRAST),
            }
        }
        let (asked, exclaimed) = match units.get(e) {
            Some(end) if end.kind == Kind::Mark => {
                let t = &doc.tokens[end.first];
                (t.quest > 0 && t.excl == 0, t.excl > 0)
            }
            _ => (false, false),
        };
        let asks = first_word.is_some_and(|f| asks_question(units, f, e));
        if asks && !exclaimed {
            question[s..e].iter_mut().for_each(|q| *q = true);
        } else if asked {
            // "the tracking hasn't moved in 6 days, is my parcel lost?": the
            // question is the clause that asks; what comes before is said
            let from = (s..e)
                .rev()
                .find(|&c| {
                    units[c].kind == Kind::Sep && c + 1 < e && asks_question(units, c + 1, e)
                })
                .map_or(s, |c| c + 1);
            question[from..e].iter_mut().for_each(|q| *q = true);
        }
        prev = Some((s, e));
        s = e + 1;
    }
    for (w, u) in weight.iter_mut().zip(units) {
        if u.subject {
            *w *= SUBJECT_WEIGHT;
        }
    }
}

/// Whether a sentence that starts at word unit `f` (and ends before `e`)
/// asks a question without a question mark: "how do I ...", "can you ...",
/// "is there ..." — but not "what a joke" or "how rude".
fn asks_question(units: &[Unit], f: usize, e: usize) -> bool {
    let first = &units[f];
    let Some(next) = units.get(f + 1).filter(|_| f + 1 < e) else {
        return false;
    };
    if first.entry.has(flag::WH) {
        next.kind == Kind::Word && !next.entry.is_sentiment() && !next.entry.has(flag::FILLER)
    } else {
        first.entry.has(flag::AUX) && next.entry.has(flag::SUBJECT)
    }
}

/// Transcripts: after "Agent:" (at a line or sentence start) the company
/// speaks until "Caller:"/"Customer:"; its words barely count.
pub(crate) fn speakers(doc: &Doc, units: &[Unit], weight: &mut [f32]) {
    let mut agent = false;
    for k in 0..units.len() {
        let u = &units[k];
        if u.entry.has(flag::AGENT | flag::CUSTOMER) {
            let at_start = k == 0 || units[k - 1].ends_sentence();
            let colon = units
                .get(k + 1)
                .is_some_and(|n| n.kind == Kind::Sep && doc.tokens[n.first].flags & tf::COLON != 0);
            if at_start && colon {
                agent = u.entry.has(flag::AGENT);
            }
        }
        if agent {
            weight[k] *= AGENT_WEIGHT;
        }
    }
}
