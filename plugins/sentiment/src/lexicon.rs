//! The compiled lexicon: every known word gets one id and one [`Entry`]
//! (valence, modifier role, language hints); multi-word phrases are indexed
//! by their first word. Built once in `configure`, read-only afterwards.

use rustc_hash::FxHashMap as HashMap;

use crate::lang::Language;
use crate::vocab::Vocab;
use crate::{inflect, lang, tables, tokenize};

/// The word list shipped with the crate (term, tab, valence).
const LEXICON_TSV: &str = include_str!("lexicon.tsv");

/// VADER's lexicon (Hutto & Gilbert 2014; MIT licence, see
/// `data/LICENSE-VADER`): term, tab, mean valence. The general vocabulary
/// under [`LEXICON_TSV`], which overrides it.
const VADER_TSV: &str = include_str!("../data/vader_lexicon.tsv");

/// VADER's words that this crate's list lacks count at this share of their
/// valence: the list was written and weighed for customer messages, the
/// general vocabulary fills its gaps. Measured (`examples/measure.rs`):
/// half weight scores better than full weight on every set, reviews,
/// general tweets and help-desk messages alike.
const GENERAL_SCALE: f32 = 0.5;
/// VADER's words rated closer to neutral than this are left out ("share",
/// "okay"): mostly topics, not feelings, in a customer's message.
const GENERAL_MIN: f32 = 1.0;

/// Id of a token that is not in the lexicon.
pub(crate) const NONE: u32 = u32::MAX;

/// Role flags of an [`Entry`].
pub(crate) mod flag {
    /// The entry has a valence (possibly 0 for a neutral phrase).
    pub const VALENCE: u64 = 1 << 0;
    /// Flips and damps a sentiment word up to three tokens later.
    pub const NEGATOR: u64 = 1 << 1;
    /// "but": the clause before weighs less, the clause after more.
    pub const BUT: u64 = 1 << 2;
    /// "however": like "but"; at a sentence start it damps the sentence before.
    pub const HOWEVER: u64 = 1 << 3;
    /// "although": the clause it introduces weighs less.
    pub const ALTHOUGH: u64 = 1 << 4;
    /// A positive word often used sarcastically ("great", "perfect").
    pub const SARCASM_PRONE: u64 = 1 << 5;
    /// A word that marks sarcasm before a positive word ("just", "oh", "yeah").
    pub const SARCASM_MARKER: u64 = 1 << 6;
    /// A politeness formula ("thanks", "thanks in advance").
    pub const POLITE: u64 = 1 << 7;
    /// An English function word (language detection).
    pub const EN_STOP: u64 = 1 << 8;
    /// An ASCII emoticon, matched on a whole whitespace chunk.
    pub const EMOTICON: u64 = 1 << 9;
    /// An emoji or emoticon.
    pub const SYMBOL: u64 = 1 << 10;
    /// A speaker label of the company side in transcripts ("Agent:").
    pub const AGENT: u64 = 1 << 11;
    /// A speaker label of the customer side in transcripts ("Caller:").
    pub const CUSTOMER: u64 = 1 << 12;
    /// "at all": strengthens a negated sentiment word before it.
    pub const AT_ALL: u64 = 1 << 13;
    /// "never": with "so"/"this" in between it emphasises instead of flipping.
    pub const NEVER: u64 = 1 << 14;
    /// "so", "this", "such" (see [`NEVER`]).
    pub const NEVER_SO: u64 = 1 << 15;
    /// "another", "again": a sarcastic positive word is often followed by one.
    pub const REPEAT: u64 = 1 << 16;
    /// A request formula ("please", "could you"): politeness there is not praise.
    pub const REQUEST: u64 = 1 << 17;
    /// A phrase that already contains a negation is not negated again.
    pub const NO_NEGATE: u64 = 1 << 18;
    /// "can't", "doesn't", "won't": on its own ("the label doesn't print")
    /// it reports a failure.
    pub const FAILURE: u64 = 1 << 19;
    /// A verb after which a negation reports no failure ("don't know").
    pub const NEUTRAL_VERB: u64 = 1 << 20;
    /// Conditional or hedged clause ("if", "usually", "will"): no failure,
    /// no waiting complaint.
    pub const HEDGE: u64 = 1 << 21;
    /// A waiting verb ("took", "waited", "been").
    pub const WAIT: u64 = 1 << 22;
    /// A short time unit (minutes, hours).
    pub const TIME_SHORT: u64 = 1 << 23;
    /// A long time unit (days, weeks, months).
    pub const TIME_LONG: u64 = 1 << 24;
    /// A number written as a word ("five", "several").
    pub const NUMBER_WORD: u64 = 1 << 25;
    /// "yet": "haven't used it yet" is no failure.
    pub const YET: u64 = 1 << 26;
    /// "no", "without", "zero": with an expected thing after it ("no
    /// reply", "without signal") it reports that something is missing.
    pub const ABSENCE: u64 = 1 << 27;
    /// Something a customer expects to get: a reply, a refund, signal, power.
    pub const EXPECTED: u64 = 1 << 28;
    /// Words that may stand between an absence word and the expected
    /// thing ("no real answer", "without any warning").
    pub const FILLER: u64 = 1 << 29;
    /// "why": a question to a company that starts with it is a complaint.
    pub const WHY: u64 = 1 << 30;
    /// "how", "what", "when", "where", "which", "who": at a sentence start
    /// they ask a question even without a question mark.
    pub const WH: u64 = 1 << 31;
    /// "do", "can", "is", ...: at a sentence start and followed by a
    /// subject ("can you", "is there") they ask a question.
    pub const AUX: u64 = 1 << 32;
    /// "you", "i", "it", "there", "my", ...: the subject after [`AUX`].
    pub const SUBJECT: u64 = 1 << 33;
    /// The topic of a help-desk question ("outage", "refund", "fee"): in a
    /// question it says what the question is about, not how one feels.
    pub const TOPIC: u64 = 1 << 34;
    /// "since": "down since 6am" reports an ongoing problem.
    pub const SINCE: u64 = 1 << 35;
    /// A point in time after "since" ("monday", "yesterday", "the update").
    pub const TIMEPOINT: u64 = 1 << 36;
    /// "for": "down for three days" reports an ongoing problem.
    pub const FOR: u64 = 1 << 37;
    /// A positive phrase that customers mostly mean sarcastically when the
    /// rest of the message complains ("thanks a lot", "love how").
    pub const SARCASM_PHRASE: u64 = 1 << 38;
    /// "a", "an": a number in "took a week", "waited an hour".
    pub const ARTICLE: u64 = 1 << 39;
    /// Prepositions and adverbs: after "not" / "never" they do not name a
    /// failed action ("not to be missed", "not since", "never once").
    pub const NOT_VERB: u64 = 1 << 40;
    /// "nobody", "no one": nobody at the desk, on the phone, in the chat.
    pub const NOBODY: u64 = 1 << 41;
    /// A word of the general vocabulary (VADER's lexicon) that this
    /// crate's own list does not have: in a question it is taken to be
    /// the topic even more than a listed word ("my hand luggage?").
    pub const GENERAL: u64 = 1 << 42;
    /// A negation that may also follow what it negates ("das gefällt mir
    /// nicht", "j'aime pas"): German "nicht", French "pas".
    pub const POST_NEG: u64 = 1 << 43;
    /// An unstressed pronoun before the verb ("non lo uso", "no me llega"):
    /// the failure rule looks past it for the verb.
    pub const CLITIC: u64 = 1 << 44;
}

