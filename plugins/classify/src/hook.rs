//! The `classify` hook (contract 0.2.0): the engine as a cxr plugin. The
//! configuration is the engine's JSON config; each interaction becomes a
//! [`ClassifyInput`] with the sentiment the pipeline computed and the
//! customer's profile and inbound history; the signals are `intent`,
//! `churn-risk` and, when one is found, `risk`.

use crate::{Classifier, ClassifyInput};
use cxr_guest::{ClassifyHook, Context, Interaction, Plugin, PluginError, Sentiment, Signal};

/// The reference classifier plugin.
pub struct ClassifyPlugin {
    engine: Classifier,
}

impl ClassifyPlugin {
    /// The engine inside.
    pub fn engine(&self) -> &Classifier {
        &self.engine
    }
}

impl Plugin for ClassifyPlugin {
    const DESCRIPTION: &'static str =
        "intent (billing, delivery, returns, technical, outage, account, cancellation, sales, feedback, other), churn risk and risks (account takeover, fraud, legal threat), in en/de/es/fr/it/pt";

    fn configure(config: &str) -> Result<Self, PluginError> {
        let config = if config.trim() == "{}" { "" } else { config };
        Classifier::from_config(config)
            .map(|engine| ClassifyPlugin { engine })
            .map_err(PluginError::InvalidConfig)
    }
}

impl ClassifyHook for ClassifyPlugin {
    fn classify(&self, input: &Interaction, _ctx: &Context, sentiment: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        let history: Vec<&str> = input.inbound_history().map(|m| m.body.as_str()).collect();
        let signals = self.engine.classify(&ClassifyInput {
            subject: input.subject.as_deref(),
            body: &input.body,
            language: input.language.as_deref(),
            channel: input.channel.as_str(),
            sentiment_score: sentiment.score,
            contacts_last_30d: input.customer.contacts_last_30d,
            last_nps: input.customer.last_nps,
            last_csat: input.customer.last_csat,
            history_inbound: &history,
        });
        Ok(signals
            .into_iter()
            .map(|s| Signal {
                name: s.name,
                value: s.value,
                confidence: s.confidence,
                cues: s.cues,
            })
            .collect())
    }
}

cxr_guest::export!(ClassifyPlugin: classify);

#[cfg(test)]
mod tests {
    use super::*;
    use cxr_guest::Channel;

    #[test]
    fn the_hook_returns_intent_and_churn_risk_with_cues() {
        let p = ClassifyPlugin::configure("{}").unwrap();
        let mut input = Interaction::new("t", Channel::Email, "I was charged twice for order A123, please refund me")
            .with_subject("Double charge");
        input.customer.contacts_last_30d = Some(4);
        let signals = p.classify(&input, &Context::at(0), &Sentiment::from_score(-0.7, 0.8)).unwrap();
        assert_eq!(signals[0].name, "intent");
        assert_eq!(signals[0].value, "billing");
        assert!(!signals[0].cues.is_empty());
        assert!((0.0..=1.0).contains(&signals[0].confidence));
        assert_eq!(signals[1].name, "churn-risk");
    }

    #[test]
    fn a_bad_config_is_an_invalid_config_error() {
        match ClassifyPlugin::configure(r#"{"no_such_key": 1}"#) {
            Err(PluginError::InvalidConfig(m)) => assert!(m.contains("no_such_key"), "{m}"),
            other => panic!("{:?}", other.err()),
        }
    }
}
