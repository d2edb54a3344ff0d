//! The scoring rules, applied to the units of one tokenized document:
//! boosters and dampeners, negation, emphasis (caps, elongation, `!`/`?`),
//! question damping, sarcasm and politeness. Clause weights come from
//! [`crate::clauses`], the help-desk rules from [`crate::helpdesk`].
//!
//! Output is a list of signed contributions on VADER's valence scale; the
//! caller sums them and normalises to the compound score.

use crate::clauses;
use crate::helpdesk;
use crate::lexicon::{Lexicon, flag};
use crate::tokenize::{Doc, Kind};
use crate::units::{Unit, unitize};

/// Weight of a booster one, two and three tokens before the word (none
/// further).
const BOOST_DECAY: [f32; 4] = [1.0, 0.95, 0.9, 0.0];
/// Added to the magnitude of an ALL-CAPS word in a mixed-case message.
const CAPS_INCR: f32 = 0.733;
/// Added to the magnitude of an elongated word ("sooo bad").
const ELONG_INCR: f32 = 0.4;
/// A negated positive word: flipped and damped ("not happy").
const NEG_POSITIVE: f32 = -0.74;
/// A negated negative word: flipped and damped more ("not bad").
const NEG_NEGATIVE: f32 = -0.5;
/// "never so / never this": emphasis, not a flip.
const NEVER_SO: f32 = 1.25;
/// "not ... at all" strengthens the negated word.
const AT_ALL: f32 = 1.3;
/// Positive words in a question describe a wish, not a feeling.
const QUESTION_POSITIVE: f32 = 0.2;
/// Positive words of the general vocabulary in a question ("can I take a
/// power bank in my hand luggage?") are its topic.
const QUESTION_GENERAL: f32 = 0.1;
/// Negative words in a question still say something is wrong.
const QUESTION_NEGATIVE: f32 = 0.8;
/// Mildly negative words in a question are mostly its topic ("Can I cancel?").
const QUESTION_TOPIC: f32 = 0.3;
/// Help-desk topics in a question ("Is there an outage?") barely count.
const QUESTION_TOPIC_WORD: f32 = 0.1;
/// A sarcastic positive word counts as this share of its magnitude, negative.
const SARCASM: f32 = 0.8;
/// Thanks in a complaint is politeness, not praise.
const POLITE_IN_COMPLAINT: f32 = 0.25;
/// Thanks in a request or question ("How do I ...? Thanks!") even less so.
const POLITE_IN_REQUEST: f32 = 0.1;
/// An all-caps message of three or more words is shouting.
const SHOUT: f32 = 1.2;
/// Per `!` (at most four), VADER's value.
const EXCL_INCR: f32 = 0.292;
/// Per `?` when there are two or more (at most three).
const QUEST_INCR: f32 = 0.18;
/// Words of a sentence short enough for a positive word in it to be a
/// sarcastic aside in a complaint ("great start").
const SHORT_SENTENCE: usize = 3;
/// Negative mass that makes a context negative (sarcasm, politeness).
const NEGATIVE_CONTEXT: f32 = 0.8;

/// How a contribution was judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Note {
    Plain,
    /// A positive word read as sarcasm (now negative).
    Sarcasm,
    /// A positive word that reads as sarcasm if the context is negative.
    MaybeSarcasm,
    /// A politeness formula ("thanks"), damped in requests and complaints.
    Polite,
}

/// One scored term.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Contribution {
    /// Token span shown as the cue, modifiers included.
    pub first: usize,
    pub last: usize,
    /// Signed valence after every rule.
    pub value: f32,
    pub note: Note,
}

/// Everything the rules found in one document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Analysis {
    pub contributions: Vec<Contribution>,
    /// Signed amplification from `!` and `?`.
    pub punctuation: f32,
    /// Sum of contributions plus punctuation.
    pub total: f32,
    /// Sum of |contribution|.
    pub evidence: f32,
    /// The text asks or requests something ("how do I", "please", "?").
    pub request: bool,
}

