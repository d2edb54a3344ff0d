//! A single-pass, allocation-light tokenizer. Text is lower-cased once into
//! a shared buffer; every word is looked up in the lexicon as it is cut, and
//! the counts the language check and the emphasis rules need are kept on
//! the way.
//!
//! Tokens: words (letters, digits, inner apostrophes: "doesn't"), numbers
//! ("59.90", "5/5"), symbols (emoji, whole-chunk ASCII emoticons such as
//! ":-(" or ":D"), clause separators (`, ; : ( ) -`), sentence ends (`.`),
//! runs of `!`/`?` and line breaks. URLs, e-mail addresses and @handles are
//! skipped.

use crate::lexicon::{Lexicon, NONE, flag};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (and inner apostrophes).
    Word,
    /// Anything with a digit: "12", "59.90", "5/5", "3pm".
    Number,
    /// An emoji or an emoticon.
    Symbol,
    /// A clause separator: `,` `;` `:` brackets, a free-standing dash.
    Sep,
    /// A sentence end: `.` or an ellipsis.
    End,
    /// A run of `!` and `?` (counts in `excl` / `quest`).
    Mark,
    /// A line break, or the boundary between subject and body.
    Break,
}

/// Token flag bits.
pub(crate) mod tf {
    /// An all-caps word of at least two letters.
    pub const CAPS: u8 = 1;
    /// An elongated word ("sooo", "baaad").
    pub const ELONG: u8 = 2;
    /// An unknown word ending in "n't": a negation.
    pub const NEG: u8 = 4;
    /// The token comes from the subject line.
    pub const SUBJECT: u8 = 8;
    /// The separator is a comma.
    pub const COMMA: u8 = 16;
    /// The separator is a colon.
    pub const COLON: u8 = 32;
    /// A #hashtag word: scored, but not counted for language or coverage.
    pub const HASHTAG: u8 = 64;
}

/// One token: a span of [`Doc::lower`] plus its lexicon id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    /// Lexicon id, or [`NONE`].
    pub id: u32,
    pub kind: Kind,
    /// [`tf`] bits.
    pub flags: u8,
    /// `!` in a [`Kind::Mark`] run.
    pub excl: u8,
    /// `?` in a [`Kind::Mark`] run.
    pub quest: u8,
}

/// Counts kept while tokenizing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Word tokens (letters, no digits).
    pub words: u32,
    /// Words with at least two letters.
    pub cased: u32,
    /// Of those, all upper case.
    pub caps: u32,
    /// Words found in the lexicon.
    pub known: u32,
    /// English function words.
    pub english: u32,
    /// Function words of a covered foreign language (and not English).
    pub foreign: u32,
    /// Words written in a non-Latin script.
    pub non_latin: u32,
    /// Words with accented Latin letters ("é", "ñ", "ü").
    pub accented: u32,
    /// Function words of each covered foreign language (bit order of
    /// [`crate::lang::FOREIGN`]: de, fr, es, pt, it).
    pub function: [u16; 5],
    /// Letters only one covered foreign language uses ("ß", "ñ", "ã", "œ", "ò"), same order.
    pub letters: [u16; 5],
    /// Known emoji and emoticons.
    pub symbols: u32,
    /// `!` characters.
    pub excl: u32,
    /// `?` characters.
    pub quest: u32,
}

/// A tokenized text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Doc {
    /// The lower-cased text of every token, back to back.
    pub lower: String,
    pub tokens: Vec<Token>,
    pub stats: Stats,
}

/// A word being cut.
struct WordAcc {
    start: usize,
    upper: u32,
    lower: u32,
    digit: bool,
    non_latin: bool,
    accented: bool,
    /// A #hashtag: scored, but not counted for language or coverage.
    hashtag: bool,
}

impl Doc {
    /// An empty document with room for about `len` bytes of text.
    pub(crate) fn with_capacity(len: usize) -> Doc {
        Doc {
            lower: String::with_capacity(len + 8),
            tokens: Vec::with_capacity(len / 4 + 4),
            stats: Stats::default(),
        }
    }

