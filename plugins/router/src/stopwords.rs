//! A fast first guess at the language from its commonest words, so that the
//! trigram detector (much slower) runs only when the guess is unclear.

use rustc_hash::FxHashMap as HashMap;
use whatlang::Lang;

/// Languages with a stop-word list, and the list.
const SETS: &[(Lang, &[&str])] = &[
    (Lang::Eng, &[
        "the", "and", "is", "to", "of", "my", "you", "it", "for", "not", "this", "that", "was", "have",
        "with", "in", "on", "are", "be", "your", "me", "please", "can", "but", "what", "we", "i", "been",
    ]),
    (Lang::Deu, &[
        "der", "die", "das", "und", "ist", "nicht", "ich", "mit", "ein", "eine", "sie", "mein", "meine",
        "den", "dem", "zu", "auf", "für", "es", "wir", "bitte", "noch", "habe", "wurde", "auch", "aber", "von",
    ]),
    (Lang::Fra, &[
        "le", "la", "les", "et", "est", "pas", "je", "une", "des", "du", "pour", "mon", "ma", "mes",
        "qui", "vous", "nous", "avec", "sur", "ce", "il", "ai", "bonjour", "merci", "suis", "été",
    ]),
    (Lang::Spa, &[
        "el", "los", "las", "que", "está", "es", "y", "una", "mi", "por", "para", "con", "del", "se", "lo",
        "pero", "muy", "gracias", "hola", "tengo", "he", "sido", "estoy", "ya",
    ]),
    (Lang::Por, &[
        "os", "que", "não", "é", "um", "uma", "do", "da", "meu", "minha", "para", "com", "em", "na",
        "você", "obrigado", "obrigada", "olá", "estou", "foi", "mas", "já", "ainda",
    ]),
    (Lang::Ita, &[
        "il", "gli", "che", "non", "è", "di", "della", "mio", "mia", "per", "con", "sono", "ho", "ma",
        "grazie", "ciao", "questo", "anche", "nel", "ancora", "buongiorno",
    ]),
    (Lang::Nld, &[
        "het", "een", "en", "niet", "ik", "mijn", "van", "met", "voor", "op", "dat", "je", "maar", "wel",
        "graag", "bedankt", "nog", "heb",
    ]),
];

/// Hits needed for the leading language, and how many times the runner-up's.
const MIN_HITS: u32 = 3;
const MARGIN: u32 = 2;

/// Longest word looked up: longer ones are in no list.
const MAX_WORD_BYTES: usize = 12;

/// Buckets per initial letter: one per word length up to [`MAX_WORD_BYTES`].
const LENGTHS: usize = MAX_WORD_BYTES + 1;

/// Word → bit set of the languages (indexes into `langs`) that use it.
#[derive(Debug)]
pub struct StopWords {
    /// The words that start with an ASCII letter, by initial (`a` = 0) and
    /// length in bytes (`initial * LENGTHS + length`): a few words a bucket,
    /// and most words of a message land in an empty one.
    by_initial: Vec<Vec<(&'static str, u8)>>,
    /// The words that start with another character (`été`, `è`, `é`).
    others: HashMap<&'static str, u8>,
    langs: Vec<Lang>,
}

impl StopWords {
    /// The lists of the languages in `allowed`.
    pub fn new(allowed: &[Lang]) -> Self {
        let mut by_initial: Vec<Vec<(&'static str, u8)>> = vec![Vec::new(); 26 * LENGTHS];
        let mut others: HashMap<&'static str, u8> = HashMap::default();
        let mut langs = Vec::new();
        for (lang, list) in SETS.iter().filter(|(l, _)| allowed.contains(l)) {
            let bit = 1u8 << langs.len();
            langs.push(*lang);
            for &w in *list {
                let mask = match bucket(w) {
                    Some(b) => {
                        let bucket = &mut by_initial[b];
                        match bucket.iter_mut().find(|(word, _)| *word == w) {
                            Some((_, mask)) => mask,
                            None => {
                                bucket.push((w, 0));
                                &mut bucket.last_mut().expect("just pushed").1
                            }
                        }
                    }
                    None => others.entry(w).or_default(),
                };
                *mask |= bit;
            }
        }
        StopWords { by_initial, others, langs }
    }

    /// The languages (bit set) whose lists have `key` (in lower case).
    fn languages_of(&self, key: &str) -> Option<u8> {
        match bucket(key) {
            Some(b) => self.by_initial[b].iter().find(|(w, _)| *w == key).map(|(_, m)| *m),
            None if key.len() <= MAX_WORD_BYTES => self.others.get(key).copied(),
            None => None,
        }
    }

    /// The languages of an ASCII `word` in any case: compared without
    /// lower-casing it first (an ASCII word's lower case is ASCII, so only
    /// ASCII list words can equal it).
    fn languages_of_ascii(&self, word: &str) -> Option<u8> {
        let initial = word.as_bytes().first()?.to_ascii_lowercase();
        if !initial.is_ascii_lowercase() || word.len() > MAX_WORD_BYTES {
            return None;
        }
        self.by_initial[usize::from(initial - b'a') * LENGTHS + word.len()]
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|(_, m)| *m)
    }

