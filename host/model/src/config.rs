//! The pipeline file (TOML): which plugins run for which hook, their
//! configuration, the limits every hook call runs under, and the fallback.

use crate::model::Discipline;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole pipeline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Name shown in decisions' context and logs.
    #[serde(default = "default_name")]
    pub name: String,
    /// How plugin instances are used across interactions.
    #[serde(default)]
    pub instance_mode: InstanceMode,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub fallback: Fallback,
    /// The sentiment stage; without it every interaction is neutral.
    pub sentiment: Option<StageConfig>,
    /// Classifiers (contract 0.2.0), run in order after sentiment: each
    /// emits signals that later classifiers, priority and routing see.
    #[serde(default)]
    pub classifiers: Vec<StageConfig>,
    /// The priority stage; without it every interaction gets the fallback level.
    pub priority: Option<StageConfig>,
    /// The router chain, tried in order until one decides.
    #[serde(default)]
    pub routers: Vec<StageConfig>,
    /// The queues a decision may name; a router returning another is out of
    /// contract (fallback decision, error naming the plugin and the value).
    /// Absent: any well-formed queue name is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queues: Option<Vec<String>>,
    /// The skills a route may ask for (absent: any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// The actions a route may ask for (absent: any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    /// Personal data masked in the host before any plugin sees it.
    #[serde(default, skip_serializing_if = "Privacy::is_off")]
    pub privacy: Privacy,
}

/// `[privacy]`: what the host masks in subject, body, history and attribute
/// values, once per interaction, before any hook runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Built-in kinds: `card` (Luhn-checked), `iban` (mod-97-checked),
    /// `email`, `phone`.
    #[serde(default)]
    pub mask: Vec<MaskKind>,
    /// Extra named regular expressions: a match of `NAME = "REGEX"` becomes
    /// `[NAME]`.
    #[serde(default)]
    pub patterns: BTreeMap<String, String>,
}

impl Privacy {
    /// Whether nothing is masked.
    pub fn is_off(&self) -> bool {
        self.mask.is_empty() && self.patterns.is_empty()
    }
}

/// A kind of personal data the host recognises by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// Payment card numbers: 13-19 digits, any grouping with spaces or dashes, Luhn-valid.
    Card,
    /// International bank account numbers, ISO 13616 mod-97-valid.
    Iban,
    /// E-mail addresses.
    Email,
    /// Telephone numbers.
    Phone,
}

impl MaskKind {
    /// The name used in `mask` and in the decision's `masked` counts.
    pub fn as_str(self) -> &'static str {
        match self {
            MaskKind::Card => "card",
            MaskKind::Iban => "iban",
            MaskKind::Email => "email",
            MaskKind::Phone => "phone",
        }
    }
}

fn default_name() -> String {
    "pipeline".to_string()
}

/// `reuse`: an instance serves many calls (never shared across pipelines).
/// `isolate`: a fresh instance per interaction, so no state can leak between
/// customers; it starts from a snapshot of the plugin taken after
/// `configure`, so isolation costs an instantiation, not a configure (from
/// the process's pool of instance slots, when it has one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceMode {
    #[default]
    Reuse,
    Isolate,
}

