//! Keyword matching: case- and accent-insensitive phrases on whole words.
//!
//! Text and keywords are normalised the same way ([`fold`]): lower-cased,
//! common Latin accents removed (`kündigen` = `kundigen`), then split into
//! words, a word being a run of letters and digits (each Han or Kana
//! character is a word of its own, as those scripts use no spaces). A phrase
//! matches where its words occur consecutively; a trailing `*` lets the last
//! word match as a prefix (`cancel*` matches `cancellation`).
//!
//! All keywords of all rules live in one [`KeywordIndex`], which scans a
//! message once per call and records which phrases occur where; rules then
//! look their keywords up by id.
//!
//! Since contract 0.3.0 the host usually does the scan: at configure time
//! the index registers its phrases as a host lexicon
//! ([`KeywordIndex::register_with_host`]), and a call asks the host for
//! their matches in the subject and body, which the host normalises once
//! per interaction and matches natively (`cxr_guest::text`). The host's
//! words are this module's words, with two differences the index makes up
//! for so that every result stays the same: the host writes clause
//! punctuation as a word `.` (a phrase is registered once more for every
//! way a `.` can stand between its words, since a phrase here spans
//! punctuation), and 23 ranges of characters are folded or split
//! differently ([`HOST_DIFFERS`]: a few Latin letters, Han and Kana); a
//! subject or body holding one of those is scanned here, as before, and so
//! is every field when the phrases do not fit the host's lexicon bounds.

use cxr_guest::text::{self, Field, Lexicon};
// Keys are fixed at configure time and only looked up per call, so a
// fast non-keyed hash is safe (no insertion of attacker-chosen keys).
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Identifies a phrase in a [`KeywordIndex`].
pub type KeywordId = u32;

/// Where a phrase was found: a bit set of [`IN_SUBJECT`] and [`IN_BODY`].
pub type Place = u8;
/// The phrase occurs in the subject.
pub const IN_SUBJECT: Place = 1;
/// The phrase occurs in the body.
pub const IN_BODY: Place = 2;

/// One normalised phrase.
#[derive(Debug)]
struct Phrase {
    words: Vec<String>,
    prefix: bool,
}

impl Phrase {
    /// Whether the phrase starts at word `at` of `text` (the caller has
    /// checked the first word, except for single-word prefix phrases).
    fn matches_at(&self, text: &Words, at: usize) -> bool {
        if text.len() - at < self.words.len() {
            return false;
        }
        let last = self.words.len() - 1;
        self.words.iter().enumerate().all(|(i, w)| {
            let t = text.word(at + i);
            if i == last && self.prefix {
                t.starts_with(w.as_str())
            } else {
                w == t
            }
        })
    }
}

/// The words of a text, folded ([`fold`]) and split ([`words`]) in one
/// pass: the folded text and each word's byte range in it. Kept for a
/// whole call, so that the subject and the body reuse its memory.
#[derive(Debug, Default)]
pub struct Words {
    folded: String,
    bounds: Vec<(usize, usize)>,
}

impl Words {
    /// Replaces the words with those of `text`: the same as
    /// `words(&fold(text))`, without building the folded text first.
    pub fn split(&mut self, text: &str) {
        self.folded.clear();
        self.bounds.clear();
        self.folded.reserve(text.len());
        // Start of the word being read, in `folded`.
        let mut open: Option<usize> = None;
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    open.get_or_insert(self.folded.len());
                    self.folded.push(c.to_ascii_lowercase());
                } else if let Some(start) = open.take() {
                    self.bounds.push((start, self.folded.len()));
                }
                continue;
            }
            for lower in c.to_lowercase() {
                match strip_accent(lower) {
                    Folded::One(f) => self.push_folded(f, &mut open),
                    Folded::Two(a, b) => {
                        self.push_folded(a, &mut open);
                        self.push_folded(b, &mut open);
                    }
                }
            }
        }
        if let Some(start) = open {
            self.bounds.push((start, self.folded.len()));
        }
    }

    /// Adds one folded character: to the open word, as a word of its own
    /// (Han, Kana), or as the end of the open word (not a letter or digit).
    fn push_folded(&mut self, c: char, open: &mut Option<usize>) {
        if !c.is_alphanumeric() {
            if let Some(start) = open.take() {
                self.bounds.push((start, self.folded.len()));
            }
            return;
        }
        if is_unspaced(c) {
            if let Some(start) = open.take() {
                self.bounds.push((start, self.folded.len()));
            }
            let start = self.folded.len();
            self.folded.push(c);
            self.bounds.push((start, self.folded.len()));
            return;
        }
        open.get_or_insert(self.folded.len());
        self.folded.push(c);
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Word `i`.
    pub fn word(&self, i: usize) -> &str {
        let (start, end) = self.bounds[i];
        &self.folded[start..end]
    }
}