/// Per-unit buffers of [`analyze`], kept from call to call so that scoring
/// does not allocate once they have grown to the usual message size.
#[derive(Clone, Debug, Default)]
pub(crate) struct Buffers {
    units: Vec<Unit>,
    weight: Vec<f32>,
    question: Vec<bool>,
    used: Vec<bool>,
}

/// Runs every rule over `doc`, into `analysis` (whose contributions are
/// replaced).
pub(crate) fn analyze(doc: &Doc, lex: &Lexicon, buffers: &mut Buffers, analysis: &mut Analysis) {
    let Buffers {
        units,
        weight,
        question,
        used: used_negator,
    } = buffers;
    let present = unitize(doc, lex, units);
    let units = &units[..];
    let n = units.len();
    weight.clear();
    weight.resize(n, 1.0);
    question.clear();
    question.resize(n, false);
    clauses::sentences(doc, units, present, weight, question);
    if present & (flag::AGENT | flag::CUSTOMER) != 0 {
        clauses::speakers(doc, units, weight);
    }
    let (weight, question) = (&weight[..], &question[..]);

    let st = &doc.stats;
    let scene = Scene {
        units,
        weight,
        question,
        caps_emphasis: st.caps > 0 && st.caps < st.cased,
        shouting: st.cased >= 3 && st.caps == st.cased,
    };
    let request = present & flag::REQUEST != 0 || question.iter().any(|&q| q);

    let out = &mut analysis.contributions;
    out.clear();
    used_negator.clear();
    used_negator.resize(n, false);
    for k in 0..n {
        if let Some(c) = scene.score_unit(k, used_negator) {
            out.push(c);
        }
    }

    let scored = out.len();
    helpdesk::Scene {
        doc,
        units,
        weight,
        question,
        used: used_negator,
        present,
    }
    .apply(scored, out);

    // sarcasm and politeness depend on the rest of the message
    let mut negative = 0.0;
    let mut positive = 0.0;
    for c in out.iter().filter(|c| c.note == Note::Plain) {
        if c.value < 0.0 {
            negative -= c.value;
        } else {
            positive += c.value;
        }
    }
    let negative_context = negative >= NEGATIVE_CONTEXT && negative > positive;
    let polite_damp = if request {
        POLITE_IN_REQUEST
    } else if negative >= NEGATIVE_CONTEXT {
        POLITE_IN_COMPLAINT
    } else {
        1.0
    };
    let mut only_polite = true;
    for c in out.iter_mut() {
        match c.note {
            Note::MaybeSarcasm if negative_context => {
                c.value = -SARCASM * c.value.abs();
                c.note = Note::Sarcasm;
            }
            Note::MaybeSarcasm => c.note = Note::Plain,
            Note::Polite => c.value *= polite_damp,
            Note::Plain | Note::Sarcasm => {}
        }
        only_polite &= c.note == Note::Polite;
    }

    let sum: f32 = out.iter().map(|c| c.value).sum();
    let evidence = out.iter().map(|c| c.value.abs()).sum();
    // "!" and "?" amplify what is said, not a lone politeness formula
    let punctuation = if sum == 0.0 || (only_polite && polite_damp < 1.0) {
        0.0
    } else {
        let excl = st.excl.min(4) as f32 * EXCL_INCR;
        let quest = if st.quest > 1 {
            st.quest.min(3) as f32 * QUEST_INCR
        } else {
            0.0
        };
        sum.signum() * (excl + quest)
    };
    analysis.punctuation = punctuation;
    analysis.total = sum + punctuation;
    analysis.evidence = evidence;
    analysis.request = request;
}

/// What the per-word rules need to know about the whole document.
struct Scene<'a> {
    units: &'a [Unit],
    weight: &'a [f32],
    question: &'a [bool],
    /// Some words, not all, are in capitals: capitals emphasise.
    caps_emphasis: bool,
    /// The whole message is in capitals.
    shouting: bool,
}

