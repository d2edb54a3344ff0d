//! Configuration: JSON parsing, defaults, merging and validation.
//!
//! Parsed once in `configure`; the hook only reads the compiled [`Config`].

use std::collections::BTreeMap;

use cxr_guest::{Channel, PluginError};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::keywords::{Keywords, Phrase, Scanner};
use crate::sla::Sla;
use crate::cues::{self, CuePhrases, cues};

/// Default first-response SLA per channel, in minutes, in `Channel::ALL` order.
pub const DEFAULT_SLA_MINUTES: [(Channel, f64); 9] = [
    (Channel::Email, 240.0),
    (Channel::Chat, 5.0),
    (Channel::Phone, 2.0),
    (Channel::Social, 60.0),
    (Channel::Sms, 30.0),
    (Channel::WebForm, 480.0),
    (Channel::InApp, 60.0),
    (Channel::Review, 1440.0),
    (Channel::Survey, 2880.0),
];

/// Default tiers: (name, SLA factor, score weight).
pub const DEFAULT_TIERS: [(&str, f64, i32); 6] = [
    ("vip", 0.25, 25),
    ("platinum", 0.4, 20),
    ("gold", 0.6, 14),
    ("silver", 0.85, 7),
    ("standard", 1.0, 0),
    ("free", 1.5, -5),
];

/// Default score thresholds for levels 1, 2 and 3.
pub const DEFAULT_LEVEL_THRESHOLDS: [u32; 3] = [75, 50, 25];

/// Default lifetime value from which a customer counts as high-value.
pub const DEFAULT_HIGH_VALUE_LTV: f64 = 5000.0;

/// Largest accepted SLA, in minutes (one year).
const MAX_SLA_MINUTES: f64 = 525_600.0;
/// Largest accepted tier SLA factor.
const MAX_SLA_FACTOR: f64 = 100.0;
/// Largest accepted absolute tier weight.
const MAX_TIER_WEIGHT: i32 = 100;

/// The config document as written; every key optional, unknown keys rejected.
/// Values stay JSON here so that a type error can name its key.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    sla_minutes: Option<Value>,
    #[serde(default)]
    tier_sla_factor: Option<Value>,
    #[serde(default)]
    tier_weight: Option<Value>,
    #[serde(default)]
    urgent_keywords: Option<Value>,
    #[serde(default)]
    churn_keywords: Option<Value>,
    #[serde(default)]
    level_thresholds: Option<Value>,
    #[serde(default)]
    high_value_ltv: Option<Value>,
    #[serde(default)]
    calendars: Option<Value>,
    #[serde(default)]
    sla_policies: Option<Value>,
}

/// A customer tier known to the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Lower-case tier name.
    pub name: String,
    /// Multiplier on the channel SLA.
    pub sla_factor: f64,
    /// Points added to the score.
    pub weight: i32,
}

/// The validated configuration the hook works with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    sla_minutes: [f64; 9],
    tiers: Vec<Tier>,
    /// The urgency and the churn keyword phrases (built in: six languages,
    /// `cues.json`), searched together.
    keywords: Scanner<2>,
    /// Minimum scores for levels 1, 2 and 3, strictly descending.
    pub thresholds: [u32; 3],
    /// Lifetime value from which a customer counts as high-value.
    pub high_value_ltv: f64,
    /// Business calendars and SLA policies (none by default: calendar hours).
    pub sla: Sla,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sla_minutes: DEFAULT_SLA_MINUTES.map(|(_, minutes)| minutes),
            tiers: DEFAULT_TIERS
                .iter()
                .map(|&(name, sla_factor, weight)| Tier {
                    name: name.to_string(),
                    sla_factor,
                    weight,
                })
                .collect(),
            keywords: Scanner::new([built_in(&cues().urgent), built_in(&cues().churn)]),
            thresholds: DEFAULT_LEVEL_THRESHOLDS,
            high_value_ltv: DEFAULT_HIGH_VALUE_LTV,
            sla: Sla::default(),
        }
    }
}