    /// The language when its stop words clearly lead, with a confidence.
    #[cfg(test)]
    pub fn guess(&self, text: &str) -> Option<(Lang, f64)> {
        self.guess_parts(&[text])
    }

    /// [`StopWords::guess`] of the texts `parts` joined by a line break (a
    /// subject and a body), without joining them: a word never spans two
    /// parts, since a line break is not a letter.
    pub fn guess_parts(&self, parts: &[&str]) -> Option<(Lang, f64)> {
        if self.langs.is_empty() {
            return None;
        }
        let mut hits = [0u32; 8];
        let mut lower = String::new();
        for part in parts {
            for_each_word(part, |word, ascii| {
                if word.len() > MAX_WORD_BYTES {
                    return;
                }
                // Most words are ASCII: compared case-insensitively, bytewise.
                let mask = if ascii {
                    self.languages_of_ascii(word)
                } else if word.chars().any(char::is_uppercase) {
                    lower.clear();
                    lower.extend(word.chars().flat_map(char::to_lowercase));
                    self.languages_of(&lower)
                } else {
                    self.languages_of(word)
                };
                if let Some(mask) = mask {
                    for (i, h) in hits.iter_mut().enumerate().take(self.langs.len()) {
                        if mask & (1 << i) != 0 {
                            *h += 1;
                        }
                    }
                }
            });
        }
        // The leader is the first language with the most hits (as a stable
        // sort by hits would order them); the runner-up's count is the most
        // any other language has.
        let hits = &hits[..self.langs.len()];
        let mut leader = 0;
        for (i, &h) in hits.iter().enumerate() {
            if h > hits[leader] {
                leader = i;
            }
        }
        let best = hits[leader];
        let second = hits
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != leader)
            .map(|(_, &h)| h)
            .max()
            .unwrap_or(0);
        (best >= MIN_HITS && best >= MARGIN * second.max(1))
            .then(|| (self.langs[leader], f64::from(best) / f64::from(best + second)))
    }
}

/// The bucket of [`StopWords::by_initial`] a lower-case word belongs in, if
/// it starts with an ASCII letter and is short enough.
fn bucket(word: &str) -> Option<usize> {
    let initial = *word.as_bytes().first()?;
    (initial.is_ascii_lowercase() && word.len() <= MAX_WORD_BYTES)
        .then(|| usize::from(initial - b'a') * LENGTHS + word.len())
}

