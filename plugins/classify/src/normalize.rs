//! Text normalisation shared by the lexicons and the messages: lower case,
//! accents folded (`é` → `e`, `ß` → `ss`), every run of characters that are
//! not letters or digits turned into one space, and one space at both ends,
//! so that a phrase `" cancel "` matches the word and nothing inside another.
//! Clause punctuation (`. , ; : ! ?` and brackets) becomes the word `.`, so
//! that negations and `A .. B` phrases stop at the end of a clause.

/// Appends the normalised form of `text` to `out` (cleared first). The result
/// starts and ends with a space and never holds two spaces in a row.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')') {
                clause(out);
            } else {
                space(out);
            }
            continue;
        }
        if matches!(c, '¿' | '¡' | '…' | '。') {
            clause(out);
            continue;
        }
        if !c.is_alphanumeric() {
            space(out);
            continue;
        }
        for l in c.to_lowercase() {
            match fold(l) {
                Some(folded) => out.push_str(folded),
                None => out.push(l),
            }
        }
    }
    space(out);
}

/// The normalised form of `text` (see [`normalize_into`]).
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// Marks the end of a clause with the word `.` (once).
fn clause(out: &mut String) {
    if !out.ends_with(" . ") {
        space(out);
        out.push_str(". ");
    }
}

/// The word that marks the end of a clause.
pub const CLAUSE: &str = ".";

fn space(out: &mut String) {
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The ASCII letters a lower-case accented Latin letter is written as when
/// the accent is dropped.
fn fold(c: char) -> Option<&'static str> {
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
}
