//! The phrase lexicons: parsed from the built-in tables (and the operator's
//! extra phrases), compiled into one Aho-Corasick automaton over normalised
//! text.
//!
//! Table syntax, one entry a line (`#` starts a comment):
//!
//! ```text
//! stop: the and is        # stop words, to tell the language
//! neg: not never          # negation words (see `!` below)
//! billing 3 charged twice # intent, weight, phrase
//! billing 2 refund*       # `*` at the end: any word starting so
//! billing 2 *rechnung     # `*` at the start: any word ending so
//! cancellation 3 !cancel* .. subscription*   # `A .. B`: B within 4 words after A
//! fraud 3 identity theft  # a risk instead of an intent (see `crate::risk`)
//! refund 3 refund*        # billing, unless the goods are sent back (then returns)
//! ```
//!
//! `concepts.txt` holds phrases that mean the same in every language, one
//! concept a line with one column per language, so that no language lacks
//! what the others have:
//!
//! ```text
//! languages: en de es fr it pt
//! sales 3 | do you sell | verkaufen sie | vendéis; venden | vous vendez | vendete | vocês vendem
//! ```
//!
//! A cancellation phrase after a threat word (`threat:` lines: "or",
//! "otherwise", "sonst", "sinon", ...) counts less for the intent: "fix the
//! invoice or I switch provider" is about the invoice (churn risk still sees
//! it).
//!
//! A phrase starting with `!` does not count when a negation word stands in
//! the three words before it ("I don't want to cancel"), unless one of those
//! words says the customer *cannot* do it ("I can not cancel").
//! Phrases with `ä`, `ö`, `ü` also match their `ae`, `oe`, `ue` spellings,
//! and phrases with an apostrophe also match without it (`doesnt`).

use crate::intent::{Intent, LANGUAGES, language_index};
use crate::risk::Risk;
use crate::normalize::normalize;
use std::collections::{HashMap, HashSet};

/// Language index of phrases that hold in every language.
pub const ANY_LANGUAGE: u8 = u8::MAX;

/// Words between the two parts of an `A .. B` phrase, at most.
pub const MAX_GAP: usize = 4;

/// The built-in tables: language code and text.
const BUILT_IN: [(&str, &str); 7] = [
    ("*", include_str!("lexicon/common.txt")),
    ("en", include_str!("lexicon/en.txt")),
    ("de", include_str!("lexicon/de.txt")),
    ("es", include_str!("lexicon/es.txt")),
    ("fr", include_str!("lexicon/fr.txt")),
    ("pt", include_str!("lexicon/pt.txt")),
    ("it", include_str!("lexicon/it.txt")),
];

/// Phrases that mean the same in every language, one column per language.
const CONCEPTS: &str = include_str!("lexicon/concepts.txt");

/// Words that, just before the words, make a negation harmless: the
/// customer says they cannot do something, not that they do not want to.
const ABILITY: &[&str] = &[
    "can", "cannot", "could", "able", "unable", "kann", "kan", "konnen", "konnte", "lasst", "laesst",
    "moglich", "puedo", "puede", "podemos", "pude", "consigo", "consegui", "posso", "pode", "peux",
    "peut", "pouvons", "arrive", "reussi", "parvient", "deja", "deixa", "let", "lets", "riesco", "riusciamo",
    "riuscito", "puo", "possiamo", "potuto",
];

/// One weighted phrase.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The intent it speaks for (`Other` for a risk phrase).
    pub intent: Intent,
    /// The risk it shows, for a risk phrase (then it counts for no intent).
    pub risk: Option<Risk>,
    /// A refund phrase: billing, or returns when the message is about
    /// sending the goods back.
    pub refund: bool,
    /// How much (negative weights speak against).
    pub weight: f64,
    /// Index into [`LANGUAGES`], or [`ANY_LANGUAGE`].
    pub language: u8,
    /// Ignored after a negation word.
    pub negatable: bool,
    /// The phrase as written in the table, without markers.
    pub text: String,
    /// No `*` and no ` .. `: the phrase is shown as the cue. Otherwise the
    /// words the message matched are ("cancel my subscription").
    pub exact: bool,
}

/// What a pattern of the automaton stands for (one pattern can stand for
/// several things).
#[derive(Debug, Clone, Copy)]
pub enum Role {
    /// A whole phrase: index into `entries`.
    Phrase(u32),
    /// The first part of an `A .. B` phrase.
    Head(u32),
    /// The second part of an `A .. B` phrase.
    Tail(u32),
    /// A stop word of the languages in the bit set.
    Stop(u8),
}