/// Every keyword phrase of every rule, indexed by first word.
#[derive(Debug, Default)]
pub struct KeywordIndex {
    phrases: Vec<Phrase>,
    /// Phrase ids by their exact first word.
    by_first_word: HashMap<String, Vec<KeywordId>>,
    /// Single-word prefix phrases by their prefix.
    by_prefix: HashMap<String, Vec<KeywordId>>,
    /// Byte lengths of the keys of `by_prefix`, ascending, without duplicates.
    prefix_lens: Vec<usize>,
    /// Interning table: (words, prefix) -> id.
    ids: BTreeMap<(Vec<String>, bool), KeywordId>,
    /// The keys of `by_first_word`, and of `by_prefix`, for a cheap first
    /// test: most words of a message start no phrase.
    first_words: WordFilter,
    prefixes: WordFilter,
    /// The phrases as a host lexicon, once registered.
    host: Option<HostLexicon>,
}

/// The index's phrases registered with the host: pattern `i` of the
/// lexicon is a form of phrase `ids[i]`.
#[derive(Debug)]
struct HostLexicon {
    lexicon: Lexicon,
    ids: Vec<KeywordId>,
}

/// The most matches the host reports per lexicon and field (contract
/// 0.3.0's bound); a field with that many is scanned here.
const HOST_MAX_MATCHES: usize = 65_536;

/// Phrases of more words than this keep the scan in the plugin (a phrase
/// of `n` words is registered in `2^(n-1)` forms).
const MAX_HOST_WORDS: usize = 6;

/// Characters whose words the host's normalisation and [`Words::split`]
/// disagree on (inclusive ranges, ascending): `ª º Ð Þ ð þ` (the host
/// folds them to ASCII), `Ĉ ĉ Ď ď Đ đ Ğ ğ İ ı Ř ř Ş ş Ţ ţ Ť ť Ų ų Ș ș Ț ț`
/// (folded here only; `İ` lower-cases to `i` and a combining dot, which
/// ends a word here), and Hiragana, Katakana and Han (a word per
/// character here). The test `host_words_agree_outside_the_table` checks
/// every other character.
pub const HOST_DIFFERS: [(char, char); 23] = [
    ('\u{AA}', '\u{AA}'),
    ('\u{BA}', '\u{BA}'),
    ('\u{D0}', '\u{D0}'),
    ('\u{DE}', '\u{DE}'),
    ('\u{F0}', '\u{F0}'),
    ('\u{FE}', '\u{FE}'),
    ('\u{108}', '\u{109}'),
    ('\u{10E}', '\u{111}'),
    ('\u{11E}', '\u{11F}'),
    ('\u{130}', '\u{131}'),
    ('\u{158}', '\u{159}'),
    ('\u{15E}', '\u{15F}'),
    ('\u{162}', '\u{165}'),
    ('\u{172}', '\u{173}'),
    ('\u{218}', '\u{21B}'),
    ('\u{3041}', '\u{3096}'),
    ('\u{309D}', '\u{309F}'),
    ('\u{30A1}', '\u{30FA}'),
    ('\u{30FC}', '\u{30FF}'),
    ('\u{3400}', '\u{4DBF}'),
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{F900}', '\u{FA6D}'),
    ('\u{FA70}', '\u{FAD9}'),
];

/// Whether the host's words of `text` (its clause marks `.` left out) are
/// the words [`Words::split`] makes of it.
pub fn host_words_agree(text: &str) -> bool {
    text.is_ascii()
        || text.chars().all(|c| {
            c < '\u{AA}'
                || HOST_DIFFERS
                    .binary_search_by(|&(lo, hi)| {
                        if hi < c {
                            std::cmp::Ordering::Less
                        } else if lo > c {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Equal
                        }
                    })
                    .is_err()
        })
}

/// A set of words that can answer "certainly not in it" from a word's
/// first and last byte and its length, without hashing the word.
#[derive(Debug, Default)]
struct WordFilter {
    bits: Vec<u64>,
}