impl Scene<'_> {
    /// Scores unit `k` if it carries sentiment: emphasis, boosters, negation
    /// (marking the negations it used), question and clause weights, and a
    /// first judgement on sarcasm and politeness.
    fn score_unit(&self, k: usize, used_negator: &mut [bool]) -> Option<Contribution> {
        let units = self.units;
        let u = &units[k];
        if !u.entry.is_sentiment() || booster_of(units, k).is_some() {
            return None;
        }
        let base = u.entry.valence;
        let sign = base.signum();
        let mut v = base;
        if self.caps_emphasis && u.caps {
            v += sign * CAPS_INCR;
        }
        if u.elong {
            v += sign * ELONG_INCR;
        }

        // modifiers up to three units back, within the clause
        let mut first = u.first;
        let mut negated = false;
        let mut never = false;
        let mut so_between = false;
        let mut boost = 0.0;
        let mut j = k;
        let mut d = 0;
        while j > 0 && d < 4 {
            let w = &units[j - 1];
            if w.ends_clause() || w.entry.has(flag::BUT | flag::HOWEVER | flag::ALTHOUGH) {
                break;
            }
            // one unit further only for "nobody"/"no one": "nobody at your
            // company cares"
            if d == 3 && !(w.negator && w.entry.has(flag::NOBODY)) {
                break;
            }
            j -= 1;
            if let Some(mut b) = booster_of(units, j) {
                if self.caps_emphasis && w.caps {
                    b += b.signum() * CAPS_INCR;
                }
                boost += b * BOOST_DECAY[d];
                first = w.first;
            }
            if w.negator {
                negated = true;
                never |= w.entry.has(flag::NEVER);
                first = w.first;
            }
            so_between |= w.entry.has(flag::NEVER_SO);
            d += 1;
        }
        // boosters raise the magnitude, dampeners lower it, never past zero
        v += sign * boost;
        if v * sign < 0.1 * base.abs() {
            v = sign * 0.1 * base.abs();
        }
        let mut last = u.last;
        let mut negated = negated && !u.entry.has(flag::NO_NEGATE);
        if !negated
            && !u.entry.has(flag::NO_NEGATE)
            && let Some(p) = post_negator(units, k)
        {
            // "das gefällt mir nicht", "j'aime pas"
            negated = true;
            used_negator[p] = true;
            last = units[p].last;
        }
        if negated {
            for i in j..k {
                used_negator[i] |= units[i].negator;
            }
            v *= if never && so_between {
                NEVER_SO
            } else if v > 0.0 {
                NEG_POSITIVE
            } else {
                NEG_NEGATIVE
            };
            if at_all_follows(units, k) {
                v *= AT_ALL;
            }
        }

        let mut w = self.weight[k];
        if self.question[k] {
            w *= if v > 0.0 && u.entry.has(flag::GENERAL) {
                QUESTION_GENERAL
            } else if v > 0.0 {
                QUESTION_POSITIVE
            } else if u.entry.has(flag::TOPIC) && !negated {
                QUESTION_TOPIC_WORD
            } else if base.abs() < 1.0 {
                QUESTION_TOPIC
            } else {
                QUESTION_NEGATIVE
            };
        }
        if self.shouting {
            w *= SHOUT;
        }
        v *= w;

        let mut note = Note::Plain;
        if v > 0.0 && !negated {
            if u.entry.has(flag::POLITE) {
                note = if sarcasm_marker_before(units, k) || complaint_follows(units, k) {
                    Note::MaybeSarcasm
                } else {
                    Note::Polite
                };
            } else if u.entry.has(flag::SARCASM_PHRASE)
                || (u.entry.has(flag::SARCASM_PRONE) && looks_sarcastic(units, k))
            {
                note = Note::MaybeSarcasm;
            }
        }
        Some(Contribution {
            first,
            last,
            value: v,
            note,
        })
    }
}

