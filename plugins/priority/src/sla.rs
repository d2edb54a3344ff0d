//! SLAs: which first-response target applies to an interaction and on
//! which clock it runs, and what follows from it: the points and reason for
//! the time waited, the first-response due time and its reason.
//!
//! Without `sla_policies` (or when none matches) every SLA runs in calendar
//! hours: target = channel SLA × tier factor, due = arrival + target × the
//! level's factor. A matching policy can choose other minutes, other level
//! factors and a business calendar ([`Calendar`]); business time is then
//! counted with [`business_time`].

use std::collections::BTreeMap;

use cxr_guest::{Channel, Context, HOUR, Interaction, MINUTE, Timestamp};
use serde::Deserialize;
use serde_json::Value;

use crate::business_time::{self, HORIZON_DAYS};
use crate::calendar::{Calendar, MAX_NAME_BYTES, tzdb_version};
use crate::config::{Config, Tier, channel_index, channel_minutes};
use cxr_guest::fixed::Fixed;

/// Most policies one config may list.
pub const MAX_POLICIES: usize = 64;
/// Most values one `when` condition may list.
pub const MAX_CONDITION_VALUES: usize = 64;
/// Factor on the target for the due time of levels 1..=4, unless a policy
/// says otherwise: level 1 gets half the SLA.
pub const DEFAULT_LEVEL_SLA_FACTOR: [f64; 4] = [0.5, 1.0, 1.0, 1.0];
/// Largest accepted level factor.
const MAX_LEVEL_FACTOR: f64 = 100.0;

/// Points once half the SLA has passed.
const WAIT_HALF: f64 = 8.0;
/// Points when the SLA is breached, growing to `WAIT_BREACH_MAX` at three times the SLA.
const WAIT_BREACH: f64 = 20.0;
const WAIT_BREACH_MAX: f64 = 30.0;

const DAY: Timestamp = 24 * HOUR;

/// The configured calendars and SLA policies (both empty by default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sla {
    calendars: Vec<Calendar>,
    policies: Vec<Policy>,
}

/// One entry of `sla_policies`.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The policy's name (`sla_policies[i]` when none is given); for readers, not used in decisions.
    pub name: String,
    when: When,
    /// Index into [`Sla::calendars`]; `None` runs in calendar hours.
    calendar: Option<usize>,
    /// Minutes per channel (in `Channel::ALL` order) replacing the top-level `sla_minutes`.
    sla_minutes: [Option<f64>; 9],
    level_factor: [f64; 4],
    /// Levels whose due time counts calendar hours although the policy has a calendar.
    calendar_hours_levels: [bool; 4],
}

/// Conditions of a policy; an empty list accepts anything.
#[derive(Debug, Clone, Default, PartialEq)]
struct When {
    queue: Vec<String>,
    tier: Vec<String>,
    channel: Vec<Channel>,
    language: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    when: Option<RawWhen>,
    #[serde(default)]
    calendar: Option<String>,
    #[serde(default)]
    sla_minutes: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    level_sla_factor: Option<Vec<f64>>,
    #[serde(default)]
    calendar_hours_levels: Option<Vec<u8>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhen {
    #[serde(default)]
    queue: Option<Value>,
    #[serde(default)]
    tier: Option<Value>,
    #[serde(default)]
    channel: Option<Value>,
    #[serde(default)]
    language: Option<Value>,
}

impl Sla {
    /// Parses the config's `calendars` and `sla_policies` (either may be
    /// absent). Errors name the field, e.g. `sla_policies[1].calendar`.
    pub fn parse(calendars: Option<Value>, policies: Option<Value>) -> Result<Sla, String> {
        let calendars = match calendars {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => Calendar::parse_all(v)?,
        };
        let list = match policies {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list,
            Some(_) => return Err("sla_policies: must be a list of policies".to_string()),
        };
        if list.len() > MAX_POLICIES {
            return Err(format!(
                "sla_policies: at most {MAX_POLICIES} policies, got {}",
                list.len()
            ));
        }
        let policies = list
            .into_iter()
            .enumerate()
            .map(|(i, v)| Policy::parse(i, v, &calendars))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Sla {
            calendars,
            policies,
        })
    }

    /// The calendars, in name order.
    pub fn calendars(&self) -> &[Calendar] {
        &self.calendars
    }

    /// The policies, in config order (the first that matches applies).
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }
}