/// What the lexicon knows about one word or phrase.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Entry {
    /// Valence on the -4..4 scale (meaningful with [`flag::VALENCE`]).
    pub valence: f32,
    /// Booster (> 0) or dampener (< 0) scalar, 0 when the word is neither.
    pub booster: f32,
    /// [`flag`] bits.
    pub flags: u64,
    /// Bit set of the covered foreign languages this is a function word of.
    pub lang: u8,
    phrase_start: u32,
    phrase_len: u32,
}

impl Entry {
    /// Whether any of the given flag bits is set.
    pub fn has(&self, bits: u64) -> bool {
        self.flags & bits != 0
    }

    /// Whether the entry carries a non-zero valence.
    pub fn is_sentiment(&self) -> bool {
        self.has(flag::VALENCE) && self.valence != 0.0
    }
}

/// A multi-word phrase: the ids of its words, in order, and its entry.
#[derive(Clone, Debug)]
pub(crate) struct Phrase {
    pub ids: Box<[u32]>,
    pub entry: Entry,
}

/// Why the lexicon could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BuildError {
    /// The shipped word list or tables are broken (a bug).
    Shipped(String),
    /// An operator's extra term cannot be used.
    Extra(String),
}

/// Word ids, entries and the phrase index, of one language.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    ids: Vocab,
    entries: Vec<Entry>,
    phrases: Vec<Phrase>,
    /// The second word of every phrase, in [`Lexicon::phrases`] order: the
    /// binary search of [`Lexicon::phrases_with`] reads these contiguous
    /// ids instead of following each phrase's boxed ids.
    seconds: Vec<u32>,
    language: Language,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon {
            ids: Vocab::default(),
            entries: Vec::new(),
            phrases: Vec::new(),
            seconds: Vec::new(),
            language: Language::En,
        }
    }
}

