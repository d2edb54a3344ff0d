//! Which language is the text in? Counted from function words seen by the
//! tokenizer (with the English lexicon, whose entries carry the function
//! words of every covered language) and from letters only one covered
//! language uses (`ñ`, `ã`, `ß`). The plugin covers English, German,
//! Spanish, French, Italian and Portuguese; for any other language, or a
//! non-Latin script, it does not guess.

use crate::tokenize::Stats;

/// A language the plugin has a lexicon for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    En,
    De,
    Es,
    Fr,
    It,
    Pt,
}

impl Language {
    /// Every covered language, English first.
    pub const ALL: [Language; 6] = [
        Language::En,
        Language::De,
        Language::Es,
        Language::Fr,
        Language::It,
        Language::Pt,
    ];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Es => "es",
            Language::Fr => "fr",
            Language::It => "it",
            Language::Pt => "pt",
        }
    }

    /// Index in [`Language::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The language of a platform tag (`de`, `pt-BR`, ` FR `): `Some(Some)`
    /// for a covered language, `Some(None)` for another one, `None` for no
    /// (or an empty) tag.
    pub fn from_tag(tag: Option<&str>) -> Option<Option<Language>> {
        let tag = tag.map(str::trim).filter(|c| !c.is_empty())?;
        let primary = tag.split(['-', '_']).next().unwrap_or(tag);
        Some(
            Language::ALL
                .into_iter()
                .find(|l| primary.eq_ignore_ascii_case(l.code())),
        )
    }

    /// The foreign language of a [`FOREIGN`] bit index.
    fn foreign(bit: usize) -> Language {
        FOREIGN_ORDER[bit]
    }

    /// The [`FOREIGN`] bit index of a foreign language.
    pub(crate) fn bit(self) -> Option<usize> {
        FOREIGN_ORDER.iter().position(|&l| l == self)
    }
}

/// The [`FOREIGN`] bit index of a letter only one covered foreign language
/// uses (lower or upper case): ß ä ö ü German, ñ Spanish, œ ë ï û French,
/// ã õ Portuguese, ì ò Italian.
pub(crate) fn letter_hint(c: char) -> Option<usize> {
    match c {
        'ß' | 'ä' | 'ö' | 'ü' | 'Ä' | 'Ö' | 'Ü' => Some(0),
        'œ' | 'ë' | 'ï' | 'û' | 'Œ' => Some(1),
        'ñ' | 'Ñ' => Some(2),
        'ã' | 'õ' | 'Ã' | 'Õ' => Some(3),
        'ì' | 'ò' | 'Ì' | 'Ò' => Some(4),
        _ => None,
    }
}

/// The languages of the [`FOREIGN`] bits, lowest bit first.
const FOREIGN_ORDER: [Language; 5] = [
    Language::De,
    Language::Fr,
    Language::Es,
    Language::Pt,
    Language::It,
];

/// Language bits of [`FOREIGN`].
pub(crate) const DE: u8 = 1;
pub(crate) const FR: u8 = 2;
pub(crate) const ES: u8 = 4;
pub(crate) const PT: u8 = 8;
pub(crate) const IT: u8 = 16;

/// English function words and very common help-desk words, separated by
/// whitespace. Words shared with a covered language ("no", "a", "me",
/// "per") are left out of both.
pub(crate) static ENGLISH: &str = "the and is are was were be been being am to of in on at for with from by about as into \
     over after before since until it its it's this that these those there here i i'm i've \
     i'd i'll my mine you you're you've your yours we we're our us they they're their them he \
     she his her him have has had do does did not can can't cannot will would should could \
     won't don't doesn't didn't isn't wasn't aren't haven't hasn't what when where why how \
     which who if then than so just up out all any some get got please thanks thank hi hello \
     hey dear because again still only also very really or but an yes now today yesterday \
     order account refund email phone payment delivery card help issue problem app service \
     customer never nothing nobody anyone someone what's that's there's let know need want \
     time week weeks days day month back call information important";

