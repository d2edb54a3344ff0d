//! A plugin with all four hooks that does no work: sentiment is neutral,
//! classify emits one constant signal, priority is level 3, routing sends
//! everything to `general`, each with a one-line reason.
//!
//! A pipeline of four of these costs what any decision costs before a
//! plugin does anything: reading the input, four component calls (the
//! interaction lowered into each plugin, the results lifted back, fuel and
//! deadlines armed), the decision's checks, reasons and JSON. It is the
//! floor `scripts/bench-throughput.sh` reports beside the reference
//! pipeline; a throughput target below it cannot be met by making plugins
//! faster.

use cxr_guest::*;

/// The do-nothing plugin.
pub struct Floor;

impl Plugin for Floor {
    const DESCRIPTION: &'static str = "does no work in any hook: the cost floor of a decision (benchmark plugin)";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok(Floor)
    }
}

impl SentimentHook for Floor {
    fn score(&self, _input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        Ok(Sentiment::neutral(0.5))
    }
}

impl ClassifyHook for Floor {
    fn classify(&self, _input: &Interaction, _ctx: &Context, _sentiment: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        Ok(vec![Signal::new("intent", "other", 0.5)])
    }
}

impl PriorityHook for Floor {
    fn prioritize(&self, _input: &Interaction, _ctx: &Context, _sentiment: &Sentiment) -> Result<Priority, PluginError> {
        let mut p = Priority::new(3, 50);
        p.reasons.push("floor: fixed level".into());
        Ok(p)
    }
}

impl RoutingHook for Floor {
    fn route(&self, _input: &Interaction, _ctx: &Context, _sentiment: &Sentiment, _priority: &Priority) -> Result<RoutingOutcome, PluginError> {
        let mut r = Route::to("general", Discipline::Service);
        r.reasons.push("floor: everything to general".into());
        Ok(r.into())
    }
}

cxr_guest::export!(Floor: sentiment, classify, priority, routing);
