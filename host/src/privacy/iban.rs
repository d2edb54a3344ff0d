//! IBANs (ISO 13616): a country code of the IBAN registry, two check
//! digits and the country's BBAN of exactly its length and format, in upper
//! or lower case, grouped by spaces (of any kind), dashes or dots or not at
//! all, the check digits standing apart or not (`DE 89 3704 …`), over one
//! line break; ISO 7064 mod-97 valid.

use super::Found;
use crate::config::MaskKind;

/// The IBAN registry: country, total length, BBAN format (`n` digits,
/// `a` upper-case letters, `c` letters or digits, each after a count).
const REGISTRY: &[(&str, usize, &str)] = &[
    ("AD", 24, "8n12c"),
    ("AE", 23, "19n"),
    ("AL", 28, "8n16c"),
    ("AT", 20, "16n"),
    ("AZ", 28, "4a20c"),
    ("BA", 20, "16n"),
    ("BE", 16, "12n"),
    ("BG", 22, "4a6n8c"),
    ("BH", 22, "4a14c"),
    ("BR", 29, "23n1a1c"),
    ("BY", 28, "4c4n16c"),
    ("CH", 21, "5n12c"),
    ("CR", 22, "18n"),
    ("CY", 28, "8n16c"),
    ("CZ", 24, "20n"),
    ("DE", 22, "18n"),
    ("DK", 18, "14n"),
    ("DO", 28, "4a20n"),
    ("EE", 20, "16n"),
    ("EG", 29, "25n"),
    ("ES", 24, "20n"),
    ("FI", 18, "14n"),
    ("FO", 18, "14n"),
    ("FR", 27, "10n11c2n"),
    ("GB", 22, "4a14n"),
    ("GE", 22, "2a16n"),
    ("GI", 23, "4a15c"),
    ("GL", 18, "14n"),
    ("GR", 27, "7n16c"),
    ("GT", 28, "24c"),
    ("HR", 21, "17n"),
    ("HU", 28, "24n"),
    ("IE", 22, "4a14n"),
    ("IL", 23, "19n"),
    ("IQ", 23, "4a15n"),
    ("IS", 26, "22n"),
    ("IT", 27, "1a10n12c"),
    ("JO", 30, "4a4n18c"),
    ("KW", 30, "4a22c"),
    ("KZ", 20, "3n13c"),
    ("LB", 28, "4n20c"),
    ("LC", 32, "4a24c"),
    ("LI", 21, "5n12c"),
    ("LT", 20, "16n"),
    ("LU", 20, "3n13c"),
    ("LV", 21, "4a13c"),
    ("LY", 25, "21n"),
    ("MC", 27, "10n11c2n"),
    ("MD", 24, "20c"),
    ("ME", 22, "18n"),
    ("MK", 19, "3n10c2n"),
    ("MR", 27, "23n"),
    ("MT", 31, "4a5n18c"),
    ("MU", 30, "4a19n3a"),
    ("NL", 18, "4a10n"),
    ("NO", 15, "11n"),
    ("PK", 24, "4a16c"),
    ("PL", 28, "24n"),
    ("PS", 29, "4a21c"),
    ("PT", 25, "21n"),
    ("QA", 29, "4a21c"),
    ("RO", 24, "4a16c"),
    ("RS", 22, "18n"),
    ("SA", 24, "2n18c"),
    ("SC", 31, "4a20n3a"),
    ("SE", 24, "20n"),
    ("SI", 19, "15n"),
    ("SK", 24, "20n"),
    ("SM", 27, "1a10n12c"),
    ("ST", 25, "21n"),
    ("SV", 28, "4a20n"),
    ("TL", 23, "19n"),
    ("TN", 24, "20n"),
    ("TR", 26, "5n1n16c"),
    ("UA", 29, "6n19c"),
    ("VA", 22, "3n15n"),
    ("VG", 24, "4a16n"),
    ("XK", 20, "4n10n2n"),
];

/// Whether `bban` (upper case) has the registry format `format`.
fn bban_fits(bban: &[u8], format: &str) -> bool {
    let mut at = 0;
    let mut count = 0;
    for c in format.bytes() {
        if c.is_ascii_digit() {
            count = count * 10 + usize::from(c - b'0');
            continue;
        }
        let Some(part) = bban.get(at..at + count) else {
            return false;
        };
        let ok = match c {
            b'n' => part.iter().all(u8::is_ascii_digit),
            b'a' => part.iter().all(u8::is_ascii_uppercase),
            _ => part.iter().all(u8::is_ascii_alphanumeric),
        };
        if !ok {
            return false;
        }
        at += count;
        count = 0;
    }
    at == bban.len()
}

