//! Telephone numbers, international and as the national numbering plans of
//! the US and Canada (NANP), the UK, Germany, France, Spain, Italy, Portugal
//! and the Netherlands write them:
//!
//! - international: `+` or `00`, a country calling code (ITU E.164) and a
//!   national number of the length the country uses (`+49 (0)171 1234567`,
//!   `0033 6 12 34 56 78`, `+1 (555) 123-4567`);
//! - national with a trunk `0` (UK, DE, FR, IT, NL): 9–12 digits, the first
//!   group 2–6 digits (`020 7946 0958`, `0171/1234567`, `06.12.34.56.78`);
//! - NANP: 10 digits `NXX NXX XXXX`, grouped 3-3-4 or not at all, or 11
//!   with a leading `1` (`1-800-555-0199`); Italian mobiles `3XX XXX XXXX`;
//! - Spain and Portugal: 9 digits starting 2, 6, 7 or 9, grouped as
//!   people write them (`612 345 678`, `91 123 45 67`, `612345678`);
//! - anything of 7–12 digits right after a telephone word (`call me on`).
//!
//! Not a phone number: a number glued to letters or next to a code with
//! letters in it (`INV0004512398`, `1Z 999 AA1 01 2345 6784`), an amount
//! (`€`, `EUR`, `,00`), a number whose nearest context word says it is an
//! order, tracking, article or version number, a 12-digit number without
//! separators whose EAN/UPC check digit holds.

use super::context::{self, Hint};
use super::numbers::{self, Group};
use super::Found;
use crate::config::MaskKind;

/// Whether `sep` may separate two groups of a phone number: one of space,
/// tab, `-`, `.`, `/`, with or without brackets (`(555) 123`, `+44 (0)20`).
fn joins(sep: &str) -> bool {
    if wide(sep) {
        return true;
    }
    let b = sep.as_bytes();
    let rest: Vec<u8> = b.iter().copied().filter(|&c| c != b'(' && c != b')').collect();
    (1..=3).contains(&b.len()) && rest.len() <= 1 && rest.iter().all(|c| matches!(c, b' ' | b'\t' | b'-' | b'.' | b'/'))
}

/// ` - `, ` / ` or a line break after an area code (`0171 / 1234567`):
/// allowed once, right after the first group of a number written with `0`
/// or `+`.
fn wide(sep: &str) -> bool {
    sep == " - " || sep == " / " || (sep.contains('\n') && sep.len() <= 4 && sep.trim_matches([' ', '\n', '\r']).is_empty())
}

