//! The one normalisation rule of cxr: lower case, accents folded (`é` → `e`,
//! `ß` → `ss`), every run of characters that are not letters or digits
//! turned into one space, and one space at both ends, so that a phrase
//! `" cancel "` matches the word and nothing inside another. Clause
//! punctuation (`. , ; : ! ?`, brackets, `¿ ¡ … 。`) becomes the word `.`,
//! so that negations and `A .. B` phrases stop at the end of a clause.
//!
//! (This is the classifier's rule since contract 0.2.0; the host applies it
//! for contract 0.3.0's `text` interface, and plugins prepare their lexicon
//! phrases with it.)

/// What an ASCII byte becomes: itself lower-cased, a space, or the end of a
/// clause.
const ASCII: [u8; 128] = {
    let mut t = [b' '; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        } else if matches!(c, b'.' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')') {
            t[b] = CLAUSE_BYTE;
        }
        b += 1;
    }
    t
};
const CLAUSE_BYTE: u8 = b'.';

/// The word that marks the end of a clause.
pub const CLAUSE: &str = ".";

/// Writes the normalised form of `text` to `out` (its buffer is reused).
/// The result starts and ends with a space and never holds two spaces in a
/// row.
pub fn normalize_into(text: &str, out: &mut String) {
    let mut buf = std::mem::take(out).into_bytes();
    buf.clear();
    buf.reserve(text.len() + 2);
    buf.push(b' ');
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            match ASCII[b as usize] {
                b' ' => space(&mut buf),
                CLAUSE_BYTE => clause(&mut buf),
                c => buf.push(c),
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if matches!(c, '¿' | '¡' | '…' | '。') {
            clause(&mut buf);
        } else if !c.is_alphanumeric() {
            space(&mut buf);
        } else {
            for l in c.to_lowercase() {
                match fold_letter(l) {
                    Some(folded) => buf.extend_from_slice(folded.as_bytes()),
                    None => buf.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes()),
                }
            }
        }
    }
    space(&mut buf);
    // Only whole characters were written: the bytes are UTF-8.
    *out = String::from_utf8(buf).unwrap_or_default();
}

/// The normalised form of `text` (see [`normalize_into`]).
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// Marks the end of a clause with the word `.` (once).
fn clause(out: &mut Vec<u8>) {
    if !out.ends_with(b" . ") {
        space(out);
        out.extend_from_slice(b". ");
    }
}

fn space(out: &mut Vec<u8>) {
    if out.last() != Some(&b' ') {
        out.push(b' ');
    }
}

/// The ASCII letters a lower-case accented Latin letter is written as when
/// the accent is dropped (`None`: kept as it is).
pub fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'š' | 'ś' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'ð' => "d",
        'þ' => "th",
        'ª' => "a",
        'º' => "o",
        _ => return None,
    })
}

/// A word of a normalised text: bytes `start..end` (clause marks `.` are
/// words too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte of the word in the normalised text.
    pub start: u32,
    /// One past its last byte.
    pub end: u32,
}

/// The words of a normalised text, in order.
pub fn tokens(normalized: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in normalized.bytes().enumerate() {
        match (b == b' ', start) {
            (true, Some(s)) => {
                out.push(Token { start: s as u32, end: i as u32 });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token { start: s as u32, end: normalized.len() as u32 });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(normalize("Rückerstattung für Bestellung!"), " ruckerstattung fur bestellung . ");
        assert_eq!(normalize("  ¿Dónde está mi PEDIDO??  "), " . donde esta mi pedido . ");
        assert_eq!(normalize("Straße - cœur / não"), " strasse coeur nao ");
        assert_eq!(normalize("doesn't work — l'application"), " doesn t work l application ");
        assert_eq!(normalize(""), " ");
        assert_eq!(normalize("Error 503/2FA"), " error 503 2fa ");
        assert_eq!(normalize("no, thanks. Cancel"), " no . thanks . cancel ");
    }

    #[test]
    fn tokens_are_the_words_with_their_offsets() {
        let n = normalize("Où est ma commande? Merci");
        let words: Vec<&str> = tokens(&n).iter().map(|t| &n[t.start as usize..t.end as usize]).collect();
        assert_eq!(words, ["ou", "est", "ma", "commande", ".", "merci"]);
        assert!(tokens(" ").is_empty());
    }
}