/// ISO 7064 mod-97-10 over an IBAN's letters and digits (upper case): the
/// remainder of the rearranged number is 1.
pub fn valid(iban: &str) -> bool {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) || !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// Finds the IBANs in `text` (folded).
pub fn find(text: &str, out: &mut Vec<Found>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 15 <= b.len() {
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] >= 0x80);
        // two letters, then (after at most two separators) a check digit
        let digit_next = b[i + 2..].iter().take(3).find(|c| !matches!(c, b' ' | b'\t' | b'-' | b'.' | b'\n' | b'\r')).is_some_and(u8::is_ascii_digit);
        if !(word_start && b[i].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic() && digit_next) {
            i += 1;
            continue;
        }
        match at(text, i) {
            Some(found) => {
                i = found.end;
                out.push(found);
            }
            None => i += 1,
        }
    }
}

/// The IBAN starting at `i`, if one does.
fn at(text: &str, i: usize) -> Option<Found> {
    let b = text.as_bytes();
    let country = [b[i].to_ascii_uppercase(), b[i + 1].to_ascii_uppercase()];
    let &(_, len, format) = REGISTRY.iter().find(|(c, _, _)| c.as_bytes() == country)?;
    let mut chars = Vec::with_capacity(len);
    let mut k = i;
    let mut line_breaks = 0;
    while chars.len() < len {
        let c = *b.get(k)?;
        if c.is_ascii_alphanumeric() {
            // the check digits come third and fourth: most words stop here
            if (chars.len() == 2 || chars.len() == 3) && !c.is_ascii_digit() {
                return None;
            }
            chars.push(c.to_ascii_uppercase());
            k += 1;
            continue;
        }
        // a separator: one or two of space, dash, dot, or a line break, between characters
        let sep_len = b[k..].iter().take_while(|&&c| matches!(c, b' ' | b'\t' | b'-' | b'.' | b'\n' | b'\r')).count();
        line_breaks += b[k..k + sep_len].iter().filter(|&&c| c == b'\n').count();
        if chars.len() < 2 || sep_len == 0 || sep_len > 2 && !(sep_len <= 4 && b[k..k + sep_len].contains(&b'\n')) || line_breaks > 1 {
            return None;
        }
        k += sep_len;
    }
    // the IBAN ends a word
    if b.get(k).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    if !chars[2..4].iter().all(u8::is_ascii_digit) || !bban_fits(&chars[4..], format) {
        return None;
    }
    let iban = std::str::from_utf8(&chars).ok()?;
    if !valid(iban) {
        return None;
    }
    Some(Found {
        start: i,
        end: k,
        kind: MaskKind::Iban,
        mask: format!("[iban {}…{}]", &iban[..2], &iban[len - 4..]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ibans(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter().map(|f| format!("{}={}", &text[f.start..f.end], f.mask)).collect()
    }

    #[test]
    fn registry_formats_add_up() {
        for (c, len, format) in REGISTRY {
            let mut total = 0;
            let mut count = 0;
            for ch in format.bytes() {
                if ch.is_ascii_digit() {
                    count = count * 10 + usize::from(ch - b'0');
                } else {
                    total += count;
                    count = 0;
                }
            }
            assert_eq!(total + 4, *len, "{c}");
        }
    }

    #[test]
    fn ibans_in_every_writing() {
        assert_eq!(ibans("IBAN DE89 3704 0044 0532 0130 00."), ["DE89 3704 0044 0532 0130 00=[iban DE…3000]"]);
        assert_eq!(ibans("de 89 3704 0044 0532 0130 00"), ["de 89 3704 0044 0532 0130 00=[iban DE…3000]"]);
        assert_eq!(ibans("GB82-WEST-1234-5698-7654-32"), ["GB82-WEST-1234-5698-7654-32=[iban GB…5432]"]);
        assert_eq!(ibans("FR1420041010050500013M02606"), ["FR1420041010050500013M02606=[iban FR…2606]"]);
        assert_eq!(ibans("NL91 ABNA 0417 1643 00\n"), ["NL91 ABNA 0417 1643 00=[iban NL…4300]"]);
        // wrong check digits, too long, words after a country code
        assert!(ibans("DE89 3704 0044 0532 0130 01").is_empty());
        assert!(ibans("DE89370400440532013000123").is_empty());
        assert!(ibans("de 12 unidades de 2026 y más cosas aquí").is_empty());
    }
}
