//! The built-in urgency and churn cues, in English, German, Spanish, French,
//! Italian and Portuguese. The phrases are data, in `cues.json` (see `cues`).
//!
//! Each phrase is evidence of a [`Cue`]. A message scores by the number of
//! different cues it shows, not by the number of phrases: "outage" and "down"
//! are one piece of evidence, as are "Ausfall" and "Störung", so a message
//! gets the same points in every language however many synonyms its writer
//! used.
//!
//! Where the pipeline has a classifier, the cues it covers (outage, account
//! takeover, fraud, legal threat, cancellation) come from its signals
//! instead of these phrases (see `signals`): the classifier reads the
//! meaning (a cancelled *order* is not churn, "no internet in the whole
//! office" is an outage), and its signals are the same in every language.
//! The phrases of those cues then only serve pipelines without a classifier.

use serde::Deserialize;

use crate::cues::cues;

/// What a phrase or a signal is evidence of (in `cues.json`: kebab-case,
/// `account-takeover`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cue {
    /// The service is down for the customer, or for many.
    Outage,
    /// Someone else got into the customer's account.
    AccountTakeover,
    /// Payments the customer did not make, a scam, a stolen card.
    Fraud,
    /// A lawyer, a court, a consumer authority.
    LegalThreat,
    /// Personal data leaked.
    DataBreach,
    /// Charged twice for one thing.
    ChargedTwice,
    /// The customer cannot get into their account.
    LockedOut,
    /// The customer says it is urgent.
    SaysUrgent,
    /// The customer wants to cancel or leave, or a classifier judges them
    /// likely to (`churn-risk=high`: one fact, counted once).
    Cancellation,
}

impl Cue {
    /// Whether a classifier signal stands for this cue (the signal table of
    /// `cues.json` names it), so that its phrases are not counted when the
    /// pipeline has a classifier.
    pub fn from_classifier(self) -> bool {
        let rules = &cues().signals;
        rules.urgent.iter().chain(&rules.churn).any(|r| r.cue == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cues::{CuePhrases, phrases};
    use crate::keywords::{Keywords, Phrase, Scanner, normalize_into};

    fn urgent() -> &'static [CuePhrases] {
        &cues().urgent
    }

    fn churn() -> &'static [CuePhrases] {
        &cues().churn
    }

    fn found(table: &'static [CuePhrases], text: &str) -> Vec<Cue> {
        let list = Keywords::new(phrases(table).filter_map(|(c, w)| Phrase::new(w).map(|p| p.with_cue(c))));
        let mut norm = String::new();
        normalize_into(text, &mut norm);
        let scanner = Scanner::new([list]);
        let [found] = scanner.found(&norm);
        let mut out: Vec<Cue> = found.iter().filter_map(|p| p.cue).collect();
        out.dedup();
        out
    }

    #[test]
    fn every_phrase_has_something_to_match() {
        for (_, w) in phrases(urgent()).chain(phrases(churn())) {
            assert!(Phrase::new(w).is_some(), "{w:?}");
        }
    }

    #[test]
    fn the_same_cue_in_six_languages() {
        for text in [
            "I was charged twice for one order",
            "Mir wurde der Betrag doppelt abgebucht",
            "Me habéis cobrado dos veces",
            "J'ai été prélevé deux fois",
            "Mi avete addebitato due volte",
            "Fui cobrado duas vezes",
        ] {
            assert_eq!(found(urgent(), text), [Cue::ChargedTwice], "{text}");
        }
        for text in [
            "I can't log in since Monday",
            "Ich kann mich nicht mehr anmelden",
            "No puedo iniciar sesión",
            "Je ne peux plus me connecter",
            "Non riesco più ad accedere",
            "Não consigo entrar na conta",
        ] {
            assert_eq!(found(urgent(), text), [Cue::LockedOut], "{text}");
        }
        for text in ["Kündigen Sie bitte", "Quiero darme de baja", "Je veux résilier", "Vorrei disdire"] {
            assert_eq!(found(churn(), text), [Cue::Cancellation], "{text}");
        }
    }

    #[test]
    fn synonyms_are_one_cue() {
        assert_eq!(found(urgent(), "Outage: the site is down"), [Cue::Outage]);
        assert_eq!(found(urgent(), "URGENT: account hacked"), [Cue::AccountTakeover, Cue::SaysUrgent]);
    }
}
