//! Case files: interactions with the expected parts of their decisions, and
//! invariants over whole input files. TOML, or JSON of the same shape.
//!
//! ```toml
//! pipeline = "../../../examples/pipeline.toml"   # optional, relative to this file
//! now = "2026-11-22T10:00:00Z"                     # optional fixed time
//!
//! [[case]]
//! name = "gold billing complaint goes to billing"
//! interaction = { id = "c1", channel = "email", body = "I was charged twice", customer = { tier = "gold" } }
//! expect = { queue = "billing", discipline = "service", level = [1, 2], label = "negative" }
//!
//! [[invariant]]
//! name = "platinum never goes to a bot queue"
//! input = "../../../examples/interactions.jsonl"
//! where = { tier = ["platinum", "vip"] }
//! never = { queue = ["bot", "self-service"] }
//! ```

use crate::expect::Expect;
use crate::invariant::InvariantSpec;
use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A list of accepted values; a single value may be written without brackets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Values<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Values<T> {
    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Values::One(v) => std::slice::from_ref(v),
            Values::Many(v) => v,
        }
    }
}

impl Values<String> {
    /// True when `value` is one of the values (ASCII case ignored).
    pub fn contains_ignore_case(&self, value: &str) -> bool {
        self.as_slice().iter().any(|v| v.eq_ignore_ascii_case(value))
    }

    /// The values joined for messages: `a`, or `one of a, b`.
    pub fn describe(&self) -> String {
        match self.as_slice() {
            [one] => one.clone(),
            many => format!("one of {}", many.join(", ")),
        }
    }
}

/// One case: an interaction and what its decision must contain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, e.g. "gold billing complaint goes to billing".
    pub name: String,
    /// The interaction, in the input JSON shape. `id` defaults to the case
    /// name and `channel` to email.
    pub interaction: Value,
    /// The expected parts of the decision.
    pub expect: Expect,
}

/// A whole case file, with paths resolved against its folder.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Where the file is.
    pub path: PathBuf,
    /// The pipeline the file asks for, resolved; `None` for the default.
    pub pipeline: Option<PathBuf>,
    /// The fixed time the file asks for.
    pub now: Option<DateTime<Utc>>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
    /// The invariants, in file order, with their inputs resolved.
    pub invariants: Vec<InvariantSpec>,
}

const TOP_LEVEL_KEYS: [&str; 4] = ["pipeline", "now", "case", "invariant"];

impl CaseFile {
    /// Reads a case file: `.json` is read as JSON, anything else as TOML.
    pub fn load(path: &Path) -> Result<Self> {
        let text = cxr_host::fs::read_text_capped(path, "case file", cxr_host::fs::Limit::WHOLE_INPUT)?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let root = if is_json {
            serde_json::from_str::<Value>(&text).map_err(|e| anyhow!("invalid JSON: {e}"))
        } else {
            text.parse::<toml::Table>()
                .map(|t| toml_to_json(toml::Value::Table(t)))
                .map_err(|e| anyhow!("invalid TOML: {e}"))
        }
        .with_context(|| format!("in case file {}", path.display()))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::from_value(root, path, &base).with_context(|| format!("in case file {}", path.display()))
    }