impl Policy {
    fn parse(index: usize, value: Value, calendars: &[Calendar]) -> Result<Policy, String> {
        let at = format!("sla_policies[{index}]");
        let raw: RawPolicy = serde_json::from_value(value).map_err(|e| format!("{at}: {e}"))?;
        let name = match raw.name {
            Some(n) if n.trim().is_empty() || n.len() > MAX_NAME_BYTES => {
                return Err(format!("{at}.name: must have 1 to {MAX_NAME_BYTES} bytes"));
            }
            Some(n) => n,
            None => at.clone(),
        };
        let when =
            When::parse(raw.when.unwrap_or_default()).map_err(|e| format!("{at}.when.{e}"))?;
        let calendar = match raw.calendar {
            None => None,
            Some(c) => Some(
                calendars
                    .iter()
                    .position(|k| k.name() == c)
                    .ok_or_else(|| {
                        let known: Vec<&str> = calendars.iter().map(Calendar::name).collect();
                        format!(
                            "{at}.calendar: no calendar named `{c}` (calendars: {})",
                            if known.is_empty() {
                                "none defined".to_string()
                            } else {
                                known.join(", ")
                            }
                        )
                    })?,
            ),
        };
        let sla_minutes = match raw.sla_minutes {
            None => [None; 9],
            Some(map) => channel_minutes(&format!("{at}.sla_minutes"), map)?,
        };
        let level_factor = match raw.level_sla_factor {
            None => DEFAULT_LEVEL_SLA_FACTOR,
            Some(list) => {
                let Ok(factors) = <[f64; 4]>::try_from(list.as_slice()) else {
                    return Err(format!(
                        "{at}.level_sla_factor: needs exactly 4 factors (for levels 1, 2, 3 and 4), got {}",
                        list.len()
                    ));
                };
                if let Some(bad) = factors
                    .iter()
                    .find(|f| !(**f > 0.0 && **f <= MAX_LEVEL_FACTOR))
                {
                    return Err(format!(
                        "{at}.level_sla_factor: each factor must be more than 0 and at most {MAX_LEVEL_FACTOR}, got {bad}"
                    ));
                }
                factors
            }
        };
        let mut calendar_hours_levels = [false; 4];
        for level in raw.calendar_hours_levels.unwrap_or_default() {
            if !(1..=4).contains(&level) {
                return Err(format!(
                    "{at}.calendar_hours_levels: levels are 1 to 4, got {level}"
                ));
            }
            if calendar.is_none() {
                return Err(format!(
                    "{at}.calendar_hours_levels: the policy has no `calendar`, so every level counts calendar hours already"
                ));
            }
            calendar_hours_levels[usize::from(level - 1)] = true;
        }
        Ok(Policy {
            name,
            when,
            calendar,
            sla_minutes,
            level_factor,
            calendar_hours_levels,
        })
    }

    /// Whether the interaction meets every condition of this policy.
    fn matches(&self, input: &Interaction, ctx: &Context) -> bool {
        let w = &self.when;
        let text_in = |list: &[String], value: Option<&str>| {
            list.is_empty()
                || value.is_some_and(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v.trim())))
        };
        text_in(&w.queue, input.attribute("queue"))
            && text_in(&w.tier, input.customer.tier.as_deref())
            && (w.channel.is_empty() || w.channel.contains(&input.channel))
            && (w.language.is_empty()
                || language(input, ctx)
                    .is_some_and(|l| w.language.iter().any(|x| language_matches(x, l))))
    }
}

impl When {
    fn parse(raw: RawWhen) -> Result<When, String> {
        let mut channel = Vec::new();
        for name in values("channel", raw.channel)? {
            channel.push(
                Channel::parse(&name)
                    .ok_or_else(|| format!("channel: unknown channel `{name}`"))?,
            );
        }
        let language = values("language", raw.language)?
            .into_iter()
            .map(|l| l.trim().to_ascii_lowercase().replace('_', "-"))
            .collect();
        Ok(When {
            queue: values("queue", raw.queue)?,
            tier: values("tier", raw.tier)?,
            channel,
            language,
        })
    }
}

/// A condition's values: one string or a list of strings, none blank.
fn values(field: &str, value: Option<Value>) -> Result<Vec<String>, String> {
    let list = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(format!("{field}: expected strings, got {other}")),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(format!(
                "{field}: expected a string or a list of strings, got {other}"
            ));
        }
    };
    if list.is_empty() {
        return Err(format!(
            "{field}: an empty list matches nothing (leave the condition out to match anything)"
        ));
    }
    if list.len() > MAX_CONDITION_VALUES {
        return Err(format!(
            "{field}: at most {MAX_CONDITION_VALUES} values, got {}",
            list.len()
        ));
    }
    if let Some(bad) = list
        .iter()
        .find(|s| s.trim().is_empty() || s.len() > MAX_NAME_BYTES)
    {
        return Err(format!(
            "{field}: {bad:?} must have 1 to {MAX_NAME_BYTES} bytes"
        ));
    }
    Ok(list.into_iter().map(|s| s.trim().to_string()).collect())
}