    /// Empties the document, keeping its buffers.
    pub(crate) fn clear(&mut self) {
        self.lower.clear();
        self.tokens.clear();
        self.stats = Stats::default();
    }

    /// The lower-cased text of a token.
    pub(crate) fn text(&self, token: &Token) -> &str {
        &self.lower[token.start..token.end]
    }

    /// Tokenizes `text` and appends it, followed by a break.
    pub(crate) fn push_text(&mut self, text: &str, lex: &Lexicon, subject: bool) {
        let bytes = text.as_bytes();
        let space_at = |i: usize| space_at(text, i);
        let mut i = 0;
        while i < bytes.len() {
            let (space, len) = space_at(i);
            if space {
                if bytes[i] == b'\n' {
                    self.push_break();
                }
                i += len;
                continue;
            }
            // a chunk: up to the next whitespace
            let start = i;
            i += len;
            while i < bytes.len() {
                // printable ASCII is never whitespace
                if (0x21..0x7f).contains(&bytes[i]) {
                    i += 1;
                    continue;
                }
                let (space, len) = space_at(i);
                if space {
                    break;
                }
                i += len;
            }
            self.chunk(&text[start..i], lex, subject);
        }
        self.push_break();
    }

    fn push_break(&mut self) {
        if self.tokens.last().is_some_and(|t| t.kind != Kind::Break) {
            self.push(Kind::Break, self.lower.len(), NONE, 0);
        }
    }

    fn push(&mut self, kind: Kind, start: usize, id: u32, flags: u8) {
        self.tokens.push(Token {
            start,
            end: self.lower.len(),
            id,
            kind,
            flags,
            excl: 0,
            quest: 0,
        });
    }

    /// One whitespace-separated chunk.
    fn chunk(&mut self, chunk: &str, lex: &Lexicon, subject: bool) {
        let sub = if subject { tf::SUBJECT } else { 0 };
        // the common case, fast: an ASCII word ("don't" too), then at most
        // `.,!?` ("delayed.", "again!!"); the same tokens as the general path
        let word = ascii_word(chunk.as_bytes());
        let rest = &chunk.as_bytes()[word.len..];
        if word.len > 0 && rest.iter().all(|b| matches!(b, b'.' | b',' | b'!' | b'?')) {
            self.ascii_word(&chunk[..word.len], &word, lex, sub);
            match rest {
                [] => {}
                // what `scan` does with one character
                &[c] => self.punct(char::from(c), ' ', None, lex, sub),
                _ => self.scan(&chunk[word.len..], lex, sub),
            }
            return;
        }
        self.chunk_general(chunk, lex, sub);
    }

    /// An ASCII word (letters, digits and inner apostrophes) and its
    /// letter counts.
    fn ascii_word(&mut self, word: &str, counts: &AsciiWord, lex: &Lexicon, sub: u8) {
        let start = self.lower.len();
        self.lower.push_str(word);
        self.lower[start..].make_ascii_lowercase();
        let w = WordAcc {
            start,
            upper: counts.upper,
            lower: counts.lower,
            digit: counts.digit,
            non_latin: false,
            accented: false,
            hashtag: false,
        };
        self.flush(w, lex, sub);
    }

