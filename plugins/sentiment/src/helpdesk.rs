//! Help-desk rules a general lexicon misses: a bare failure negation
//! ("the label doesn't print"), a missing thing ("no reply", "without
//! signal"), a reported waiting time ("took five days"), an ongoing problem
//! ("down since 6am", "for three days"), "never ... again", and a question
//! that starts with "why".

use crate::lexicon::flag;
use crate::rules::{Contribution, Note};
use crate::tokenize::{Doc, Kind};
use crate::units::Unit;

/// A bare failure negation: "the label doesn't print", "I can't pay".
const FAILURE: f32 = -0.8;
/// Something expected is missing: "no reply", "without signal".
const ABSENT: f32 = -1.4;
/// Waiting minutes or hours ("waited 45 minutes").
const WAIT_SHORT: f32 = -0.8;
/// Waiting days, weeks or months ("took five days").
const WAIT_LONG: f32 = -1.3;
/// An ongoing problem: "since Monday", "for three days".
const ONGOING: f32 = -0.8;
/// "never ... again": the customer is leaving.
const NEVER_AGAIN: f32 = -2.0;
/// A question to a company starting with "why" is a complaint.
const WHY: f32 = -1.0;
/// How far a hedge is looked for, in units (bounds the work on long text).
const HEDGE_REACH: usize = 12;
/// How far "again" is looked for after "never", in units.
const AGAIN_REACH: usize = 10;

/// What the help-desk rules look at.
pub(crate) struct Scene<'a> {
    pub doc: &'a Doc,
    pub units: &'a [Unit],
    pub weight: &'a [f32],
    pub question: &'a [bool],
    /// Negations that already negated a sentiment word.
    pub used: &'a [bool],
    /// Every flag some unit has ([`crate::units::unitize`]).
    pub present: u64,
}

