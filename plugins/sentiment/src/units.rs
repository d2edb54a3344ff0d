//! Units: single tokens, or multi-word phrases matched longest-first at
//! each word, each carrying its lexicon entry.

use crate::lexicon::{Entry, Lexicon, NONE, flag};
use crate::tokenize::{Doc, Kind, tf};

/// A word, phrase, symbol or punctuation token with its lexicon entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unit {
    /// First and last token index (inclusive).
    pub first: usize,
    pub last: usize,
    pub kind: Kind,
    pub entry: Entry,
    pub caps: bool,
    pub elong: bool,
    pub subject: bool,
    pub negator: bool,
}

impl Unit {
    pub(crate) fn ends_sentence(&self) -> bool {
        matches!(self.kind, Kind::End | Kind::Mark | Kind::Break)
    }

    pub(crate) fn ends_clause(&self) -> bool {
        self.ends_sentence() || self.kind == Kind::Sep
    }
}

/// Groups tokens into `units`, matching the longest phrase at each word.
/// Returns every [`flag`] bit some unit's entry has: a rule whose trigger
/// is absent from the document can skip its pass.
pub(crate) fn unitize(doc: &Doc, lex: &Lexicon, units: &mut Vec<Unit>) -> u64 {
    let toks = &doc.tokens;
    units.clear();
    let mut present = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let mut unit = Unit {
            first: i,
            last: i,
            kind: t.kind,
            entry: Entry::default(),
            caps: t.flags & tf::CAPS != 0,
            elong: t.flags & tf::ELONG != 0,
            subject: t.flags & tf::SUBJECT != 0,
            negator: t.flags & tf::NEG != 0,
        };
        if t.id != NONE {
            let entry = lex.entry(t.id);
            unit.entry = *entry;
            // a comma may stand between the words of a phrase
            let mut j = i + 1;
            if toks.get(j).is_some_and(|t| t.flags & tf::COMMA != 0) {
                j += 1;
            }
            let phrases = match toks.get(j) {
                Some(next) if next.id != NONE => lex.phrases_with(entry, next.id),
                _ => &[],
            };
            for phrase in phrases {
                if let Some(last) = match_phrase(doc, i, &phrase.ids) {
                    unit.last = last;
                    unit.entry = phrase.entry;
                    let span = &toks[i..=last];
                    unit.caps = span
                        .iter()
                        .all(|t| t.kind != Kind::Word || t.flags & tf::CAPS != 0);
                    unit.elong = span.iter().any(|t| t.flags & tf::ELONG != 0);
                    break;
                }
            }
            unit.negator |= unit.entry.has(flag::NEGATOR);
            present |= unit.entry.flags;
        }
        i = unit.last + 1;
        units.push(unit);
    }
    present
}

/// The last token of `ids` matched from token `i`, skipping commas.
fn match_phrase(doc: &Doc, i: usize, ids: &[u32]) -> Option<usize> {
    let toks = &doc.tokens;
    let mut j = i;
    for (n, &id) in ids.iter().enumerate() {
        if n > 0 {
            j += 1;
            if toks.get(j).is_some_and(|t| t.flags & tf::COMMA != 0) {
                j += 1;
            }
        }
        if toks.get(j)?.id != id {
            return None;
        }
    }
    Some(j)
}
