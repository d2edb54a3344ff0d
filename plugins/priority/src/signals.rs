//! Urgency and churn from the classifiers' signals (contract 0.2.0,
//! `ctx.signals`): the meaning of the message, the same in every language.
//!
//! The signals that count are the `signals` table of `cues.json`:
//!
//! | signal | at least | cue |
//! |---|---|---|
//! | `intent=outage` | 0.5 | outage |
//! | `risk=account-takeover` | 0.6 | account takeover |
//! | `risk=fraud` | 0.6 | fraud |
//! | `risk=legal-threat` | 0.6 | legal threat |
//! | `intent=cancellation` | 0.5 | cancellation (churn) |
//! | `churn-risk=high` | 0.6 | cancellation (churn): the same fact as the intent, counted once |
//!
//! The confidences are those the reference pipeline's router needs for the
//! same intents (0.5) and what one strong risk phrase gives (0.6).

use cxr_guest::{Context, Signal};

use crate::cues::{SignalRule, cues};
use cxr_guest::fixed::Fixed;
use crate::urgency::Cue;

/// The signal whose presence means the pipeline has a classifier.
pub const INTENT: &str = "intent";

/// A signal that counted, and how the reason names it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalCue {
    pub cue: Cue,
    /// `intent=outage 0.86`.
    pub name: String,
}

/// Whether the pipeline has a classifier: some signal says what the message
/// is about. Then the cues classifiers cover come from signals only.
pub fn classifier_present(ctx: &Context) -> bool {
    ctx.signals.iter().any(|s| s.name == INTENT)
}

/// The urgency cues the signals show, each once, in the order of the table.
pub fn urgent(ctx: &Context) -> Vec<SignalCue> {
    read(ctx, &cues().signals.urgent)
}

/// The churn cues the signals show.
pub fn churn(ctx: &Context) -> Vec<SignalCue> {
    read(ctx, &cues().signals.churn)
}

fn read(ctx: &Context, table: &[SignalRule]) -> Vec<SignalCue> {
    table
        .iter()
        .filter_map(|rule| {
            best(&ctx.signals, &rule.name, &rule.value)
                .filter(|s| s.confidence >= rule.min_confidence)
                .map(|s| SignalCue {
                    cue: rule.cue,
                    name: format!("{}={} {}", rule.name, rule.value, Fixed(s.confidence, 2)),
                })
        })
        .collect()
}

/// The most confident signal `name=value` (values compared ignoring case).
fn best<'a>(signals: &'a [Signal], name: &str, value: &str) -> Option<&'a Signal> {
    signals
        .iter()
        .filter(|s| s.name == name && s.value.eq_ignore_ascii_case(value) && s.confidence.is_finite())
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(signals: &[(&str, &str, f64)]) -> Context {
        signals
            .iter()
            .fold(Context::at(0), |c, &(n, v, conf)| c.with_signal(Signal::new(n, v, conf)))
    }

    #[test]
    fn confident_signals_become_cues() {
        let c = ctx(&[("intent", "outage", 0.86), ("churn-risk", "high", 0.68), ("risk", "fraud", 0.92)]);
        assert!(classifier_present(&c));
        let names: Vec<String> = urgent(&c).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["intent=outage 0.86", "risk=fraud 0.92"]);
        assert_eq!(churn(&c), [SignalCue { cue: Cue::Cancellation, name: "churn-risk=high 0.68".into() }]);
    }

    #[test]
    fn weak_or_other_signals_do_not_count() {
        let c = ctx(&[("intent", "outage", 0.4), ("risk", "fraud", 0.5), ("churn-risk", "low", 0.9)]);
        assert!(urgent(&c).is_empty());
        assert!(churn(&c).is_empty());
        let c = ctx(&[("topic", "outage", 0.99), ("intent", "billing", f64::NAN)]);
        assert!(urgent(&c).is_empty());
        assert!(classifier_present(&c), "an intent signal, however weak, means a classifier ran");
        assert!(!classifier_present(&Context::at(0)));
    }

    #[test]
    fn the_most_confident_of_repeated_signals_is_named() {
        let c = ctx(&[("risk", "fraud", 0.7), ("risk", "FRAUD", 0.95)]);
        assert_eq!(urgent(&c)[0].name, "risk=fraud 0.95");
    }
}
