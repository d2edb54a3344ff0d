//! One pass of the automaton over a normalised text: the phrases found
//! (longest wins where one lies inside another) and the stop-word counts.

use crate::intent::LANGUAGES;
use crate::lexicon::{Lexicon, MAX_GAP, Role};

/// A phrase found at `start..end` (bytes of the normalised text, without
/// the surrounding spaces).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: u32,
    /// Start of the second part of an `A .. B` phrase (else `start`).
    pub inner: usize,
}

/// What one text holds.
#[derive(Debug, Default)]
pub struct Scan {
    /// Phrases, none strictly inside a longer one, each entry at most once.
    pub hits: Vec<Hit>,
    /// Stop words per language of [`LANGUAGES`].
    pub stops: [u16; LANGUAGES.len()],
}

/// Scans the normalised `text` (as made by `normalize`).
pub fn scan(lex: &Lexicon, text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut found: Vec<Hit> = Vec::new();
    let mut heads: Vec<Hit> = Vec::new();
    let mut tails: Vec<Hit> = Vec::new();
    for m in lex.automaton.find_overlapping_iter(text) {
        let start = m.start() + usize::from(bytes[m.start()] == b' ');
        let end = m.end() - usize::from(m.end() > start && bytes[m.end() - 1] == b' ');
        for role in &lex.roles[m.pattern().as_usize()] {
            match *role {
                Role::Phrase(entry) => found.push(Hit { start, end, entry, inner: start }),
                Role::Head(entry) => heads.push(Hit { start, end, entry, inner: start }),
                Role::Tail(entry) => tails.push(Hit { start, end, entry, inner: start }),
                Role::Stop(mask) => {
                    for (i, n) in out.stops.iter_mut().enumerate() {
                        if mask & (1 << i) != 0 {
                            *n += 1;
                        }
                    }
                }
            }
        }
    }
    // `A .. B`: the nearest A that ends before B starts, at most MAX_GAP
    // words before it.
    for tail in &tails {
        let head = heads
            .iter()
            .filter(|h| h.entry == tail.entry && h.end <= tail.start)
            .filter(|h| {
                let mut gap = text[h.end..tail.start].split(' ').filter(|w| !w.is_empty());
                gap.clone().count() <= MAX_GAP && !gap.any(|w| w == crate::normalize::CLAUSE)
            })
            .max_by_key(|h| h.end);
        if let Some(head) = head {
            found.push(Hit { start: head.start, end: tail.end, entry: tail.entry, inner: tail.start });
        }
    }
    // Longest first; a phrase inside a longer one (or the same phrase again)
    // is dropped: "cancel my order" is not also "cancel". Risk phrases and
    // intent phrases do not hide each other: they answer different questions.
    found.sort_by_key(|h| (std::cmp::Reverse(h.end - h.start), h.start));
    let is_risk = |h: &Hit| lex.entries[h.entry as usize].risk.is_some();
    for h in found {
        let inside = out.hits.iter().any(|k| {
            k.entry == h.entry
                || (k.start <= h.start
                    && h.end <= k.end
                    && (k.end - k.start) > (h.end - h.start)
                    && is_risk(k) == is_risk(&h))
        });
        if !inside {
            out.hits.push(h);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::ExtraPhrase;
    use crate::normalize::normalize;

    fn texts(lex: &Lexicon, text: &str) -> Vec<String> {
        let t = normalize(text);
        let mut v: Vec<String> =
            scan(lex, &t).hits.iter().map(|h| lex.entries[h.entry as usize].text.clone()).collect();
        v.sort();
        v
    }

    #[test]
    fn longest_phrase_wins_and_pairs_span_gaps() {
        let extra = [
            ExtraPhrase { language: "en", intent: "cancellation", phrase: "zorp*", weight: 1.0 },
            ExtraPhrase { language: "en", intent: "delivery", phrase: "zorp .. blarg*", weight: 2.0 },
            ExtraPhrase { language: "en", intent: "billing", phrase: "quux", weight: 2.0 },
        ];
        let lex = Lexicon::build(&extra).unwrap();
        let found = texts(&lex, "Please ZORP the blarg's, quux quux");
        assert!(found.contains(&"zorp blarg".to_string()), "{found:?}");
        assert!(!found.contains(&"zorp".to_string()), "{found:?}");
        assert_eq!(found.iter().filter(|f| *f == "quux").count(), 1);
        // Not across a clause.
        assert!(!texts(&lex, "zorp. blarg").contains(&"zorp blarg".to_string()));
        // Too far apart for a pair: the single word counts.
        let found = texts(&lex, "zorp one two three four five blarg");
        assert!(found.contains(&"zorp".to_string()) && !found.contains(&"zorp blarg".to_string()));
        // Word boundaries: no match inside another word.
        assert!(!texts(&lex, "quuxes").contains(&"quux".to_string()));
    }

    #[test]
    fn stop_words_are_counted() {
        let lex = Lexicon::build(&[]).unwrap();
        let s = scan(&lex, &normalize("Ich habe die Rechnung nicht bekommen und das ist ärgerlich"));
        let de = s.stops[1];
        assert!(de >= 4 && s.stops.iter().all(|&n| n <= de), "{:?}", s.stops);
    }
}