/// The compiled lexicons.
#[derive(Debug)]
pub struct Lexicon {
    /// The patterns, compiled and matched by the host (contract 0.3.0).
    pub(crate) automaton: cxr_guest::text::Lexicon,
    pub(crate) roles: Vec<Vec<Role>>,
    pub(crate) entries: Vec<Entry>,
    negations: Vec<String>,
    threats: Vec<String>,
    ability: Vec<String>,
}

/// An operator's phrase, added to the built-in ones.
#[derive(Debug, Clone)]
pub struct ExtraPhrase<'a> {
    /// `en`, `de`, `es`, `fr`, `pt`, `it` or `*`.
    pub language: &'a str,
    /// Intent name, or risk name (`fraud`, `account-takeover`, `legal-threat`).
    pub intent: &'a str,
    /// Phrase in the table syntax.
    pub phrase: &'a str,
    /// Weight.
    pub weight: f64,
}

struct Builder {
    /// Which intent phrases to keep (all but the history lexicon keep all),
    /// whether risk phrases and stop words are wanted.
    keep: fn(Intent, f64) -> bool,
    risks: bool,
    stop_words: bool,
    patterns: Vec<String>,
    index: HashMap<String, usize>,
    roles: Vec<Vec<Role>>,
    entries: Vec<Entry>,
    negations: Vec<String>,
    threats: Vec<String>,
    /// Phrases already added: (language, intent, risk, refund, phrase).
    seen: HashSet<(u8, Intent, Option<Risk>, bool, String)>,
}

impl Builder {
    fn pattern(&mut self, text: String, role: Role) {
        let id = *self.index.entry(text.clone()).or_insert_with(|| {
            self.patterns.push(text);
            self.roles.push(Vec::new());
            self.patterns.len() - 1
        });
        self.roles[id].push(role);
    }

    fn stop_words(&mut self, language: u8, words: &str) -> Result<(), String> {
        if language == ANY_LANGUAGE {
            return Err("stop words need a language".into());
        }
        if !self.stop_words {
            return Ok(());
        }
        for w in words.split_whitespace() {
            self.pattern(normalize(w), Role::Stop(1 << language));
        }
        Ok(())
    }

    fn words(list: &mut Vec<String>, words: &str) {
        for w in words.split_whitespace() {
            let n = normalize(w).trim().to_string();
            if !n.is_empty() && !list.contains(&n) {
                list.push(n);
            }
        }
    }

    /// Adds one phrase; the error says what is wrong with it.
    fn phrase(&mut self, language: u8, target: Target, weight: f64, phrase: &str) -> Result<(), String> {
        let (intent, risk, refund) = match target {
            Target::Intent(intent) => (intent, None, false),
            Target::Refund => (Intent::Billing, None, true),
            Target::Risk(risk) => (Intent::Other, Some(risk), false),
        };
        if !weight.is_finite() || weight.abs() > 100.0 {
            return Err(format!("weight {weight} is not a number between -100 and 100"));
        }
        let (negatable, body) = match phrase.trim().strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, phrase.trim()),
        };
        if body.is_empty() {
            return Err("empty phrase".into());
        }
        if (risk.is_some() && !self.risks) || (risk.is_none() && !(self.keep)(intent, weight)) {
            return Ok(());
        }
        // The same phrase for the same target in the same language counts
        // once, wherever it is written (a language file and the concepts).
        let key = (language, intent, risk, refund, normalize(body));
        if !self.seen.insert(key) {
            return Ok(());
        }
        let text = body.replace('*', "").replace(" .. ", " ");
        let exact = !body.contains('*') && !body.contains(" .. ");
        let entry = self.entries.len() as u32;
        self.entries.push(Entry { intent, risk, refund, weight, language, negatable, text, exact });
        for variant in spellings(body) {
            let parts: Vec<&str> = variant.split(" .. ").collect();
            match parts.as_slice() {
                [one] => self.pattern(part_pattern(one)?, Role::Phrase(entry)),
                [head, tail] => {
                    self.pattern(part_pattern(head)?, Role::Head(entry));
                    self.pattern(part_pattern(tail)?, Role::Tail(entry));
                }
                _ => return Err(format!("'{body}' has more than one ' .. '")),
            }
        }
        Ok(())
    }

    fn table(&mut self, language: u8, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let result = if let Some(words) = line.strip_prefix("stop:") {
                self.stop_words(language, words)
            } else if let Some(words) = line.strip_prefix("neg:") {
                Self::words(&mut self.negations, words);
                Ok(())
            } else if let Some(words) = line.strip_prefix("threat:") {
                Self::words(&mut self.threats, words);
                Ok(())
            } else {
                let mut fields = line.splitn(3, char::is_whitespace);
                let (intent, weight, phrase) = (
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default(),
                );
                let intent = parse_target(intent);
                let weight = weight
                    .parse::<f64>()
                    .map_err(|_| format!("weight '{weight}' is not a number"));
                intent.and_then(|i| weight.and_then(|w| self.phrase(language, i, w, phrase)))
            };
            result.map_err(|e| format!("line {}: {e}", n + 1))?;
        }
        Ok(())
    }
}

