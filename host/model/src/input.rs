//! Reading interactions from JSON with errors that name the field at fault.
//!
//! Only `id` and `body` are required. Unknown top-level fields are kept as
//! attributes (non-string values as their JSON text).
//!
//! Error texts name the field and what it must be, and never quote the
//! value at fault: a value that fails validation may be personal data (a
//! card number in `received_at`, an e-mail address as the channel), and
//! these texts reach error records, HTTP error bodies, Python exceptions,
//! dead-letter headers and logs, where `[privacy]` cannot mask them.

use crate::model::{Channel, Customer, Direction, HistoryMessage, Interaction};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why an interaction could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The JSON is not an object.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// A field is missing or has the wrong type or value.
    #[error("field `{field}`: {message}")]
    Field { field: String, message: String },
}

impl InputError {
    fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError::Field {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The result of reading one interaction: the id is reported even when the
/// rest of the record is unusable, so an error record can carry it.
pub struct Parsed {
    /// The interaction's id, when one could be read.
    pub id: Option<String>,
    /// The interaction, or why it could not be read.
    pub result: Result<Interaction, InputError>,
}

/// Parses one interaction from JSON text.
pub fn parse_interaction(text: &str) -> Parsed {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Parsed {
                id: None,
                result: Err(InputError::Json(e.to_string())),
            };
        }
    };
    let id = value.get("id").and_then(id_text);
    Parsed {
        id,
        result: interaction_from_value(value),
    }
}

/// Reads one interaction from parsed JSON, keeping its id for an error record.
pub fn parse_value(value: Value) -> Parsed {
    let id = value.get("id").and_then(id_text);
    Parsed {
        id,
        result: interaction_from_value(value),
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Converts a parsed JSON value into an interaction.
pub fn interaction_from_value(value: Value) -> Result<Interaction, InputError> {
    let Value::Object(mut obj) = value else {
        return Err(InputError::NotAnObject(kind(&value)));
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => return Err(InputError::field("id", "is required")),
        Some(v) => id_text(&v).ok_or_else(|| {
            InputError::field("id", format!("must be a non-empty string or a number, found {}", kind(&v)))
        })?,
    };
    let body = match obj.remove("body") {
        None | Some(Value::Null) => return Err(InputError::field("body", "is required")),
        Some(Value::String(s)) => s,
        Some(v) => return Err(InputError::field("body", format!("must be a string, found {}", kind(&v)))),
    };
    let channel = match obj.remove("channel") {
        None | Some(Value::Null) => Channel::Email,
        Some(v) => channel(&v, "channel")?,
    };
    let received_at = opt_time(obj.remove("received_at"), "received_at")?;
    let subject = opt_string(obj.remove("subject"), "subject")?;
    let language = opt_string(obj.remove("language"), "language")?
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    let customer = match obj.remove("customer") {
        None | Some(Value::Null) => Customer::default(),
        Some(Value::Object(c)) => customer(c)?,
        Some(v) => return Err(InputError::field("customer", format!("must be an object, found {}", kind(&v)))),
    };
    let history = match obj.remove("history") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, m)| history_message(m, i))
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(InputError::field("history", format!("must be an array, found {}", kind(&v)))),
    };
    let mut attributes = BTreeMap::new();
    match obj.remove("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(a)) => {
            for (k, v) in a {
                attributes.insert(k, attribute_text(v));
            }
        }
        Some(v) => return Err(InputError::field("attributes", format!("must be an object, found {}", kind(&v)))),
    }
    // Unknown top-level fields are kept, never rejected.
    for (k, v) in obj {
        attributes.entry(k).or_insert_with(|| attribute_text(v));
    }
    Ok(Interaction {
        id,
        channel,
        received_at,
        subject,
        body,
        language,
        customer,
        history,
        attributes,
    })
}

fn attribute_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// A string value at fault, described without quoting it.
fn described(s: &str) -> String {
    format!("a string of {} characters", s.chars().count())
}

fn channel(v: &Value, field: &str) -> Result<Channel, InputError> {
    match v {
        Value::String(s) => Channel::parse(s).ok_or_else(|| {
            let known: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            InputError::field(field, format!("unknown channel, {} (expected one of {})", described(s), known.join(", ")))
        }),
        other => Err(InputError::field(field, format!("must be a string, found {}", kind(other)))),
    }
}

fn opt_string(v: Option<Value>, field: &str) -> Result<Option<String>, InputError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(InputError::field(field, format!("must be a string, found {}", kind(&v)))),
    }
}

fn opt_time(v: Option<Value>, field: &str) -> Result<Option<DateTime<Utc>>, InputError> {
    match opt_string(v, field)? {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| InputError::field(field, format!("{} is not an RFC 3339 time such as 2026-11-22T09:14:00Z ({e})", described(&s)))),
    }
}

fn opt_number(v: Option<Value>, field: &str) -> Result<Option<f64>, InputError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => Err(InputError::field(field, "is not a usable number")),
        },
        Some(v) => Err(InputError::field(field, format!("must be a number, found {}", kind(&v)))),
    }
}

fn opt_int(v: Option<Value>, field: &str, min: u64, max: u64) -> Result<Option<u64>, InputError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
            _ => Err(InputError::field(field, format!("is out of range (expected a whole number {min}..={max})"))),
        },
        Some(v) => Err(InputError::field(field, format!("must be a whole number, found {}", kind(&v)))),
    }
}