impl Config {
    /// Parses and validates a JSON config; an empty string or `null` means all defaults.
    pub fn parse(json: &str) -> Result<Config, PluginError> {
        let json = json.trim();
        let raw: RawConfig = if json.is_empty() {
            RawConfig::default()
        } else {
            serde_json::from_str::<Option<RawConfig>>(json)
                .map_err(|e| invalid(format_args!("{e}")))?
                .unwrap_or_default()
        };
        let mut config = Config::default();

        if let Some(map) = field::<BTreeMap<String, f64>>("sla_minutes", raw.sla_minutes)? {
            let minutes =
                channel_minutes("sla_minutes", map).map_err(|e| invalid(format_args!("{e}")))?;
            for (slot, m) in minutes.into_iter().enumerate() {
                if let Some(m) = m {
                    config.sla_minutes[slot] = m;
                }
            }
        }

        if let Some(map) = field::<BTreeMap<String, f64>>("tier_sla_factor", raw.tier_sla_factor)? {
            for (key, factor) in map {
                if !(factor > 0.0 && factor <= MAX_SLA_FACTOR) {
                    return Err(invalid(format_args!(
                        "tier_sla_factor.{key}: must be more than 0 and at most {MAX_SLA_FACTOR}, got {factor}"
                    )));
                }
                config.tier_entry("tier_sla_factor", &key)?.sla_factor = factor;
            }
        }

        if let Some(map) = field::<BTreeMap<String, i32>>("tier_weight", raw.tier_weight)? {
            for (key, weight) in map {
                if weight.abs() > MAX_TIER_WEIGHT {
                    return Err(invalid(format_args!(
                        "tier_weight.{key}: must be between -{MAX_TIER_WEIGHT} and {MAX_TIER_WEIGHT}, got {weight}"
                    )));
                }
                config.tier_entry("tier_weight", &key)?.weight = weight;
            }
        }

        let urgent = field::<Vec<String>>("urgent_keywords", raw.urgent_keywords)?
            .map(|list| keyword_list("urgent_keywords", &list))
            .transpose()?;
        let churn = field::<Vec<String>>("churn_keywords", raw.churn_keywords)?
            .map(|list| keyword_list("churn_keywords", &list))
            .transpose()?;
        if urgent.is_some() || churn.is_some() {
            let [default_urgent, default_churn] = config.keywords.lists().clone();
            config.keywords = Scanner::new([
                urgent.unwrap_or(default_urgent),
                churn.unwrap_or(default_churn),
            ]);
        }

        if let Some(list) = field::<Vec<i64>>("level_thresholds", raw.level_thresholds)? {
            config.thresholds = thresholds(&list)?;
        }

        if let Some(ltv) = field::<f64>("high_value_ltv", raw.high_value_ltv)? {
            if !(ltv.is_finite() && ltv >= 0.0) {
                return Err(invalid(format_args!(
                    "high_value_ltv: must be a number of at least 0, got {ltv}"
                )));
            }
            config.high_value_ltv = ltv;
        }

        config.sla = Sla::parse(raw.calendars, raw.sla_policies)
            .map_err(|e| invalid(format_args!("{e}")))?;

        Ok(config)
    }

    /// Urgency keyword phrases.
    pub fn urgent(&self) -> &Keywords {
        &self.keywords.lists()[0]
    }

    /// Churn keyword phrases.
    pub fn churn(&self) -> &Keywords {
        &self.keywords.lists()[1]
    }

    /// The urgency and the churn phrases found in `text` (in matching
    /// form, [`crate::keywords::normalize_into`]), in one pass.
    pub fn keywords_found(&self, text: &str) -> [Vec<&Phrase>; 2] {
        self.keywords.found(text)
    }

    /// First-response SLA for a channel, in minutes, before the tier factor.
    pub fn sla_minutes(&self, channel: Channel) -> f64 {
        self.sla_minutes[channel_index(channel)]
    }

    /// The tier matching `name` case-insensitively (surrounding spaces ignored).
    pub fn tier(&self, name: &str) -> Option<&Tier> {
        let name = name.trim();
        self.tiers.iter().find(|t| {
            // Two ASCII names (nearly always) compare without decoding.
            if t.name.is_ascii() && name.is_ascii() {
                return t.name.eq_ignore_ascii_case(name);
            }
            t.name
                .chars()
                .flat_map(char::to_lowercase)
                .eq(name.chars().flat_map(char::to_lowercase))
        })
    }

    /// The level (1 most urgent .. 4) for a score.
    pub fn level(&self, score: u32) -> u8 {
        let [t1, t2, t3] = self.thresholds;
        match score {
            s if s >= t1 => 1,
            s if s >= t2 => 2,
            s if s >= t3 => 3,
            _ => 4,
        }
    }