/// The interaction's language: the given one, else a classifier's `language` signal.
fn language<'a>(input: &'a Interaction, ctx: &'a Context) -> Option<&'a str> {
    input
        .language
        .as_deref()
        .or_else(|| ctx.signal("language").map(|s| s.value.as_str()))
}

/// `de` matches `de`, `DE`, `de-AT`; `pt-br` matches `pt-BR` and `pt_BR` only.
fn language_matches(condition: &str, tag: &str) -> bool {
    // As `tag` lower-cased with `_` read as `-`, without building it.
    let same = |part: &str| {
        part.len() == condition.len()
            && part.bytes().zip(condition.bytes()).all(|(t, c)| {
                (if t == b'_' { b'-' } else { t.to_ascii_lowercase() }) == c
            })
    };
    let tag = tag.trim();
    same(tag) || tag.split(['-', '_']).next().is_some_and(same)
}

/// The SLA that applies to one interaction.
#[derive(Debug, Clone, Copy)]
pub struct Applied<'a> {
    /// Channel minutes × tier factor, in ms.
    target_ms: f64,
    policy: Option<&'a Policy>,
    calendar: Option<&'a Calendar>,
}

/// Picks the first matching policy and computes the target.
pub fn applied<'a>(
    cfg: &'a Config,
    input: &Interaction,
    ctx: &Context,
    tier: Option<&Tier>,
) -> Applied<'a> {
    let policy = cfg.sla.policies.iter().find(|p| p.matches(input, ctx));
    let minutes = policy
        .and_then(|p| p.sla_minutes[channel_index(input.channel)])
        .unwrap_or_else(|| cfg.sla_minutes(input.channel));
    let sla_factor = tier.map_or(1.0, |t| t.sla_factor);
    Applied {
        target_ms: minutes * sla_factor * MINUTE as f64,
        policy,
        calendar: policy
            .and_then(|p| p.calendar)
            .map(|i| &cfg.sla.calendars[i]),
    }
}

/// The time waited so far, measured against the target.
#[derive(Debug, Clone)]
pub struct Wait<'a> {
    /// Points for the score: +8 from half the SLA, +20 at the SLA, up to +30 at three times it.
    pub points: f64,
    /// Waited (business or calendar) milliseconds.
    pub waited_ms: f64,
    /// False when the wait was longer than the business-time horizon (then `waited_ms` is a lower bound).
    pub complete: bool,
    sla_ms: f64,
    calendar: Option<&'a Calendar>,
}

/// The first-response due time and, on a business calendar, why.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// `None` only when business hours do not reach the target within the horizon.
    pub at: Option<Timestamp>,
    /// Where the due time comes from (business calendars only).
    pub reason: Option<String>,
}

impl<'a> Applied<'a> {
    /// The SLA target before the level factor, in ms.
    pub fn target_ms(&self) -> f64 {
        self.target_ms
    }

    /// The business calendar, if the SLA runs in business hours.
    pub fn calendar(&self) -> Option<&'a Calendar> {
        self.calendar
    }

    /// The wait from `received` to `now` (none without `received`; a
    /// `received` after `now` is no wait), in business hours on a calendar.
    pub fn wait(&self, received: Option<Timestamp>, now: Timestamp) -> Option<Wait<'a>> {
        let received = received?;
        let (waited_ms, complete) = match self.calendar {
            None => (now.saturating_sub(received).max(0) as f64, true),
            Some(cal) => {
                let e = business_time::elapsed(cal, received, now);
                (e.ms as f64, e.complete)
            }
        };
        let ratio = waited_ms / self.target_ms;
        let points = if ratio >= 1.0 {
            let over = ((ratio - 1.0) / 2.0).min(1.0);
            WAIT_BREACH + over * (WAIT_BREACH_MAX - WAIT_BREACH)
        } else if ratio >= 0.5 {
            WAIT_HALF
        } else {
            0.0
        };
        Some(Wait {
            points,
            waited_ms,
            complete,
            sla_ms: self.target_ms,
            calendar: self.calendar,
        })
    }

    /// The due time for an interaction of `level` that arrived at `base`:
    /// `base` + target × the level's factor, in business hours on a calendar
    /// (unless the policy runs this level in calendar hours).
    pub fn due(&self, base: Timestamp, level: u8) -> Due {
        let i = usize::from(level.clamp(1, 4) - 1);
        let factor = self
            .policy
            .map_or(DEFAULT_LEVEL_SLA_FACTOR[i], |p| p.level_factor[i]);
        let due_in = self.target_ms * factor;
        let amount = due_in.round() as Timestamp;
        let Some(cal) = self.calendar else {
            return Due {
                at: Some(base.saturating_add(amount)),
                reason: None,
            };
        };
        let around_the_clock = self.policy.is_some_and(|p| p.calendar_hours_levels[i]);
        let at = if around_the_clock {
            Some(base.saturating_add(amount))
        } else {
            business_time::add(cal, base, amount)
        };
        let whose = format!(
            "({}, {}, tzdb {})",
            cal.label(),
            cal.zone_name(),
            tzdb_version()
        );
        let reason = match at {
            Some(at) if around_the_clock => format!(
                "first response due {} after {} around the clock for level {level} {whose}",
                cal.local_time(at),
                calendar_amount(due_in)
            ),
            Some(at) => format!(
                "first response due {} after {} {whose}",
                cal.local_time(at),
                business_amount(due_in)
            ),
            None => format!(
                "no first response due: {} not reached within {HORIZON_DAYS} days {whose}",
                business_amount(due_in)
            ),
        };
        Due {
            at,
            reason: Some(reason),
        }
    }
}