/// Function words (and greetings) of the covered foreign languages,
/// separated by whitespace.
pub(crate) static FOREIGN: &[(u8, &str)] = &[
    (
        DE,
        "der die das und ist nicht ich sie es mit den dem des ein eine einen einem zu auf für von \
         wir mein meine meinen ihr ihre ihnen habe hat haben wurde wurden bitte noch schon auch \
         aber sehr nach bei seit wie wer warum kann können mich mir dass sind immer keine kein \
         nur oder wenn hallo danke guten vielen dank leider heute jetzt diese dieser dieses über \
         vor zum zur wieder geehrte damen herren bin uns euch gibt war wäre aus mal doch macht \
         geht gegen unter viel sieht eigentlich gerade einer alle alles ganz hier dann kommt wird \
         werden muss soll zeit morgen gestern gut neue ja nein hab hast bist niemand etwas nichts \
         weil denn ob nie waren hast",
    ),
    (
        FR,
        "le la les est pas je vous et un une des du de que qui pour dans ce cette mon ma mes \
         votre vos avec sur nous ne plus c'est j'ai n'est il elle ils au aux mais ou très bien \
         bonjour merci depuis été suis sont fait chez toujours jamais rien aussi encore déjà s'il \
         plaît madame monsieur ai moi leur lui tout tous n'ai m'a qu'il d'un d'une l'on ça être \
         avoir était étaient c'était avons avez",
    ),
    (
        ES,
        "el los las que está están es y en un una por para con mi mis lo se del al muy pero esta \
         este ya su sus le les hola gracias nos ha han hay cuando como porque también todo nada \
         nunca sin sobre tengo tiene estoy desde hasta vez favor usted ustedes buenos días qué \
         cómo dónde la de sigo llevo quiero q tu te mucho muchas muchos hoy algo solo ahora aquí \
         así soy eres estás tan bueno mejor siempre otra otro estaba estaban fue fueron hemos sido nada",
    ),
    (
        PT,
        "não você o os que é um uma para com meu minha do da dos das em por mas muito já obrigado \
         obrigada olá bom dia isso esse essa ainda foi está estou tenho mais na nos ao seu sua \
         vocês pelo pela quando porque também nada nunca sem até há fazer favor podem pode de e \
         se eu ele ela tá hoje aqui esse ser ter quem pra né mesmo agora tudo bem obrigada vou estava foi ficou eles elas",
    ),
    (
        IT,
        "il che non di è la le lo gli un una con mi sono ho ha del della dei delle ma molto anche \
         questo questa nel nella al alla più sempre mai niente ancora grazie buongiorno ciao ti \
         ci si se da cosa perché quando già tutto dopo prima stato fatto essere avere vostro \
         vostra mio mia e sto oggi sei tutti bene ora poi qui io tu noi voi loro sta fa proprio \
         quello era erano stato stata siamo hanno hai",
    ),
];

/// The language to score the text in, or `None` when it is not one the
/// plugin covers (the result is then neutral).
///
/// A platform tag of a covered language is trusted unless the text is
/// overwhelmingly English ([`english_overrides`]; the plugin counts that
/// in the one pass with the given language's lexicon); another tag means
/// not covered.
/// Without a tag: English unless [`is_foreign`]; then the foreign language
/// with the most evidence, if any.
pub(crate) fn choose(stats: &Stats, tag: Option<&str>) -> Option<Language> {
    match Language::from_tag(tag) {
        Some(None) => None,
        Some(Some(Language::En)) => {
            if is_foreign(stats, Some("en")) {
                detect_foreign(stats)
            } else {
                Some(Language::En)
            }
        }
        Some(Some(given)) => {
            if english_overrides(stats) {
                Some(Language::En)
            } else {
                Some(given)
            }
        }
        None if is_foreign(stats, None) => detect_foreign(stats),
        None => Some(Language::En),
    }
}

