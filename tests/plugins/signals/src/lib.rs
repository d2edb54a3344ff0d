//! A minimal classify plugin for the end-to-end tests, which also routes.
//!
//! It exports two hooks, named in reverse pipeline order
//! (`export!(Signals: routing, classify)`) to show that any set of hooks in
//! any order builds. `classify` emits:
//! - `intent`: `billing` ("invoice", "charged"), `delivery` ("parcel"), else
//!   `other` with low confidence;
//! - `earlier-signals`: how many signals earlier classifiers emitted (it
//!   sees them in `ctx.signals`);
//! - `sentiment-seen`: the sentiment label it was given.
//!
//! A body containing `BADSIGNAL` gets a signal with confidence 1.5 (out of
//! contract). `route` sends an interaction to `intent-<value>` when it sees
//! an `intent` signal other than `other` with confidence ≥ 0.5, else passes.

use cxr_guest::*;

/// The test plugin.
pub struct Signals;

impl Plugin for Signals {
    const DESCRIPTION: &'static str = "emits intent signals and routes by them (test plugin)";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok(Signals)
    }
}

impl ClassifyHook for Signals {
    fn classify(&self, input: &Interaction, ctx: &Context, sentiment: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        let text = input.text().to_lowercase();
        let found = |words: &[&str]| words.iter().find(|w| text.contains(*w)).map(|w| w.to_string());
        let intent = if let Some(cue) = found(&["invoice", "charged"]) {
            Signal::new("intent", "billing", 0.9).with_cue(cue)
        } else if let Some(cue) = found(&["parcel"]) {
            Signal::new("intent", "delivery", 0.8).with_cue(cue)
        } else {
            Signal::new("intent", "other", 0.2)
        };
        let mut out = vec![
            intent,
            Signal::new("earlier-signals", ctx.signals.len().to_string(), 1.0),
            Signal::new("sentiment-seen", sentiment.label.as_str(), 1.0),
        ];
        if input.body.contains("BADSIGNAL") {
            out.push(Signal {
                name: "broken".into(),
                value: "yes".into(),
                confidence: 1.5,
                cues: vec![],
            });
        }
        Ok(out)
    }
}

impl RoutingHook for Signals {
    fn route(&self, _input: &Interaction, ctx: &Context, _sentiment: &Sentiment, _priority: &Priority) -> Result<RoutingOutcome, PluginError> {
        match ctx.signal("intent") {
            Some(s) if s.value != "other" && s.confidence >= 0.5 => {
                let mut route = Route::to(format!("intent-{}", s.value), Discipline::Service);
                route.reasons.push(format!("intent {} ({:.2}) from {} signals", s.value, s.confidence, ctx.signals.len()));
                Ok(route.into())
            }
            _ => Ok(RoutingOutcome::Pass("no confident intent".into())),
        }
    }
}

cxr_guest::export!(Signals: routing, classify);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_and_routes_natively() {
        let p = Signals::configure("{}").unwrap();
        let input = Interaction::new("t", Channel::Email, "I was charged twice");
        let signals = p.classify(&input, &Context::at(0), &Sentiment::neutral(0.5)).unwrap();
        assert_eq!((signals[0].value.as_str(), signals[0].cues[0].as_str()), ("billing", "charged"));
        let ctx = signals.into_iter().fold(Context::at(0), Context::with_signal);
        match p.route(&input, &ctx, &Sentiment::neutral(0.5), &Priority::new(3, 10)).unwrap() {
            RoutingOutcome::Route(r) => assert_eq!(r.queue, "intent-billing"),
            RoutingOutcome::Pass(why) => panic!("passed: {why}"),
        }
    }
}