impl WordFilter {
    /// Bits in the filter: about 600 first words set less than 1% of them.
    const BITS: usize = 1 << 16;

    fn bit(word: &[u8]) -> usize {
        let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
            return 0;
        };
        let key = u32::from(first) | u32::from(last) << 8 | (word.len().min(63) as u32) << 16;
        (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
    }

    fn insert(&mut self, word: &str) {
        if self.bits.is_empty() {
            self.bits = vec![0; Self::BITS / 64];
        }
        let bit = Self::bit(word.as_bytes());
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    /// False when `word` was certainly not inserted.
    fn may_contain(&self, word: &[u8]) -> bool {
        let bit = Self::bit(word);
        self.bits.get(bit / 64).is_some_and(|b| b & (1 << (bit % 64)) != 0)
    }
}

impl KeywordIndex {
    /// Adds a keyword as an operator wrote it and returns its id (the same
    /// id for the same normalised phrase). The error says what is wrong.
    pub fn add(&mut self, keyword: &str) -> Result<KeywordId, String> {
        let trimmed = keyword.trim();
        let (text, prefix) = match trimmed.strip_suffix('*') {
            Some(rest) => (rest, true),
            None => (trimmed, false),
        };
        if text.contains('*') {
            return Err(format!(
                "keyword '{keyword}': '*' is only allowed at the end"
            ));
        }
        if prefix && text.ends_with(|c: char| !c.is_alphanumeric()) {
            return Err(format!(
                "keyword '{keyword}': '*' must directly follow a word"
            ));
        }
        let folded = fold(text);
        let words: Vec<String> = words(&folded).map(str::to_string).collect();
        if words.is_empty() {
            return Err(format!("keyword '{keyword}' has no letters or digits"));
        }
        let key = (words, prefix);
        if let Some(&id) = self.ids.get(&key) {
            return Ok(id);
        }
        let id =
            KeywordId::try_from(self.phrases.len()).map_err(|_| "too many keywords".to_string())?;
        let (words, prefix) = key.clone();
        let table = if prefix && words.len() == 1 {
            if let Err(at) = self.prefix_lens.binary_search(&words[0].len()) {
                self.prefix_lens.insert(at, words[0].len());
            }
            self.prefixes.insert(&words[0]);
            &mut self.by_prefix
        } else {
            self.first_words.insert(&words[0]);
            &mut self.by_first_word
        };
        table.entry(words[0].clone()).or_default().push(id);
        self.phrases.push(Phrase { words, prefix });
        self.ids.insert(key, id);
        Ok(id)
    }

    /// Registers the phrases with the host as one lexicon (call it once,
    /// in `configure`, after the last [`KeywordIndex::add`]): from then on
    /// [`KeywordIndex::scan`] asks the host for them where that gives the
    /// same result. Without it, or when the phrases do not fit the host's
    /// bounds, the index scans on its own.
    pub fn register_with_host(&mut self) {
        self.host = None;
        let mut patterns: Vec<String> = Vec::new();
        let mut ids: Vec<KeywordId> = Vec::new();
        for (id, phrase) in self.phrases.iter().enumerate() {
            if phrase.words.len() > MAX_HOST_WORDS {
                return;
            }
            // A phrase matches here across punctuation, which the host
            // writes as the word `.` (never twice in a row): one form per
            // choice of the gaps holding one.
            let gaps = phrase.words.len() - 1;
            for marks in 0..1u32 << gaps {
                let mut pattern = String::from(" ");
                for (i, word) in phrase.words.iter().enumerate() {
                    if i > 0 {
                        pattern.push_str(if marks & 1 << (i - 1) != 0 { " . " } else { " " });
                    }
                    pattern.push_str(word);
                }
                // A prefix phrase's last word may go on.
                if !phrase.prefix {
                    pattern.push(' ');
                }
                patterns.push(pattern);
                ids.push(id as KeywordId);
            }
        }
        if patterns.is_empty() {
            return;
        }
        // Too many or too long phrases for the host: the index scans them.
        self.host = Lexicon::register(&patterns).ok().map(|lexicon| HostLexicon { lexicon, ids });
    }

