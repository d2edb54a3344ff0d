//! Risks: what makes a message urgent whatever it is about. An account
//! taken over, a fraud (payments the customer did not make, a scam, a
//! stolen card) and a legal threat (a lawyer, a court, a consumer
//! authority) are found with the same lexicons and the same scan as the
//! intent: phrases whose first field is a risk name (`fraud 3 betrug`).
//!
//! Each risk found with enough weight becomes one signal `risk=<name>`.
//! Its confidence grows with the evidence: `1 − e^(−score/2)` (one strong
//! phrase of weight 3 gives 0.78, two give 0.95).

use std::fmt;

/// A risk the classifier looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Risk {
    /// Someone else got into the customer's account.
    AccountTakeover,
    /// Payments the customer did not make, a scam, a stolen card, phishing.
    Fraud,
    /// A lawyer, a court, a consumer authority: the customer threatens to go legal.
    LegalThreat,
}

/// Name of the risk signal.
pub const RISK_SIGNAL: &str = "risk";
/// Score a risk needs to be reported (one strong phrase, or two weaker ones).
pub const MIN_RISK_SCORE: f64 = 2.0;

impl Risk {
    /// Every risk, in the order of their scores.
    pub const ALL: [Risk; 3] = [Risk::AccountTakeover, Risk::Fraud, Risk::LegalThreat];

    /// The signal value, e.g. `account-takeover`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::AccountTakeover => "account-takeover",
            Risk::Fraud => "fraud",
            Risk::LegalThreat => "legal-threat",
        }
    }

    /// The risk named `name` (as in [`Risk::as_str`]).
    pub fn parse(name: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Position in [`Risk::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A risk found in a message.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFound {
    pub risk: Risk,
    /// In [0, 1], from the summed weight of its phrases.
    pub confidence: f64,
    /// The phrases that showed it, strongest first.
    pub cues: Vec<String>,
}

/// Confidence of a risk with summed phrase weight `score`.
pub fn confidence(score: f64) -> f64 {
    (1.0 - (-score / 2.0).exp()).clamp(0.0, 0.99)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Risk::ALL {
            assert_eq!(Risk::parse(r.as_str()), Some(r));
            assert_eq!(Risk::ALL[r.index()], r);
        }
        assert_eq!(Risk::parse("billing"), None);
    }

    #[test]
    fn confidence_grows_with_evidence() {
        assert!(confidence(MIN_RISK_SCORE) > 0.6 && confidence(MIN_RISK_SCORE) < 0.7);
        assert!(confidence(3.0) < confidence(6.0));
        assert_eq!(confidence(100.0), 0.99);
    }
}