/// The booster scalar of unit `k`, if it acts as one. A word that also has
/// a valence ("super", "damn") boosts only a sentiment word right after it.
fn booster_of(units: &[Unit], k: usize) -> Option<f32> {
    let e = &units[k].entry;
    if e.booster == 0.0 {
        return None;
    }
    if e.is_sentiment() {
        let next = units.get(k + 1)?;
        if !(next.entry.is_sentiment() || next.entry.booster != 0.0) {
            return None;
        }
    }
    Some(e.booster)
}

/// Units after a sentiment word within which a following negation
/// ("nicht", "pas") negates it.
const POST_NEG_REACH: usize = 3;

/// A negation that follows the sentiment word at unit `k` in its clause
/// and negates it ("gefällt mir nicht", "j'aime pas du tout"), unless it
/// stands before a sentiment word of its own ("nicht schlecht").
fn post_negator(units: &[Unit], k: usize) -> Option<usize> {
    let p = (k + 1..units.len().min(k + 1 + POST_NEG_REACH))
        .take_while(|&p| {
            let u = &units[p];
            !u.ends_clause() && !u.entry.has(flag::BUT | flag::HOWEVER | flag::ALTHOUGH)
        })
        .find(|&p| units[p].entry.has(flag::POST_NEG) || units[p].entry.is_sentiment())?;
    let u = &units[p];
    if !u.entry.has(flag::POST_NEG) {
        return None;
    }
    let next_is_sentiment = units.get(p + 1).is_some_and(|n| n.entry.is_sentiment());
    (!next_is_sentiment).then_some(p)
}

/// Whether "at all" follows unit `k` in the same sentence.
fn at_all_follows(units: &[Unit], k: usize) -> bool {
    units[k + 1..]
        .iter()
        .take(6)
        .take_while(|u| !u.ends_sentence())
        .any(|u| u.entry.has(flag::AT_ALL))
}

/// A sarcasm marker ("just", "oh", "yeah") up to two units back, commas skipped.
fn sarcasm_marker_before(units: &[Unit], k: usize) -> bool {
    units[..k]
        .iter()
        .rev()
        .filter(|u| u.kind != Kind::Sep)
        .take(2)
        .take_while(|u| !u.ends_sentence())
        .any(|u| u.entry.has(flag::SARCASM_MARKER))
}

/// Thanks for something bad: "thanks for ruining my weekend", "thank you
/// for the delay" (but not "thanks for sorting the fraud claim").
fn complaint_follows(units: &[Unit], k: usize) -> bool {
    if !units.get(k + 1).is_some_and(|u| u.entry.has(flag::FOR)) {
        return false;
    }
    units[k + 2..]
        .iter()
        .take_while(|u| u.kind == Kind::Word)
        .find(|u| !u.entry.has(flag::ARTICLE | flag::SUBJECT))
        .is_some_and(|u| u.entry.is_sentiment() && u.entry.valence < 0.0)
}

/// A sarcasm-prone word that is marked ("just perfect"), stands alone
/// ("Great." / "Great, another delay") or is followed by "another"/"again".
fn looks_sarcastic(units: &[Unit], k: usize) -> bool {
    if sarcasm_marker_before(units, k) {
        return true;
    }
    let alone_before = k == 0 || units[k - 1].ends_sentence();
    let alone_after = units.get(k + 1).is_none_or(Unit::ends_clause);
    if alone_before && alone_after {
        return true;
    }
    // a short sentence of its own: "Great start.", "Brilliant, well done."
    let words = |it: &mut dyn Iterator<Item = &Unit>| {
        it.take_while(|u| !u.ends_sentence())
            .filter(|u| u.kind == Kind::Word)
            .take(SHORT_SENTENCE + 1)
            .count()
    };
    if words(&mut units[..k].iter().rev()) + 1 + words(&mut units[k + 1..].iter()) <= SHORT_SENTENCE
    {
        return true;
    }
    units[k + 1..]
        .iter()
        .filter(|u| u.kind != Kind::Sep)
        .take(2)
        .any(|u| u.entry.has(flag::REPEAT))
}
