//! The built-in cues as data: `cues.json` at the crate's root, compiled in
//! (`include_str!`) and read once, on first use.
//!
//! The same file is read when the TypeScript and Python ports of this
//! plugin are built (`kits/js/examples/priority`, `kits/python/examples/priority`),
//! so the phrases, the negations and the signal table exist once for all
//! three. It holds:
//!
//! - `urgent`, `churn`: the phrases of each [`Cue`], in all six languages;
//! - `signals`: the classifier signals that stand for a cue (name, value,
//!   least confidence); a cue named there is covered by the classifier;
//! - `negations`: words (in matching form) that cancel a phrase right after them.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::urgency::Cue;

/// The file, as compiled in.
pub const CUES_JSON: &str = include_str!("../cues.json");

/// A classifier signal that stands for a cue: `name=value` with at least `min_confidence`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalRule {
    pub name: String,
    pub value: String,
    pub min_confidence: f64,
    pub cue: Cue,
}

/// The phrases of one cue.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuePhrases {
    pub cue: Cue,
    pub phrases: Vec<String>,
}

/// The signal rules of the urgency and churn factors.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalRules {
    pub urgent: Vec<SignalRule>,
    pub churn: Vec<SignalRule>,
}

/// Everything `cues.json` holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cues {
    /// What the file is (a comment for its readers).
    pub about: Vec<String>,
    pub negations: Vec<String>,
    pub signals: SignalRules,
    pub urgent: Vec<CuePhrases>,
    pub churn: Vec<CuePhrases>,
}

static CUES: LazyLock<Cues> = LazyLock::new(|| {
    // The file is part of the source: a mistake in it fails this crate's tests.
    serde_json::from_str(CUES_JSON).unwrap_or_else(|e| panic!("plugins/priority/cues.json: {e}"))
});

/// The built-in cues.
pub fn cues() -> &'static Cues {
    &CUES
}

/// Every phrase of `table`, in order, with its cue.
pub fn phrases(table: &'static [CuePhrases]) -> impl Iterator<Item = (Cue, &'static str)> {
    table.iter().flat_map(|c| c.phrases.iter().map(move |w| (c.cue, w.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses_and_every_cue_has_phrases() {
        let c = cues();
        assert!(c.urgent.len() >= 8 && c.churn.len() == 1);
        assert!(c.urgent.iter().chain(&c.churn).all(|p| !p.phrases.is_empty()));
        assert!(c.negations.iter().any(|n| n == "nicht"));
        assert_eq!(c.signals.urgent[0].name, "intent");
    }

    #[test]
    fn the_classifier_covers_the_cues_its_signals_stand_for() {
        let covered: Vec<Cue> = [Cue::Outage, Cue::AccountTakeover, Cue::Fraud, Cue::LegalThreat, Cue::Cancellation].into();
        for cue in [
            Cue::Outage,
            Cue::AccountTakeover,
            Cue::Fraud,
            Cue::LegalThreat,
            Cue::DataBreach,
            Cue::ChargedTwice,
            Cue::LockedOut,
            Cue::SaysUrgent,
            Cue::Cancellation,
        ] {
            assert_eq!(cue.from_classifier(), covered.contains(&cue), "{cue:?}");
        }
    }
}
