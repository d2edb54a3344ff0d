//! E-mail addresses, as written and as people disguise them:
//!
//! - `local@domain.tld` with Unicode letters in both parts (`josé@correo.es`,
//!   `…@почта.рф`, `xn--` domains), fullwidth `＠` (folded), spaces around
//!   the `@` (`jane.doe @ example.com`);
//! - obfuscated: `jane dot doe at example dot com`, `jane.doe [at] example
//!   [dot] com`, `jane(at)example(dot)com`, `{at}`, `(a)`, `-at-`, and the
//!   words of other languages: `arroba`, `arobase`, `chiocciola`,
//!   `apenstaartje`, `Klammeraffe`, `punkt`, `point`, `punto`, `ponto`, `punt`.
//!
//! A disguised address must end in a known top-level domain; one written
//! with a plain word `at` must also look like an address on the left (a
//! dot, digit, `_`, `+` or `-` in it, or a spelled dot), so `look at
//! example.com` stays.

use super::Found;
use crate::config::MaskKind;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// How an `@` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// `@` with no space around it.
    Plain,
    /// `@` with spaces, brackets (`[at]`, `(a)`) or a word of its own (`arroba`).
    Disguised,
    /// The English word `at`, which is also just a word.
    Word,
}

/// The `@` forms, with how each is written; bracketed and spelled forms
/// include the spaces they need around them.
const AT_FORMS: &[(&str, At)] = &[
    ("@", At::Plain),
    ("(at)", At::Disguised),
    ("[at]", At::Disguised),
    ("{at}", At::Disguised),
    ("<at>", At::Disguised),
    ("( at )", At::Disguised),
    ("[ at ]", At::Disguised),
    ("{ at }", At::Disguised),
    ("(a)", At::Disguised),
    ("[a]", At::Disguised),
    ("(ät)", At::Disguised),
    ("[ät]", At::Disguised),
    ("-at-", At::Disguised),
    ("_at_", At::Disguised),
    (" arroba ", At::Disguised),
    (" arobase ", At::Disguised),
    (" chiocciola ", At::Disguised),
    (" apenstaartje ", At::Disguised),
    (" klammeraffe ", At::Disguised),
    (" ät ", At::Disguised),
    (" at ", At::Word),
];

/// Spelled or bracketed dots, with the spaces they need.
const DOT_FORMS: &[&str] = &[
    "[.]", "(.)", "(dot)", "[dot]", "{dot}", "<dot>", "( dot )", "[ dot ]", "-dot-", "_dot_", "(punkt)", "[punkt]", "(point)", "[point]",
    "(punto)", "[punto]", "(ponto)", "[ponto]", "(punt)", "[punt]", " dot ", " punkt ", " point ", " punto ", " ponto ", " punt ",
];

/// Top-level domains a disguised address may end in.
const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "int", "info", "biz", "io", "co", "me", "tv", "app", "dev", "eu", "de", "fr", "es", "it",
    "pt", "nl", "be", "at", "ch", "uk", "ie", "lu", "dk", "se", "no", "fi", "pl", "cz", "sk", "hu", "ro", "bg", "gr", "hr", "si",
    "ee", "lv", "lt", "is", "us", "ca", "mx", "br", "ar", "cl", "au", "nz", "jp", "cn", "in", "ru", "рф", "ua", "tr", "za",
    "online", "shop", "store", "email", "mail", "ai", "xyz", "cat", "gal", "eus", "swiss", "berlin", "paris", "bayern", "nrw",
    "wien", "amsterdam", "madrid", "barcelona",
];

static AT_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(AT_FORMS.iter().map(|(f, _)| f))
        .expect("at forms build")
});

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// `s` starts with `prefix`, ignoring ASCII case.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `s` ends with `suffix`, ignoring ASCII case.
fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len() && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Whether `text` may hold an address: a quick test before [`find`].
pub fn may_hold(text: &str) -> bool {
    AT_FINDER.is_match(text)
}

/// Finds the e-mail addresses in `text` (folded).
pub fn find(text: &str, out: &mut Vec<Found>) {
    let mut taken_to = 0;
    for m in AT_FINDER.find_iter(text) {
        if m.start() < taken_to {
            continue;
        }
        let at = AT_FORMS[m.pattern().as_usize()].1;
        if let Some((start, end)) = address(text, m.start(), m.end(), at)
            && start >= taken_to
        {
            out.push(Found {
                start,
                end,
                kind: MaskKind::Email,
                mask: "[email]".to_string(),
            });
            taken_to = end;
        }
    }
}

/// The address around an `@` form at `at_start..at_end`.
fn address(text: &str, at_start: usize, at_end: usize, at: At) -> Option<(usize, usize)> {
    let mut disguised = at != At::Plain;
    // spaces around the @ form (a plain `@` with spaces is disguised)
    let left = text[..at_start].trim_end_matches(' ');
    let right_from = at_end + (text[at_end..].len() - text[at_end..].trim_start_matches(' ').len());
    if at == At::Plain && (left.len() < at_start || right_from > at_end) {
        if at_start - left.len() > 2 || right_from - at_end > 2 {
            return None;
        }
        disguised = true;
    }
    let (local_start, spelled_left) = local_part(text, left.len())?;
    let local = &text[local_start..left.len()];
    let (end, tld, spelled_right) = domain(text, right_from)?;
    let spelled = spelled_left || spelled_right;
    let known = TLDS.iter().any(|t| tld.eq_ignore_ascii_case(t)) || starts_with_ci(tld, "xn--");
    if (disguised || spelled) && !known {
        return None;
    }
    if at == At::Word
        && !spelled
        && !local.chars().any(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '+' | '-'))
    {
        return None;
    }
    if local.chars().count() > 64 {
        return None;
    }
    Some((local_start, end))
}