    /// A chunk with anything else: emoticons, links, hashtags, numbers,
    /// non-ASCII letters, emoji, punctuation.
    fn chunk_general(&mut self, chunk: &str, lex: &Lexicon, sub: u8) {
        if chunk.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.scan(chunk, lex, sub);
            return;
        }
        if let Some(id) = emoticon(chunk, lex) {
            self.push_symbol(chunk, id, sub);
            return;
        }
        let core = chunk.trim_end_matches(['.', ',', '!', '?', ';']);
        if core.len() < chunk.len()
            && !core.is_empty()
            && let Some(id) = emoticon(core, lex)
        {
            self.push_symbol(core, id, sub);
            self.scan(&chunk[core.len()..], lex, sub);
            return;
        }
        if is_link(core) {
            self.scan(&chunk[core.len()..], lex, sub);
            return;
        }
        // an emoticon glued to a word: "thanks:)"
        for k in [3, 2] {
            if chunk.len() > k && chunk.is_char_boundary(chunk.len() - k) {
                let (head, tail) = chunk.split_at(chunk.len() - k);
                // the byte test first: `is_alphabetic` of a non-ASCII
                // letter searches Unicode's tables
                if tail.as_bytes()[0].is_ascii_punctuation()
                    && head.ends_with(char::is_alphabetic)
                    && let Some(id) = emoticon(tail, lex)
                {
                    self.scan(head, lex, sub);
                    self.push_symbol(tail, id, sub);
                    return;
                }
            }
        }
        self.scan(chunk, lex, sub);
    }

    fn push_symbol(&mut self, text: &str, id: u32, flags: u8) {
        let start = self.lower.len();
        for c in text.chars() {
            self.lower.push(c.to_ascii_lowercase());
        }
        self.stats.symbols += 1;
        self.push(Kind::Symbol, start, id, flags);
    }

    /// Cuts a chunk into words, numbers, symbols and punctuation.
    fn scan(&mut self, s: &str, lex: &Lexicon, sub: u8) {
        let mut word: Option<WordAcc> = None;
        let mut prev = ' ';
        let mut i = 0;
        while let Some(c) = char_at(s, i) {
            i += c.len_utf8();
            let alphanumeric = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                latin1_letter_lower(c).is_some() || c.is_alphanumeric()
            };
            if alphanumeric {
                let w = word.get_or_insert(WordAcc {
                    hashtag: prev == '#',
                    start: self.lower.len(),
                    upper: 0,
                    lower: 0,
                    digit: false,
                    non_latin: false,
                    accented: false,
                });
                if c.is_ascii() {
                    if c.is_ascii_digit() {
                        w.digit = true;
                    } else if c.is_ascii_uppercase() {
                        w.upper += 1;
                    } else {
                        w.lower += 1;
                    }
                    self.lower.push(c.to_ascii_lowercase());
                } else if let Some(lower) = latin1_letter_lower(c) {
                    // what the branch below does, without Unicode's tables
                    if lower == c {
                        w.lower += 1;
                    } else {
                        w.upper += 1;
                    }
                    w.accented = true;
                    if let Some(b) = crate::lang::letter_hint(c) {
                        self.stats.letters[b] = self.stats.letters[b].saturating_add(1);
                    }
                    self.lower.push(lower);
                } else {
                    if c.is_numeric() {
                        w.digit = true;
                    } else if c.is_uppercase() {
                        w.upper += 1;
                    } else {
                        w.lower += 1;
                    }
                    let latin = u32::from(c) <= 0x24F;
                    w.non_latin |= c.is_alphabetic() && !latin;
                    w.accented |= c.is_alphabetic() && latin;
                    if let Some(b) = crate::lang::letter_hint(c) {
                        self.stats.letters[b] = self.stats.letters[b].saturating_add(1);
                    }
                    self.lower.extend(c.to_lowercase());
                }
            } else {
                let next = char_at(s, i);
                if word.is_some() && joins_word(c, prev, next) {
                    self.lower.push(if c == '’' { '\'' } else { c });
                } else {
                    if let Some(w) = word.take() {
                        self.flush(w, lex, sub);
                    }
                    self.punct(c, prev, next, lex, sub);
                }
            }
            prev = c;
        }
        if let Some(w) = word.take() {
            self.flush(w, lex, sub);
        }
    }

    fn punct(&mut self, c: char, prev: char, next: Option<char>, lex: &Lexicon, sub: u8) {
        let at = self.lower.len();
        match c {
            '!' | '?' => {
                let excl = u8::from(c == '!');
                let quest = u8::from(c == '?');
                self.stats.excl += u32::from(excl);
                self.stats.quest += u32::from(quest);
                if matches!(prev, '!' | '?')
                    && let Some(t) = self.tokens.last_mut().filter(|t| t.kind == Kind::Mark)
                {
                    t.excl = t.excl.saturating_add(excl);
                    t.quest = t.quest.saturating_add(quest);
                    return;
                }
                self.push(Kind::Mark, at, NONE, sub);
                if let Some(t) = self.tokens.last_mut() {
                    t.excl = excl;
                    t.quest = quest;
                }
            }
            '.' | '…' | '。' => {
                let inner = c == '.' && next.is_some_and(char::is_alphanumeric);
                if !inner && prev != '.' {
                    self.push(Kind::End, at, NONE, sub);
                }
            }
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '–' | '—' | '|' => {
                let extra = match c {
                    ',' => tf::COMMA,
                    ':' => tf::COLON,
                    _ => 0,
                };
                self.push(Kind::Sep, at, NONE, sub | extra);
            }
            '-' => {
                let inner = prev.is_alphanumeric() && next.is_some_and(char::is_alphanumeric);
                if !inner {
                    self.push(Kind::Sep, at, NONE, sub);
                }
            }
            c if is_emoji(c) => {
                self.lower.push(c);
                let id = lex.lookup(&self.lower[at..]);
                self.stats.symbols += u32::from(id != NONE);
                self.push(Kind::Symbol, at, id, sub);
            }
            _ => {}
        }
    }

    /// Ends a word: classifies it, looks it up (with fallbacks for
    /// possessives and elongation) and updates the counts.
    #[inline(always)]
    fn flush(&mut self, w: WordAcc, lex: &Lexicon, sub: u8) {
        let text = &self.lower[w.start..];
        let mut flags = sub;
        let id = lex.lookup(text);
        if w.digit {
            self.push(Kind::Number, w.start, id, flags);
            return;
        }
        let st = if w.hashtag {
            flags |= tf::HASHTAG;
            &mut Stats::default()
        } else {
            &mut self.stats
        };
        st.words += 1;
        st.non_latin += u32::from(w.non_latin);
        st.accented += u32::from(w.accented);
        if w.upper + w.lower >= 2 {
            st.cased += 1;
            if w.lower == 0 {
                st.caps += 1;
                flags |= tf::CAPS;
            }
        }
        let (id, flags) = word_id(text, id, lex, flags);
        count_known(st, lex, id);
        self.push(Kind::Word, w.start, id, flags);
    }

    /// Looks every token up again in `lex`, as if the text had been
    /// tokenized with it: the same result as tokenizing again (the tokens'
    /// spans and kinds do not depend on the lexicon when both know the same
    /// emoticons, [`Lexicon::same_emoticons`]), without cutting the text a
    /// second time.
    pub(crate) fn relex(&mut self, lex: &Lexicon) {
        let st = &mut self.stats;
        st.known = 0;
        st.english = 0;
        st.foreign = 0;
        st.function = [0; 5];
        st.symbols = 0;
        for t in &mut self.tokens {
            let text = &self.lower[t.start..t.end];
            match t.kind {
                Kind::Word => {
                    let flags = t.flags & !(tf::ELONG | tf::NEG);
                    let (id, flags) = word_id(text, lex.lookup(text), lex, flags);
                    t.id = id;
                    t.flags = flags;
                    if flags & tf::HASHTAG == 0 {
                        count_known(st, lex, id);
                    }
                }
                Kind::Number => t.id = lex.lookup(text),
                Kind::Symbol => {
                    t.id = lex.lookup(text);
                    // an ASCII emoticon always counts (it was cut because the
                    // lexicon knows it); an emoji when the lexicon knows it
                    st.symbols += u32::from(text.is_ascii() || t.id != NONE);
                }
                Kind::Sep | Kind::End | Kind::Mark | Kind::Break => {}
            }
        }
    }
}

