//! Folding text before matching: every way a customer's keyboard, phone or
//! chat client writes a digit, a space, a dash or an `@` becomes the plain
//! ASCII character, and the recognisers see one alphabet. A map from the
//! folded text back to the original lets each match mask the original
//! characters, whatever they were.
//!
//! Per character: NFKC (Unicode compatibility normalisation: fullwidth
//! `４` and `＠`, ligatures, superscripts, the no-break, thin and
//! ideographic spaces, small and fullwidth punctuation) for the blocks that
//! hold compatibility characters; decimal digits of every script (Arabic-
//! Indic, Devanagari, Thai, ...) as `0`–`9`; every dash (`‐ ‑ ‒ – — −`) as
//! `-`; every other space as ` ` and line or paragraph separators as `\n`;
//! zero-width and bidi control characters removed. ASCII text is used as
//! it is, without a copy.

use icu_normalizer::ComposingNormalizerBorrowed;
use std::borrow::Cow;

/// Text folded for matching, with the way back to the original.
#[derive(Debug)]
pub struct Folded<'a> {
    /// The folded text.
    pub text: Cow<'a, str>,
    /// For each byte of `text`, and one past its end: the byte offset in
    /// the original where the character that produced it starts. `None`
    /// when `text` is the original.
    map: Option<Vec<u32>>,
}

impl<'a> Folded<'a> {
    /// Folds `original`.
    pub fn new(original: &'a str) -> Self {
        if original.is_ascii() {
            return Folded {
                text: Cow::Borrowed(original),
                map: None,
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        let mut buf = [0u8; 4];
        for (at, c) in original.char_indices() {
            let before = text.len();
            if c.is_ascii() {
                text.push(c);
            } else {
                fold_char(c, &mut text, &mut buf);
            }
            map.resize(map.len() + (text.len() - before), at as u32);
        }
        map.push(original.len() as u32);
        Folded {
            text: Cow::Owned(text),
            map: Some(map),
        }
    }

    /// The original byte range of the folded range `start..end`.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.map {
            None => (start, end),
            Some(map) => (map[start] as usize, map[end] as usize),
        }
    }
}

/// Whether the non-ASCII `c` may fold to an ASCII digit or punctuation: a
/// digit of another script or a character with compatibility forms (letters
/// of other scripts, accented letters and most symbols may not).
pub fn may_stand_for_ascii(c: char) -> bool {
    let u = c as u32;
    decimal_digit(u).is_some() || has_compatibility_forms(u)
}

/// Appends the folded form of the non-ASCII character `c`.
fn fold_char(c: char, out: &mut String, buf: &mut [u8; 4]) {
    let u = c as u32;
    if is_removed(u) {
        return;
    }
    if let Some(d) = decimal_digit(u) {
        out.push((b'0' + d) as char);
        return;
    }
    if matches!(u, 0x85 | 0x2028 | 0x2029) {
        out.push('\n');
        return;
    }
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    if matches!(u, 0x2010..=0x2015 | 0x2043 | 0x2212 | 0xFE58 | 0xFE63 | 0xFF0D) {
        out.push('-');
        return;
    }
    if has_compatibility_forms(u) {
        const NFKC: ComposingNormalizerBorrowed<'static> = ComposingNormalizerBorrowed::new_nfkc();
        let s: &str = c.encode_utf8(buf);
        out.push_str(&NFKC.normalize(s));
        return;
    }
    out.push(c);
}

/// Zero-width characters, the soft hyphen and bidi controls: invisible, so
/// they may sit inside a number without the reader seeing them.
fn is_removed(u: u32) -> bool {
    matches!(u, 0xAD | 0x61C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF)
}

/// The first code point of each block of ten decimal digits (Unicode
/// category Nd) outside ASCII that NFKC leaves as they are.
const DIGIT_ZEROS: [u32; 24] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040,
    0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1B50, 0xA9D0,
];

/// The value of a decimal digit of any script (fullwidth and mathematical
/// digits are NFKC's).
fn decimal_digit(u: u32) -> Option<u8> {
    if (0xFF10..=0xFF19).contains(&u) {
        return Some((u - 0xFF10) as u8);
    }
    if (0x1D7CE..=0x1D7FF).contains(&u) {
        return Some(((u - 0x1D7CE) % 10) as u8);
    }
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&u))
        .map(|zero| (u - zero) as u8)
}

/// Blocks holding characters with compatibility decompositions that can
/// stand for ASCII letters, digits or punctuation: Latin-1 punctuation and
/// superscripts, general punctuation to enclosed alphanumerics, CJK symbols
/// and enclosed CJK, alphabetic presentation forms, small and fullwidth
/// forms, mathematical alphanumerics and enclosed alphanumeric supplement.
fn has_compatibility_forms(u: u32) -> bool {
    matches!(
        u,
        0xA0..=0xBF | 0x2000..=0x2BFF | 0x3000..=0x33FF | 0xFB00..=0xFB4F | 0xFE10..=0xFE6F | 0xFF00..=0xFFEF | 0x1D400..=0x1D7FF
            | 0x1F100..=0x1F1FF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_borrowed() {
        let f = Folded::new("card 4111 1111");
        assert!(matches!(f.text, Cow::Borrowed(_)));
        assert_eq!(f.original(5, 9), (5, 9));
    }

    #[test]
    fn every_script_and_space_folds_to_ascii_with_a_way_back() {
        let s = "Ｋａｒｔｅ ４１１１\u{a0}1111\u{2009}١٢٣٤\u{200b}5 ＠ x—y\u{2028}z";
        let f = Folded::new(s);
        assert_eq!(f.text, "Karte 4111 1111 12345 @ x-y\nz");
        // "４１１１" in the folded text maps back to the fullwidth digits
        let at = f.text.find("4111").unwrap();
        let (a, b) = f.original(at, at + 4);
        assert_eq!(&s[a..b], "４１１１");
        // a span over the removed zero-width space covers it in the original
        let at = f.text.find("12345").unwrap();
        let (a, b) = f.original(at, at + 5);
        assert_eq!(&s[a..b], "١٢٣٤\u{200b}5");
    }

    #[test]
    fn letters_of_other_scripts_stay() {
        assert_eq!(Folded::new("почта.рф Müller").text, "почта.рф Müller");
    }
}