    /// Finds every phrase in the subject and body of the interaction being
    /// routed (pass its texts: the host's analysis is of that interaction).
    pub fn scan(&self, subject: Option<&str>, body: &str) -> KeywordHits {
        let mut hits = KeywordHits::new(self.phrases.len());
        if self.phrases.is_empty() {
            return hits;
        }
        let analysis = self.host.as_ref().map(|_| text::of_fields(subject, body));
        let mut words = Words::default();
        let fields = [(subject, Field::Subject, IN_SUBJECT), (Some(body), Field::Body, IN_BODY)];
        for (part, field, place) in fields {
            let Some(part) = part else { continue };
            if let (Some(host), Some(analysis)) = (&self.host, &analysis)
                && host_words_agree(part)
                && let Ok(matches) = host.lexicon.find(analysis, field)
                // The host reports at most this many: past it, scan here.
                && matches.len() < HOST_MAX_MATCHES
            {
                for m in matches {
                    hits.mark(host.ids[m.phrase as usize], place);
                }
                continue;
            }
            words.split(part);
            self.scan_part(&words, place, &mut hits);
        }
        hits
    }

    /// [`KeywordIndex::scan`] without the host, for comparison.
    #[cfg(test)]
    fn scan_own(&self, subject: Option<&str>, body: &str) -> KeywordHits {
        let mut hits = KeywordHits::new(self.phrases.len());
        let mut words = Words::default();
        if let Some(subject) = subject {
            words.split(subject);
            self.scan_part(&words, IN_SUBJECT, &mut hits);
        }
        words.split(body);
        self.scan_part(&words, IN_BODY, &mut hits);
        hits
    }

    fn scan_part(&self, words: &Words, place: Place, hits: &mut KeywordHits) {
        for i in 0..words.len() {
            let token = words.word(i);
            // The filter skips most words, which start no phrase.
            if self.first_words.may_contain(token.as_bytes())
                && let Some(ids) = self.by_first_word.get(token)
            {
                for &id in ids {
                    if self.phrases[id as usize].matches_at(words, i) {
                        hits.mark(id, place);
                    }
                }
            }
            for &len in &self.prefix_lens {
                if len > token.len() {
                    break;
                }
                if !token.is_char_boundary(len) || !self.prefixes.may_contain(&token.as_bytes()[..len]) {
                    continue;
                }
                if let Some(ids) = self.by_prefix.get(&token[..len]) {
                    for &id in ids {
                        hits.mark(id, place);
                    }
                }
            }
        }
    }
}

/// The result of [`KeywordIndex::scan`]: where each phrase was found.
#[derive(Debug, Clone, Default)]
pub struct KeywordHits {
    /// Place of each phrase, by id (0: not found).
    places: Vec<Place>,
    /// The ids of the phrases found, each once (a message holds few).
    found: Vec<KeywordId>,
}

thread_local! {
    /// The buffers of the last [`KeywordHits`] dropped, all places zero
    /// again: the next call reuses them instead of allocating and zeroing.
    static SPARE: RefCell<(Vec<Place>, Vec<KeywordId>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl KeywordHits {
    fn new(phrases: usize) -> KeywordHits {
        let (mut places, found) = SPARE.with_borrow_mut(std::mem::take);
        if places.len() != phrases {
            places.clear();
            places.resize(phrases, 0);
        }
        KeywordHits { places, found }
    }

    fn mark(&mut self, id: KeywordId, place: Place) {
        let slot = &mut self.places[id as usize];
        if *slot == 0 {
            self.found.push(id);
        }
        *slot |= place;
    }

    /// Whether any of `ids` (sorted) was found: a look-up per phrase found,
    /// not per id listed.
    pub fn found_any(&self, ids: &[KeywordId]) -> bool {
        self.found.iter().any(|id| ids.binary_search(id).is_ok())
    }

    /// Where the phrase was found; 0 when it was not.
    pub fn place(&self, id: KeywordId) -> Place {
        self.places.get(id as usize).copied().unwrap_or(0)
    }

    /// Whether the phrase was found anywhere.
    pub fn found(&self, id: KeywordId) -> bool {
        self.place(id) != 0
    }
}

impl Drop for KeywordHits {
    /// Zeroes the places found (a message has few) and keeps the buffers.
    fn drop(&mut self) {
        for &id in &self.found {
            self.places[id as usize] = 0;
        }
        self.found.clear();
        let buffers = (std::mem::take(&mut self.places), std::mem::take(&mut self.found));
        let _ = SPARE.try_with(|spare| *spare.borrow_mut() = buffers);
    }
}

/// Human-readable place: "subject", "body" or "subject and body".
pub fn place_name(place: Place) -> &'static str {
    match place {
        IN_SUBJECT => "subject",
        IN_BODY => "body",
        _ => "subject and body",
    }
}

/// Lower-cases `text` and strips common Latin diacritics.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            match strip_accent(lower) {
                Folded::One(f) => out.push(f),
                Folded::Two(a, b) => {
                    out.push(a);
                    out.push(b);
                }
            }
        }
    }
    out
}