/// The length of a spelled or bracketed dot (with up to two spaces on
/// either side of a bracketed one) that starts `rest` and is followed by a
/// letter or digit.
fn spelled_dot_after(rest: &str) -> Option<usize> {
    let lead = rest.len() - rest.trim_start_matches(' ').len();
    let form = DOT_FORMS.iter().find(|d| {
        let bracketed = !d.starts_with(' ');
        (bracketed && lead <= 2 && starts_with_ci(&rest[lead..], d)) || (!bracketed && starts_with_ci(rest, d))
    })?;
    let mut n = if form.starts_with(' ') { form.len() } else { lead + form.len() };
    let trail = rest[n..].len() - rest[n..].trim_start_matches(' ').len();
    if !form.starts_with(' ') && trail <= 2 {
        n += trail;
    }
    rest[n..].chars().next().is_some_and(char::is_alphanumeric).then_some(n)
}

/// Like [`spelled_dot_after`], for a dot that ends `before`, preceded by a
/// character of a local part.
fn spelled_dot_before(before: &str) -> Option<usize> {
    let trail = before.len() - before.trim_end_matches(' ').len();
    let form = DOT_FORMS.iter().find(|d| {
        let bracketed = !d.starts_with(' ');
        (bracketed && trail <= 2 && ends_with_ci(&before[..before.len() - trail], d)) || (!bracketed && ends_with_ci(before, d))
    })?;
    let mut n = if form.starts_with(' ') { form.len() } else { trail + form.len() };
    let rest = &before[..before.len() - n];
    let lead = rest.len() - rest.trim_end_matches(' ').len();
    if !form.starts_with(' ') && lead <= 2 {
        n += lead;
    }
    before[..before.len() - n].chars().next_back().is_some_and(is_local_char).then_some(n)
}

/// The local part ending at `end`: its start, and whether a spelled dot joins its words.
fn local_part(text: &str, end: usize) -> Option<(usize, bool)> {
    let mut pos = end;
    let mut spelled = false;
    loop {
        let token_start = text[..pos]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_local_char(c))
            .last()
            .map(|(i, _)| i)?;
        // no leading dot or dash
        let token_start = token_start + (text[token_start..pos].len() - text[token_start..pos].trim_start_matches(['.', '-', '\'']).len());
        if token_start >= pos {
            return None;
        }
        pos = token_start;
        match spelled_dot_before(&text[..pos]) {
            Some(n) => {
                pos -= n;
                spelled = true;
            }
            None => return Some((pos, spelled)),
        }
    }
}

/// The domain starting at `start`: its end, its last label and whether a
/// spelled dot joins its labels. At least two labels.
fn domain(text: &str, start: usize) -> Option<(usize, &str, bool)> {
    let mut pos = start;
    let mut labels = 0;
    let mut last = "";
    let mut spelled = false;
    loop {
        let len: usize = text[pos..].chars().take_while(|&c| is_label_char(c)).map(char::len_utf8).sum();
        let label = text[pos..pos + len].trim_end_matches('-');
        if label.is_empty() || label.starts_with('-') {
            break;
        }
        labels += 1;
        last = label;
        pos += label.len();
        let rest = &text[pos..];
        if rest.starts_with('.') && rest[1..].chars().next().is_some_and(|c| c.is_alphanumeric()) {
            pos += 1;
            continue;
        }
        // a dot with a space around it (`example . com`): a disguise
        if let Some(n) = [" . ", " .", ". "].iter().find(|d| rest.starts_with(**d)).map(|d| d.len())
            && rest[n..].chars().next().is_some_and(|c| c.is_alphanumeric())
        {
            pos += n;
            spelled = true;
            continue;
        }
        match spelled_dot_after(rest) {
            Some(n) => {
                pos += n;
                spelled = true;
            }
            None => break,
        }
    }
    let tld_ok = last.chars().count() >= 2 && (last.chars().all(char::is_alphabetic) || starts_with_ci(last, "xn--"));
    (labels >= 2 && tld_ok).then_some((pos, last, spelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn addresses_as_written() {
        assert_eq!(emails("Mail jane.doe+cx@example.co.uk."), ["jane.doe+cx@example.co.uk"]);
        assert_eq!(emails("an josé@correo.es oder иван@почта.рф"), ["josé@correo.es", "иван@почта.рф"]);
        assert_eq!(emails("write to jane.doe @ example.com please"), ["jane.doe @ example.com"]);
        assert_eq!(emails("mailto:info@xn--bcher-kva.de"), ["info@xn--bcher-kva.de"]);
        assert!(emails("follow @jane and see you @ 5pm").is_empty());
    }

    #[test]
    fn disguised_addresses() {
        for (text, address) in [
            ("it is jane dot doe at example dot com ok", "jane dot doe at example dot com"),
            ("jane.doe [at] example [dot] com", "jane.doe [at] example [dot] com"),
            ("jane(at)example(dot)com", "jane(at)example(dot)com"),
            ("jane.doe(at)example.com", "jane.doe(at)example.com"),
            ("JANE.DOE AT EXAMPLE DOT COM", "JANE.DOE AT EXAMPLE DOT COM"),
            ("jane.doe at gmail.com", "jane.doe at gmail.com"),
            ("juan.perez arroba correo punto es", "juan.perez arroba correo punto es"),
            ("mario.rossi chiocciola esempio.it", "mario.rossi chiocciola esempio.it"),
            ("jean punto dupont arobase exemple point fr", "jean punto dupont arobase exemple point fr"),
        ] {
            assert_eq!(emails(text), [address], "{text}");
        }
        for text in ["look at example.com", "we are at shop.example.com today", "meet me at the station. Bye", "at 10.30 am"] {
            assert!(emails(text).is_empty(), "{text}");
        }
    }
}