/// Limits for every hook call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fuel (roughly, wasm instructions) per hook call; `0` turns metering off.
    #[serde(default = "Limits::default_fuel")]
    pub fuel: u64,
    /// Deadline per hook call, in milliseconds of the calling thread's CPU
    /// time (checked each time this much wall-clock time has passed, by
    /// epoch interruption), so that a healthy plugin on a busy host is not
    /// stopped for the host's lateness.
    #[serde(default = "Limits::default_timeout_ms")]
    pub timeout_ms: u64,
    /// Wall-clock limit per hook call, in milliseconds, however little CPU
    /// time the call got (default: 10 x `timeout_ms`). A call stopped by it
    /// fails, but the host was late, so it does not count towards the
    /// plugin's quarantine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_timeout_ms: Option<u64>,
    /// Linear memory cap per instance, in MiB.
    #[serde(default = "Limits::default_memory_mb")]
    pub memory_mb: u64,
    /// Cap on the size of what one hook call returns, in KiB.
    #[serde(default = "Limits::default_output_kb")]
    pub output_kb: u64,
    /// Cap on what a plugin may write to its log (stdout, stderr, `host.log`) per call, in KiB.
    #[serde(default = "Limits::default_log_kb")]
    pub log_kb: u64,
    /// Fuel for starting an instance and running `configure` (compiling
    /// rules can cost far more than one hook call); `0` with `fuel = 0`.
    #[serde(default = "Limits::default_setup_fuel")]
    pub setup_fuel: u64,
    /// Deadline for starting an instance and running `configure`, in milliseconds.
    #[serde(default = "Limits::default_setup_timeout_ms")]
    pub setup_timeout_ms: u64,
    /// Largest component file accepted, in MiB.
    #[serde(default = "Limits::default_max_component_mb")]
    pub max_component_mb: u64,
    /// Ignored (accepted so that older files still load): the pool of
    /// instance slots `isolate` pipelines run on is a process setting
    /// (`cxr_host::RuntimeSettings::pool_instances`, `CXR_POOL_INSTANCES`,
    /// `--pool-instances`), since every pipeline of a process shares one
    /// engine. Loading a pipeline that sets it logs a warning.
    #[serde(default)]
    pub pool_instances: u32,
}

impl Limits {
    /// `wall_timeout_ms` when not set, as a multiple of `timeout_ms`.
    pub const WALL_TIMEOUT_FACTOR: u64 = 10;

    /// The wall-clock limit of a hook call, in milliseconds.
    pub fn wall_timeout_ms(&self) -> u64 {
        self.wall_timeout_ms
            .unwrap_or(self.timeout_ms.saturating_mul(Self::WALL_TIMEOUT_FACTOR))
            .max(self.timeout_ms)
    }

    /// Largest `pool_instances` accepted.
    pub const MAX_POOL_INSTANCES: u32 = 10_000;

    fn default_fuel() -> u64 {
        100_000_000
    }
    fn default_timeout_ms() -> u64 {
        200
    }
    fn default_memory_mb() -> u64 {
        64
    }
    fn default_output_kb() -> u64 {
        256
    }
    fn default_log_kb() -> u64 {
        16
    }
    fn default_setup_fuel() -> u64 {
        5_000_000_000
    }
    fn default_setup_timeout_ms() -> u64 {
        5_000
    }
    fn default_max_component_mb() -> u64 {
        50
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: Self::default_fuel(),
            timeout_ms: Self::default_timeout_ms(),
            wall_timeout_ms: None,
            memory_mb: Self::default_memory_mb(),
            output_kb: Self::default_output_kb(),
            log_kb: Self::default_log_kb(),
            setup_fuel: Self::default_setup_fuel(),
            setup_timeout_ms: Self::default_setup_timeout_ms(),
            max_component_mb: Self::default_max_component_mb(),
            pool_instances: 0,
        }
    }
}

/// The decision used when no router decides or a plugin fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fallback {
    #[serde(default = "Fallback::default_queue")]
    pub queue: String,
    #[serde(default = "Fallback::default_discipline")]
    pub discipline: Discipline,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    /// Priority level when the priority stage failed or is absent.
    #[serde(default = "Fallback::default_level")]
    pub level: u8,
}

impl Fallback {
    fn default_queue() -> String {
        "general".to_string()
    }
    fn default_discipline() -> Discipline {
        Discipline::Service
    }
    fn default_level() -> u8 {
        3
    }
}

impl Default for Fallback {
    fn default() -> Self {
        Fallback {
            queue: Self::default_queue(),
            discipline: Self::default_discipline(),
            skills: Vec::new(),
            actions: Vec::new(),
            level: Self::default_level(),
        }
    }
}

