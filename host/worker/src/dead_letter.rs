//! Dead letters: why a message could not be decided, and the one-line,
//! printable text that goes into a header.

/// Why a message was dead-lettered; the last token of its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The payload is not an interaction: not UTF-8, not JSON, not an
    /// object, or a field is missing or wrong (the error names it).
    BadInput,
    /// The tenant named by the header or subject does not exist (or none
    /// was named and there is no `default` tenant).
    UnknownTenant,
    /// Another message with the same decision key (the interaction id, with
    /// its tenant) was already decided within the output stream's duplicate
    /// window: a repeated id, not a redelivery.
    DuplicateId,
    /// Deciding failed outright (the decision task panicked).
    DecisionFailed,
    /// The decision, with its headers, is larger than the broker's
    /// `max_payload`: it can never be published.
    TooLarge,
    /// The message was delivered `--max-deliver` times without success
    /// (its decision could not be stored, or a worker died on it each time).
    MaxDeliver,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 6] = [
        Reason::BadInput,
        Reason::UnknownTenant,
        Reason::DuplicateId,
        Reason::DecisionFailed,
        Reason::TooLarge,
        Reason::MaxDeliver,
    ];

    /// The subject token and metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BadInput => "bad_input",
            Reason::UnknownTenant => "unknown_tenant",
            Reason::DuplicateId => "duplicate_id",
            Reason::DecisionFailed => "decision_failed",
            Reason::TooLarge => "too_large",
            Reason::MaxDeliver => "max_deliver",
        }
    }
}

/// The longest header value written (error texts are cut, with `…`).
pub const MAX_HEADER_CHARS: usize = 1024;

/// Makes `text` safe as a NATS header value: one line of printable text.
/// Control characters (CR and LF included), escape sequences and Unicode
/// bidi overrides are written as `\u{..}` escapes; at most
/// [`MAX_HEADER_CHARS`] characters.
pub fn header_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_HEADER_CHARS));
    for (n, c) in text.chars().enumerate() {
        if n >= MAX_HEADER_CHARS {
            out.push('…');
            break;
        }
        let hostile = c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        if hostile {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_subject_tokens() {
        for r in Reason::ALL {
            assert_eq!(crate::subjects::token(r.as_str()), r.as_str());
        }
    }

    #[test]
    fn header_text_is_one_printable_line() {
        assert_eq!(header_text("field `body`: is required"), "field `body`: is required");
        let hostile = header_text("a\r\nNats-Msg-Id: forged\x1b[2J\u{202E}b\x07");
        assert!(!hostile.contains(['\r', '\n', '\x1b', '\u{202E}', '\x07']), "{hostile}");
        assert!(hostile.contains("\\u{d}\\u{a}"), "{hostile}");
        let long = header_text(&"x".repeat(5000));
        assert_eq!(long.chars().count(), MAX_HEADER_CHARS + 1);
    }
}