/// Calls `f` with every maximal run of alphabetic characters of `text` (the
/// non-empty pieces of `text.split(|c: char| !c.is_alphabetic())`) and
/// whether it is all ASCII, testing ASCII bytewise and decoding only other
/// characters.
fn for_each_word(text: &str, mut f: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut ascii = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (alphabetic, len) = if b.is_ascii() {
            (b.is_ascii_alphabetic(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            (c.is_alphabetic(), c.len_utf8())
        };
        match (alphabetic, start) {
            (true, None) => {
                start = Some(i);
                ascii = len == 1;
            }
            (true, Some(_)) => ascii &= len == 1,
            (false, Some(s)) => {
                f(&text[s..i], ascii);
                start = None;
            }
            (false, None) => {}
        }
        i += len;
    }
    if let Some(s) = start {
        f(&text[s..], ascii);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> StopWords {
        StopWords::new(&SETS.iter().map(|(l, _)| *l).collect::<Vec<_>>())
    }

    #[test]
    fn clear_messages_are_guessed() {
        let s = all();
        let cases = [
            ("I was charged twice for my order and I have not been refunded yet.", Lang::Eng),
            ("Guten Tag, mir wurde der Betrag doppelt abgebucht und ich habe noch keine Antwort.", Lang::Deu),
            ("Bonjour, je suis très déçu, la livraison n'est pas arrivée et vous ne répondez pas.", Lang::Fra),
            ("Hola, tengo un problema con mi pedido y nadie me responde, estoy muy molesto.", Lang::Spa),
            ("Olá, ainda não recebi o meu pedido e já faz duas semanas, estou muito chateada.", Lang::Por),
            ("Buongiorno, non ho ancora ricevuto il rimborso e sono molto deluso per questo.", Lang::Ita),
        ];
        for (text, lang) in cases {
            assert_eq!(s.guess(text).map(|g| g.0), Some(lang), "{text}");
        }
    }

    #[test]
    fn unclear_text_is_left_to_the_detector() {
        let s = all();
        assert_eq!(s.guess("Order A123"), None);
        assert_eq!(s.guess("la de que"), None); // shared by several languages
    }

    /// The word splitter and the leader choice are the plain definitions'
    /// (`split` on non-letters, a stable sort by hits), over texts with
    /// upper case, accents, non-Latin letters and ties.
    #[test]
    fn words_and_leader_are_the_plain_definitions() {
        fn plain(s: &StopWords, text: &str) -> Option<(Lang, f64)> {
            let mut hits = [0u32; 8];
            for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty() && w.len() <= 12) {
                let key: String = if word.chars().any(char::is_uppercase) {
                    word.chars().flat_map(char::to_lowercase).collect()
                } else {
                    word.to_string()
                };
                let mask = SETS
                    .iter()
                    .filter(|(l, _)| s.langs.contains(l))
                    .map(|(l, list)| {
                        let bit = s.langs.iter().position(|x| x == l).unwrap();
                        if list.contains(&key.as_str()) { 1u8 << bit } else { 0 }
                    })
                    .fold(0, |a, b| a | b);
                if mask != 0 {
                    for (i, h) in hits.iter_mut().enumerate().take(s.langs.len()) {
                        if mask & (1 << i) != 0 {
                            *h += 1;
                        }
                    }
                }
            }
            let mut order: Vec<usize> = (0..s.langs.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
            let best = hits[order[0]];
            let second = order.get(1).map_or(0, |&i| hits[i]);
            (best >= MIN_HITS && best >= MARGIN * second.max(1))
                .then(|| (s.langs[order[0]], f64::from(best) / f64::from(best + second)))
        }
        let s = all();
        let words: Vec<&str> = SETS.iter().flat_map(|(_, l)| l.iter().copied()).chain([
            "THE", "Der", "ÉTÉ", "Está", "NÃO", "İst", "x1y", "Straße", "日本語", "привет", "ǅ", "a-b",
            "verylongwordindeed", "ÀÉÎÕÜ", "'", " ", "\n", "🙂", "Σ",
        ]).collect();
        let mut texts: Vec<String> = Vec::new();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..4000 {
            let mut t = String::new();
            for _ in 0..(n % 17) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                t.push_str(words[(state % words.len() as u64) as usize]);
                t.push_str([" ", ", ", "\n", "", "-", "1"][(state >> 32) as usize % 6]);
            }
            texts.push(t);
        }
        for text in &texts {
            assert_eq!(s.guess(text), plain(&s, text), "{text:?}");
            if let Some((a, b)) = text.split_once('\n') {
                assert_eq!(s.guess_parts(&[a, b]), plain(&s, text), "{text:?}");
            }
        }
        // The texts reach both answers (else this would test nothing).
        let guessed = texts.iter().filter(|t| s.guess(t).is_some()).count();
        assert!(guessed > 200 && guessed < texts.len() - 200, "{guessed}");
        let one = StopWords::new(&[Lang::Fra]);
        for text in &texts {
            assert_eq!(one.guess(text), plain(&one, text), "{text:?}");
        }
    }

    #[test]
    fn only_allowed_languages_are_guessed() {
        let s = StopWords::new(&[Lang::Eng]);
        assert_eq!(s.guess("Guten Tag, mir wurde der Betrag doppelt abgebucht und ich habe noch nichts."), None);
    }
}