/// One stage: a plugin and its configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageConfig {
    /// `builtin:sentiment`, `builtin:classify`, `builtin:priority`,
    /// `builtin:router`, or a path to a `.wasm` component (relative to the
    /// pipeline file); read by `cxr_host::source::PluginSpec`.
    pub plugin: String,
    /// Handed to the plugin's `configure` as JSON.
    #[serde(default)]
    pub config: Option<toml::Table>,
    /// What a failure of this stage does to the decision.
    #[serde(default)]
    pub on_failure: FailurePolicy,
    /// The plugin is quarantined (not called) for `quarantine_secs` when, in
    /// one window of `quarantine_window_secs`, this many distinct sources
    /// (customers, or texts without a customer) failed, and they are at
    /// least `quarantine_rate` of the sources seen; 0 never quarantines.
    /// One source counts once, however many interactions it sends.
    #[serde(default = "StageConfig::default_quarantine_after")]
    pub quarantine_after: u32,
    /// Share of a window's sources that must be failing, in (0, 1].
    #[serde(default = "StageConfig::default_quarantine_rate")]
    pub quarantine_rate: f64,
    /// Length of the window failures are counted in, in seconds.
    #[serde(default = "StageConfig::default_quarantine_window_secs")]
    pub quarantine_window_secs: u64,
    /// Length of a quarantine, in seconds.
    #[serde(default = "StageConfig::default_quarantine_secs")]
    pub quarantine_secs: u64,
}

/// What a failing stage (trap, overrun, plugin error, out-of-contract value,
/// quarantine) does to the decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// The decision goes on without the stage and lists it in `degraded`:
    /// a failed sentiment stage gives neutral sentiment, a failed classifier
    /// no signals, a failed priority stage the fallback level, a failed
    /// router passes to the next router (then the fallback route).
    #[default]
    Degrade,
    /// Fail open, all or nothing (the behaviour before 0.2.0): the
    /// pipeline's fallback decides, with `error` set.
    Fallback,
    /// Fail closed: the decision carries only the error (no route).
    Error,
}

impl StageConfig {
    fn default_quarantine_after() -> u32 {
        5
    }
    fn default_quarantine_secs() -> u64 {
        30
    }
    fn default_quarantine_rate() -> f64 {
        0.5
    }
    fn default_quarantine_window_secs() -> u64 {
        10
    }

    /// A stage running `plugin` with no config and the default failure policy.
    pub fn new(plugin: impl Into<String>) -> Self {
        StageConfig {
            plugin: plugin.into(),
            config: None,
            on_failure: FailurePolicy::default(),
            quarantine_after: Self::default_quarantine_after(),
            quarantine_rate: Self::default_quarantine_rate(),
            quarantine_window_secs: Self::default_quarantine_window_secs(),
            quarantine_secs: Self::default_quarantine_secs(),
        }
    }

    /// The stage's config as the JSON text the plugin receives (`{}` when none).
    pub fn config_json(&self) -> Result<String> {
        match &self.config {
            None => Ok("{}".to_string()),
            Some(table) => serde_json::to_string(table).context("converting plugin config to JSON"),
        }
    }
}