impl Wait<'_> {
    /// `waited 95 min against a 60 min SLA (breached)`, or on a calendar
    /// `waited 3.5 business hours against a 4 h SLA (Berlin office hours)`.
    /// Written into one string, without intermediate ones.
    pub fn reason(&self) -> String {
        let breached = self.waited_ms >= self.sla_ms;
        let mut out = String::with_capacity(64);
        out.push_str(if self.complete { "waited " } else { "waited over " });
        match self.calendar {
            None => {
                let (unit, name) = calendar_unit(self.sla_ms);
                push_amount(&mut out, self.waited_ms / unit, name);
                out.push_str(" against a ");
                push_amount(&mut out, self.sla_ms / unit, name);
                out.push_str(if breached { " SLA (breached)" } else { " SLA" });
            }
            Some(cal) => {
                let (unit, name, short) = business_unit(self.sla_ms);
                push_count(&mut out, self.waited_ms / unit, "business ", name);
                out.push_str(" against a ");
                push_amount(&mut out, self.sla_ms / unit, short);
                out.push_str(" SLA (");
                out.push_str(cal.label());
                out.push_str(if breached { ", breached)" } else { ")" });
            }
        }
        out
    }
}

/// Formats a wait and an SLA (both in ms) in the unit that suits the SLA:
/// `min` under 2 h, `h` under 48 h, `d` from there.
#[cfg(test)]
fn durations(waited_ms: f64, sla_ms: f64) -> (String, String) {
    let (unit, name) = calendar_unit(sla_ms);
    let show = |ms: f64| {
        let mut out = String::new();
        push_amount(&mut out, ms / unit, name);
        out
    };
    (show(waited_ms), show(sla_ms))
}

fn calendar_unit(ms: f64) -> (f64, &'static str) {
    let minute = MINUTE as f64;
    if ms < 120.0 * minute {
        (minute, "min")
    } else if ms < 48.0 * HOUR as f64 {
        (HOUR as f64, "h")
    } else {
        (DAY as f64, "d")
    }
}

/// Business time is shown in minutes under 2 h, in hours from there (never
/// in days: a business day has no fixed length). (unit, long name, short name)
fn business_unit(ms: f64) -> (f64, &'static str, &'static str) {
    if ms < 120.0 * MINUTE as f64 {
        (MINUTE as f64, "minutes", "min")
    } else {
        (HOUR as f64, "hours", "h")
    }
}

/// `2 h`, `45 min`, `3 d`.
fn calendar_amount(ms: f64) -> String {
    let (unit, name) = calendar_unit(ms);
    let mut out = String::new();
    push_amount(&mut out, ms / unit, name);
    out
}

/// `4 business hours`, `1 business hour`, `45 business minutes`.
fn business_amount(ms: f64) -> String {
    let (unit, name, _) = business_unit(ms);
    let mut out = String::new();
    push_count(&mut out, ms / unit, "business ", name);
    out
}

/// `value` with a plural noun, singular for exactly 1.
#[cfg(test)]
fn count(value: f64, plural: &str) -> String {
    let mut out = String::new();
    push_count(&mut out, value, "", plural);
    out
}

