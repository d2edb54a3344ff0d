//! Payment card numbers: 13–19 digits of a card brand's prefix and length,
//! Luhn-valid, in any grouping (spaces of any kind, dashes, dots, slashes,
//! underscores), over line breaks and chat turns (`4111 1111\nCustomer:
//! 1111 1111`), or in four-digit groups with a few words between them. Not a
//! card: a number whose nearest context word says it is an order, a
//! tracking or an article number; a 13-digit number without a card word
//! (EAN-13); a longer number of which the card would be only a part.

use super::context::{self, Hint};
use super::numbers::{self, Group};
use super::Found;
use crate::config::MaskKind;

/// How two digit groups of a card may be separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// One of space, tab, `-`, `.`, `/`, `_`, or two or three spaces.
    Short,
    /// Whitespace with a line break, or a line break and a chat-turn
    /// prefix (`> `, `Customer: `).
    Line,
    /// A few words (`4111 1111 and then 1111 1111`): only between four-digit groups.
    Words,
}

fn separator(sep: &str) -> Option<Sep> {
    let b = sep.as_bytes();
    if (b.len() == 1 && matches!(b[0], b' ' | b'\t' | b'-' | b'.' | b'/' | b'_'))
        || ((2..=3).contains(&b.len()) && b.iter().all(|c| matches!(c, b' ' | b'\t')))
    {
        return Some(Sep::Short);
    }
    if b.contains(&b'\n') {
        let (head, tail) = sep.split_at(sep.find('\n').unwrap());
        let tail = tail.trim_start_matches(['\n', '\r', ' ', '\t']);
        let prefix_ok = tail.is_empty()
            || tail.trim_end() == ">"
            || (tail.trim_end().ends_with(':')
                && tail.len() <= 26
                && tail.trim_end().trim_end_matches(':').chars().all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '\''));
        if head.trim_matches([' ', '\t', '\r']).is_empty() && prefix_ok {
            return Some(Sep::Line);
        }
        return None;
    }
    let words = sep.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
    if b.len() <= 30
        && (1..=4).contains(&words)
        && sep.ends_with(' ')
        && (sep.starts_with(' ') || sep.starts_with(", "))
        && sep.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | ':' | ',' | '(' | ')' | '!' | '?' | '\''))
    {
        return Some(Sep::Words);
    }
    None
}

/// Whether `d` (digits) has the prefix and length of a card brand: Visa,
/// Mastercard, American Express, Discover, Diners, JCB, UnionPay, Maestro, Mir.
pub fn brand(d: &str) -> bool {
    let n = d.len();
    let p = |k: usize| d[..k].parse::<u32>().unwrap_or(0);
    match d.as_bytes()[0] {
        b'4' => matches!(n, 13 | 16 | 19),
        b'5' => match p(2) {
            51..=55 => n == 16,
            50 | 56..=59 => (12..=19).contains(&n),
            _ => false,
        },
        b'2' => ((2221..=2720).contains(&p(4)) && n == 16) || ((2200..=2204).contains(&p(4)) && (16..=19).contains(&n)),
        b'3' => match p(2) {
            34 | 37 => n == 15,
            35 => (3528..=3589).contains(&p(4)) && (16..=19).contains(&n),
            30 | 36 | 38 | 39 => (14..=19).contains(&n),
            _ => false,
        },
        b'6' => (16..=19).contains(&n),
        _ => false,
    }
}

/// The Luhn checksum of a string of ASCII digits holds.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Finds the cards among the unused `groups` of `text`; marks their groups used.
pub fn find(text: &str, groups: &mut [Group], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < groups.len() {
        if groups[i].used {
            i += 1;
            continue;
        }
        // the chain of unused groups joined by card separators
        let mut seps = Vec::new();
        let mut j = i;
        while j + 1 < groups.len() && !groups[j + 1].used {
            match separator(&text[groups[j].end..groups[j + 1].start]) {
                // words join only groups of a card written in fours (or Amex 4-6-5)
                Some(Sep::Words) if !(groups[j].len() >= 4 && groups[j + 1].len() >= 4) => break,
                Some(s) => seps.push(s),
                None => break,
            }
            j += 1;
        }
        let mut p = i;
        while p <= j {
            match best(text, groups, &seps, i, p, j) {
                Some((s, e)) => {
                    let (start, end) = (groups[s].start, groups[e].end);
                    let d = numbers::digits(text, start, end);
                    out.push(Found {
                        start,
                        end,
                        kind: MaskKind::Card,
                        mask: format!("[card …{}]", &d[d.len() - 4..]),
                    });
                    for g in &mut groups[s..=e] {
                        g.used = true;
                    }
                    p = e + 1;
                }
                None => break,
            }
        }
        i = j + 1;
    }
}

/// The first card in the chain `first..=last` starting at or after `from`,
/// longest first: `(first group, last group)`. Digits joined to a card by
/// short separators may be a few (a label, a security code) but not many:
/// then the card would be only part of a longer number (a tracking number).
fn best(text: &str, groups: &[Group], seps: &[Sep], first: usize, from: usize, last: usize) -> Option<(usize, usize)> {
    let count = |a: usize, b: usize| -> usize { (a..b).map(|k| groups[k].len()).sum() };
    // seps[k - first] joins groups k and k + 1
    let short = |k: usize| seps[k - first] == Sep::Short;
    for s in from..=last {
        let mut before = 0;
        let mut k = s;
        while k > from && short(k - 1) {
            k -= 1;
            before += groups[k].len();
        }
        if before > 4 {
            continue;
        }
        let mut e = last;
        loop {
            let n = count(s, e + 1);
            let mut after = 0;
            let mut k = e;
            while k < last && short(k) {
                k += 1;
                after += groups[k].len();
            }
            if (13..=19).contains(&n) && (before + after <= 4 || after >= 13) && is_card(text, groups, &seps[s - first..e - first], s, e, s == first && e == last) {
                return Some((s, e));
            }
            if e == s {
                break;
            }
            e -= 1;
        }
    }
    None
}

fn is_card(text: &str, groups: &[Group], seps: &[Sep], s: usize, e: usize, whole_chain: bool) -> bool {
    let (start, end) = (groups[s].start, groups[e].end);
    let d = numbers::digits(text, start, end);
    if !brand(&d) || !luhn(&d) || numbers::glued(text, start, end) || numbers::amount(text, start, end) || numbers::hash_before(text, start) {
        return false;
    }
    // words between the groups: only a card written in fours (or Amex 4-6-5),
    // the whole chain (not four numbers of a longer list)
    if seps.contains(&Sep::Words) {
        if !whole_chain {
            return false;
        }
        let lens: Vec<usize> = groups[s..=e].iter().map(Group::len).collect();
        if !(lens == [4, 4, 4, 4] || lens == [4, 6, 5]) {
            return false;
        }
    }
    match context::before(text, start) {
        Some(Hint::Other) => false,
        Some(Hint::Card) => true,
        // 13 digits without a card word: an EAN-13 more likely than an old Visa
        _ => d.len() > 13,
    }
}