impl PipelineConfig {
    /// Parses a pipeline file's text. Errors name the line and key.
    pub fn from_toml(text: &str) -> Result<Self> {
        let config: PipelineConfig = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Every stage, in the order the pipeline runs them: sentiment, the
    /// classifiers, priority, the routers.
    pub fn stages(&self) -> impl Iterator<Item = &StageConfig> {
        self.sentiment.iter().chain(&self.classifiers).chain(&self.priority).chain(&self.routers)
    }

    fn validate(&self) -> Result<()> {
        let l = &self.limits;
        if l.timeout_ms == 0 || l.timeout_ms > 60_000 {
            bail!("limits.timeout_ms must be 1..=60000, got {}", l.timeout_ms);
        }
        if let Some(wall) = l.wall_timeout_ms
            && (wall < l.timeout_ms || wall > 600_000)
        {
            bail!("limits.wall_timeout_ms must be at least timeout_ms ({}) and at most 600000, got {wall}", l.timeout_ms);
        }
        if l.setup_timeout_ms == 0 || l.setup_timeout_ms > 600_000 {
            bail!("limits.setup_timeout_ms must be 1..=600000, got {}", l.setup_timeout_ms);
        }
        if l.memory_mb == 0 || l.memory_mb > 4096 {
            bail!("limits.memory_mb must be 1..=4096, got {}", l.memory_mb);
        }
        if l.pool_instances > Limits::MAX_POOL_INSTANCES {
            bail!("limits.pool_instances must be at most {}, got {}", Limits::MAX_POOL_INSTANCES, l.pool_instances);
        }
        if l.output_kb == 0 {
            bail!("limits.output_kb must be at least 1");
        }
        if !(1..=4).contains(&self.fallback.level) {
            bail!("fallback.level must be 1..=4, got {}", self.fallback.level);
        }
        if self.fallback.queue.trim().is_empty() {
            bail!("fallback.queue must not be empty");
        }
        self.validate_known()?;
        let stages = self
            .sentiment
            .iter()
            .map(|s| ("sentiment".to_string(), s))
            .chain(self.classifiers.iter().enumerate().map(|(i, s)| (format!("classifiers[{i}]"), s)))
            .chain(self.priority.iter().map(|s| ("priority".to_string(), s)))
            .chain(self.routers.iter().enumerate().map(|(i, s)| (format!("routers[{i}]"), s)));
        for (role, s) in stages {
            if !(s.quarantine_rate > 0.0 && s.quarantine_rate <= 1.0) {
                bail!("{role}.quarantine_rate must be more than 0 and at most 1, got {}", s.quarantine_rate);
            }
            if s.quarantine_window_secs == 0 || s.quarantine_window_secs > 3600 {
                bail!("{role}.quarantine_window_secs must be 1..=3600, got {}", s.quarantine_window_secs);
            }
            if s.quarantine_secs > 86_400 {
                bail!("{role}.quarantine_secs must be at most 86400, got {}", s.quarantine_secs);
            }
        }
        for name in self.privacy.patterns.keys() {
            let builtin = [MaskKind::Card, MaskKind::Iban, MaskKind::Email, MaskKind::Phone].map(MaskKind::as_str);
            if name.is_empty() || builtin.contains(&name.as_str()) || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                bail!("privacy.patterns: {name:?} must be a name of a-z, 0-9, - and _ other than card, iban, email and phone");
            }
        }
        Ok(())
    }