/// Appends `value` and `unit`: `2.4 h`.
fn push_amount(out: &mut String, value: f64, unit: &str) {
    push_number(out, value);
    out.push(' ');
    out.push_str(unit);
}

/// Appends `value` and `prefix` + `plural`, singular (without the final
/// `s`) for exactly 1: `1 business hour`, `3 business hours`.
fn push_count(out: &mut String, value: f64, prefix: &str, plural: &str) {
    let start = out.len();
    push_number(out, value);
    let one = &out[start..] == "1";
    out.push(' ');
    out.push_str(prefix);
    out.push_str(if one { plural.strip_suffix('s').unwrap_or(plural) } else { plural });
}

/// Appends a number: one decimal under 10 (`2.4`, `3`), none from 10 (`58`).
fn push_number(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    let start = out.len();
    if v < 10.0 {
        let _ = write!(out, "{}", Fixed(v, 1));
        if out[start..].ends_with(".0") {
            out.truncate(out.len() - 2);
        }
    } else {
        let _ = write!(out, "{}", Fixed(v, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        let m = MINUTE as f64;
        assert_eq!(
            durations(95.0 * m, 60.0 * m),
            ("95 min".into(), "60 min".into())
        );
        assert_eq!(
            durations(0.75 * m, 0.5 * m),
            ("0.8 min".into(), "0.5 min".into())
        );
        assert_eq!(
            durations(150.0 * m, 144.0 * m),
            ("2.5 h".into(), "2.4 h".into())
        );
        assert_eq!(
            durations(4320.0 * m, 2880.0 * m),
            ("3 d".into(), "2 d".into())
        );
    }

    #[test]
    fn business_amounts_use_minutes_or_hours() {
        let m = MINUTE as f64;
        assert_eq!(business_amount(45.0 * m), "45 business minutes");
        assert_eq!(business_amount(60.0 * m), "60 business minutes");
        assert_eq!(business_amount(120.0 * m), "2 business hours");
        assert_eq!(business_amount(60.0 * 60.0 * m), "60 business hours");
        assert_eq!(count(1.0, "business hours"), "1 business hour");
        assert_eq!(calendar_amount(1.2 * 60.0 * m), "72 min");
    }

    #[test]
    fn languages_match_by_primary_subtag() {
        assert!(language_matches("de", "de"));
        assert!(language_matches("de", "DE-at"));
        assert!(language_matches("pt-br", "pt_BR"));
        assert!(!language_matches("pt-br", "pt"));
        assert!(!language_matches("de", "den"));
    }

    #[test]
    fn policy_errors_name_the_field() {
        let cal = || {
            Some(
                serde_json::json!({"berlin": {"time_zone": "Europe/Berlin", "hours": {"mon-fri": ["08:00-17:00"]}}}),
            )
        };
        let err = |p: Value| Sla::parse(cal(), Some(p)).unwrap_err();
        assert_eq!(
            err(serde_json::json!([{"calendar": "berln"}])),
            "sla_policies[0].calendar: no calendar named `berln` (calendars: berlin)"
        );
        assert!(
            err(serde_json::json!([{"when": {"channel": "fax"}}]))
                .starts_with("sla_policies[0].when.channel: unknown channel `fax`")
        );
        assert!(
            err(serde_json::json!([{"when": {"language": []}}]))
                .starts_with("sla_policies[0].when.language: an empty list")
        );
        assert!(
            err(serde_json::json!([{"when": {"queue": 5}}]))
                .starts_with("sla_policies[0].when.queue: expected")
        );
        assert!(
            err(serde_json::json!([{"when": {"team": "x"}}]))
                .starts_with("sla_policies[0]: unknown field `team`")
        );
        assert!(
            err(serde_json::json!([{}, {"level_sla_factor": [1, 1]}]))
                .starts_with("sla_policies[1].level_sla_factor: needs exactly 4")
        );
        assert!(
            err(serde_json::json!([{"level_sla_factor": [0, 1, 1, 1]}]))
                .starts_with("sla_policies[0].level_sla_factor: each factor")
        );
        assert!(
            err(serde_json::json!([{"calendar": "berlin", "calendar_hours_levels": [5]}]))
                .contains("levels are 1 to 4")
        );
        assert!(
            err(serde_json::json!([{"calendar_hours_levels": [1]}])).contains("has no `calendar`")
        );
        assert!(
            err(serde_json::json!([{"sla_minutes": {"fax": 3}}]))
                .starts_with("sla_policies[0].sla_minutes: unknown channel `fax`")
        );
        assert!(
            err(serde_json::json!({"calendar": "berlin"}))
                .starts_with("sla_policies: must be a list")
        );
    }
}