/// The id and flags of a word that is not a number, given its id as
/// written (`id`): the fallbacks for possessives, elongation and
/// inflection, and the `ELONG` and `NEG` flags they set.
#[inline(always)]
fn word_id(text: &str, mut id: u32, lex: &Lexicon, mut flags: u8) -> (u32, u8) {
    if id != NONE {
        return (id, flags);
    }
    // byte comparisons: `strip_suffix` and `ends_with` call `memcmp` in wasm
    let b = text.as_bytes();
    if let [stem @ .., b'\'', b's'] = b {
        // cut before an ASCII apostrophe: a char boundary
        id = lex.lookup(&text[..stem.len()]);
    }
    if id == NONE && has_run(text, 3) {
        flags |= tf::ELONG;
        id = lex.lookup(&squeeze(text, 2));
        if id == NONE {
            id = lex.lookup(&squeeze(text, 1));
        }
    }
    if id == NONE && matches!(b, [.., b'n', b'\'', b't']) {
        flags |= tf::NEG;
    }
    if id == NONE && lex.inflects() {
        id = lex.lookup_inflected(text);
    }
    (id, flags)
}

/// Counts a word's id in the coverage and language statistics.
#[inline(always)]
fn count_known(st: &mut Stats, lex: &Lexicon, id: u32) {
    if id != NONE {
        st.known += 1;
        let e = lex.entry(id);
        if e.has(flag::EN_STOP) {
            st.english += 1;
        } else if e.lang != 0 {
            st.foreign += 1;
            for (b, n) in st.function.iter_mut().enumerate() {
                if e.lang & (1 << b) != 0 {
                    *n = n.saturating_add(1);
                }
            }
        }
    }
}