    /// The `queues`, `skills` and `actions` lists are not empty, and the
    /// fallback stays within them.
    fn validate_known(&self) -> Result<()> {
        let fb = &self.fallback;
        let lists = [
            ("queues", &self.queues, std::slice::from_ref(&fb.queue), "fallback.queue"),
            ("skills", &self.skills, fb.skills.as_slice(), "fallback.skills"),
            ("actions", &self.actions, fb.actions.as_slice(), "fallback.actions"),
        ];
        for (key, list, used, field) in lists {
            let Some(list) = list else { continue };
            if list.is_empty() {
                bail!("{key} is empty: list the names a decision may use, or leave `{key}` out to accept any");
            }
            if let Some(bad) = list.iter().find(|n| n.trim().is_empty() || n.chars().any(char::is_control)) {
                bail!("{key}: {bad:?} is not a valid name");
            }
            if let Some(missing) = used.iter().find(|n| !list.contains(n)) {
                bail!("{field} {missing:?} is not in `{key}` ({})", list.join(", "));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = PipelineConfig::from_toml("[[routers]]\nplugin = \"builtin:router\"\n").unwrap();
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.instance_mode, InstanceMode::Reuse);
        assert_eq!(c.routers[0].config_json().unwrap(), "{}");
    }

    #[test]
    fn failure_policy_keys_parse_and_are_checked() {
        let c = PipelineConfig::from_toml("[sentiment]\nplugin = \"builtin:sentiment\"\n").unwrap();
        let s = c.sentiment.unwrap();
        assert_eq!(s.on_failure, FailurePolicy::Degrade, "degrade is the default");
        assert_eq!((s.quarantine_after, s.quarantine_rate, s.quarantine_window_secs, s.quarantine_secs), (5, 0.5, 10, 30));
        assert_eq!(c.limits.wall_timeout_ms(), 2000, "10 x timeout_ms by default");
        let c = PipelineConfig::from_toml(
            "[limits]\ntimeout_ms = 50\nwall_timeout_ms = 70\n[[routers]]\nplugin = \"x.wasm\"\non_failure = \"fallback\"\nquarantine_rate = 0.8\n",
        )
        .unwrap();
        assert_eq!(c.limits.wall_timeout_ms(), 70);
        assert_eq!(c.routers[0].on_failure, FailurePolicy::Fallback);
        let e = PipelineConfig::from_toml("[[routers]]\nplugin = \"x.wasm\"\nquarantine_rate = 1.5\n").unwrap_err().to_string();
        assert!(e.contains("routers[0].quarantine_rate"), "{e}");
        let e = PipelineConfig::from_toml("[[classifiers]]\nplugin = \"x.wasm\"\nquarantine_window_secs = 0\n").unwrap_err().to_string();
        assert!(e.contains("classifiers[0].quarantine_window_secs"), "{e}");
        let e = PipelineConfig::from_toml("[limits]\ntimeout_ms = 100\nwall_timeout_ms = 50\n").unwrap_err().to_string();
        assert!(e.contains("wall_timeout_ms"), "{e}");
        let e = PipelineConfig::from_toml("[priority]\nplugin = \"x.wasm\"\non_failure = \"explode\"\n").unwrap_err().to_string();
        assert!(e.contains("explode"), "{e}");
    }

    #[test]
    fn typos_are_rejected_with_the_key() {
        let e = PipelineConfig::from_toml("[limits]\nfuell = 5\n").unwrap_err().to_string();
        assert!(e.contains("fuell"), "{e}");
        let e = PipelineConfig::from_toml("[limits]\ntimeout_ms = 0\n").unwrap_err().to_string();
        assert!(e.contains("timeout_ms"), "{e}");
    }

    #[test]
    fn known_lists_and_privacy_parse_and_are_checked() {
        let c = PipelineConfig::from_toml(
            "queues = [\"billing\", \"general\"]\nskills = [\"en\"]\n[privacy]\nmask = [\"card\", \"email\"]\n[privacy.patterns]\norder = \"A[0-9]{3}\"\n",
        )
        .unwrap();
        assert_eq!(c.queues.as_deref(), Some(&["billing".to_string(), "general".to_string()][..]));
        assert_eq!(c.privacy.mask, [MaskKind::Card, MaskKind::Email]);
        assert_eq!(c.privacy.patterns["order"], "A[0-9]{3}");
        let e = PipelineConfig::from_toml("queues = [\"billing\"]\n").unwrap_err().to_string();
        assert!(e.contains("fallback.queue \"general\" is not in `queues`"), "{e}");
        let e = PipelineConfig::from_toml("queues = []\n").unwrap_err().to_string();
        assert!(e.contains("queues is empty"), "{e}");
        let e = PipelineConfig::from_toml("[privacy]\nmask = [\"passport\"]\n").unwrap_err().to_string();
        assert!(e.contains("passport"), "{e}");
        let e = PipelineConfig::from_toml("[privacy.patterns]\ncard = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("privacy.patterns"), "{e}");
        assert!(PipelineConfig::from_toml("").unwrap().privacy.is_off());
    }

    #[test]
    fn plugin_config_becomes_json() {
        let c = PipelineConfig::from_toml(
            "[sentiment]\nplugin = \"builtin:sentiment\"\n[sentiment.config]\nneutral_band = 0.1\n",
        )
        .unwrap();
        assert_eq!(c.sentiment.unwrap().config_json().unwrap(), r#"{"neutral_band":0.1}"#);
    }
}