    /// The tier called `key`, added with neutral values when new.
    fn tier_entry(&mut self, field: &str, key: &str) -> Result<&mut Tier, PluginError> {
        let name = key.trim().to_lowercase();
        if name.is_empty() {
            return Err(invalid(format_args!(
                "{field}: tier name must not be empty"
            )));
        }
        let index = match self.tiers.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                self.tiers.push(Tier {
                    name,
                    sla_factor: 1.0,
                    weight: 0,
                });
                self.tiers.len() - 1
            }
        };
        Ok(&mut self.tiers[index])
    }
}

/// Validated minutes per channel (in `Channel::ALL` order) from a map
/// channel name → minutes; `field` names the map in errors.
pub(crate) fn channel_minutes(
    field: &str,
    map: BTreeMap<String, f64>,
) -> Result<[Option<f64>; 9], String> {
    let mut out = [None; 9];
    for (key, minutes) in map {
        let channel = Channel::parse(&key).ok_or_else(|| {
            format!(
                "{field}: unknown channel `{key}` (expected one of {})",
                channel_names()
            )
        })?;
        let slot = channel_index(channel);
        if out[slot].is_some() {
            return Err(format!(
                "{field}: channel `{}` given twice",
                channel.as_str()
            ));
        }
        if !(minutes > 0.0 && minutes <= MAX_SLA_MINUTES) {
            return Err(format!(
                "{field}.{key}: must be more than 0 and at most {MAX_SLA_MINUTES} minutes, got {minutes}"
            ));
        }
        out[slot] = Some(minutes);
    }
    Ok(out)
}

/// Index of a channel in `Channel::ALL` order.
pub(crate) fn channel_index(channel: Channel) -> usize {
    Channel::ALL
        .iter()
        .position(|&c| c == channel)
        .unwrap_or_default()
}

fn channel_names() -> String {
    Channel::ALL.map(|c| c.as_str()).join(", ")
}

fn invalid(message: std::fmt::Arguments<'_>) -> PluginError {
    PluginError::InvalidConfig(format!("priority config: {message}"))
}

/// Converts one config value to its type; `null` counts as absent.
fn field<T: DeserializeOwned>(name: &str, value: Option<Value>) -> Result<Option<T>, PluginError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| invalid(format_args!("{name}: {e}"))),
    }
}

/// A built-in phrase table, each phrase with its cue.
fn built_in(table: &'static [CuePhrases]) -> Keywords {
    Keywords::new(cues::phrases(table).filter_map(|(cue, w)| Phrase::new(w).map(|p| p.with_cue(cue))))
}

/// An operator's keyword list: each keyword counts on its own.
fn keyword_list(name: &str, list: &[String]) -> Result<Keywords, PluginError> {
    if let Some(bad) = list.iter().find(|k| Phrase::new(k).is_none()) {
        return Err(invalid(format_args!(
            "{name}: keyword {bad:?} has nothing to match"
        )));
    }
    Ok(Keywords::new(list.iter().filter_map(|k| Phrase::new(k))))
}

