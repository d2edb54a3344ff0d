//! One pass of the automaton over a normalised text: the phrases found
//! (longest wins where one lies inside another) and the stop-word counts.
//!
//! Linear in the text: the automaton reports O(n) matches (each text
//! position ends at most a lexicon-bounded number of them); `A .. B` phrases
//! pair each B with the nearest A before it in one sweep, with the words and
//! clause marks between them counted from prefix sums; and the longest-wins
//! selection answers "inside an accepted longer phrase?" from a Fenwick tree
//! in O(log n). So a message stuffed with keywords costs per byte what any
//! other does.

use crate::intent::LANGUAGES;
use crate::lexicon::{Lexicon, MAX_GAP, Role};
use cxr_guest::text::Match;

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

/// Scans a normalised `text` of the plugin's own (as made by `normalize`):
/// the host matches the lexicon in it.
pub fn scan(lex: &Lexicon, text: &str) -> Scan {
    // The only error is a handle this instance did not register: ours was.
    let matches = lex.automaton.find_in(text).unwrap_or_default();
    scan_matches(lex, text, &matches)
}

/// Scans the normalised `text`, given the lexicon's matches in it (every
/// occurrence, overlapping ones too, as the host reports them).
pub fn scan_matches(lex: &Lexicon, text: &str, matches: &[Match]) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut found: Vec<Hit> = Vec::new();
    let mut heads: Vec<Hit> = Vec::new();
    let mut tails: Vec<Hit> = Vec::new();
    for m in matches {
        let (m_start, m_end) = (m.start as usize, m.end as usize);
        let start = m_start + usize::from(bytes[m_start] == b' ');
        let end = m_end - usize::from(m_end > start && bytes[m_end - 1] == b' ');
        for role in &lex.roles[m.phrase as usize] {
            match *role {
                Role::Phrase(entry) => found.push(Hit { start, end, entry, inner: start }),
                Role::Head(entry) => heads.push(Hit { start, end, entry, inner: start }),
                Role::Tail(entry) => tails.push(Hit { start, end, entry, inner: start }),
                Role::Stop(mask) => {
                    for (i, n) in out.stops.iter_mut().enumerate() {
                        if mask & (1 << i) != 0 {
                            *n = n.saturating_add(1);
                        }
                    }
                }
            }
        }
    }
    if !tails.is_empty() && !heads.is_empty() {
        pair(text, &heads, &tails, &mut found);
    }
    let is_risk = |entry: u32| lex.entries[entry as usize].risk.is_some();
    select(found, lex.entries.len(), text.len(), is_risk, &mut out.hits);
    out
}

/// `A .. B`: for each B, the nearest A of the same entry that ends before B
/// starts, if at most [`MAX_GAP`] words and no clause mark lie between them.
/// The nearest A is the only candidate: any farther one has at least as
/// many words and clause marks in between.
fn pair(text: &str, heads: &[Hit], tails: &[Hit], found: &mut Vec<Hit>) {
    let gaps = Gaps::new(text);
    let mut heads_by_end: Vec<&Hit> = heads.iter().collect();
    heads_by_end.sort_by_key(|h| h.end); // stable: the later match wins a tie, as before
    let mut order: Vec<usize> = (0..tails.len()).collect();
    order.sort_by_key(|&i| tails[i].start);
    let mut nearest: std::collections::BTreeMap<u32, Hit> = std::collections::BTreeMap::new();
    let mut paired: Vec<Option<Hit>> = vec![None; tails.len()];
    let mut next = 0;
    for i in order {
        let tail = &tails[i];
        while next < heads_by_end.len() && heads_by_end[next].end <= tail.start {
            let h = heads_by_end[next];
            nearest.insert(h.entry, *h);
            next += 1;
        }
        if let Some(head) = nearest.get(&tail.entry)
            && gaps.words(head.end, tail.start) <= MAX_GAP
            && !gaps.clause(head.end, tail.start)
        {
            paired[i] = Some(Hit { start: head.start, end: tail.end, entry: tail.entry, inner: tail.start });
        }
    }
    found.extend(paired.into_iter().flatten());
}

/// Words and clause marks of a normalised text, as prefix counts, so that
/// the gap between two phrases is measured in O(1).
struct Gaps {
    /// `word_starts[i]`: words starting before byte `i`.
    word_starts: Vec<u32>,
    /// `clauses[i]`: clause marks (`.`) before byte `i`.
    clauses: Vec<u32>,
    spaces: Vec<bool>,
}

impl Gaps {
    fn new(text: &str) -> Gaps {
        let bytes = text.as_bytes();
        let mut word_starts = Vec::with_capacity(bytes.len() + 1);
        let mut clauses = Vec::with_capacity(bytes.len() + 1);
        let (mut w, mut c) = (0u32, 0u32);
        for (i, &b) in bytes.iter().enumerate() {
            word_starts.push(w);
            clauses.push(c);
            if b != b' ' && (i == 0 || bytes[i - 1] == b' ') {
                w += 1;
            }
            if b == b'.' {
                c += 1;
            }
        }
        word_starts.push(w);
        clauses.push(c);
        Gaps { word_starts, clauses, spaces: bytes.iter().map(|&b| b == b' ').collect() }
    }

    /// Space-separated pieces in `a..b` (a piece cut at `a` counts).
    fn words(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        let cut = usize::from(!self.spaces[a]);
        cut + (self.word_starts[b] - self.word_starts[a + 1]) as usize
    }