/// The emoji and emoticons of the English lists, which every language
/// shares: read once per `configure`, not once per language.
pub(crate) struct Shared {
    /// VADER's, with their valence (at least [`GENERAL_MIN`]).
    general_symbols: Vec<(&'static str, f32)>,
    /// The crate's own.
    own_symbols: Vec<(&'static str, f32)>,
    /// The single words of the crate's own English list (ASCII letters,
    /// at least [`MIN_SHARED_WORD`] of them) with a valence of at least
    /// [`GENERAL_MIN`].
    english_words: Vec<(&'static str, f32)>,
}

/// Shortest English word lent to the other languages: shorter ones are too
/// often words of those languages too.
const MIN_SHARED_WORD: usize = 5;

impl Shared {
    /// Collects the symbols of the shipped English lists.
    pub(crate) fn load() -> Shared {
        let symbols = |tsv: &'static str| {
            tsv.lines()
                .filter_map(|line| tsv_line(line).ok().flatten())
                .filter(|&(term, _)| tokenize::is_symbol_term(term))
                .collect::<Vec<_>>()
        };
        let mut general_symbols = symbols(VADER_TSV);
        general_symbols.retain(|&(_, v)| v.abs() >= GENERAL_MIN);
        let english_words = LEXICON_TSV
            .lines()
            .filter_map(|line| tsv_line(line).ok().flatten())
            .filter(|&(term, v)| {
                term.len() >= MIN_SHARED_WORD
                    && term.bytes().all(|b| b.is_ascii_lowercase())
                    && v.abs() >= GENERAL_MIN
            })
            .collect();
        Shared {
            general_symbols,
            own_symbols: symbols(LEXICON_TSV),
            english_words,
        }
    }
}

/// A covered foreign language's own list: `@role: term, term` lines and
/// `term<TAB>valence` lines (see `src/lexicons/README.md`).
struct Foreign {
    own: &'static str,
    /// A third-party general vocabulary (`term<TAB>valence`) under the own
    /// list, at [`GENERAL_SCALE`], and its file name for error messages.
    general: Option<(&'static str, &'static str)>,
}

/// The shipped lists of a foreign language.
fn foreign(language: Language) -> Foreign {
    match language {
        Language::En => Foreign {
            own: "",
            general: None,
        },
        Language::De => Foreign {
            own: include_str!("lexicons/de.tsv"),
            general: None,
        },
        Language::Es => Foreign {
            own: include_str!("lexicons/es.tsv"),
            general: None,
        },
        Language::Fr => Foreign {
            own: include_str!("lexicons/fr.tsv"),
            general: Some((
                include_str!("../data/pattern_lexicon_fr.tsv"),
                "pattern_lexicon_fr.tsv",
            )),
        },
        Language::It => Foreign {
            own: include_str!("lexicons/it.tsv"),
            general: None,
        },
        Language::Pt => Foreign {
            own: include_str!("lexicons/pt.tsv"),
            general: Some((
                include_str!("../data/leia_lexicon_pt.tsv"),
                "leia_lexicon_pt.tsv",
            )),
        },
    }
}

/// The flag of a role name in a foreign list (`@negator: ...`).
fn role_flag(name: &str) -> Option<u64> {
    Some(match name {
        "negator" => flag::NEGATOR,
        "post-negator" => flag::NEGATOR | flag::POST_NEG,
        "but" => flag::BUT,
        "however" => flag::HOWEVER,
        "although" => flag::ALTHOUGH,
        "sarcasm-prone" => flag::SARCASM_PRONE,
        "sarcasm-marker" => flag::SARCASM_MARKER,
        "sarcasm-phrase" => flag::SARCASM_PHRASE,
        "repeat" => flag::REPEAT,
        "polite" => flag::POLITE,
        "request" => flag::REQUEST,
        "agent" => flag::AGENT,
        "customer" => flag::CUSTOMER,
        "at-all" => flag::AT_ALL,
        "never" => flag::NEVER,
        "failure" => flag::FAILURE,
        "neutral-verb" => flag::NEUTRAL_VERB,
        "hedge" => flag::HEDGE,
        "wait" => flag::WAIT,
        "time-short" => flag::TIME_SHORT,
        "time-long" => flag::TIME_LONG,
        "number" => flag::NUMBER_WORD,
        "yet" => flag::YET,
        "absence" => flag::ABSENCE,
        "expected" => flag::EXPECTED,
        "filler" => flag::FILLER,
        "why" => flag::WHY,
        "wh" => flag::WH,
        "aux" => flag::AUX,
        "subject" => flag::SUBJECT,
        "topic" => flag::TOPIC,
        "since" => flag::SINCE,
        "timepoint" => flag::TIMEPOINT,
        "for" => flag::FOR,
        "article" => flag::ARTICLE,
        "keep-sign" => flag::NO_NEGATE,
        "not-verb" => flag::NOT_VERB,
        "nobody" => flag::NOBODY,
        "clitic" => flag::CLITIC,
        _ => return None,
    })
}

impl Lexicon {
    /// Builds the lexicon: shipped word list, modifier tables, language
    /// hints, then the operator's `extra` terms (which override).
    ///
    /// `extra` valences must already be validated.
    pub(crate) fn build(extra: &[(&str, f32)]) -> Result<Lexicon, BuildError> {
        let splitter = Lexicon::default();
        let mut b = Builder::default();

        for word in lang::ENGLISH.split_whitespace() {
            b.term(&splitter, word, |e| e.flags |= flag::EN_STOP)
                .map_err(BuildError::Shipped)?;
        }
        for (bit, words) in lang::FOREIGN {
            for word in words.split_whitespace() {
                b.term(&splitter, word, |e| e.lang |= bit)
                    .map_err(BuildError::Shipped)?;
            }
        }
        for &(term, scalar) in tables::BOOSTERS {
            b.term(&splitter, term, |e| e.booster = scalar)
                .map_err(BuildError::Shipped)?;
        }
        for &(bits, terms) in tables::ROLES {
            for term in terms {
                b.term(&splitter, term, |e| e.flags |= bits)
                    .map_err(BuildError::Shipped)?;
            }
        }
        // VADER's words first (those that have no role here), then this
        // crate's own list, which overrides them
        for (n, line) in VADER_TSV.lines().enumerate() {
            let Some((term, valence)) = tsv_line(line).map_err(|msg| {
                BuildError::Shipped(format!("vader_lexicon.tsv line {}: {msg}", n + 1))
            })?
            else {
                continue;
            };
            if valence.abs() >= GENERAL_MIN {
                b.general(&splitter, term, valence * GENERAL_SCALE);
            }
        }
        for (n, line) in LEXICON_TSV.lines().enumerate() {
            let shipped =
                |msg: String| BuildError::Shipped(format!("lexicon.tsv line {}: {msg}", n + 1));
            let Some((term, valence)) = tsv_line(line).map_err(shipped)? else {
                continue;
            };
            b.valence(&splitter, term, valence).map_err(shipped)?;
        }
        for &(term, valence) in extra {
            b.valence(&splitter, term, valence)
                .map_err(|msg| BuildError::Extra(format!("extra_lexicon[{term:?}]: {msg}")))?;
        }
        Ok(b.finish())
    }

    /// Builds the lexicon of a language: [`Lexicon::build`] for English;
    /// for another covered language its function words, its own list
    /// (roles and valences, `src/lexicons/CODE.tsv`) over a third-party
    /// general vocabulary where there is one, the emoji and emoticons of
    /// the English lists (shared by every language), then the operator's
    /// `extra` terms.
    pub(crate) fn build_language(
        language: Language,
        shared: &Shared,
        extra: &[(&str, f32)],
    ) -> Result<Lexicon, BuildError> {
        if language == Language::En {
            return Lexicon::build(extra);
        }
        let splitter = Lexicon::default();
        let mut b = Builder::default();
        b.lex.language = language;
        let lists = foreign(language);
        let file = format!("lexicons/{}.tsv", language.code());
        if let Some(bit) = language.bit() {
            let (mask, words) = lang::FOREIGN[bit];
            for word in words.split_whitespace() {
                b.term(&splitter, word, |e| e.lang |= mask)
                    .map_err(BuildError::Shipped)?;
            }
        }
        // English function words that are not this language's: a text given
        // as this language that is in fact English is seen in one pass
        for word in lang::ENGLISH.split_whitespace() {
            if b.lex.ids.get(word).is_none_or(|id| b.lex.entries[id as usize].lang == 0) {
                b.term(&splitter, word, |e| e.flags |= flag::EN_STOP)
                    .map_err(BuildError::Shipped)?;
            }
        }
        // roles first: a general word that has a role gets no valence
        let mut valences = Vec::new();
        for (n, line) in lists.own.lines().enumerate() {
            let shipped = |msg: String| BuildError::Shipped(format!("{file} line {}: {msg}", n + 1));
            let line = line.trim_end();
            if let Some(role) = line.strip_prefix('@') {
                let (head, terms) = role.split_once(':').ok_or_else(|| shipped("role without `:`".into()))?;
                let mut head = head.split_whitespace();
                let name = head.next().unwrap_or_default();
                let scalar = head.next().map(str::parse::<f32>).transpose();
                let scalar = scalar.map_err(|_| shipped(format!("bad booster scalar in `{name}`")))?;
                let roles = if name == "booster" {
                    0
                } else {
                    role_flag(name).ok_or_else(|| shipped(format!("unknown role `{name}`")))?
                };
                if (name == "booster") != scalar.is_some() {
                    return Err(shipped("only `@booster SCALAR:` takes a number".into()));
                }
                for term in terms.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                    b.term(&splitter, term, |e| {
                        e.flags |= roles;
                        if let Some(s) = scalar {
                            e.booster = s;
                        }
                    })
                    .map_err(shipped)?;
                }
                continue;
            }
            if let Some(entry) = tsv_line(line).map_err(shipped)? {
                valences.push(entry);
            }
        }
        // the shared emoji and emoticons: VADER's, then the crate's own
        for &(term, valence) in &shared.general_symbols {
            b.general(&splitter, term, valence * GENERAL_SCALE);
        }
        for &(term, valence) in &shared.own_symbols {
            b.valence(&splitter, term, valence).map_err(BuildError::Shipped)?;
        }
        // the crate's own English words, at half weight, where this
        // language has no word of that spelling: an English sentence in a
        // German message ("This is unacceptable!") still counts
        for &(term, valence) in &shared.english_words {
            if b.lex.ids.get(term).is_none() {
                b.general(&splitter, term, valence * GENERAL_SCALE);
            }
        }
        if let Some((general, name)) = lists.general {
            for (n, line) in general.lines().enumerate() {
                let Some((term, valence)) = tsv_line(line).map_err(|msg| {
                    BuildError::Shipped(format!("{name} line {}: {msg}", n + 1))
                })?
                else {
                    continue;
                };
                // two letters are too ambiguous across languages ("xp", "os")
                if valence.abs() >= GENERAL_MIN && term.chars().count() > 2 {
                    b.general(&splitter, term, valence * GENERAL_SCALE);
                }
            }
        }
        for (term, valence) in valences {
            b.valence(&splitter, term, valence)
                .map_err(|msg| BuildError::Shipped(format!("{file}: {msg}")))?;
        }
        for &(term, valence) in extra {
            b.valence(&splitter, term, valence)
                .map_err(|msg| BuildError::Extra(format!("extra_lexicon[{term:?}]: {msg}")))?;
        }
        Ok(b.finish())
    }

    /// Whether unknown words are looked up again as base forms.
    pub(crate) fn inflects(&self) -> bool {
        self.language != Language::En
    }

    /// The id of the base form of an inflected word (`schlechten`,
    /// `buenísima`, `l'appli`), or [`NONE`].
    pub(crate) fn lookup_inflected(&self, word: &str) -> u32 {
        inflect::base_form(self.language, word, |w| self.ids.get_bytes(w)).unwrap_or(NONE)
    }

    /// The id of a word (lower case), or [`NONE`].
    pub(crate) fn lookup(&self, word: &str) -> u32 {
        self.ids.get(word).unwrap_or(NONE)
    }

    /// [`Lexicon::lookup`] of a word given as its UTF-8 bytes.
    pub(crate) fn lookup_bytes(&self, word: &[u8]) -> u32 {
        self.ids.get_bytes(word).unwrap_or(NONE)
    }

    /// Whether both lexicons know the same emoticons: the only entries
    /// that decide how text is cut into tokens (`Doc::relex`).
    pub(crate) fn same_emoticons(&self, other: &Lexicon) -> bool {
        self.emoticons() == other.emoticons()
    }

    /// The words flagged as emoticons, sorted.
    fn emoticons(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = (0..self.entries.len() as u32)
            .filter(|&id| self.entry(id).has(flag::EMOTICON))
            .map(|id| self.ids.key(id))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The entry of a known id.
    pub(crate) fn entry(&self, id: u32) -> &Entry {
        &self.entries[id as usize]
    }

    /// The phrases starting with the word of `entry`, by second word, then
    /// longest first.
    #[cfg(test)]
    pub(crate) fn phrases_of(&self, entry: &Entry) -> &[Phrase] {
        let start = entry.phrase_start as usize;
        &self.phrases[start..start + entry.phrase_len as usize]
    }

    /// The phrases starting with the words `first` (an entry) and `second`
    /// (an id), longest first.
    pub(crate) fn phrases_with(&self, first: &Entry, second: u32) -> &[Phrase] {
        if first.phrase_len == 0 {
            return &[];
        }
        let start = first.phrase_start as usize;
        let seconds = &self.seconds[start..start + first.phrase_len as usize];
        let lo = seconds.partition_point(|&s| s < second);
        let hi = lo + seconds[lo..].partition_point(|&s| s == second);
        &self.phrases[start + lo..start + hi]
    }

    /// Number of distinct words and phrases.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ids.len() + self.phrases.len()
    }
}

/// One `term<TAB>valence` line: `None` for a blank line or a comment.
fn tsv_line(line: &str) -> Result<Option<(&str, f32)>, String> {
    let line = line.trim_end();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (term, value) = line.rsplit_once('\t').ok_or("missing tab")?;
    let valence: f32 = value
        .parse()
        .map_err(|_| format!("bad valence `{value}`"))?;
    if !(-4.0..=4.0).contains(&valence) {
        return Err(format!("valence {valence} outside -4..4"));
    }
    Ok(Some((term, valence)))
}

/// Collects words and phrases before the phrase index is sorted.
#[derive(Default)]
struct Builder {
    lex: Lexicon,
    phrase_ids: HashMap<Box<[u32]>, usize>,
}

impl Builder {
    fn valence(&mut self, splitter: &Lexicon, term: &str, valence: f32) -> Result<(), String> {
        self.term(splitter, term, |e| {
            e.valence = valence;
            e.flags = (e.flags | flag::VALENCE) & !flag::GENERAL;
        })
    }

