//! Any text as the router's rule configuration: `configure` either accepts
//! it or returns an error, never panics; an accepted config routes a message.
#![no_main]

use cxr_guest::{Channel, Context, Interaction, Plugin, Priority, RoutingHook, Sentiment};
use cxr_router::RouterPlugin;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(router) = RouterPlugin::configure(text) {
        let ix = Interaction::new("f", Channel::Email, "I was charged twice, please refund")
            .with_subject("Invoice 4411")
            .with_tier("gold");
        let _ = router.route(&ix, &Context::at(0), &Sentiment::from_score(-0.5, 0.8), &Priority::new(2, 60));
    }
});