    /// Whether a clause mark lies in `a..b`.
    fn clause(&self, a: usize, b: usize) -> bool {
        a < b && self.clauses[b] > self.clauses[a]
    }
}

/// Longest first; a phrase strictly inside a longer accepted one (or an
/// entry already accepted) is dropped: "cancel my order" is not also
/// "cancel". Risk phrases and intent phrases do not hide each other: they
/// answer different questions, so each class has its own tree. Phrases of
/// one length are checked against longer ones only.
fn select(
    mut found: Vec<Hit>,
    entries: usize,
    len: usize,
    is_risk: impl Fn(u32) -> bool,
    hits: &mut Vec<Hit>,
) {
    found.sort_by_key(|h| (std::cmp::Reverse(h.end - h.start), h.start));
    let mut taken = vec![0u64; entries.div_ceil(64)];
    // [intent phrases, risk phrases]
    let mut longer = [MaxEnd::new(len + 1), MaxEnd::new(len + 1)];
    let mut group_start = 0;
    for i in 0..found.len() {
        let h = found[i];
        if i > 0 && found[i - 1].end - found[i - 1].start != h.end - h.start {
            for k in &hits[group_start..] {
                longer[usize::from(is_risk(k.entry))].raise(k.start, k.end);
            }
            group_start = hits.len();
        }
        let (word, bit) = (h.entry as usize / 64, 1u64 << (h.entry % 64));
        if taken[word] & bit != 0 || longer[usize::from(is_risk(h.entry))].max_before(h.start) >= h.end {
            continue;
        }
        taken[word] |= bit;
        hits.push(h);
    }
}

/// A Fenwick tree: the largest end of the phrases starting at or before a
/// position (0 when none).
struct MaxEnd(Vec<usize>);

impl MaxEnd {
    fn new(n: usize) -> MaxEnd {
        MaxEnd(vec![0; n + 1])
    }

    fn raise(&mut self, start: usize, end: usize) {
        let mut i = start + 1;
        while i < self.0.len() {
            self.0[i] = self.0[i].max(end);
            i += i & i.wrapping_neg();
        }
    }

    fn max_before(&self, start: usize) -> usize {
        let mut i = (start + 1).min(self.0.len() - 1);
        let mut best = 0;
        while i > 0 {
            best = best.max(self.0[i]);
            i -= i & i.wrapping_neg();
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::ExtraPhrase;
    use crate::normalize::normalize;

    /// The earlier quadratic-to-cubic selection, kept as the reference the
    /// linear one must agree with.
    fn reference(lex: &Lexicon, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut found: Vec<Hit> = Vec::new();
        let mut heads: Vec<Hit> = Vec::new();
        let mut tails: Vec<Hit> = Vec::new();
        for m in lex.automaton.find_in(text).unwrap() {
            let (m_start, m_end) = (m.start as usize, m.end as usize);
            let start = m_start + usize::from(bytes[m_start] == b' ');
            let end = m_end - usize::from(m_end > start && bytes[m_end - 1] == b' ');
            for role in &lex.roles[m.phrase as usize] {
                match *role {
                    Role::Phrase(entry) => found.push(Hit { start, end, entry, inner: start }),
                    Role::Head(entry) => heads.push(Hit { start, end, entry, inner: start }),
                    Role::Tail(entry) => tails.push(Hit { start, end, entry, inner: start }),
                    Role::Stop(_) => {}
                }
            }
        }
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
        found.sort_by_key(|h| (std::cmp::Reverse(h.end - h.start), h.start));
        let is_risk = |h: &Hit| lex.entries[h.entry as usize].risk.is_some();
        let mut hits: Vec<Hit> = Vec::new();
        for h in found {
            let inside = hits.iter().any(|k| {
                k.entry == h.entry
                    || (k.start <= h.start
                        && h.end <= k.end
                        && (k.end - k.start) > (h.end - h.start)
                        && is_risk(k) == is_risk(&h))
            });
            if !inside {
                hits.push(h);
            }
        }
        hits
    }

    #[test]
    fn linear_scan_agrees_with_the_reference() {
        let lex = Lexicon::build(&[]).unwrap();
        let mut texts: Vec<String> = include_str!("../../../examples/interactions.jsonl")
            .lines()
            .flat_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                [v["subject"].as_str().unwrap_or("").to_string(), v["body"].as_str().unwrap_or("").to_string()]
            })
            .collect();
        let words = [
            "cancel", "my", "subscription", "order", "not", "don't", "refund", "charged", "twice", "kündigen",
            "Vertrag", "nicht", "annuler", "abonnement", "cancelar", "suscripción", "or", "switch", "provider",
            "the", "invoice", ".", ",", "account", "delete", "close", "plan", "membership", "cancellation",
            "Rechnung", "Stromrechnung", "I", "want", "to", "can", "contract", "yearly", "please",
        ];
        // A deterministic pseudo-random mix of lexicon words and fillers.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in [3usize, 8, 20, 60, 200] {
            for _ in 0..60 {
                let mut t = String::new();
                for _ in 0..len {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    t.push_str(words[(seed % words.len() as u64) as usize]);
                    t.push(' ');
                }
                texts.push(t);
            }
        }
        let mut pairs = 0;
        for t in &texts {
            let n = normalize(t);
            let hits = scan(&lex, &n).hits;
            assert_eq!(hits, reference(&lex, &n), "{t:?}");
            pairs += hits.iter().filter(|h| h.inner != h.start).count();
        }
        assert!(pairs > 50, "the texts exercise `A .. B` pairs ({pairs})");
    }

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
