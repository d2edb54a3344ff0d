//! Inflected forms of the foreign languages: a word that is not in the
//! lexicon is looked up again as its base form, found by a few suffix
//! rules (plural, gender, case endings, superlatives) and, in French and
//! Italian, without an elided article or pronoun (`l'appli`, `n'aime`,
//! `dell'hotel`). Deterministic and cheap: only unknown words of a
//! non-English text get here, and each tries a handful of strings.

use crate::lang::Language;

/// Longest elided prefix ("jusqu'", "quell'"), in bytes.
const MAX_ELISION: usize = 7;
/// Shortest stem a suffix rule may leave, in bytes.
const MIN_STEM: usize = 3;

/// Suffix rules per language: (suffix, replacement), tried in order.
fn rules(language: Language) -> &'static [(&'static str, &'static str)] {
    match language {
        Language::En => &[],
        Language::De => &[
            ("sten", ""),
            ("ste", ""),
            ("ster", ""),
            ("es", ""),
            ("en", ""),
            ("em", ""),
            ("er", ""),
            ("e", ""),
            ("n", ""),
            ("s", ""),
        ],
        Language::Es => &[
            ("ísimos", "o"),
            ("ísimas", "o"),
            ("ísimo", "o"),
            ("ísima", "o"),
            ("os", "o"),
            ("as", "o"),
            ("as", "a"),
            ("es", ""),
            ("a", "o"),
            ("s", ""),
        ],
        Language::Pt => &[
            ("íssimos", "o"),
            ("íssimas", "o"),
            ("íssimo", "o"),
            ("íssima", "o"),
            ("veis", "vel"),
            ("ais", "al"),
            ("os", "o"),
            ("as", "o"),
            ("as", "a"),
            ("a", "o"),
            ("es", ""),
            ("s", ""),
        ],
        Language::It => &[
            ("issimi", "o"),
            ("issime", "o"),
            ("issimo", "o"),
            ("issima", "o"),
            ("issimo", "e"),
            ("issima", "e"),
            ("i", "o"),
            ("i", "e"),
            ("e", "a"),
            ("e", "o"),
            ("a", "o"),
        ],
        Language::Fr => &[
            ("euses", "eux"),
            ("euse", "eux"),
            ("ives", "if"),
            ("ive", "if"),
            ("elles", "el"),
            ("elle", "el"),
            ("ennes", "en"),
            ("enne", "en"),
            ("es", "e"),
            ("es", ""),
            ("s", ""),
            ("x", ""),
            ("e", ""),
        ],
    }
}

/// Whether the language elides articles and pronouns with an apostrophe.
fn elides(language: Language) -> bool {
    matches!(language, Language::Fr | Language::It)
}

/// Calls `found` with the candidate base forms of `word` (UTF-8 bytes), in
/// order, until it returns a hit.
pub(crate) fn base_form<T>(
    language: Language,
    word: &str,
    mut found: impl FnMut(&[u8]) -> Option<T>,
) -> Option<T> {
    let mut word = word;
    if elides(language)
        && let Some(at) = word.find('\'')
        && at <= MAX_ELISION
        && at + 1 < word.len()
    {
        word = &word[at + 1..];
        if let Some(hit) = found(word.as_bytes()) {
            return Some(hit);
        }
    }
    // candidates are built on the stack: no allocation per unknown word
    // (and, as two whole strings back to back, need no UTF-8 check)
    let mut buf = [0u8; CANDIDATE_BYTES];
    let mut long = Vec::new();
    for &(suffix, replacement) in rules(language) {
        let Some(stem) = word.strip_suffix(suffix) else {
            continue;
        };
        if stem.len() < MIN_STEM {
            continue;
        }
        let len = stem.len() + replacement.len();
        let candidate = if len <= CANDIDATE_BYTES {
            buf[..stem.len()].copy_from_slice(stem.as_bytes());
            buf[stem.len()..len].copy_from_slice(replacement.as_bytes());
            &buf[..len]
        } else {
            long.clear();
            long.extend_from_slice(stem.as_bytes());
            long.extend_from_slice(replacement.as_bytes());
            &long[..]
        };
        if let Some(hit) = found(candidate) {
            return Some(hit);
        }
    }
    None
}

/// Candidates up to this many bytes are built on the stack.
const CANDIDATE_BYTES: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(language: Language, word: &str) -> Vec<String> {
        let mut seen = Vec::new();
        base_form::<()>(language, word, |w| {
            seen.push(String::from_utf8(w.to_vec()).unwrap());
            None
        });
        seen
    }

    #[test]
    fn suffixes_and_elision() {
        assert!(forms(Language::Es, "buenísima").contains(&"bueno".to_string()));
        assert!(forms(Language::Es, "malas").contains(&"malo".to_string()));
        assert!(forms(Language::Pt, "incríveis").contains(&"incrível".to_string()));
        assert!(forms(Language::It, "bellissime").contains(&"bello".to_string()));
        assert!(forms(Language::It, "buone").contains(&"buona".to_string()));
        assert!(forms(Language::De, "schlechten").contains(&"schlecht".to_string()));
        assert!(forms(Language::Fr, "déçue").contains(&"déçu".to_string()));
        assert!(forms(Language::Fr, "heureuse").contains(&"heureux".to_string()));
        assert_eq!(forms(Language::Fr, "l'appli")[0], "appli");
        assert_eq!(forms(Language::It, "dell'hotel")[0], "hotel");
        // no elision outside French and Italian, no stem under three bytes
        assert!(forms(Language::Es, "d'aqui").iter().all(|f| f.starts_with("d'")));
        assert!(forms(Language::De, "ne").is_empty());
        assert!(forms(Language::En, "bad").is_empty());
        // a word longer than the stack buffer gets the same candidates
        let long = format!("{}ísimas", "x".repeat(70));
        assert_eq!(forms(Language::Es, &long)[0], format!("{}o", "x".repeat(70)));
        assert_eq!(forms(Language::Es, &long).len(), 4);
    }
}