/// The ASCII word at the start of a chunk: its length (0 if there is
/// none) and letter counts.
struct AsciiWord {
    len: usize,
    upper: u32,
    lower: u32,
    digit: bool,
}

/// The ASCII word at the start of `b`: letters and digits, with
/// apostrophes between letters ("don't").
fn ascii_word(b: &[u8]) -> AsciiWord {
    let mut w = AsciiWord {
        len: 0,
        upper: 0,
        lower: 0,
        digit: false,
    };
    while w.len < b.len() {
        let c = b[w.len];
        if c.is_ascii_lowercase() {
            w.lower += 1;
        } else if c.is_ascii_uppercase() {
            w.upper += 1;
        } else if c.is_ascii_digit() {
            w.digit = true;
        } else {
            let n = w.len;
            let inner_apostrophe = c == b'\''
                && n > 0
                && b[n - 1].is_ascii_alphabetic()
                && b.get(n + 1).is_some_and(u8::is_ascii_alphabetic);
            if !inner_apostrophe {
                break;
            }
        }
        w.len += 1;
    }
    w
}

/// The lower case of a letter of Latin-1 (`À`..`ÿ` but `×` and `÷`: the
/// accented letters of the covered languages but `œ`), or `None` for any
/// other character. Each of these is alphabetic, neither numeric nor
/// outside Latin, upper case from `À` to `Þ` (lower case 0x20 above) and
/// lower case from `ß` to `ÿ`: the same answers as `char`'s Unicode
/// methods, without their table searches (a test checks every one).
fn latin1_letter_lower(c: char) -> Option<char> {
    match u32::from(c) {
        0xC0..=0xDE if c != '×' => char::from_u32(u32::from(c) + 0x20),
        0xDF..=0xFF if c != '÷' => Some(c),
        _ => None,
    }
}

/// Whether the character at byte `i` of `text` is whitespace, and its
/// length: ASCII without decoding, other characters decoded for
/// `is_whitespace`. Inlined: it runs at every chunk's start and space.
#[inline(always)]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => (true, 1),
        b if b < 0x80 => (false, 1),
        _ => match char_at(text, i) {
            Some(c) => (c.is_whitespace(), c.len_utf8()),
            None => (false, 1),
        },
    }
}