    /// Builds a case file from its parsed content; `base` resolves relative paths.
    pub fn from_value(root: Value, path: &Path, base: &Path) -> Result<Self> {
        let Value::Object(mut obj) = root else {
            bail!("expected a table at the top level");
        };
        if let Some(unknown) = obj.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
            bail!("unknown key `{unknown}` (expected one of {})", TOP_LEVEL_KEYS.join(", "));
        }
        let pipeline = match obj.remove("pipeline") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) => Some(base.join(p)),
            Some(other) => bail!("pipeline: expected a path, found {other}"),
        };
        let now = match obj.remove("now") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(parse_time(&t).context("now")?),
            Some(other) => bail!("now: expected an RFC 3339 time, found {other}"),
        };
        let cases = items(obj.remove("case"), "case")?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let label = entry_label("case", i, &v);
                let case: Case = serde_json::from_value(v).map_err(|e| anyhow!("{label}: {e}"))?;
                case.expect.validate().with_context(|| format!("{label}: expect"))?;
                Ok(case)
            })
            .collect::<Result<Vec<_>>>()?;
        let invariants = items(obj.remove("invariant"), "invariant")?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let label = entry_label("invariant", i, &v);
                let mut inv: InvariantSpec = serde_json::from_value(v).map_err(|e| anyhow!("{label}: {e}"))?;
                inv.validate().with_context(|| label.clone())?;
                inv.input = base.join(&inv.input);
                Ok(inv)
            })
            .collect::<Result<Vec<_>>>()?;
        if cases.is_empty() && invariants.is_empty() {
            bail!("no [[case]] or [[invariant]] entries");
        }
        Ok(CaseFile {
            path: path.to_path_buf(),
            pipeline,
            now,
            cases,
            invariants,
        })
    }
}

fn items(v: Option<Value>, key: &str) -> Result<Vec<Value>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => bail!("{key}: expected a list of tables ([[{key}]]), found {other}"),
    }
}

/// `case[2] 'gold billing'`, for error messages.
fn entry_label(kind: &str, i: usize, v: &Value) -> String {
    match v.get("name").and_then(Value::as_str) {
        Some(name) => format!("{kind}[{i}] '{name}'"),
        None => format!("{kind}[{i}]"),
    }
}

/// Parses an RFC 3339 time as every front end does (`cxr_host::policy::parse_now`).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    cxr_host::policy::parse_now(s).map_err(|e| anyhow!(e))
}

/// Converts TOML to JSON; TOML dates and times become RFC 3339 strings.
pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_toml(text: &str) -> Result<CaseFile> {
        let root = toml_to_json(toml::Value::Table(text.parse::<toml::Table>().unwrap()));
        CaseFile::from_value(root, Path::new("cases/x.toml"), Path::new("cases"))
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let f = parse_toml(
            r#"
pipeline = "../p.toml"
now = "2026-01-02T03:04:05Z"
[[case]]
name = "a"
interaction = { body = "hi", received_at = 2026-01-01T00:00:00Z }
expect = { queue = "general" }
[[invariant]]
name = "b"
input = "in.jsonl"
always = { fallback = false }
"#,
        )
        .unwrap();
        assert_eq!(f.pipeline, Some(PathBuf::from("cases/../p.toml")));
        assert_eq!(f.invariants[0].input, PathBuf::from("cases/in.jsonl"));
        assert_eq!(f.now.unwrap().to_rfc3339(), "2026-01-02T03:04:05+00:00");
        // A bare TOML datetime reaches the interaction as RFC 3339 text.
        assert_eq!(f.cases[0].interaction["received_at"], "2026-01-01T00:00:00Z");
    }

    #[test]
    fn errors_name_the_entry_and_the_field() {
        let e = parse_toml("[[case]]\nname = \"typo\"\ninteraction = { body = \"x\" }\nexpect = { queu = \"a\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("case[0] 'typo'") && e.contains("queu"), "{e}");
        let e = parse_toml("cases = []\n").unwrap_err().to_string();
        assert!(e.contains("unknown key `cases`"), "{e}");
        let e = parse_toml("now = \"yesterday\"\n[[case]]\nname = \"a\"\ninteraction = {body=\"x\"}\nexpect = {queue=\"q\"}\n")
            .unwrap_err();
        assert!(format!("{e:#}").contains("now"), "{e:#}");
        let e = parse_toml("pipeline = \"p.toml\"\n").unwrap_err().to_string();
        assert!(e.contains("no [[case]]"), "{e}");
    }

    #[test]
    fn values_accept_one_or_many() {
        let one: Values<String> = serde_json::from_str("\"billing\"").unwrap();
        let many: Values<String> = serde_json::from_str("[\"a\",\"b\"]").unwrap();
        assert_eq!(one.describe(), "billing");
        assert_eq!(many.describe(), "one of a, b");
        assert!(many.contains_ignore_case("B"));
    }
}