/// Finds the phone numbers among the unused `groups` of `text`; marks their groups used.
pub fn find(text: &str, groups: &mut [Group], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < groups.len() {
        if groups[i].used {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < groups.len() && !groups[j + 1].used && joins(&text[groups[j].end..groups[j + 1].start]) {
            j += 1;
        }
        let mut s = i;
        while s <= j {
            let mut taken = None;
            for e in (s..=j).rev() {
                if let Some(start) = is_phone(text, groups, i, j, s, e) {
                    taken = Some((start, e));
                    break;
                }
            }
            match taken {
                Some((start, e)) => {
                    let end = groups[e].end;
                    let d = numbers::digits(text, groups[s].start, end);
                    out.push(Found {
                        start,
                        end,
                        kind: MaskKind::Phone,
                        mask: format!("[phone …{}]", &d[d.len() - 2..]),
                    });
                    for g in &mut groups[s..=e] {
                        g.used = true;
                    }
                    s = e + 1;
                }
                None => s += 1,
            }
        }
        i = j + 1;
    }
}

/// Whether groups `s..=e` of the chain `first..=last` are a phone number;
/// its start (with a leading `+` or `(`).
fn is_phone(text: &str, groups: &[Group], first: usize, last: usize, s: usize, e: usize) -> Option<usize> {
    let (digits_start, end) = (groups[s].start, groups[e].end);
    let d = numbers::digits(text, digits_start, end);
    if !(7..=17).contains(&d.len()) {
        return None;
    }
    let b = text.as_bytes();
    // a leading `+`, `(+`, `+(` or `(` belongs to the number
    let mut start = digits_start;
    let mut plus = false;
    for _ in 0..3 {
        match start.checked_sub(1).map(|k| b[k]) {
            Some(b'+') if !plus => {
                plus = true;
                start -= 1;
            }
            Some(b'(') => start -= 1,
            Some(b' ') if plus && start >= 2 && b[start - 2] == b'(' => start -= 1,
            _ => break,
        }
    }
    // an extension (`555-123-4567x123`) is not a glued word
    let extension = text[end..].len() >= 2 && matches!(b[end], b'x' | b'X') && b[end + 1].is_ascii_digit();
    let glued = numbers::glued_before(text, start) || (!extension && numbers::glued_after(text, end));
    if glued || numbers::amount(text, digits_start, end) || next_to_code(text, start, end) || numbers::hash_before(text, start) {
        return None;
    }
    // a country code in brackets without `+`: `(351) 912 345 678`
    let bracketed_cc = !plus
        && start < digits_start
        && e > s
        && text[groups[s].end..].starts_with(')')
        && country_code(&d).is_some_and(|n| n == groups[s].len());
    // the context words, looked up once and only when needed
    let hint_cell = std::cell::OnceCell::new();
    let hint = || *hint_cell.get_or_init(|| context::before(text, start));
    let lens: Vec<usize> = groups[s..=e].iter().map(Group::len).collect();
    let wide_at: Vec<usize> = (s..e).filter(|&k| wide(&text[groups[k].end..groups[k + 1].start])).collect();
    if !wide_at.is_empty() {
        let after_area = (plus && wide_at == [s + 1]) || (!plus && wide_at == [s] && d.starts_with('0') && !d.starts_with("00"));
        if !after_area {
            return None;
        }
    }
    let ok = if plus || bracketed_cc {
        international(&d, &lens)
    } else if let Some(rest) = d.strip_prefix("00") {
        let plain = lens.len() == 1;
        international(rest, &lens_without_prefix(&lens, 2))
            && (!plain || country_known(rest))
            && hint() != Some(Hint::Other)
            && (plain || hint() == Some(Hint::Phone) || stands_apart(text, groups, first, last, s, e))
            // 12 or 13 digits in one piece with a valid check digit: a UPC or EAN
            && !(plain && (d.len() == 12 || d.len() == 13) && ean_valid(&d) && hint() != Some(Hint::Phone))
    } else {
        national(text, groups, first, last, s, e, &d, &lens, &hint) && hint() != Some(Hint::Other)
    };
    ok.then_some(start)
}

/// The group lengths once the first `n` digits are dropped.
fn lens_without_prefix(lens: &[usize], n: usize) -> Vec<usize> {
    let mut out = lens.to_vec();
    let mut left = n;
    while left > 0 && !out.is_empty() {
        if out[0] <= left {
            left -= out[0];
            out.remove(0);
        } else {
            out[0] -= left;
            left = 0;
        }
    }
    out
}

/// A word of letters and digits right before or after the number (a parcel
/// or product code such as `AA1` in `1Z 999 AA1 01 2345 6784`).
fn next_to_code(text: &str, start: usize, end: usize) -> bool {
    let code = |w: &str| w.bytes().any(|c| c.is_ascii_digit()) && w.bytes().any(|c| c.is_ascii_alphabetic());
    let before = text[..start].trim_end_matches([' ', '-', '/', '.']);
    let prev = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    let after = text[end..].trim_start_matches([' ', '-', '/', '.']);
    let next = after.split(|c: char| c.is_whitespace() || c == ',' || c == ';').next().unwrap_or("");
    (before.len() < start && code(prev)) || (after.len() < text.len() - end && code(next))
}

/// ITU E.164 country calling code at the start of `d`: its length.
fn country_code(d: &str) -> Option<usize> {
    const TWO: &[u8] = &[
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63,
        64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ];
    const THREE_FAMILIES: &[u8] = &[21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42, 50, 59, 67, 68, 69, 80, 85, 87, 88, 96, 97, 99];
    let b = d.as_bytes();
    match b.first()? {
        b'1' | b'7' => return Some(1),
        b'0' => return None,
        _ => {}
    }
    let two: u8 = d.get(..2)?.parse().ok()?;
    if TWO.contains(&two) {
        return Some(2);
    }
    (THREE_FAMILIES.contains(&two) && d.len() >= 3).then_some(3)
}

/// `rest` (after `+` or `00`): a country code and a national number of a
/// length that country uses.
fn international(rest: &str, lens: &[usize]) -> bool {
    let Some(cc_len) = country_code(rest) else {
        return false;
    };
    let cc = &rest[..cc_len];
    let mut nsn = &rest[cc_len..];
    // `+49 (0)171 ...`, `+44 020 ...`: a trunk 0 written after the country code (Italy keeps its 0)
    if cc != "39" && nsn.starts_with('0') {
        nsn = &nsn[1..];
    }
    if nsn.starts_with('0') && cc != "39" {
        return false;
    }
    let n = nsn.len();
    let fits = match cc {
        "1" | "7" | "30" | "52" | "54" | "57" | "86" | "90" | "91" => n == 10 || (cc == "86" && n == 11),
        "44" => (9..=10).contains(&n),
        "49" => (6..=12).contains(&n),
        "33" | "34" | "351" | "31" | "41" | "48" => n == 9,
        "32" => (8..=9).contains(&n),
        "39" => (6..=11).contains(&n),
        "43" => (6..=13).contains(&n),
        "45" | "47" | "356" | "357" | "359" | "370" | "371" | "386" | "216" => n == 8 || (cc == "359" && n == 9),
        "46" | "353" => (7..=9).contains(&n),
        "36" | "385" | "972" | "971" => (8..=9).contains(&n),
        "40" | "420" | "421" | "27" | "61" | "212" | "213" | "966" => n == 9,
        "20" | "81" => (9..=10).contains(&n),
        "55" => (10..=11).contains(&n),
        "352" => (6..=11).contains(&n),
        "358" => (6..=12).contains(&n),
        "372" | "354" => (7..=8).contains(&n),
        _ => (6..=12).contains(&n) && cc_len + n <= 15,
    };
    // the country code stands apart or starts the first group
    fits && lens.first().is_some_and(|&l| l >= cc_len)
}

/// Whether `rest` starts with a country code whose national number lengths
/// are known here (a plain run of digits after `00` must be one of them).
fn country_known(rest: &str) -> bool {
    const KNOWN: &[&str] = &[
        "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "52", "54", "55", "57", "61", "81", "86", "90", "91", "212", "213", "216", "351", "352", "353", "354", "356", "357",
        "358", "359", "370", "371", "372", "385", "386", "420", "421", "966", "971", "972",
    ];
    country_code(rest).is_some_and(|n| KNOWN.contains(&&rest[..n]))
}

/// `NXX NXX XXXX`: area code and exchange start with 2–9.
fn nanp(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10 && (b'2'..=b'9').contains(&b[0]) && (b'2'..=b'9').contains(&b[3])
}

/// EAN-13 / UPC-A check digit (weights 3 and 1 from the right).
fn ean_valid(d: &str) -> bool {
    let b = d.as_bytes();
    let sum: u32 = b[..b.len() - 1]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| u32::from(c - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(b[b.len() - 1] - b'0')
}

#[allow(clippy::too_many_arguments)]
fn national(
    text: &str,
    groups: &[Group],
    first: usize,
    last: usize,
    s: usize,
    e: usize,
    d: &str,
    lens: &[usize],
    hint: &dyn Fn() -> Option<Hint>,
) -> bool {
    let n = d.len();
    if !(7..=12).contains(&n) {
        return false;
    }
    let phone_word = || hint() == Some(Hint::Phone);
    let b = d.as_bytes();
    let plain = lens.len() == 1;
    // part of a longer run of groups in the same style: a list or a longer number
    if !plain && !stands_apart(text, groups, first, last, s, e) && !phone_word() {
        return false;
    }
    let shape = if b[0] == b'0' {
        (9..=12).contains(&n)
            && (plain || (2..=6).contains(&lens[0]) && lens[1..].iter().all(|&l| l >= 2))
            && !(plain && n == 12 && ean_valid(d) && !phone_word())
    } else if b[0] == b'1' {
        n == 11 && (lens == [1, 3, 3, 4] || (nanp(&d[1..]) && phone_word()))
    } else if n == 10 {
        // NANP written 3-3-4 or plainly (any digits: example numbers such as
        // 555-123-4567 are written that way too); Italian mobiles 3XX
        matches!(lens, [3, 3, 4] | [10] | [3, 7]) || (b[0] == b'3' && lens == [3, 4, 3])
    } else if n == 9 {
        // Spain: mobiles 6 and 7, landlines 9; Portugal: mobiles 9, landlines 2
        matches!(b[0], b'2' | b'6' | b'7' | b'9') && matches!(lens, [9] | [3, 3, 3] | [3, 2, 2, 2] | [2, 3, 2, 2] | [2, 3, 4] | [3, 6])
    } else {
        false
    };
    shape || (lens.iter().skip(1).all(|&l| l >= 2) && phone_word())
}

/// Whether the groups `s..=e` are not the middle of a longer run of groups
/// in the same style: a neighbour joined by a separator used inside and as
/// long as the group next to it continues a list (`06 12 34 56 78 90`,
/// `612 345 678 912`); a house number, a postcode or a time next to a
/// number does not (`12 0171 1234567`, `0171 1234567 10115`).
fn stands_apart(text: &str, groups: &[Group], first: usize, last: usize, s: usize, e: usize) -> bool {
    let sep = |k: usize| &text[groups[k].end..groups[k + 1].start];
    let inside: Vec<&str> = (s..e).map(sep).collect();
    let before_ok = s == first || !inside.contains(&sep(s - 1)) || groups[s - 1].len() != groups[s].len();
    let after_ok = e == last || !inside.contains(&sep(e)) || groups[e + 1].len() != groups[e].len();
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!(country_code("4917112345"), Some(2));
        assert_eq!(country_code("15551234567"), Some(1));
        assert_eq!(country_code("351912345678"), Some(3));
        assert_eq!(country_code("04512398"), None);
        assert!(international("4917112345678", &[2, 3, 7]));
        assert!(!international("4512398", &[7]));
    }

    #[test]
    fn ean_and_nanp() {
        assert!(ean_valid("036000291452"));
        assert!(ean_valid("4006381333931"));
        assert!(nanp("5552345678"));
        assert!(!nanp("5551234567"));
        assert!(!nanp("1234567890"));
    }
}