    /// A word of the general (VADER) vocabulary: its valence, unless the
    /// word already has a role here (negation, booster, function word,
    /// help-desk role: "no", "please", "help", "like") or the term is not
    /// one the tokenizer cuts cleanly. Returns whether it was taken.
    fn general(&mut self, splitter: &Lexicon, term: &str, valence: f32) -> bool {
        let words = tokenize::term_words(term, splitter);
        let usable = match &words[..] {
            [] => false,
            // emoticons with digits look like list items and times: "8)", "3:)"
            [one] if is_symbol(one) => {
                !one.contains(|c: char| c.is_ascii_digit()) || one.contains("<3")
            }
            // slang with digits only after a letter ("gr8", "h8"), not "143"
            [one] => one.starts_with(|c: char| c.is_alphabetic()),
            // "fed up", "son-of-a-bitch"; not "o.o" or "j/k" cut into letters
            more => more.iter().all(|w| w.chars().count() > 1 && !is_symbol(w)),
        };
        if !usable {
            return false;
        }
        if let [one] = &words[..]
            && let Some(id) = self.lex.ids.get(one)
        {
            let e = &self.lex.entries[id as usize];
            let roles = e.flags & !(flag::SARCASM_PRONE | flag::SARCASM_PHRASE);
            if roles != 0 || e.booster != 0.0 || e.lang != 0 {
                return false;
            }
        }
        self.words(&words, &|e: &mut Entry| {
            e.valence = valence;
            e.flags |= flag::VALENCE | flag::GENERAL;
        });
        true
    }

