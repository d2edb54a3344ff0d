//! Churn risk: how likely the customer is to leave, from what this message
//! says (cancellation cues, sentiment) and from their history (repeat
//! contacts, low NPS or CSAT, earlier messages about cancelling).
//!
//! Each piece of evidence adds points; 4 or more is `high`, 2 or 3 `low`,
//! fewer `none`:
//!
//! | evidence | points |
//! |---|---|
//! | the intent is `cancellation` | 4 |
//! | cancellation cues in a message about something else ("or I cancel") | 3 |
//! | sentiment ≤ -0.6 / ≤ -0.3 | 2 / 1 |
//! | contacts in the last 30 days ≥ 5 / ≥ 3 | 2 / 1 |
//! | last NPS ≤ 3 / ≤ 6 (detractor) | 2 / 1 |
//! | last CSAT ≤ 2 (of 5) | 1 |
//! | an earlier inbound message mentions cancelling | 2 |

use std::fmt;

/// The churn-risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChurnRisk {
    /// Nothing points to churn.
    None,
    /// Some evidence.
    Low,
    /// Strong evidence: the customer says they leave, or several signs agree.
    High,
}

impl ChurnRisk {
    /// The signal value: `none`, `low` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnRisk::None => "none",
            ChurnRisk::Low => "low",
            ChurnRisk::High => "high",
        }
    }
}

impl fmt::Display for ChurnRisk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What churn risk is judged from.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// The message's intent is cancellation.
    pub cancellation_intent: bool,
    /// Cancellation phrases found in the message (not negated).
    pub cancellation_cues: Vec<&'a str>,
    /// Sentiment score in [-1, 1].
    pub sentiment: f64,
    pub contacts_last_30d: Option<u32>,
    pub last_nps: Option<u8>,
    pub last_csat: Option<u8>,
    /// A cancellation phrase found in an earlier inbound message.
    pub history_cue: Option<&'a str>,
}

/// The risk, its confidence and the reasons.
pub fn assess(e: &Evidence<'_>) -> (ChurnRisk, f64, Vec<String>) {
    let mut points = 0u32;
    let mut cues = Vec::new();
    let first_cue = e.cancellation_cues.first().copied().unwrap_or("cancel");
    if e.cancellation_intent {
        points += 4;
        cues.push(format!("wants to cancel: \"{first_cue}\""));
    } else if !e.cancellation_cues.is_empty() {
        points += 3;
        cues.push(format!("mentions cancelling: \"{first_cue}\""));
    }
    if e.sentiment <= -0.6 {
        points += 2;
        cues.push(format!("very negative sentiment {:.2}", e.sentiment));
    } else if e.sentiment <= -0.3 {
        points += 1;
        cues.push(format!("negative sentiment {:.2}", e.sentiment));
    }
    match e.contacts_last_30d {
        Some(n) if n >= 5 => {
            points += 2;
            cues.push(format!("{n} contacts in 30 days"));
        }
        Some(n) if n >= 3 => {
            points += 1;
            cues.push(format!("{n} contacts in 30 days"));
        }
        _ => {}
    }
    match e.last_nps {
        Some(n) if n <= 3 => {
            points += 2;
            cues.push(format!("last NPS {n}"));
        }
        Some(n) if n <= 6 => {
            points += 1;
            cues.push(format!("last NPS {n} (detractor)"));
        }
        _ => {}
    }
    if let Some(n) = e.last_csat.filter(|&n| n <= 2) {
        points += 1;
        cues.push(format!("last CSAT {n}"));
    }
    if let Some(cue) = e.history_cue {
        points += 2;
        cues.push(format!("earlier message mentions cancelling: \"{cue}\""));
    }
    let risk = match points {
        0..=1 => ChurnRisk::None,
        2..=3 => ChurnRisk::Low,
        _ => ChurnRisk::High,
    };
    // Confidence grows with the distance from the nearest level boundary.
    let confidence = match risk {
        ChurnRisk::None => 0.9 - 0.2 * f64::from(points),
        ChurnRisk::Low => 0.6,
        ChurnRisk::High => (0.6 + 0.08 * f64::from(points - 4)).min(0.95),
    };
    (risk, confidence, cues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calm() -> Evidence<'static> {
        Evidence { sentiment: 0.2, contacts_last_30d: Some(1), last_nps: Some(9), last_csat: Some(5), ..Default::default() }
    }

    #[test]
    fn a_happy_first_contact_is_no_risk() {
        let (risk, confidence, cues) = assess(&calm());
        assert_eq!(risk, ChurnRisk::None);
        assert!(cues.is_empty());
        assert!(confidence >= 0.85);
    }

    #[test]
    fn saying_you_cancel_is_high_risk() {
        let e = Evidence { cancellation_intent: true, cancellation_cues: vec!["cancel my subscription"], ..calm() };
        let (risk, _, cues) = assess(&e);
        assert_eq!(risk, ChurnRisk::High);
        assert!(cues[0].contains("cancel my subscription"), "{cues:?}");
    }

    #[test]
    fn a_threat_alone_is_low_and_with_anger_high() {
        let e = Evidence { cancellation_cues: vec!["switch to"], ..calm() };
        assert_eq!(assess(&e).0, ChurnRisk::Low);
        let e = Evidence { sentiment: -0.7, ..e };
        assert_eq!(assess(&e).0, ChurnRisk::High);
    }

    #[test]
    fn history_alone_adds_up() {
        let one = Evidence { contacts_last_30d: Some(3), ..calm() };
        assert_eq!(assess(&one).0, ChurnRisk::None);
        let two = Evidence { last_nps: Some(5), ..one.clone() };
        assert_eq!(assess(&two).0, ChurnRisk::Low);
        let all = Evidence { last_csat: Some(1), history_cue: Some("cancel"), ..two };
        let (risk, _, cues) = assess(&all);
        assert_eq!(risk, ChurnRisk::High);
        assert_eq!(cues.len(), 4, "{cues:?}");
    }

    #[test]
    fn missing_history_is_not_evidence() {
        let e = Evidence { sentiment: 0.0, ..Default::default() };
        assert_eq!(assess(&e).0, ChurnRisk::None);
    }
}
