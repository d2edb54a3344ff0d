//! `export!` accepts every non-empty set of hooks in every order: each of
//! the 64 ordered lists below must expand without a compile error. (In a
//! native build the export glue itself is compiled out, so one crate can
//! hold them all; the wasm glue of each set is one of 15 generated worlds,
//! built for real by the workspace's test plugins and by
//! `tests/tests/packaged_kit.rs`.)

use cxr_guest::*;

/// A plugin implementing all four hooks.
pub struct Every;

impl Plugin for Every {
    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok(Every)
    }
}
impl SentimentHook for Every {
    fn score(&self, _i: &Interaction, _c: &Context) -> Result<Sentiment, PluginError> {
        Ok(Sentiment::neutral(0.5))
    }
}
impl ClassifyHook for Every {
    fn classify(&self, _i: &Interaction, _c: &Context, _s: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        Ok(vec![Signal::new("intent", "other", 0.1)])
    }
}
impl PriorityHook for Every {
    fn prioritize(&self, _i: &Interaction, _c: &Context, _s: &Sentiment) -> Result<Priority, PluginError> {
        Ok(Priority::new(4, 0))
    }
}
impl RoutingHook for Every {
    fn route(&self, _i: &Interaction, _c: &Context, _s: &Sentiment, _p: &Priority) -> Result<RoutingOutcome, PluginError> {
        Ok(RoutingOutcome::Pass("test".into()))
    }
}

cxr_guest::export!(Every: sentiment);
cxr_guest::export!(Every: classify);
cxr_guest::export!(Every: priority);
cxr_guest::export!(Every: routing);
cxr_guest::export!(Every: sentiment, classify);
cxr_guest::export!(Every: sentiment, priority);
cxr_guest::export!(Every: sentiment, routing);
cxr_guest::export!(Every: classify, sentiment);
cxr_guest::export!(Every: classify, priority);
cxr_guest::export!(Every: classify, routing);
cxr_guest::export!(Every: priority, sentiment);
cxr_guest::export!(Every: priority, classify);
cxr_guest::export!(Every: priority, routing);
cxr_guest::export!(Every: routing, sentiment);
cxr_guest::export!(Every: routing, classify);
cxr_guest::export!(Every: routing, priority);
cxr_guest::export!(Every: sentiment, classify, priority);
cxr_guest::export!(Every: sentiment, classify, routing);
cxr_guest::export!(Every: sentiment, priority, classify);
cxr_guest::export!(Every: sentiment, priority, routing);
cxr_guest::export!(Every: sentiment, routing, classify);
cxr_guest::export!(Every: sentiment, routing, priority);
cxr_guest::export!(Every: classify, sentiment, priority);
cxr_guest::export!(Every: classify, sentiment, routing);
cxr_guest::export!(Every: classify, priority, sentiment);
cxr_guest::export!(Every: classify, priority, routing);
cxr_guest::export!(Every: classify, routing, sentiment);
cxr_guest::export!(Every: classify, routing, priority);
cxr_guest::export!(Every: priority, sentiment, classify);
cxr_guest::export!(Every: priority, sentiment, routing);
cxr_guest::export!(Every: priority, classify, sentiment);
cxr_guest::export!(Every: priority, classify, routing);
cxr_guest::export!(Every: priority, routing, sentiment);
cxr_guest::export!(Every: priority, routing, classify);
cxr_guest::export!(Every: routing, sentiment, classify);
cxr_guest::export!(Every: routing, sentiment, priority);
cxr_guest::export!(Every: routing, classify, sentiment);
cxr_guest::export!(Every: routing, classify, priority);
cxr_guest::export!(Every: routing, priority, sentiment);
cxr_guest::export!(Every: routing, priority, classify);
cxr_guest::export!(Every: sentiment, classify, priority, routing);
cxr_guest::export!(Every: sentiment, classify, routing, priority);
cxr_guest::export!(Every: sentiment, priority, classify, routing);
cxr_guest::export!(Every: sentiment, priority, routing, classify);
cxr_guest::export!(Every: sentiment, routing, classify, priority);
cxr_guest::export!(Every: sentiment, routing, priority, classify);
cxr_guest::export!(Every: classify, sentiment, priority, routing);
cxr_guest::export!(Every: classify, sentiment, routing, priority);
cxr_guest::export!(Every: classify, priority, sentiment, routing);
cxr_guest::export!(Every: classify, priority, routing, sentiment);
cxr_guest::export!(Every: classify, routing, sentiment, priority);
cxr_guest::export!(Every: classify, routing, priority, sentiment);
cxr_guest::export!(Every: priority, sentiment, classify, routing);
cxr_guest::export!(Every: priority, sentiment, routing, classify);
cxr_guest::export!(Every: priority, classify, sentiment, routing);
cxr_guest::export!(Every: priority, classify, routing, sentiment);
cxr_guest::export!(Every: priority, routing, sentiment, classify);
cxr_guest::export!(Every: priority, routing, classify, sentiment);
cxr_guest::export!(Every: routing, sentiment, classify, priority);
cxr_guest::export!(Every: routing, sentiment, priority, classify);
cxr_guest::export!(Every: routing, classify, sentiment, priority);
cxr_guest::export!(Every: routing, classify, priority, sentiment);
cxr_guest::export!(Every: routing, priority, sentiment, classify);
cxr_guest::export!(Every: routing, priority, classify, sentiment);

#[test]
fn every_set_and_order_of_hooks_is_accepted_by_export() {
    // Compiling this file is the test; the kit's own types still work.
    let ctx = Context::at(0).with_signal(Signal::new("intent", "billing", 0.9).with_cue("invoice"));
    assert!(ctx.has_signal("intent", "billing", 0.8));
    assert!(!ctx.has_signal("intent", "billing", 0.95));
    assert_eq!(ctx.signal("intent").unwrap().cues, ["invoice"]);
    assert_eq!(Signal::new("x", "y", 7.0).confidence, 1.0);
    assert_eq!(Signal::new("x", "y", f64::NAN).confidence, 0.0);
    assert_eq!(WIT_VERSION, "0.3.0");
}