/// The character starting at byte `i` (ASCII without decoding).
fn char_at(s: &str, i: usize) -> Option<char> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        Some(char::from(b))
    } else {
        s.get(i..)?.chars().next()
    }
}

/// Whether `c` continues the current word: an apostrophe between letters,
/// or `. , / :` between digits.
fn joins_word(c: char, prev: char, next: Option<char>) -> bool {
    match c {
        '\'' | '’' => prev.is_alphabetic() && next.is_some_and(char::is_alphabetic),
        '.' | ',' | '/' | ':' => prev.is_numeric() && next.is_some_and(char::is_numeric),
        _ => false,
    }
}

/// The id of a whole-chunk ASCII emoticon.
fn emoticon(s: &str, lex: &Lexicon) -> Option<u32> {
    const MAX: usize = 6;
    let b = s.as_bytes();
    // every emoticon has punctuation in its first two bytes (":(", "d:", "t_t")
    let punct_early = b.iter().take(2).any(u8::is_ascii_punctuation);
    if b.len() < 2 || b.len() > MAX || !punct_early || !s.is_ascii() {
        return None;
    }
    let mut buf = [0u8; MAX];
    for (d, b) in buf.iter_mut().zip(s.bytes()) {
        *d = b.to_ascii_lowercase();
    }
    // lower-cased ASCII: no UTF-8 check needed
    let id = lex.lookup_bytes(&buf[..s.len()]);
    (id != NONE && lex.entry(id).has(flag::EMOTICON)).then_some(id)
}

/// URLs, e-mail addresses and @handles.
fn is_link(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() == Some(&b'@')
        || b.starts_with(b"www.")
        || b.windows(3).any(|w| w == b"://")
        || (b.contains(&b'@') && b.contains(&b'.'))
}

/// Emoji code points (the common blocks).
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0x3030 | 0x303D)
        && !matches!(u32::from(c), 0x1F3FB..=0x1F3FF)
}

/// Whether some letter repeats at least `n` times in a row.
fn has_run(text: &str, n: usize) -> bool {
    if text.is_ascii() {
        // one pass, counting the current run of equal bytes
        let b = text.as_bytes();
        let mut run = 1;
        for i in 1..b.len() {
            if b[i] == b[i - 1] {
                run += 1;
                if run >= n && b[i].is_ascii_alphabetic() {
                    return true;
                }
            } else {
                run = 1;
            }
        }
        return false;
    }
    let mut prev = None;
    let mut run = 0;
    for c in text.chars() {
        if Some(c) == prev {
            run += 1;
            if run >= n && c.is_alphabetic() {
                return true;
            }
        } else {
            prev = Some(c);
            run = 1;
        }
    }
    false
}

/// Shortens every run of three or more equal letters to `keep` letters.
fn squeeze(text: &str, keep: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let run = j - i;
        let n = if run >= 3 { keep } else { run };
        out.extend(std::iter::repeat_n(c, n));
        i = j;
    }
    out
}

/// Whether a lexicon term is one symbol (an emoticon such as `:(` or
/// `:D`, or emoji) rather than words.
pub(crate) fn is_symbol_term(term: &str) -> bool {
    !term.contains(char::is_whitespace)
        && (!term.chars().any(char::is_alphanumeric)
            || term.contains([':', ';', '=', '^', '_', '<', '>'])
            || term.chars().any(is_emoji))
}