enum Folded {
    One(char),
    Two(char, char),
}

fn strip_accent(c: char) -> Folded {
    use Folded::{One, Two};
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => One('a'),
        'ç' | 'ć' | 'č' | 'ĉ' => One('c'),
        'ď' | 'đ' => One('d'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => One('e'),
        'ğ' => One('g'),
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => One('i'),
        'ł' => One('l'),
        'ñ' | 'ń' | 'ň' => One('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => One('o'),
        'ř' => One('r'),
        'ś' | 'š' | 'ş' | 'ș' => One('s'),
        'ť' | 'ţ' | 'ț' => One('t'),
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => One('u'),
        'ý' | 'ÿ' => One('y'),
        'ź' | 'ż' | 'ž' => One('z'),
        'ß' => Two('s', 's'),
        'æ' => Two('a', 'e'),
        'œ' => Two('o', 'e'),
        other => One(other),
    }
}

/// Whether `c` is written without spaces between words (Han, Kana), so that
/// each character counts as a word.
fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
    )
}

/// The words of already folded text, in order.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphanumeric)?;
        let tail = &rest[start..];
        let first = tail.chars().next()?;
        let len = if is_unspaced(first) {
            first.len_utf8()
        } else {
            tail.find(|c: char| !c.is_alphanumeric() || is_unspaced(c))
                .unwrap_or(tail.len())
        };
        let (word, after) = tail.split_at(len);
        rest = after;
        Some(word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(keywords: &[&str]) -> (KeywordIndex, Vec<KeywordId>) {
        let mut index = KeywordIndex::default();
        let ids = keywords.iter().map(|k| index.add(k).unwrap()).collect();
        index.register_with_host();
        assert!(index.host.is_some());
        (index, ids)
    }

    /// The host's words of `text`, its clause marks left out.
    fn host_words(text: &str) -> Vec<String> {
        text::normalize(text).split(' ').filter(|w| !w.is_empty() && *w != text::CLAUSE).map(str::to_string).collect()
    }

    fn own_words(text: &str) -> Vec<String> {
        let mut split = Words::default();
        split.split(text);
        (0..split.len()).map(|i| split.word(i).to_string()).collect()
    }

    #[test]
    fn host_words_agree_outside_the_table() {
        // Both rules read one character at a time, so agreeing on every
        // character alone, between letters and repeated, is agreeing on
        // every text of them.
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            let texts = [format!("a{c}b"), format!("{c}"), format!("{c}{c} {c}")];
            let agree = texts.iter().all(|t| own_words(t) == host_words(t));
            let s = c.to_string();
            assert_eq!(agree, host_words_agree(&s), "U+{:04X} {c:?}", c as u32);
        }
    }

    #[test]
    fn host_scan_finds_what_the_own_scan_finds() {
        let keywords = [
            "refund", "charged twice", "kündig*", "cancel*", "can't log in", "won't load", "panne réseau",
            "out of order", "a b c d", "two-factor", "退款", "ğ", "déjà vu", "x", "2fa",
        ];
        let (index, ids) = index(&keywords);
        let pieces = [
            "refund", "Refund", "charged", "twice", "TWICE", "Kündigung", "kundigen", "cancellation", "cancel",
            "can't", "cant", "log", "in", "won’t", "load", "panne", "réseau", "reseau", "out", "of", "order",
            "a", "b", "c", "d", "two", "factor", "2FA", "x", "déjà", "vu", "退款", "退", "款", "ğ", "g", "İ", "ª",
            " ", " ", " ", "  ", ". ", ", ", "! ", "-", "/", "'", "… ", "¿", "\n", "(", ") ", "ß", "é", "🙂",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut texts = [String::new(), String::new()];
            for text in &mut texts {
                for _ in 0..next(24) {
                    text.push_str(pieces[next(pieces.len())]);
                    if next(3) > 0 {
                        text.push(' ');
                    }
                }
            }
            let [subject, body] = &texts;
            let subject = (next(4) > 0).then_some(subject.as_str());
            let host = index.scan(subject, body);
            let own = index.scan_own(subject, body);
            for &id in &ids {
                assert_eq!(host.place(id), own.place(id), "{:?} in {subject:?} / {body:?}", keywords[id as usize]);
            }
        }
    }

    #[test]
    fn long_phrases_keep_the_scan_in_the_plugin() {
        let mut index = KeywordIndex::default();
        let id = index.add("one two three four five six seven").unwrap();
        index.register_with_host();
        assert!(index.host.is_none());
        assert!(index.scan(None, "One, two; three four five six seven!").found(id));
    }

    #[test]
    fn words_split_on_punctuation_and_fold_accents() {
        let folded = fold("Kündigung: l'application PLANTE, ça m'énerve!");
        let got: Vec<&str> = words(&folded).collect();
        assert_eq!(
            got,
            [
                "kundigung",
                "l",
                "application",
                "plante",
                "ca",
                "m",
                "enerve"
            ]
        );
    }

    #[test]
    fn unspaced_scripts_split_per_character() {
        let got: Vec<&str> = words("我要退款 please").collect();
        assert_eq!(got, ["我", "要", "退", "款", "please"]);
        let (index, ids) = index(&["退款"]);
        assert!(index.scan(None, "请给我退款，谢谢").found(ids[0]));
    }

    #[test]
    fn phrase_needs_whole_words_in_sequence() {
        let (index, ids) = index(&["cancel", "charged twice", "cancel*"]);
        let hits = index.scan(Some("Charged   TWICE"), "about my cancellation");
        assert!(
            !hits.found(ids[0]),
            "'cancel' must not match 'cancellation'"
        );
        assert_eq!(hits.place(ids[1]), IN_SUBJECT);
        assert_eq!(hits.place(ids[2]), IN_BODY);
        let hits = index.scan(None, "Cancel! now");
        assert!(hits.found(ids[0]));
    }

    #[test]
    fn one_pass_split_is_fold_then_words() {
        let mut texts: Vec<String> = [
            "Kündigung: l'application PLANTE, ça m'énerve!",
            "我要退款 please, 請給我退款。ＡＢＣ１２３ ﾃｽﾄ",
            "STRASSE Straße ÆON Œuvre İstanbul ǅemal Σίσυφος ΣΑΣ",
            "a\u{0}b\u{309b}c\u{30fb}d\u{3000}e\u{2160}f\u{212a}g ½ ² ① x\u{301}y",
            "",
            "   ",
            "end with word",
        ]
        .map(str::to_string)
        .to_vec();
        // Every character of the planes rules may see, in runs of ten.
        let all: Vec<char> = (0u32..0x3_1000).filter_map(char::from_u32).collect();
        texts.extend(all.chunks(10).map(|c| c.iter().collect::<String>()));
        let mut split = Words::default();
        for text in &texts {
            split.split(text);
            let folded = fold(text);
            let expected: Vec<&str> = words(&folded).collect();
            let got: Vec<&str> = (0..split.len()).map(|i| split.word(i)).collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn hits_list_the_phrases_found() {
        let (index, ids) = index(&["refund", "charged twice", "kündig*", "invoice"]);
        let hits = index.scan(Some("Invoice"), "Please REFUND me, ich will kündigen");
        assert!(hits.found_any(&[ids[0]]));
        assert!(hits.found_any(&[ids[1], ids[2]]));
        assert!(!hits.found_any(&[ids[1]]));
        assert!(!hits.found_any(&[]));
        assert_eq!(hits.place(ids[3]), IN_SUBJECT);
        let none = index.scan(None, "nothing to see here");
        assert!(!none.found_any(&ids));
    }

    #[test]
    fn same_phrase_gets_same_id() {
        let (_, ids) = index(&["Refund", "refund", " REFUND "]);
        assert_eq!(ids[0], ids[1]);
        assert_eq!(ids[1], ids[2]);
    }

    #[test]
    fn bad_keywords_are_rejected() {
        let mut index = KeywordIndex::default();
        assert!(index.add("!!!").unwrap_err().contains("no letters"));
        assert!(
            index
                .add("can*cel")
                .unwrap_err()
                .contains("only allowed at the end")
        );
        assert!(index.add("*").is_err());
        assert!(index.add("").is_err());
    }

}
