//! A starter cxr plugin: a tiny keyword-based sentiment hook.
//!
//! Build it:  cargo build --release --target wasm32-wasip2
//! Run it:    cxr run --plugin target/wasm32-wasip2/release/starter_plugin.wasm examples/one.json

use cxr_guest::*;

/// Scores a message by counting a few happy and unhappy words.
pub struct Starter;

impl Plugin for Starter {
    const DESCRIPTION: &'static str = "keyword-count sentiment (starter template)";
    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok(Starter)
    }
}

impl SentimentHook for Starter {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        let text = input.text().to_lowercase();
        let good = ["thanks", "great", "love"].iter().filter(|w| text.contains(*w)).count() as f64;
        let bad = ["angry", "broken", "refund"].iter().filter(|w| text.contains(*w)).count() as f64;
        Ok(Sentiment::from_score((good - bad) / 3.0, 0.4))
    }
}

cxr_guest::export!(Starter: sentiment);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhappy_words_score_negative() {
        let plugin = Starter::configure("{}").unwrap();
        let input = Interaction::new("t1", Channel::Email, "My phone is broken, I want a refund");
        let s = plugin.score(&input, &Context::at(0)).unwrap();
        assert_eq!(s.label, SentimentLabel::Negative);
    }
}
