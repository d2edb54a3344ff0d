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

/// Word → bit set of the languages (indexes into `langs`) that use it.
#[derive(Debug)]
pub struct StopWords {
    words: HashMap<&'static str, u8>,
    langs: Vec<Lang>,
}

impl StopWords {
    /// The lists of the languages in `allowed`.
    pub fn new(allowed: &[Lang]) -> Self {
        let mut words: HashMap<&'static str, u8> = HashMap::default();
        let mut langs = Vec::new();
        for (lang, list) in SETS.iter().filter(|(l, _)| allowed.contains(l)) {
            let bit = 1u8 << langs.len();
            langs.push(*lang);
            for w in *list {
                *words.entry(w).or_default() |= bit;
            }
        }
        StopWords { words, langs }
    }

    /// The language when its stop words clearly lead, with a confidence.
    pub fn guess(&self, text: &str) -> Option<(Lang, f64)> {
        if self.langs.is_empty() {
            return None;
        }
        let mut hits = [0u32; 8];
        let mut lower = String::new();
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty() && w.len() <= 12) {
            // Most words are ASCII and lower-case already: checked bytewise.
            let has_upper = if word.is_ascii() {
                word.bytes().any(|b| b.is_ascii_uppercase())
            } else {
                word.chars().any(char::is_uppercase)
            };
            let key: &str = if has_upper {
                lower.clear();
                lower.extend(word.chars().flat_map(char::to_lowercase));
                &lower
            } else {
                word
            };
            if let Some(&mask) = self.words.get(key) {
                for (i, h) in hits.iter_mut().enumerate().take(self.langs.len()) {
                    if mask & (1 << i) != 0 {
                        *h += 1;
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..self.langs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
        let best = hits[order[0]];
        let second = order.get(1).map_or(0, |&i| hits[i]);
        (best >= MIN_HITS && best >= MARGIN * second.max(1))
            .then(|| (self.langs[order[0]], f64::from(best) / f64::from(best + second)))
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

    #[test]
    fn only_allowed_languages_are_guessed() {
        let s = StopWords::new(&[Lang::Eng]);
        assert_eq!(s.guess("Guten Tag, mir wurde der Betrag doppelt abgebucht und ich habe noch nichts."), None);
    }
}