impl Builder {
    /// The concepts table: `languages:` names the columns, then each line
    /// is `target weight | phrases | phrases | ...`, one column per language
    /// (phrases separated by `;`). Every column must hold a phrase.
    fn concepts(&mut self, text: &str) -> Result<(), String> {
        let mut languages: Vec<u8> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}", n + 1);
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            if let Some(codes) = line.strip_prefix("languages:") {
                languages = codes
                    .split_whitespace()
                    .map(|c| language_index(c).ok_or_else(|| at(format!("'{c}' is not a language with a lexicon"))))
                    .collect::<Result<_, _>>()?;
                continue;
            }
            let mut columns = line.split('|');
            let head = columns.next().unwrap_or_default();
            let columns: Vec<&str> = columns.collect();
            if columns.len() != languages.len() || languages.is_empty() {
                return Err(at(format!("{} columns, the languages line names {}", columns.len(), languages.len())));
            }
            let mut fields = head.split_whitespace();
            let target = parse_target(fields.next().unwrap_or_default()).map_err(at)?;
            let weight = fields.next().unwrap_or_default();
            let weight: f64 = weight.parse().map_err(|_| at(format!("weight '{weight}' is not a number")))?;
            for (&language, column) in languages.iter().zip(columns) {
                let phrases: Vec<&str> = column.split(';').map(str::trim).filter(|p| !p.is_empty()).collect();
                if phrases.is_empty() {
                    return Err(at(format!("no phrase for {}", LANGUAGES[language as usize])));
                }
                for phrase in phrases {
                    self.phrase(language, target, weight, phrase).map_err(at)?;
                }
            }
        }
        Ok(())
    }
}

/// The words before byte `start` of a normalised text, nearest first, up to
/// the start of the clause.
fn words_before(text: &str, start: usize) -> impl Iterator<Item = &str> {
    text[..start]
        .split(' ')
        .rev()
        .filter(|w| !w.is_empty())
        .take_while(|w| *w != crate::normalize::CLAUSE)
}

/// What a table phrase speaks for.
#[derive(Debug, Clone, Copy)]
enum Target {
    Intent(Intent),
    /// Billing, or returns when the goods are sent back.
    Refund,
    Risk(Risk),
}

fn parse_target(name: &str) -> Result<Target, String> {
    if let Some(intent) = Intent::parse(name) {
        return Ok(Target::Intent(intent));
    }
    if name == "refund" {
        return Ok(Target::Refund);
    }
    Risk::parse(name).map(Target::Risk).ok_or_else(|| {
        let intents: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
        let risks: Vec<&str> = Risk::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "'{name}' is not an intent (one of {}), `refund` or a risk ({})",
            intents.join(", "),
            risks.join(", ")
        )
    })
}

/// The language index of `code` (`*` is every language).
fn parse_language(code: &str) -> Result<u8, String> {
    if code == "*" {
        return Ok(ANY_LANGUAGE);
    }
    language_index(code).ok_or_else(|| {
        format!("'{code}' is not a language with a lexicon (one of {}, or *)", LANGUAGES.join(", "))
    })
}

/// The spellings a table phrase is matched in: as written, with umlauts
/// written out, and without apostrophes.
fn spellings(phrase: &str) -> Vec<String> {
    let mut out = vec![phrase.to_string()];
    if phrase.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü']) {
        out.push(
            phrase
                .replace(['ä', 'Ä'], "ae")
                .replace(['ö', 'Ö'], "oe")
                .replace(['ü', 'Ü'], "ue"),
        );
    }
    if phrase.contains(['\'', '’']) {
        let without: Vec<String> = out.iter().map(|p| p.replace(['\'', '’'], "")).collect();
        out.extend(without);
    }
    out
}

