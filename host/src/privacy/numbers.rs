//! Numbers in folded text: runs of digits ("groups") and what separates
//! them, with the numbers that are never personal data marked so that no
//! card or phone number can be read through them: dates (`05.11.2026`,
//! `2026-11-05`, `11/05/26`), expiry dates (`12/26`) and IPv4 addresses.

/// A run of ASCII digits: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    /// Taken by an earlier match, or part of a date or an address: never
    /// part of a card or phone number.
    pub used: bool,
}

impl Group {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Never: a group has at least one digit.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The digit groups of `text`, dates, expiry dates and IPv4 addresses marked used.
pub fn groups(text: &str) -> Vec<Group> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push(Group {
                start,
                end: i,
                used: false,
            });
        } else {
            i += 1;
        }
    }
    mark_dates_and_addresses(text, &mut out);
    out
}

/// Marks runs of groups joined by one repeated `.`, `/` or `-` that are
/// dates, expiry dates or IPv4 addresses.
fn mark_dates_and_addresses(text: &str, groups: &mut [Group]) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < groups.len() {
        // the run of groups joined by the same single separator
        let mut j = i;
        let mut sep = None;
        while j + 1 < groups.len() && groups[j + 1].start == groups[j].end + 1 {
            let c = b[groups[j].end];
            if !matches!(c, b'.' | b'/' | b'-') || sep.is_some_and(|s| s != c) {
                break;
            }
            sep = Some(c);
            j += 1;
        }
        let run = &groups[i..=j];
        let value = |g: &Group| text[g.start..g.end].parse::<u32>().unwrap_or(u32::MAX);
        let lens: Vec<usize> = run.iter().map(Group::len).collect();
        // not glued to letters or more digits on either side
        let alone = (run[0].start == 0 || !b[run[0].start - 1].is_ascii_alphanumeric())
            && (run[run.len() - 1].end >= b.len() || !b[run[run.len() - 1].end].is_ascii_alphanumeric());
        let date = run.len() == 3
            && ((lens[0] <= 2 && lens[1] <= 2 && (lens[2] == 2 || lens[2] == 4) && value(&run[0]) <= 31 && value(&run[1]) <= 31)
                || (lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2 && value(&run[1]) <= 12 && value(&run[2]) <= 31));
        let expiry = run.len() == 2 && sep == Some(b'/') && lens[0] <= 2 && (lens[1] == 2 || lens[1] == 4) && (1..=12).contains(&value(&run[0]));
        let address = run.len() == 4 && sep == Some(b'.') && lens.iter().all(|&n| n <= 3) && run.iter().all(|g| value(g) <= 255);
        if alone && (date || expiry || address) {
            for g in &mut groups[i..=j] {
                g.used = true;
            }
        }
        i = j + 1;
    }
}

/// The digits of `text[start..end]`.
pub fn digits(text: &str, start: usize, end: usize) -> String {
    text[start..end].bytes().filter(u8::is_ascii_digit).map(char::from).collect()
}

/// Whether a number at `start..end` of `text` is glued to a word: a letter
/// or digit right before or after it (`INV0004512398`, `12kg`).
pub fn glued(text: &str, start: usize, end: usize) -> bool {
    glued_before(text, start) || glued_after(text, end)
}

/// A letter or digit right before `start`, or joined to it by `-`, `_` or
/// `/` (`SR-0612345678`, `ID_4111...`: a code, not a number of its own).
pub fn glued_before(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let word_at = |k: usize| b[k].is_ascii_alphanumeric() || b[k] >= 0x80 && prev_char_is_alphanumeric(text, k + 1);
    start > 0 && (word_at(start - 1) || (start > 1 && matches!(b[start - 1], b'-' | b'_' | b'/') && word_at(start - 2)))
}

/// A letter or digit right after `end`.
pub fn glued_after(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] >= 0x80 && text[end..].chars().next().is_some_and(char::is_alphanumeric))
}

fn prev_char_is_alphanumeric(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(char::is_alphanumeric)
}

/// A `#` right before `start` (`#0004512398`: an id).
pub fn hash_before(text: &str, start: usize) -> bool {
    text[..start].trim_end_matches(' ').ends_with(['#', '№'])
}

/// Whether an amount's sign is right before `start` or right after `end`
/// (a currency symbol or code, `%`, or a decimal part `,99`): `€ 612 345 678`,
/// `912 345 678,00`, `0612345678 EUR`.
pub fn amount(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end_matches(' ');
    let after = text[end..].trim_start_matches(' ');
    let symbol = |c: char| matches!(c, '€' | '$' | '£' | '¥' | '₹' | '₽' | '%' | '₺' | '₩');
    if before.chars().next_back().is_some_and(symbol) || after.chars().next().is_some_and(symbol) {
        return true;
    }
    let code = |s: &str| {
        let s = s.get(..3).unwrap_or("");
        ["EUR", "USD", "GBP", "CHF", "eur", "usd", "gbp", "chf", "SEK", "DKK", "NOK", "PLN", "CZK", "JPY"].contains(&s)
    };
    let decimal = {
        let a = &text.as_bytes()[end..];
        a.len() >= 3 && a[0] == b',' && a[1].is_ascii_digit() && a[2].is_ascii_digit() && (a.len() == 3 || !a[3].is_ascii_digit())
    };
    code(after) || before.len() >= 3 && before.get(before.len() - 3..).is_some_and(code) || decimal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(text: &str) -> Vec<(String, bool)> {
        groups(text).iter().map(|g| (text[g.start..g.end].to_string(), g.used)).collect()
    }

    #[test]
    fn dates_expiries_and_addresses_are_marked() {
        let u = used("05.11.2026 09:15, 2026-11-05, 11/05/26, exp 12/26, 192.168.1.20, 06.12.34.56.78");
        let marked: Vec<&str> = u.iter().filter(|(_, m)| *m).map(|(s, _)| s.as_str()).collect();
        assert_eq!(marked, ["05", "11", "2026", "2026", "11", "05", "11", "05", "26", "12", "26", "192", "168", "1", "20"]);
        // a French phone number in dots is five groups: not a date
        assert!(u.iter().rev().take(5).all(|(_, m)| !m));
    }

    #[test]
    fn glue_and_amounts() {
        assert!(glued("INV0004512398", 3, 13));
        assert!(!glued("INV 0004512398", 4, 14));
        let t = "€ 612 345 678";
        assert!(amount(t, t.find('6').unwrap(), t.len()));
        assert!(amount("612 345 678,00", 0, 11));
        assert!(amount("612345678 EUR", 0, 9));
        assert!(!amount("call 612 345 678, thanks", 5, 16));
    }
}