fn customer(mut c: Map<String, Value>) -> Result<Customer, InputError> {
    let u32max = u32::MAX as u64;
    let id = match c.remove("id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(id_text(&v).ok_or_else(|| InputError::field("customer.id", format!("must be a string or a number, found {}", kind(&v))))?),
    };
    let lifetime_value = opt_number(c.remove("lifetime_value"), "customer.lifetime_value")?;
    if let Some(v) = lifetime_value
        && v < 0.0
    {
        return Err(InputError::field("customer.lifetime_value", "is negative"));
    }
    Ok(Customer {
        id,
        tier: opt_string(c.remove("tier"), "customer.tier")?.map(|t| t.trim().to_ascii_lowercase()),
        lifetime_value,
        tenure_days: opt_int(c.remove("tenure_days"), "customer.tenure_days", 0, u32max)?.map(|v| v as u32),
        contacts_last_30d: opt_int(c.remove("contacts_last_30d"), "customer.contacts_last_30d", 0, u32max)?.map(|v| v as u32),
        open_interactions: opt_int(c.remove("open_interactions"), "customer.open_interactions", 0, u32max)?.map(|v| v as u32),
        last_csat: opt_int(c.remove("last_csat"), "customer.last_csat", 1, 5)?.map(|v| v as u8),
        last_nps: opt_int(c.remove("last_nps"), "customer.last_nps", 0, 10)?.map(|v| v as u8),
    })
}

fn history_message(v: Value, i: usize) -> Result<HistoryMessage, InputError> {
    let field = |name: &str| format!("history[{i}].{name}");
    let Value::Object(mut m) = v else {
        return Err(InputError::field(format!("history[{i}]"), format!("must be an object, found {}", kind(&v))));
    };
    let direction = match opt_string(m.remove("direction"), &field("direction"))?.as_deref() {
        None => Direction::Inbound,
        Some("inbound") | Some("in") => Direction::Inbound,
        Some("outbound") | Some("out") => Direction::Outbound,
        Some(other) => {
            return Err(InputError::field(field("direction"), format!("{} is neither \"inbound\" nor \"outbound\"", described(other))));
        }
    };
    let channel = match m.remove("channel") {
        None | Some(Value::Null) => None,
        Some(v) => Some(channel(&v, &field("channel"))?),
    };
    Ok(HistoryMessage {
        at: opt_time(m.remove("at"), &field("at"))?,
        channel,
        direction,
        body: opt_string(m.remove("body"), &field("body"))?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_interaction(text).result.unwrap_err().to_string()
    }

    #[test]
    fn minimal_interaction_gets_defaults() {
        let p = parse_interaction(r#"{"id":"A","body":"hi"}"#);
        let ix = p.result.unwrap();
        assert_eq!(ix.channel, Channel::Email);
        assert_eq!(ix.customer, Customer::default());
        assert!(ix.history.is_empty());
    }

    #[test]
    fn unknown_fields_become_attributes() {
        let ix = parse_interaction(r#"{"id":7,"body":"x","order_total":129.9,"attributes":{"k":"v"}}"#)
            .result
            .unwrap();
        assert_eq!(ix.id, "7");
        assert_eq!(ix.attributes["order_total"], "129.9");
        assert_eq!(ix.attributes["k"], "v");
    }

    #[test]
    fn errors_name_the_field() {
        assert!(err(r#"{"body":"x"}"#).contains("`id`"));
        assert!(err(r#"{"id":"a"}"#).contains("`body`"));
        assert!(err(r#"{"id":"a","body":"x","channel":"pigeon"}"#).contains("unknown channel, a string of 6 characters"));
        assert!(err(r#"{"id":"a","body":"x","customer":{"last_csat":9}}"#).contains("customer.last_csat"));
        assert!(err(r#"{"id":"a","body":"x","received_at":"yesterday"}"#).contains("received_at"));
        assert!(err(r#"{"id":"a","body":"x","history":[{"direction":"sideways"}]}"#).contains("history[0].direction"));
        assert!(err(r#"[1,2]"#).contains("expected a JSON object"));
        assert!(err(r#"{"id":"a","#).starts_with("invalid JSON"));
    }

    #[test]
    fn errors_never_quote_the_value_at_fault() {
        let card = "4111 1111 1111 1111";
        for json in [
            r#"{"id":"a","body":"x","received_at":"4111 1111 1111 1111"}"#,
            r#"{"id":"a","body":"x","channel":"4111 1111 1111 1111"}"#,
            r#"{"id":"a","body":"x","history":[{"direction":"4111 1111 1111 1111"}]}"#,
            r#"{"id":"a","body":"x","history":[{"at":"4111 1111 1111 1111"}]}"#,
            r#"{"id":"a","body":"x","customer":{"last_csat":4111111111111111}}"#,
            r#"{"id":"a","body":"x","customer":{"tenure_days":4111111111111111}}"#,
            r#"{"id":"a","body":"x","customer":{"lifetime_value":-4111111111111111}}"#,
            r#"{"id":"a","body":"x","customer":{"tier":["4111 1111 1111 1111"]}}"#,
        ] {
            let e = err(json);
            assert!(e.starts_with("field `"), "{e}");
            assert!(!e.contains("4111"), "{json}: {e}");
            assert!(!e.contains(&card.replace(' ', "")), "{e}");
        }
    }

    #[test]
    fn id_is_reported_even_when_the_rest_is_bad() {
        let p = parse_interaction(r#"{"id":"T-9","body":5}"#);
        assert_eq!(p.id.as_deref(), Some("T-9"));
        assert!(p.result.is_err());
    }
}