fn thresholds(list: &[i64]) -> Result<[u32; 3], PluginError> {
    let &[a, b, c] = list else {
        return Err(invalid(format_args!(
            "level_thresholds: needs exactly 3 scores (for levels 1, 2 and 3), got {}",
            list.len()
        )));
    };
    let in_range = |v: i64| u32::try_from(v).ok().filter(|&v| v <= 100);
    let (Some(a), Some(b), Some(c)) = (in_range(a), in_range(b), in_range(c)) else {
        return Err(invalid(format_args!(
            "level_thresholds: scores must be within 0..=100, got {list:?}"
        )));
    };
    if !(a > b && b > c) {
        return Err(invalid(format_args!(
            "level_thresholds: scores must be strictly descending, got {list:?}"
        )));
    }
    Ok([a, b, c])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        match Config::parse(json) {
            Err(PluginError::InvalidConfig(m)) => m,
            other => panic!("expected InvalidConfig for {json}, got {other:?}"),
        }
    }

    #[test]
    fn empty_and_null_configs_mean_defaults() {
        let defaults = Config::default();
        for json in ["", "  ", "{}", "null"] {
            assert_eq!(Config::parse(json).expect(json), defaults);
        }
        assert_eq!(defaults.sla_minutes(Channel::WebForm), 480.0);
        assert_eq!(defaults.urgent().len(), cues::phrases(&cues().urgent).count());
        assert!(defaults.urgent().phrases().iter().all(|p| p.cue.is_some()));
    }

    #[test]
    fn maps_merge_over_defaults_key_by_key() {
        let c = Config::parse(
            r#"{"sla_minutes": {"email": 60, "web-form": 120},
                "tier_sla_factor": {"Gold": 0.5, "Enterprise": 0.3},
                "tier_weight": {"enterprise": 22}}"#,
        )
        .expect("valid");
        assert_eq!(c.sla_minutes(Channel::Email), 60.0);
        assert_eq!(c.sla_minutes(Channel::WebForm), 120.0);
        assert_eq!(
            c.sla_minutes(Channel::Chat),
            5.0,
            "untouched key keeps default"
        );
        let gold = c.tier("GOLD").expect("gold");
        assert_eq!(
            (gold.sla_factor, gold.weight),
            (0.5, 14),
            "weight keeps default"
        );
        let ent = c.tier(" enterprise ").expect("new tier");
        assert_eq!((ent.sla_factor, ent.weight), (0.3, 22));
        assert_eq!(c.tier("vip").map(|t| t.weight), Some(25));
        assert!(c.tier("bronze").is_none());
    }

    #[test]
    fn keyword_lists_replace_defaults() {
        let c = Config::parse(r#"{"urgent_keywords": ["Panne", "Störung"], "churn_keywords": []}"#)
            .expect("valid");
        let labels: Vec<_> = c.urgent().phrases().iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["panne", "störung"]);
        assert!(c.churn().is_empty());
    }

    #[test]
    fn bad_configs_name_the_field() {
        assert!(err(r#"{"sla_minute": {}}"#).contains("sla_minute"));
        assert!(err(r#"{"sla_minutes": {"fax": 10}}"#).contains("`fax`"));
        assert!(err(r#"{"sla_minutes": {"email": "soon"}}"#).contains("sla_minutes"));
        assert!(err(r#"{"sla_minutes": {"chat": 0}}"#).contains("sla_minutes.chat"));
        assert!(err(r#"{"sla_minutes": {"web_form": 5, "webform": 6}}"#).contains("twice"));
        assert!(err(r#"{"tier_sla_factor": {"gold": -1}}"#).contains("tier_sla_factor.gold"));
        assert!(err(r#"{"tier_weight": {"gold": 1.5}}"#).contains("tier_weight"));
        assert!(err(r#"{"tier_weight": {"gold": 1000}}"#).contains("tier_weight.gold"));
        assert!(err(r#"{"tier_weight": {" ": 3}}"#).contains("tier_weight"));
        assert!(err(r#"{"urgent_keywords": "outage"}"#).contains("urgent_keywords"));
        assert!(err(r#"{"churn_keywords": ["cancel", "  "]}"#).contains("churn_keywords"));
        assert!(err(r#"{"high_value_ltv": -5}"#).contains("high_value_ltv"));
        assert!(err(r#"{"high_value_ltv": "lots"}"#).contains("high_value_ltv"));
        assert!(err("[1, 2]").contains("priority config"));
        assert!(err("{not json").contains("priority config"));
    }

    #[test]
    fn thresholds_must_be_strictly_descending_within_range() {
        let c = Config::parse(r#"{"level_thresholds": [90, 60, 30]}"#).expect("valid");
        assert_eq!(c.thresholds, [90, 60, 30]);
        assert_eq!(
            (
                c.level(90),
                c.level(89),
                c.level(60),
                c.level(30),
                c.level(29)
            ),
            (1, 2, 2, 3, 4)
        );
        for bad in [
            "[50, 50, 25]",
            "[25, 50, 75]",
            "[120, 50, 25]",
            "[75, 50, -1]",
            "[75, 50]",
            "[75, 50, 25, 10]",
            "[75.5, 50, 25]",
        ] {
            let m = err(&format!(r#"{{"level_thresholds": {bad}}}"#));
            assert!(m.contains("level_thresholds"), "{bad}: {m}");
        }
    }

    #[test]
    fn default_levels_follow_default_thresholds() {
        let c = Config::default();
        assert_eq!(
            [100, 75, 74, 50, 49, 25, 24, 0].map(|s| c.level(s)),
            [1, 1, 2, 2, 3, 3, 4, 4]
        );
    }
}