/// The covered foreign language with the most evidence (function words,
/// then letters of its own), or `None` when there is none or the text is
/// mostly in a non-Latin script.
fn detect_foreign(stats: &Stats) -> Option<Language> {
    if stats.words > 0 && stats.non_latin * 2 > stats.words {
        return None;
    }
    let score = |b: usize| 2 * u32::from(stats.function[b]) + u32::from(stats.letters[b]);
    let best = (0..FOREIGN.len()).max_by_key(|&b| (score(b), std::cmp::Reverse(b)))?;
    (score(best) > 0).then(|| Language::foreign(best))
}

/// Whether a text given as a foreign language is overwhelmingly English
/// (an English reply from a customer whose profile says `de`).
pub(crate) fn english_overrides(stats: &Stats) -> bool {
    stats.english >= 4 && stats.english > 3 * stats.foreign
}

/// Whether the text should be treated as not English.
///
/// A platform language code other than English decides at once (the plugin
/// covers English only). With "en", only overwhelming foreign evidence
/// overrides it. Without a code: mostly non-Latin words; or more foreign
/// function words and accented words than English function words; or no
/// English function word at all and either some foreign evidence or many
/// words of which few are known.
pub(crate) fn is_foreign(stats: &Stats, language: Option<&str>) -> bool {
    if let Some(code) = language.map(str::trim).filter(|c| !c.is_empty()) {
        let english = code.len() >= 2
            && code.is_char_boundary(2)
            && code[..2].eq_ignore_ascii_case("en")
            && (code.len() == 2 || matches!(code.as_bytes()[2], b'-' | b'_'));
        if !english {
            return true;
        }
        return stats.foreign >= 4 && stats.foreign > 3 * stats.english;
    }
    let words = stats.words;
    if words == 0 {
        return false;
    }
    if stats.non_latin * 2 > words {
        return true;
    }
    // accented Latin letters (é, ã, ñ, ü) are rare in English
    let evidence = stats.foreign + stats.accented;
    if stats.foreign + stats.accented / 2 >= 2 && evidence > stats.english {
        return true;
    }
    if stats.english == 0 {
        return evidence >= 1 || (words >= 6 && stats.known * 3 < words);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(words: u32, english: u32, foreign: u32, known: u32) -> Stats {
        Stats {
            words,
            english,
            foreign,
            known,
            ..Stats::default()
        }
    }

    #[test]
    fn platform_code_decides_unless_english() {
        let s = stats(10, 5, 0, 8);
        assert!(is_foreign(&s, Some("de")));
        assert!(is_foreign(&s, Some("nl")));
        assert!(!is_foreign(&s, Some("en")));
        assert!(!is_foreign(&s, Some("en-GB")));
        assert!(!is_foreign(&s, Some(" EN ")));
        assert!(!is_foreign(&s, Some("")));
        // "en" with an overwhelmingly German text is overridden
        assert!(is_foreign(&stats(20, 1, 9, 10), Some("en")));
    }

    #[test]
    fn function_words_decide_without_a_code() {
        assert!(is_foreign(&stats(12, 1, 6, 7), None));
        assert!(!is_foreign(&stats(12, 6, 1, 9), None));
        assert!(!is_foreign(&stats(0, 0, 0, 0), None));
        // terse English complaint: no function word, but known words
        assert!(!is_foreign(&stats(5, 0, 0, 4), None));
        // accented words count as foreign evidence
        let accented = Stats {
            accented: 3,
            ..stats(8, 2, 1, 4)
        };
        assert!(is_foreign(&accented, None));
        let cafe = Stats {
            accented: 1,
            ..stats(8, 4, 0, 6)
        };
        assert!(!is_foreign(&cafe, None));
        // unknown language: many words, hardly any known
        assert!(is_foreign(&stats(8, 0, 0, 1), None));
        assert!(!is_foreign(&stats(8, 0, 0, 3), None));
    }
}