    /// Applies `set` to the entry of `term`, creating it if needed. Terms
    /// with "n't" are also registered without the apostrophe ("dont").
    fn term(
        &mut self,
        splitter: &Lexicon,
        term: &str,
        set: impl Fn(&mut Entry),
    ) -> Result<(), String> {
        let words = tokenize::term_words(term, splitter);
        if words.is_empty() {
            return Err(format!("`{term}` has no word the tokenizer can match"));
        }
        self.words(&words, &set);
        if words.iter().any(|w| w.ends_with("n't")) {
            let bare: Vec<String> = words.iter().map(|w| w.replace("n't", "nt")).collect();
            self.words(&bare, &set);
        }
        Ok(())
    }

    fn words(&mut self, words: &[String], set: &impl Fn(&mut Entry)) {
        if let [word] = words {
            let id = self.id(word);
            let entry = &mut self.lex.entries[id as usize];
            set(entry);
            if is_symbol(word) {
                entry.flags |= flag::SYMBOL;
                if word.is_ascii() {
                    entry.flags |= flag::EMOTICON;
                }
            }
            return;
        }
        let ids: Box<[u32]> = words.iter().map(|w| self.id(w)).collect();
        let index = match self.phrase_ids.get(&ids) {
            Some(&i) => i,
            None => {
                self.lex.phrases.push(Phrase {
                    ids: ids.clone(),
                    entry: Entry::default(),
                });
                let i = self.lex.phrases.len() - 1;
                self.phrase_ids.insert(ids, i);
                i
            }
        };
        set(&mut self.lex.phrases[index].entry);
    }