impl Scene<'_> {
    /// Runs every help-desk rule; `out[..scored]` are the word
    /// contributions, in text order.
    /// A rule whose trigger no unit has is skipped: it would find nothing.
    pub(crate) fn apply(&self, scored: usize, out: &mut Vec<Contribution>) {
        let has = |bits: u64| self.present & bits != 0;
        if has(flag::WAIT) {
            self.waiting(scored, out);
        }
        // a number, then a time unit
        if has(flag::TIME_SHORT | flag::TIME_LONG) {
            self.waited_for(out);
        }
        if has(flag::FAILURE) {
            self.failures(out);
        }
        if has(flag::ABSENCE) {
            self.absence(out);
        }
        if has(flag::SINCE | flag::FOR) {
            self.ongoing(out);
        }
        if has(flag::NEVER) {
            self.never_again(out);
        }
        if has(flag::WHY) {
            self.why(out);
        }
    }

    fn push(&self, out: &mut Vec<Contribution>, j: usize, last: usize, value: f32) {
        out.push(Contribution {
            first: self.units[j].first,
            last: self.units[last].last,
            value: value * self.weight[j],
            note: Note::Plain,
        });
    }

    /// A negation that negated no sentiment word reports a failure ("the
    /// label doesn't print", "I can't pay", "no one at the desk"), unless
    /// the verb is neutral ("don't know"), the clause is hedged ("if it
    /// doesn't arrive") or the sentence is a question.
    fn failures(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            let u = &units[j];
            if !u.entry.has(flag::FAILURE) || self.used[j] || self.question[j] || hedged(units, j) {
                continue;
            }
            let Some(v) = (j + 1..units.len().min(j + 5))
                .take_while(|&v| units[v].kind == Kind::Word)
                .find(|&v| units[v].entry.booster == 0.0 && !units[v].entry.has(flag::CLITIC))
            else {
                continue;
            };
            let verb = &units[v].entry;
            let not_verb = verb.has(flag::NOT_VERB) && !u.entry.has(flag::NOBODY);
            if not_verb
                || verb.is_sentiment()
                || verb.has(flag::NEUTRAL_VERB | flag::NEGATOR | flag::YET)
            {
                continue;
            }
            self.push(out, j, v, FAILURE);
        }
    }

    /// "no" / "without" / "zero", up to two fillers, then something a
    /// customer expects: "no reply", "without any warning", "zero signal".
    fn absence(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            let u = &units[j];
            if !u.entry.has(flag::ABSENCE)
                || u.entry.is_sentiment()
                || self.used[j]
                || self.question[j]
                || hedged(units, j)
            {
                continue;
            }
            let mut k = j + 1;
            while k < units.len().min(j + 3)
                && !units[k].entry.has(flag::EXPECTED)
                && units[k].entry.has(flag::FILLER)
            {
                k += 1;
            }
            if units
                .get(k)
                .is_some_and(|t| t.kind == Kind::Word && t.entry.has(flag::EXPECTED))
            {
                self.push(out, j, k, ABSENT);
            }
        }
    }

    /// A waiting verb followed by a number and a time unit ("took five
    /// days", "waited 45 minutes"), outside questions and hedges.
    fn waiting(&self, scored: usize, out: &mut Vec<Contribution>) {
        let units = self.units;
        let mut j = 0;
        while j < units.len() {
            let u = &units[j];
            if !u.entry.has(flag::WAIT) || self.question[j] || hedged(units, j) {
                j += 1;
                continue;
            }
            match duration(units, j, true) {
                Some((m, long)) => {
                    // "waited" has a valence of its own: the rule replaces it
                    if u.entry.is_sentiment()
                        && let Ok(i) = out[..scored].binary_search_by_key(&u.last, |c| c.last)
                    {
                        out[i].value = 0.0;
                    }
                    self.push(out, j, m, if long { WAIT_LONG } else { WAIT_SHORT });
                    j = m + 1;
                }
                None => j += 1,
            }
        }
    }

    /// A sentence that starts with a duration and "for": "90 minutes for a
    /// pizza", "three weeks for a refund" (not in questions).
    fn waited_for(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            let u = &units[j];
            let number = u.kind == Kind::Number || u.entry.has(flag::NUMBER_WORD);
            if !number || self.question[j] || !starts_sentence(units, j) {
                continue;
            }
            let Some(unit) = units
                .get(j + 1)
                .filter(|t| t.entry.has(flag::TIME_SHORT | flag::TIME_LONG))
            else {
                continue;
            };
            if units.get(j + 2).is_some_and(|f| f.entry.has(flag::FOR)) {
                let long = unit.entry.has(flag::TIME_LONG);
                self.push(out, j, j + 2, if long { WAIT_LONG } else { WAIT_SHORT });
            }
        }
    }

    /// An ongoing problem: "since" with a point in time ("down since 6am",
    /// "since Monday", "since the update") or "for" with a duration ("for
    /// three days", "for over an hour"); not in questions, hedged clauses,
    /// sentences that praise, or after a waiting verb (counted already).
    fn ongoing(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            let u = &units[j];
            if !u.entry.has(flag::SINCE | flag::FOR) || self.question[j] || hedged(units, j) {
                continue;
            }
            let end = if u.entry.has(flag::SINCE) {
                self.time_point(j + 1)
            } else {
                // "for an hour", but not "for a week" (away, booked)
                duration(units, j, false).map(|(m, _)| m)
            };
            let Some(end) = end else { continue };
            let waited = units[..j]
                .iter()
                .rev()
                .take(HEDGE_REACH)
                .take_while(|v| !v.ends_clause())
                .any(|v| v.entry.has(flag::WAIT));
            if !waited && !praises(units, j) {
                self.push(out, j, end, ONGOING);
            }
        }
    }

    /// The last unit of a point in time starting at unit `k`: a listed word
    /// ("monday", "yesterday", "the update") or a clock time ("6am", "9:30").
    fn time_point(&self, k: usize) -> Option<usize> {
        let u = self.units.get(k)?;
        if u.kind == Kind::Word && u.entry.has(flag::TIMEPOINT) {
            return Some(k);
        }
        if u.kind != Kind::Number {
            return None;
        }
        let text = self.doc.text(&self.doc.tokens[u.first]);
        if text.ends_with("am") || text.ends_with("pm") || text.contains(':') {
            return Some(k);
        }
        let next = self.units.get(k + 1).filter(|n| n.kind == Kind::Word)?;
        matches!(self.doc.text(&self.doc.tokens[next.first]), "am" | "pm").then_some(k + 1)
    }

    /// "never ... again" in one sentence: "I will never set foot in your
    /// store again". (Phrases such as "never again" score on their own.)
    fn never_again(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            if !units[j].entry.has(flag::NEVER) || self.used[j] || self.question[j] {
                continue;
            }
            let again = (j + 1..units.len().min(j + 1 + AGAIN_REACH))
                .take_while(|&k| !units[k].ends_sentence())
                .find(|&k| units[k].entry.has(flag::REPEAT));
            if let Some(k) = again {
                self.push(out, j, k, NEVER_AGAIN);
            }
        }
    }

    /// A sentence that starts with "why": "why is my bill $40 higher",
    /// "why does nobody answer" — but not "why not try ...?".
    fn why(&self, out: &mut Vec<Contribution>) {
        let units = self.units;
        for j in 0..units.len() {
            if !units[j].entry.has(flag::WHY) || !starts_sentence(units, j) {
                continue;
            }
            let next = units.get(j + 1);
            // "why not try the new plan?" suggests
            let why_not = next.is_some_and(|n| {
                n.first == n.last && self.doc.text(&self.doc.tokens[n.first]) == "not"
            });
            if !why_not && next.is_some_and(|n| n.kind == Kind::Word) {
                self.push(out, j, j, WHY);
            }
        }
    }
}

/// A number and a time unit within the sentence after unit `j` ("five
/// days", "over an hour"; "a week" only with `articles`): the last unit,
/// and whether the time unit is a long one.
fn duration(units: &[Unit], j: usize, articles: bool) -> Option<(usize, bool)> {
    let mut number = false;
    let mut article = false;
    for (m, v) in units.iter().enumerate().skip(j + 1).take(6) {
        if v.ends_sentence() {
            return None;
        }
        number |= v.kind == Kind::Number || v.entry.has(flag::NUMBER_WORD);
        article |= v.entry.has(flag::ARTICLE);
        let long = v.entry.has(flag::TIME_LONG);
        let counted = number || (article && (articles || !long));
        if counted && v.entry.has(flag::TIME_SHORT | flag::TIME_LONG) {
            return Some((m, long));
        }
    }
    None
}

/// Whether unit `j` is the first word of its sentence.
pub(crate) fn starts_sentence(units: &[Unit], j: usize) -> bool {
    units[..j]
        .iter()
        .rev()
        .find(|u| u.kind != Kind::Sep)
        .is_none_or(Unit::ends_sentence)
}

/// Valence from which a word praises ("great", not "fine").
const PRAISE: f32 = 1.5;

/// Whether the sentence of unit `j` praises (politeness aside).
fn praises(units: &[Unit], j: usize) -> bool {
    let positive = |u: &Unit| {
        u.entry.is_sentiment() && u.entry.valence >= PRAISE && !u.entry.has(flag::POLITE)
    };
    units[..j]
        .iter()
        .rev()
        .take_while(|u| !u.ends_sentence())
        .any(positive)
        || units[j..]
            .iter()
            .take_while(|u| !u.ends_sentence())
            .any(positive)
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