/// The automaton pattern of one phrase part: normalised with its word
/// boundaries (the spaces) kept where no `*` stands.
fn part_pattern(part: &str) -> Result<String, String> {
    let part = part.trim();
    let prefix = part.ends_with('*');
    let suffix = part.starts_with('*');
    let core = part.trim_matches('*');
    if core.contains('*') {
        return Err(format!("'{part}': '*' only at the start or end of a word"));
    }
    let mut p = normalize(core);
    if p.trim().is_empty() {
        return Err(format!("'{part}' has no letters or digits"));
    }
    if prefix {
        p.pop();
    }
    if suffix {
        p.remove(0);
    }
    Ok(p)
}

impl Lexicon {
    /// The built-in tables plus `extra`; errors name the table line or the
    /// extra phrase.
    pub fn build(extra: &[ExtraPhrase<'_>]) -> Result<Lexicon, String> {
        Self::build_with(extra, |_, _| true, true)
    }

    /// Only the strong cancellation phrases (weight at least `2`), without
    /// risks and stop words: a small automaton to search a customer's
    /// earlier messages.
    pub fn build_history(extra: &[ExtraPhrase<'_>]) -> Result<Lexicon, String> {
        Self::build_with(extra, |intent, weight| intent == Intent::Cancellation && weight >= 2.0, false)
    }

    fn build_with(
        extra: &[ExtraPhrase<'_>],
        keep: fn(Intent, f64) -> bool,
        full: bool,
    ) -> Result<Lexicon, String> {
        let mut b = Builder {
            keep,
            risks: full,
            stop_words: full,
            patterns: Vec::new(),
            index: HashMap::new(),
            roles: Vec::new(),
            entries: Vec::new(),
            negations: Vec::new(),
            threats: Vec::new(),
            seen: HashSet::new(),
        };
        for (code, text) in BUILT_IN {
            let language = parse_language(code).map_err(|e| format!("built-in lexicon {code}: {e}"))?;
            b.table(language, text)
                .map_err(|e| format!("built-in lexicon {code}.txt {e}"))?;
        }
        b.concepts(CONCEPTS).map_err(|e| format!("built-in lexicon concepts.txt {e}"))?;
        for (i, p) in extra.iter().enumerate() {
            let at = |field: &str, e: String| format!("phrases[{i}].{field}: {e}");
            let language = parse_language(p.language).map_err(|e| at("language", e))?;
            let intent = parse_target(p.intent).map_err(|e| at("intent", e))?;
            b.phrase(language, intent, p.weight, p.phrase)
                .map_err(|e| at("phrase", e))?;
        }
        let automaton = cxr_guest::text::Lexicon::register(&b.patterns).map_err(|e| format!("compiling the lexicons: {e}"))?;
        Ok(Lexicon {
            automaton,
            roles: b.roles,
            entries: b.entries,
            negations: b.negations,
            threats: b.threats,
            ability: ABILITY.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// The cue shown for `hit` in the normalised `text`: the phrase as
    /// written in the table, or the whole words matched for a phrase with
    /// `*` or ` .. ` ("kundigen", "cancel my subscription").
    pub fn cue<'t>(&'t self, text: &'t str, hit: &crate::scan::Hit) -> &'t str {
        let entry = &self.entries[hit.entry as usize];
        if entry.exact {
            return &entry.text;
        }
        let start = text[..hit.start].rfind(' ').map_or(0, |i| i + 1);
        let end = text[hit.end..].find(' ').map_or(text.len(), |i| hit.end + i);
        &text[start..end]
    }

    /// Patterns of the automaton.
    pub fn patterns(&self) -> usize {
        self.roles.len()
    }

    /// Whether the words just before byte `start` of the normalised `text`
    /// negate what follows.
    pub fn negated_before(&self, text: &str, start: usize) -> bool {
        let mut negated = false;
        for word in words_before(text, start).take(3) {
            if self.ability.iter().any(|a| a == word) {
                return false;
            }
            negated |= self.negations.iter().any(|n| n == word);
        }
        negated
    }

    /// Whether one of the four words before byte `start` is a threat word.
    pub fn threat_before(&self, text: &str, start: usize) -> bool {
        words_before(text, start).take(4).any(|w| self.threats.iter().any(|t| t == w))
    }

    /// Whether a negatable phrase found at `hit` is negated: by the words
    /// before it, or, for an `A .. B` phrase, by a negation between its parts
    /// ("Vertrag nicht kündigen") unless the words before it say "cannot".
    pub fn negated(&self, text: &str, hit: &crate::scan::Hit) -> bool {
        if self.negated_before(text, hit.start) {
            return true;
        }
        hit.inner != hit.start
            && text[hit.start..hit.inner].split(' ').any(|w| self.negations.iter().any(|n| n == w))
            && !words_before(text, hit.start).take(3).any(|w| self.ability.iter().any(|a| a == w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_tables_compile() {
        let lex = Lexicon::build(&[]).unwrap();
        assert!(lex.entries.len() > 500, "{} phrases", lex.entries.len());
        for (i, _) in LANGUAGES.iter().enumerate() {
            for intent in Intent::ALL.into_iter().filter(|i| *i != Intent::Other) {
                assert!(
                    lex.entries.iter().any(|e| e.language == i as u8 && e.intent == intent),
                    "no {intent} phrase for {}",
                    LANGUAGES[i]
                );
            }
            for risk in Risk::ALL {
                assert!(
                    lex.entries.iter().any(|e| e.language == i as u8 && e.risk == Some(risk)),
                    "no {risk} phrase for {}",
                    LANGUAGES[i]
                );
            }
        }
    }

    #[test]
    fn concepts_need_a_phrase_in_every_language() {
        let mut b = Builder {
            keep: |_, _| true,
            risks: true,
            stop_words: false,
            patterns: Vec::new(),
            index: HashMap::new(),
            roles: Vec::new(),
            entries: Vec::new(),
            negations: Vec::new(),
            threats: Vec::new(),
            seen: HashSet::new(),
        };
        assert!(b.concepts("languages: en de\nsales 3 | do you sell | verkaufen sie; zu kaufen\n").is_ok());
        assert_eq!(b.entries.len(), 3);
        let e = b.concepts("languages: en de\nsales 3 | do you sell |  \n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("no phrase for de"), "{e}");
        let e = b.concepts("languages: en de\nsales 3 | do you sell\n").unwrap_err();
        assert!(e.contains("1 columns"), "{e}");
        let e = b.concepts("languages: en xx\n").unwrap_err();
        assert!(e.contains("'xx'"), "{e}");
    }

    #[test]
    fn patterns_keep_word_boundaries() {
        assert_eq!(part_pattern("refund*").unwrap(), " refund");
        assert_eq!(part_pattern("*rechnung").unwrap(), "rechnung ");
        assert_eq!(part_pattern("Charged Twice").unwrap(), " charged twice ");
        assert!(part_pattern("re*fund").is_err());
        assert!(part_pattern("*").is_err());
    }

    #[test]
    fn spellings_cover_umlauts_and_apostrophes() {
        assert_eq!(spellings("Rückerstattung"), ["Rückerstattung", "Rueckerstattung"]);
        assert_eq!(spellings("doesn't work"), ["doesn't work", "doesnt work"]);
    }

    #[test]
    fn bad_extra_phrases_are_named() {
        let bad = |language: &str, intent: &str, phrase: &str, weight: f64| {
            Lexicon::build(&[ExtraPhrase { language, intent, phrase, weight }]).unwrap_err()
        };
        assert!(bad("en", "refunds", "x", 1.0).starts_with("phrases[0].intent:"));
        assert!(Lexicon::build(&[ExtraPhrase { language: "de", intent: "fraud", phrase: "abzocke", weight: 3.0 }]).is_ok());
        assert!(bad("nl", "billing", "x", 1.0).starts_with("phrases[0].language:"));
        assert!(bad("en", "billing", "  ", 1.0).starts_with("phrases[0].phrase:"));
        assert!(bad("en", "billing", "a .. b .. c", 1.0).starts_with("phrases[0].phrase:"));
        assert!(bad("en", "billing", "x", f64::NAN).starts_with("phrases[0].phrase:"));
    }

    #[test]
    fn negation_unless_inability() {
        let lex = Lexicon::build(&[]).unwrap();
        let t = normalize("i do not want to cancel");
        assert!(lex.negated_before(&t, t.find("cancel").unwrap()));
        let t = normalize("i can not cancel my plan");
        assert!(!lex.negated_before(&t, t.find("cancel").unwrap()));
        let t = normalize("no quiero cancelar");
        assert!(lex.negated_before(&t, t.find("cancelar").unwrap()));
        let t = normalize("please cancel");
        assert!(!lex.negated_before(&t, t.find("cancel").unwrap()));
        let t = normalize("I don't want this any more. Cancel it");
        assert!(!lex.negated_before(&t, t.find("cancel").unwrap()));
    }
}