    fn id(&mut self, word: &str) -> u32 {
        let id = self.lex.ids.insert(word);
        if id as usize == self.lex.entries.len() {
            self.lex.entries.push(Entry::default());
        }
        id
    }

    /// Marks negating phrases, sorts phrases by first word (longest first)
    /// and points every first word at its run of phrases.
    fn finish(self) -> Lexicon {
        let mut lex = self.lex;
        for phrase in &mut lex.phrases {
            let negating = phrase
                .ids
                .iter()
                .any(|&id| lex.entries[id as usize].has(flag::NEGATOR));
            if negating {
                phrase.entry.flags |= flag::NO_NEGATE;
                // "still not", "never arrived": a complaint phrase with a
                // negation in it also negates what follows ("still not happy").
                if phrase.entry.is_sentiment() && phrase.entry.valence < 0.0 {
                    phrase.entry.flags |= flag::NEGATOR;
                }
            }
        }
        lex.phrases.sort_by(|a, b| {
            (a.ids[0], a.ids[1])
                .cmp(&(b.ids[0], b.ids[1]))
                .then(b.ids.len().cmp(&a.ids.len()))
        });
        lex.seconds = lex.phrases.iter().map(|p| p.ids[1]).collect();
        let mut i = 0;
        while i < lex.phrases.len() {
            let first = lex.phrases[i].ids[0];
            let mut j = i;
            while j < lex.phrases.len() && lex.phrases[j].ids[0] == first {
                j += 1;
            }
            let entry = &mut lex.entries[first as usize];
            entry.phrase_start = i as u32;
            entry.phrase_len = (j - i) as u32;
            i = j;
        }
        lex
    }
}

/// Whether a term is an emoji or an emoticon (`:(`, `:D`) rather than a word.
fn is_symbol(word: &str) -> bool {
    tokenize::is_symbol_term(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lexicon_builds_and_is_large() {
        let lex = Lexicon::build(&[]).unwrap();
        assert!(lex.len() > 1500, "{} entries", lex.len());
        let great = lex.entry(lex.lookup("great"));
        assert!(great.is_sentiment() && great.valence > 2.0);
        assert!(great.has(flag::SARCASM_PRONE));
    }

    #[test]
    fn shipped_word_list_is_clean() {
        let mut seen = std::collections::HashSet::new();
        for line in LEXICON_TSV
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (term, value) = line.rsplit_once('\t').unwrap();
            let valence: f32 = value.parse().unwrap();
            assert!((-4.0..=4.0).contains(&valence), "{line}");
            assert_eq!(term, term.to_lowercase(), "terms are lower case: {line}");
            assert!(seen.insert(term), "duplicate term {term}");
        }
    }

    #[test]
    fn vader_lexicon_is_loaded_under_the_own_list() {
        let lex = Lexicon::build(&[]).unwrap();
        let mut lines = 0;
        let mut taken = 0;
        for line in VADER_TSV.lines() {
            let Some((term, valence)) = tsv_line(line).unwrap() else {
                continue;
            };
            lines += 1;
            if valence.abs() < GENERAL_MIN || term.contains(' ') {
                continue;
            }
            let id = lex.lookup(term);
            taken += usize::from(id != NONE && lex.entry(id).has(flag::GENERAL));
        }
        assert!(lines > 7000, "{lines} VADER terms");
        assert!(taken > 5000, "{taken} taken as general words");
        // a VADER-only word: half its valence, marked general
        let sux = lex.entry(lex.lookup("sux"));
        assert!(sux.has(flag::GENERAL) && sux.valence == -1.5 * GENERAL_SCALE);
        // the own list overrides VADER ("meh": VADER -0.3, own -0.8)
        let meh = lex.entry(lex.lookup("meh"));
        assert!(!meh.has(flag::GENERAL) && meh.valence < -0.5);
        // words with a role here keep it and get no valence ("no", "please")
        for word in ["no", "please", "help", "like", "yes", "so"] {
            assert!(!lex.entry(lex.lookup(word)).is_sentiment(), "{word}");
        }
        // emoticons with digits are left out ("8)" closes list items)
        assert_eq!(lex.lookup("8)"), NONE);
    }

    #[test]
    fn vader_data_ships_with_its_licence_and_attribution() {
        let licence = include_str!("../data/LICENSE-VADER");
        assert!(licence.contains("MIT License") && licence.contains("C.J. Hutto"));
        let header: String = VADER_TSV.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(header.contains("Hutto") && header.contains("LICENSE-VADER"), "{header}");
    }

    #[test]
    fn every_language_builds_with_its_roles_and_the_shared_emoji() {
        let shared = Shared::load();
        for language in Language::ALL {
            let lex = Lexicon::build_language(language, &shared, &[("meh meh", -1.0)]).unwrap();
            let angry = lex.entry(lex.lookup("😡"));
            assert!(angry.is_sentiment() && angry.valence < 0.0, "{language:?}");
            assert!(lex.entry(lex.lookup(":(")).has(flag::EMOTICON), "{language:?}");
            if language != Language::En {
                // English function words are counted in every language
                assert!(lex.entry(lex.lookup("the")).has(flag::EN_STOP), "{language:?}");
            }
        }
        let de = Lexicon::build_language(Language::De, &shared, &[]).unwrap();
        assert!(de.entry(de.lookup("nicht")).has(flag::POST_NEG | flag::NEGATOR));
        assert!(de.entry(de.lookup("aber")).has(flag::BUT));
        assert!(de.entry(de.lookup("sehr")).booster > 0.0);
        assert_eq!(de.lookup_inflected("schlechten"), de.lookup("schlecht"));
        let pt = Lexicon::build_language(Language::Pt, &shared, &[]).unwrap();
        assert!(pt.entry(pt.lookup("mas")).has(flag::BUT));
        let general = (0..pt.entries.len()).filter(|&i| pt.entries[i].has(flag::GENERAL)).count();
        assert!(general > 3500, "{general} LeIA terms taken");
        let es = Lexicon::build_language(Language::Es, &shared, &[]).unwrap();
        // "mas" is "but" in Portuguese only
        assert!(!es.entry(es.lookup("mas")).has(flag::BUT));
        let fr = Lexicon::build_language(Language::Fr, &shared, &[]).unwrap();
        assert_eq!(fr.lookup_inflected("l'appli"), fr.lookup("appli"));
    }

    #[test]
    fn third_party_lexicons_ship_with_their_licence_and_attribution() {
        let leia = include_str!("../data/LICENSE-LEIA");
        assert!(leia.contains("MIT License") && leia.contains("C.J. Hutto"));
        let header: String = include_str!("../data/leia_lexicon_pt.tsv")
            .lines()
            .take_while(|l| l.starts_with('#'))
            .collect();
        assert!(header.contains("LeIA") && header.contains("LICENSE-LEIA"), "{header}");
        let pattern = include_str!("../data/LICENSE-PATTERN-FR");
        assert!(pattern.contains("PDDL") && pattern.contains("Tom De Smedt"));
        let header: String = include_str!("../data/pattern_lexicon_fr.tsv")
            .lines()
            .take_while(|l| l.starts_with('#'))
            .collect();
        assert!(header.contains("Pattern") && header.contains("LICENSE-PATTERN-FR"), "{header}");
    }

    #[test]
    fn extra_terms_override_and_bad_ones_are_reported() {
        let lex = Lexicon::build(&[("refund", -1.0), ("money pit", -2.5)]).unwrap();
        assert_eq!(lex.entry(lex.lookup("refund")).valence, -1.0);
        let money = lex.entry(lex.lookup("money"));
        assert!(
            lex.phrases_of(money)
                .iter()
                .any(|p| p.entry.valence == -2.5)
        );
        match Lexicon::build(&[("@shop", 1.0)]) {
            Err(BuildError::Extra(msg)) => assert!(msg.contains("@shop"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn contractions_get_a_bare_variant() {
        let lex = Lexicon::build(&[]).unwrap();
        assert!(lex.entry(lex.lookup("doesn't")).has(flag::NEGATOR));
        assert!(lex.entry(lex.lookup("doesnt")).has(flag::NEGATOR));
    }

    #[test]
    fn phrases_are_indexed_longest_first() {
        let lex = Lexicon::build(&[]).unwrap();
        let still = lex.entry(lex.lookup("still"));
        let phrases = lex.phrases_of(still);
        assert!(phrases.len() > 5);
        assert!(phrases.windows(2).all(|w| w[0].ids[1] <= w[1].ids[1]));
        let no = lex.phrases_with(still, lex.lookup("no"));
        assert!(
            no.len() >= 3,
            "still no, still no refund, still no reply ..."
        );
        assert!(no.iter().all(|p| p.ids[1] == lex.lookup("no")));
        assert!(no.windows(2).all(|w| w[0].ids.len() >= w[1].ids.len()));
    }

    #[test]
    fn emoticons_and_emoji_are_symbols() {
        let lex = Lexicon::build(&[]).unwrap();
        assert!(lex.entry(lex.lookup(":(")).has(flag::EMOTICON));
        assert!(lex.entry(lex.lookup("😡")).has(flag::SYMBOL));
        assert!(!lex.entry(lex.lookup("😡")).has(flag::EMOTICON));
    }
}
