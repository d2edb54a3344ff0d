//! Subjects: what an input subject says about the tenant and the channel,
//! and the subjects decisions and dead letters are published to.

use cxr_host::model::Channel;

/// What the tokens after the input prefix say: `PREFIX.CHANNEL`,
/// `PREFIX.TENANT` or `PREFIX.TENANT[...].CHANNEL`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectHints {
    /// The tenant named by the subject, if any.
    pub tenant: Option<String>,
    /// The channel named by the last token, if it names one.
    pub channel: Option<Channel>,
}

/// The literal tokens of an input filter before its first wildcard
/// (`cxr.in.>` gives `["cxr", "in"]`).
pub fn literal_prefix(filter: &str) -> Vec<String> {
    filter
        .split('.')
        .take_while(|t| *t != "*" && *t != ">")
        .map(str::to_string)
        .collect()
}

/// Reads the tenant and channel hints of `subject`, whose first tokens are
/// `prefix`. One token after the prefix is the channel when it names one,
/// else the tenant; with two or more, the first is the tenant and the last
/// is the channel when it names one.
pub fn hints(prefix: &[String], subject: &str) -> SubjectHints {
    let tokens: Vec<&str> = subject.split('.').collect();
    let starts_with_prefix = tokens.len() >= prefix.len() && tokens.iter().zip(prefix).all(|(t, p)| t == p);
    if !starts_with_prefix {
        return SubjectHints::default();
    }
    match &tokens[prefix.len()..] {
        [] => SubjectHints::default(),
        [one] => match Channel::parse(one) {
            Some(channel) => SubjectHints {
                tenant: None,
                channel: Some(channel),
            },
            None => SubjectHints {
                tenant: Some((*one).to_string()),
                channel: None,
            },
        },
        [first, .., last] => SubjectHints {
            tenant: Some((*first).to_string()),
            channel: Channel::parse(last),
        },
    }
}

/// Turns any text into one subject token: ASCII letters, digits, `_` and
/// `-` are kept, anything else (dots, wildcards, spaces, control characters,
/// non-ASCII) becomes `_`; at most 128 characters; `_` when empty.
pub fn token(text: &str) -> String {
    let t: String = text
        .chars()
        .take(128)
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    if t.is_empty() { "_".to_string() } else { t }
}

/// `PREFIX.TOKEN`: the subject of a decision for `queue`, or of a dead
/// letter for a reason.
pub fn under(prefix: &str, name: &str) -> String {
    format!("{prefix}.{}", token(name))
}

/// Checks a subject prefix given on the command line: dot-separated
/// non-empty tokens without wildcards or whitespace.
pub fn check_prefix(flag: &str, prefix: &str) -> Result<(), String> {
    let bad = prefix.is_empty()
        || prefix
            .split('.')
            .any(|t| t.is_empty() || t == "*" || t == ">" || t.chars().any(|c| c.is_whitespace() || c.is_control()));
    if bad {
        Err(format!(
            "{flag} {prefix:?} is not a subject prefix: dot-separated tokens, no wildcards or spaces (e.g. cxr.out)"
        ))
    } else {
        Ok(())
    }
}

/// Checks an input filter: tokens as in a prefix, `*` allowed, `>` only last.
pub fn check_filter(flag: &str, filter: &str) -> Result<(), String> {
    let tokens: Vec<&str> = filter.split('.').collect();
    let bad = filter.is_empty()
        || tokens.iter().enumerate().any(|(i, t)| {
            t.is_empty() || (*t == ">" && i + 1 != tokens.len()) || t.chars().any(|c| c.is_whitespace() || c.is_control())
        });
    if bad {
        Err(format!("{flag} {filter:?} is not a subject filter (e.g. cxr.in.>)"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Vec<String> {
        literal_prefix("cxr.in.>")
    }

    #[test]
    fn prefix_stops_at_the_first_wildcard() {
        assert_eq!(p(), ["cxr", "in"]);
        assert_eq!(literal_prefix("a.*.c.>"), ["a"]);
        assert_eq!(literal_prefix("cxr.in"), ["cxr", "in"]);
    }

    #[test]
    fn one_token_is_a_channel_or_a_tenant() {
        assert_eq!(
            hints(&p(), "cxr.in.chat"),
            SubjectHints {
                tenant: None,
                channel: Some(Channel::Chat)
            }
        );
        assert_eq!(hints(&p(), "cxr.in.web_form").channel, Some(Channel::WebForm));
        assert_eq!(
            hints(&p(), "cxr.in.acme"),
            SubjectHints {
                tenant: Some("acme".into()),
                channel: None
            }
        );
    }

    #[test]
    fn first_token_is_the_tenant_and_last_the_channel() {
        assert_eq!(
            hints(&p(), "cxr.in.acme.sms"),
            SubjectHints {
                tenant: Some("acme".into()),
                channel: Some(Channel::Sms)
            }
        );
        assert_eq!(
            hints(&p(), "cxr.in.acme.eu.other"),
            SubjectHints {
                tenant: Some("acme".into()),
                channel: None
            }
        );
    }

    #[test]
    fn no_tokens_or_another_prefix_give_no_hints() {
        assert_eq!(hints(&p(), "cxr.in"), SubjectHints::default());
        assert_eq!(hints(&p(), "other.in.chat"), SubjectHints::default());
        assert_eq!(hints(&[], "chat"), hints(&p(), "cxr.in.chat"));
    }

    #[test]
    fn tokens_cannot_add_levels_or_wildcards() {
        assert_eq!(token("billing"), "billing");
        assert_eq!(token("key-accounts_eu"), "key-accounts_eu");
        assert_eq!(token("a.b"), "a_b");
        assert_eq!(token(">"), "_");
        assert_eq!(token("*"), "_");
        assert_eq!(token("x y\r\n"), "x_y__");
        assert_eq!(token("café"), "caf_");
        assert_eq!(token(""), "_");
        assert_eq!(token(&"q".repeat(500)).len(), 128);
        assert_eq!(under("cxr.out", "billing.eu"), "cxr.out.billing_eu");
    }

    #[test]
    fn prefixes_and_filters_are_checked() {
        assert!(check_prefix("--out-prefix", "cxr.out").is_ok());
        for bad in ["", "cxr.", ".x", "cxr.>", "cxr.*", "a b"] {
            assert!(check_prefix("--out-prefix", bad).is_err(), "{bad}");
        }
        assert!(check_filter("--in-subjects", "cxr.in.>").is_ok());
        assert!(check_filter("--in-subjects", "cxr.*.x").is_ok());
        for bad in ["", "cxr.>.x", "cxr..in", "a b.>"] {
            assert!(check_filter("--in-subjects", bad).is_err(), "{bad}");
        }
    }
}
