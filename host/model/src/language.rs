//! Language tags: what `language` of an interaction may hold. A tag like
//! BCP 47 writes it (`en`, `de-CH`, `pt-BR`, `zh-Hant-TW`, `es-419`; `_`
//! accepted for `-`), at most 35 characters; anything else is not a
//! language and is dropped before plugins see it or a decision copies it.

/// Longest tag accepted.
pub const MAX_LEN: usize = 35;

/// `tag` normalised (trimmed, `_` as `-`, lower case) when it is a
/// language tag: a 2–3 letter language, then subtags of 1–8 letters or
/// digits (script, region, variants), none empty.
pub fn language_tag(tag: &str) -> Option<String> {
    let t = tag.trim();
    if t.is_empty() || t.len() > MAX_LEN || !t.is_ascii() {
        return None;
    }
    let t = t.replace('_', "-").to_ascii_lowercase();
    let mut parts = t.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    for sub in parts {
        if !(1..=8).contains(&sub.len()) || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_not_tags() {
        for (tag, norm) in [("en", "en"), (" DE ", "de"), ("de-CH", "de-ch"), ("pt_BR", "pt-br"), ("zh-Hant-TW", "zh-hant-tw"), ("es-419", "es-419")] {
            assert_eq!(language_tag(tag).as_deref(), Some(norm), "{tag}");
        }
        for tag in ["", "e", "english language", "jane@example.com", "+49 171 1234567", "4111111111111111", "de--ch", "fr-", "ü", "x-very-long-private-use-tag-beyond-limit"] {
            assert_eq!(language_tag(tag), None, "{tag}");
        }
    }
}
