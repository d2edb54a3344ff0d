//! The classifier's JSON configuration (usually the plugin's table of a
//! TOML pipeline file). Unknown keys are rejected; an empty string is `{}`.

use serde::Deserialize;

/// Settings; every key is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Weight of a phrase in the subject relative to the body.
    pub subject_weight: f64,
    /// Score the leading intent needs; below it the intent is `other`.
    pub min_score: f64,
    /// Weight of a phrase from another language's lexicon than the
    /// message's (given or guessed) language.
    pub foreign_weight: f64,
    /// Earlier inbound messages searched for cancellation cues (newest
    /// first), at most.
    pub history_messages: usize,
    /// Extra phrases, added to the built-in lexicons.
    pub phrases: Vec<PhraseConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            subject_weight: 1.5,
            min_score: 1.0,
            foreign_weight: 0.6,
            history_messages: 10,
            phrases: Vec::new(),
        }
    }
}

/// One extra phrase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseConfig {
    /// `en`, `de`, `es`, `fr`, `pt`, or `*` for every language.
    pub language: String,
    /// One of the intents, e.g. `billing`.
    pub intent: String,
    /// The phrase, in the lexicon syntax (`refund*`, `cancel .. plan`, `!cancel`).
    pub phrase: String,
    /// How much it counts (the built-in phrases use 1 to 4; negative speaks against).
    pub weight: f64,
}

impl Config {
    /// Parses and checks `json`; errors name the key.
    pub fn parse(json: &str) -> Result<Config, String> {
        let json = if json.trim().is_empty() { "{}" } else { json };
        let config: Config =
            serde_json::from_str(json).map_err(|e| format!("classify config: {e}"))?;
        let range = |key: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("classify config: {key}: {v} is not between {lo} and {hi}"))
            }
        };
        range("subject_weight", config.subject_weight, 0.0, 10.0)?;
        range("min_score", config.min_score, 0.0, 100.0)?;
        range("foreign_weight", config.foreign_weight, 0.0, 1.0)?;
        if config.history_messages > 100 {
            return Err(format!(
                "classify config: history_messages: {} is more than 100",
                config.history_messages
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_default() {
        let c = Config::parse("  ").unwrap();
        assert_eq!(c.subject_weight, 1.5);
        assert!(c.phrases.is_empty());
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::parse(r#"{"subject_weigth": 2}"#).unwrap_err();
        assert!(e.contains("subject_weigth"), "{e}");
        let e = Config::parse(r#"{"foreign_weight": 3}"#).unwrap_err();
        assert!(e.contains("foreign_weight"), "{e}");
        let e = Config::parse(r#"{"phrases": [{"language": "en", "intent": "billing"}]}"#).unwrap_err();
        assert!(e.contains("phrase"), "{e}");
    }
}
