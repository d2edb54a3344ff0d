//! Help-desk rules a general lexicon misses: a bare failure negation
//! ("the label doesn't print") and a reported waiting time ("took five
//! days").

use crate::lexicon::flag;
use crate::rules::{Contribution, Note};
use crate::tokenize::Kind;
use crate::units::Unit;

/// A bare failure negation: "the label doesn't print", "I can't pay".
const FAILURE: f32 = -0.8;
/// Waiting minutes or hours ("waited 45 minutes").
const WAIT_SHORT: f32 = -0.8;
/// Waiting days, weeks or months ("took five days").
const WAIT_LONG: f32 = -1.3;
/// How far a hedge is looked for, in units (bounds the work on long text).
const HEDGE_REACH: usize = 12;

/// Help-desk rule: a negation that negated no sentiment word reports a
/// failure ("the label doesn't print", "I can't pay"), unless the verb is
/// neutral ("don't know"), the clause is hedged ("if it doesn't arrive")
/// or the sentence is a question.
pub(crate) fn failures(
    units: &[Unit],
    used: &[bool],
    weight: &[f32],
    question: &[bool],
    out: &mut Vec<Contribution>,
) {
    for j in 0..units.len() {
        let u = &units[j];
        if !u.entry.has(flag::FAILURE) || used[j] || question[j] || hedged(units, j) {
            continue;
        }
        let Some(verb) = units[j + 1..]
            .iter()
            .take(3)
            .take_while(|v| v.kind == Kind::Word)
            .find(|v| v.entry.booster == 0.0)
        else {
            continue;
        };
        if verb.entry.is_sentiment() || verb.entry.has(flag::NEUTRAL_VERB | flag::NEGATOR) {
            continue;
        }
        out.push(Contribution {
            first: u.first,
            last: verb.last,
            value: FAILURE * weight[j],
            note: Note::Plain,
            symbol: false,
        });
    }
}

/// Help-desk rule: a waiting verb followed by a number and a time unit
/// ("took five days", "waited 45 minutes"), outside questions and hedges.
/// `out[..scored]` are the word contributions, in text order.
pub(crate) fn waiting(
    scored: usize,
    units: &[Unit],
    weight: &[f32],
    question: &[bool],
    out: &mut Vec<Contribution>,
) {
    let mut j = 0;
    while j < units.len() {
        let u = &units[j];
        if !u.entry.has(flag::WAIT) || question[j] || hedged(units, j) {
            j += 1;
            continue;
        }
        let mut number = false;
        let mut found = None;
        for (m, v) in units.iter().enumerate().skip(j + 1).take(6) {
            if v.ends_sentence() {
                break;
            }
            number |= v.kind == Kind::Number || v.entry.has(flag::NUMBER_WORD);
            if number && v.entry.has(flag::TIME_SHORT | flag::TIME_LONG) {
                let value = if v.entry.has(flag::TIME_LONG) {
                    WAIT_LONG
                } else {
                    WAIT_SHORT
                };
                found = Some((m, value));
                break;
            }
        }
        match found {
            Some((m, value)) => {
                // "waited" has a valence of its own: the rule replaces it
                if u.entry.is_sentiment()
                    && let Ok(i) = out[..scored].binary_search_by_key(&u.last, |c| c.last)
                {
                    out[i].value = 0.0;
                }
                out.push(Contribution {
                    first: u.first,
                    last: units[m].last,
                    value: value * weight[j],
                    note: Note::Plain,
                    symbol: false,
                });
                j = m + 1;
            }
            None => j += 1,
        }
    }
}

/// Whether the clause of unit `j` is hedged: "if", "usually", "will"
/// before it, or "yet" after it ("haven't used it yet"), within
/// [`HEDGE_REACH`] units.
fn hedged(units: &[Unit], j: usize) -> bool {
    let before = units[..j]
        .iter()
        .rev()
        .take(HEDGE_REACH)
        .take_while(|u| !u.ends_clause())
        .any(|u| u.entry.has(flag::HEDGE));
    before
        || units[j + 1..]
            .iter()
            .take(HEDGE_REACH)
            .take_while(|u| !u.ends_clause())
            .any(|u| u.entry.has(flag::YET))
}