/// The words of a lexicon term, cut exactly as the tokenizer cuts text.
/// A term without letters or digits (an emoticon) is one symbol.
pub(crate) fn term_words(term: &str, lex: &Lexicon) -> Vec<String> {
    let term = term.trim();
    // most terms are one plain lower-case word: no need to tokenize
    if !term.is_empty() && term.bytes().all(|b| b.is_ascii_lowercase()) {
        return vec![term.to_string()];
    }
    if is_symbol_term(term) {
        return vec![
            term.chars()
                .filter(|&c| c != '\u{FE0F}')
                .flat_map(char::to_lowercase)
                .collect(),
        ];
    }
    let mut doc = Doc::with_capacity(term.len());
    doc.push_text(term, lex, false);
    doc.tokens
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Number | Kind::Symbol))
        .map(|t| doc.text(t).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        let lex = Lexicon::build(&[]).unwrap();
        let mut doc = Doc::with_capacity(text.len());
        doc.push_text(text, &lex, false);
        doc.tokens
            .iter()
            .map(|t| (t.kind, doc.text(t).to_string()))
            .collect()
    }

    #[test]
    fn words_numbers_and_punctuation() {
        let toks = kinds("I paid EUR 59.90 twice, it doesn't work!!");
        let texts: Vec<&str> = toks.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "i", "paid", "eur", "59.90", "twice", "", "it", "doesn't", "work", "", ""
            ]
        );
        assert_eq!(toks[3].0, Kind::Number);
        assert_eq!(toks[5].0, Kind::Sep);
        assert_eq!(toks[9].0, Kind::Mark);
        assert_eq!(toks[10].0, Kind::Break);
    }

    #[test]
    fn emoticons_emoji_and_links() {
        let toks = kinds("Great :) see https://x.example/a:/b thanks:( @shop 😡😡");
        let syms: Vec<&str> = toks
            .iter()
            .filter(|(k, _)| *k == Kind::Symbol)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(syms, [":)", ":(", "😡", "😡"]);
        assert!(!toks.iter().any(|(_, s)| s == "shop" || s == "https"));
    }

    #[test]
    fn caps_elongation_and_apostrophes() {
        let lex = Lexicon::build(&[]).unwrap();
        let mut doc = Doc::with_capacity(64);
        doc.push_text("This is SOOO baaad, can’t stand it", &lex, false);
        let t: Vec<&Token> = doc.tokens.iter().collect();
        assert_ne!(t[2].flags & tf::CAPS, 0);
        assert_ne!(t[2].flags & tf::ELONG, 0);
        assert_eq!(lex.lookup("so"), t[2].id);
        assert_eq!(lex.lookup("bad"), t[3].id);
        assert_eq!(doc.text(t[5]), "can't");
        assert_eq!(doc.stats.caps, 1);
    }

    #[test]
    fn fast_path_cuts_words_like_the_general_path() {
        let lex = Lexicon::build(&[]).unwrap();
        let cut = |chunk: &str, general: bool| {
            let mut doc = Doc::with_capacity(32);
            if general {
                doc.chunk_general(chunk, &lex, 0);
            } else {
                doc.chunk(chunk, &lex, false);
            }
            let toks: Vec<_> = doc
                .tokens
                .iter()
                .map(|t| {
                    (
                        t.kind,
                        doc.text(t).to_string(),
                        t.id,
                        t.flags,
                        t.excl,
                        t.quest,
                    )
                })
                .collect();
            (toks, doc.stats.words, doc.stats.caps, doc.stats.known)
        };
        for chunk in [
            "delayed",
            "Delayed.",
            "AGAIN!!",
            "sooo",
            "don't",
            "Don't?!",
            "it's,",
            "6am",
            "3rd",
            "x.",
            "ok...",
            "rock'n'roll",
            "thanks!?",
            "'quoted",
            "end'",
            "wow...!",
            "A",
        ] {
            assert_eq!(cut(chunk, false), cut(chunk, true), "{chunk}");
        }
    }

    #[test]
    fn relex_gives_what_tokenizing_again_gives() {
        use crate::lang::Language;
        use crate::lexicon::Shared;
        let shared = Shared::load();
        let lexicons: Vec<Lexicon> = Language::ALL
            .into_iter()
            .map(|l| Lexicon::build_language(l, &shared, &[]).unwrap())
            .collect();
        for lex in &lexicons {
            assert!(lex.same_emoticons(&lexicons[0]), "{:?}", lex.lookup("a"));
        }
        let mut texts: Vec<&str> = vec![
            "SOOO baaad!!! can't stand it #fail #Schlecht :) :-( 😡 🙂 thanks:) @shop https://x.example/a",
            "Ich bin sehr enttäuscht, das Paket ist NICHT angekommen... schlechten Service!!! 5/5 nie wieder",
            "C'est très décevant : l'appli ne marche pas, j'aime pas. Merci :(",
            "¡Buenísima atención! pero el pedido llegó tarde?? muy mal 👎",
            "Não recebi o pedido, péssimo atendimento!! obrigado... 3pm",
            "Non funziona più, dell'hotel pessimo. Grazie lo stesso 😂 XD",
            "it's the customer's fault, sooooo gooood, dont worry, isn't it?",
        ];
        for file in [
            include_str!("../tests/languages.tsv"),
            include_str!("../tests/messages.tsv"),
            include_str!("../tests/social_support_a.tsv"),
            include_str!("../tests/social_support_b.tsv"),
            include_str!("../tests/social_support_c.tsv"),
        ] {
            texts.extend(file.lines());
        }
        let tokenize = |text: &str, lex: &Lexicon| {
            let mut doc = Doc::with_capacity(text.len());
            doc.push_text(text, lex, true);
            doc.push_text(text, lex, false);
            doc
        };
        for text in texts {
            for (a, from) in lexicons.iter().enumerate() {
                for (b, to) in lexicons.iter().enumerate() {
                    let mut doc = tokenize(text, from);
                    doc.relex(to);
                    let again = tokenize(text, to);
                    assert_eq!(doc.lower, again.lower, "{a}->{b}: {text}");
                    assert_eq!(doc.tokens, again.tokens, "{a}->{b}: {text}");
                    assert_eq!(doc.stats, again.stats, "{a}->{b}: {text}");
                }
            }
        }
    }

    #[test]
    fn latin1_letters_as_unicode_classifies_them() {
        for c in '\u{80}'..='\u{17F}' {
            match latin1_letter_lower(c) {
                Some(lower) => {
                    assert!(c.is_alphanumeric() && c.is_alphabetic() && !c.is_numeric(), "{c}");
                    assert_eq!(c.is_uppercase(), lower != c, "{c}");
                    assert_eq!(c.to_lowercase().collect::<String>(), lower.to_string(), "{c}");
                    assert!(u32::from(c) <= 0x24F, "{c}");
                }
                None => assert!(
                    !c.is_alphabetic() || !('\u{C0}'..='\u{FF}').contains(&c),
                    "{c} is a Latin-1 letter"
                ),
            }
        }
        let toks = kinds("Très déçue, SCHÖN. Ça NE MARCHE PAS ÀÉÎ straße");
        let texts: Vec<&str> = toks.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            texts,
            ["très", "déçue", "", "schön", "", "ça", "ne", "marche", "pas", "àéî", "straße", ""]
        );
    }

    #[test]
    fn runs_of_three_equal_letters() {
        for (text, run) in [
            ("baaad", true),
            ("sooo", true),
            ("aaa", true),
            ("bad", false),
            ("aab", false),
            ("baab", false),
            ("1000", false),
            ("x...", false),
            ("", false),
            ("a", false),
            ("schööön", true),
            ("schön", false),
        ] {
            assert_eq!(has_run(text, 3), run, "{text}");
        }
    }

    #[test]
    fn ellipsis_and_dashes() {
        let toks = kinds("rip-off... 2 stars - bad");
        let k: Vec<Kind> = toks.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            k,
            [
                Kind::Word,
                Kind::Word,
                Kind::End,
                Kind::Number,
                Kind::Word,
                Kind::Sep,
                Kind::Word,
                Kind::Break
            ]
        );
    }
}
