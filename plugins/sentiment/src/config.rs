//! Plugin configuration: parsed and validated once in `configure`.

use std::collections::BTreeMap;

use cxr_guest::PluginError;
use serde::Deserialize;

/// Largest accepted |valence|, VADER's scale.
pub const MAX_VALENCE: f64 = 4.0;
/// Longest accepted extra term, in bytes.
const MAX_TERM_LEN: usize = 200;

/// The sentiment plugin's configuration (JSON; every key optional).
///
/// ```json
/// {"extra_lexicon": {"outage": -2.5, "life saver": 3.0}, "neutral_band": 0.05}
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Extra words, phrases or emoji with their valence (-4..4); they
    /// override the shipped lexicon.
    pub extra_lexicon: BTreeMap<String, f64>,
    /// |score| below which the label is neutral (default 0.05).
    pub neutral_band: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            extra_lexicon: BTreeMap::new(),
            neutral_band: 0.05,
        }
    }
}

impl Config {
    /// Parses and validates a JSON config; an empty string means `{}`.
    pub fn parse(json: &str) -> Result<Config, PluginError> {
        let json = if json.trim().is_empty() { "{}" } else { json };
        let config: Config = serde_json::from_str(json).map_err(|e| {
            PluginError::config(format!("sentiment config: {}", describe(json, &e)))
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), PluginError> {
        if !(0.0..=0.9).contains(&self.neutral_band) {
            return Err(PluginError::config(format!(
                "sentiment config: neutral_band must be between 0 and 0.9, got {}",
                self.neutral_band
            )));
        }
        for (term, &valence) in &self.extra_lexicon {
            if term.trim().is_empty() || term.len() > MAX_TERM_LEN {
                return Err(PluginError::config(format!(
                    "sentiment config: extra_lexicon term {term:?} must be 1 to {MAX_TERM_LEN} bytes of text"
                )));
            }
            if !valence.is_finite() || valence.abs() > MAX_VALENCE {
                return Err(PluginError::config(format!(
                    "sentiment config: extra_lexicon[{term:?}] = {valence} is outside -4..4"
                )));
            }
        }
        Ok(())
    }
}

/// A serde error, with the field named when serde's message does not.
fn describe(json: &str, err: &serde_json::Error) -> String {
    let msg = err.to_string();
    if msg.contains("unknown field") {
        return msg;
    }
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return msg;
    };
    if map.get("neutral_band").is_some_and(|v| !v.is_number()) {
        return format!("neutral_band must be a number ({msg})");
    }
    match map.get("extra_lexicon") {
        Some(serde_json::Value::Object(terms)) => {
            if let Some((term, _)) = terms.iter().find(|(_, v)| !v.is_number()) {
                return format!("extra_lexicon[{term:?}] must be a number ({msg})");
            }
        }
        Some(_) => return format!("extra_lexicon must be an object of term: valence ({msg})"),
        None => {}
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> String {
        match Config::parse(json) {
            Err(PluginError::InvalidConfig(m)) => m,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn defaults_for_empty_and_blank() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        assert_eq!(Config::parse(" {} ").unwrap(), Config::default());
    }

    #[test]
    fn full_config_parses() {
        let c = Config::parse(
            r#"{"extra_lexicon": {"outage": -2.5, "life saver": 3}, "neutral_band": 0.1}"#,
        )
        .unwrap();
        assert_eq!(c.extra_lexicon["outage"], -2.5);
        assert_eq!(c.neutral_band, 0.1);
    }

    #[test]
    fn errors_name_the_field() {
        assert!(error(r#"{"neutral_bnd": 0.1}"#).contains("neutral_bnd"));
        assert!(error(r#"{"neutral_band": "wide"}"#).contains("neutral_band"));
        assert!(error(r#"{"neutral_band": 2}"#).contains("neutral_band"));
        assert!(error(r#"{"extra_lexicon": {"meh": 7}}"#).contains("extra_lexicon[\"meh\"]"));
        assert!(error(r#"{"extra_lexicon": {"meh": "bad"}}"#).contains("extra_lexicon[\"meh\"]"));
        assert!(error(r#"{"extra_lexicon": ["meh"]}"#).contains("extra_lexicon"));
        assert!(error(r#"{"extra_lexicon": {" ": 1}}"#).contains("extra_lexicon"));
        assert!(error("not json").contains("sentiment config"));
    }
}
