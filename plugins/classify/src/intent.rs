//! The intents the classifier tells apart, and the languages it has
//! lexicons for.

use std::fmt;

/// What the customer wants, one per interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intent {
    /// Service down, degraded or in maintenance.
    Outage,
    /// Cancel a subscription, contract or membership; switch provider.
    Cancellation,
    /// Charges, invoices, payments, refunds.
    Billing,
    /// Returns, exchanges, faulty items sent back.
    Returns,
    /// Order status, shipping, lost or late parcels, cancelling an order.
    Delivery,
    /// Login, password, two-factor, personal data, account settings.
    Account,
    /// Product or app not working, how-to, integration, IT problems.
    Technical,
    /// Prices, quotes, pre-sales questions, upgrades.
    Sales,
    /// Praise, suggestions, reviews, complaints about the experience.
    Feedback,
    /// None of the above, or not enough to tell.
    Other,
}

impl Intent {
    /// Every intent, in tie-break order (earlier wins a tie).
    pub const ALL: [Intent; 10] = [
        Intent::Outage,
        Intent::Cancellation,
        Intent::Billing,
        Intent::Returns,
        Intent::Delivery,
        Intent::Account,
        Intent::Technical,
        Intent::Sales,
        Intent::Feedback,
        Intent::Other,
    ];

    /// The signal value, e.g. `billing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Outage => "outage",
            Intent::Cancellation => "cancellation",
            Intent::Billing => "billing",
            Intent::Returns => "returns",
            Intent::Delivery => "delivery",
            Intent::Account => "account",
            Intent::Technical => "technical",
            Intent::Sales => "sales",
            Intent::Feedback => "feedback",
            Intent::Other => "other",
        }
    }

    /// The intent named `name` (as in [`Intent::as_str`]).
    pub fn parse(name: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == name)
    }

    /// Position in [`Intent::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The languages with built-in lexicons (ISO 639-1), by index.
pub const LANGUAGES: [&str; 6] = ["en", "de", "es", "fr", "pt", "it"];

/// Index in [`LANGUAGES`] of a language tag (`pt-BR` → `pt`), if it has a
/// lexicon.
pub fn language_index(tag: &str) -> Option<u8> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
    let primary = primary.to_ascii_lowercase();
    let code = match primary.as_str() {
        "eng" => "en",
        "deu" | "ger" => "de",
        "spa" => "es",
        "fra" | "fre" => "fr",
        "por" => "pt",
        "ita" => "it",
        other => other,
    };
    LANGUAGES.iter().position(|l| *l == code).map(|i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for i in Intent::ALL {
            assert_eq!(Intent::parse(i.as_str()), Some(i));
            assert_eq!(Intent::ALL[i.index()], i);
        }
        assert_eq!(Intent::parse("Billing"), None);
    }

    #[test]
    fn language_tags() {
        assert_eq!(language_index("pt-BR"), Some(4));
        assert_eq!(language_index("DE"), Some(1));
        assert_eq!(language_index("fra"), Some(3));
        assert_eq!(language_index("it-CH"), Some(5));
        assert_eq!(language_index("nl"), None);
        assert_eq!(language_index(""), None);
    }
}
