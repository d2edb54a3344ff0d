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
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
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

/// Parses one interaction from JSON text, in one pass: the known fields
/// are read straight into place (no intermediate map of the whole object).
pub fn parse_interaction(text: &str) -> Parsed {
    let top: Obj<Fields> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Parsed {
                id: None,
                result: Err(InputError::Json(e.to_string())),
            };
        }
    };
    match top {
        Obj::Object(fields) => Parsed {
            id: fields.id.as_ref().and_then(id_text),
            result: from_fields(fields),
        },
        Obj::Null => Parsed {
            id: None,
            result: Err(InputError::NotAnObject("null")),
        },
        Obj::Not(kind) => Parsed {
            id: None,
            result: Err(InputError::NotAnObject(kind)),
        },
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
    let Value::Object(obj) = value else {
        return Err(InputError::NotAnObject(kind(&value)));
    };
    from_fields(Fields::from_map(obj))
}

/// A JSON value that should be an object: its fields, `null` (taken as
/// absent), or the kind of value it is instead.
enum Obj<T> {
    Object(T),
    Null,
    Not(&'static str),
}

/// The top-level fields of an interaction as given (each a JSON value,
/// `customer` read into its fields), and the unknown ones, kept as
/// attributes. A repeated key keeps its last value, as a JSON object does.
#[derive(Default)]
struct Fields {
    id: Option<Value>,
    body: Option<Value>,
    channel: Option<Value>,
    received_at: Option<Value>,
    subject: Option<Value>,
    language: Option<Value>,
    customer: Option<Obj<CustomerFields>>,
    history: Option<Value>,
    attributes: Option<Value>,
    unknown: BTreeMap<String, Value>,
}

/// The fields of `customer` as given; unknown ones are ignored.
#[derive(Default)]
struct CustomerFields {
    id: Option<Value>,
    tier: Option<Value>,
    lifetime_value: Option<Value>,
    tenure_days: Option<Value>,
    contacts_last_30d: Option<Value>,
    open_interactions: Option<Value>,
    last_csat: Option<Value>,
    last_nps: Option<Value>,
}

/// Where a JSON object's field goes: `Some(slot)`, or `None` when the
/// object keeps no such field.
trait FieldSlots: Default {
    fn slot(&mut self, key: &str) -> Option<&mut Option<Value>>;
    /// Keeps a field that has no slot (the interaction keeps it as an
    /// attribute; a customer ignores it).
    fn unknown(&mut self, _key: String, _value: Value) {}
    /// A field read as more than a JSON value (`customer`).
    fn read_special<'de, A: MapAccess<'de>>(&mut self, _key: &str, _map: &mut A) -> Result<bool, A::Error> {
        Ok(false)
    }
    /// The fields of a parsed JSON object, taken out of it.
    fn from_map(obj: Map<String, Value>) -> Self {
        let mut fields = Self::default();
        for (key, value) in obj {
            fields.put(key, value);
        }
        fields
    }
    /// Puts one parsed field in place.
    fn put(&mut self, key: String, value: Value) {
        match self.slot(&key) {
            Some(slot) => *slot = Some(value),
            None => self.unknown(key, value),
        }
    }
}

impl FieldSlots for Fields {
    fn slot(&mut self, key: &str) -> Option<&mut Option<Value>> {
        Some(match key {
            "id" => &mut self.id,
            "body" => &mut self.body,
            "channel" => &mut self.channel,
            "received_at" => &mut self.received_at,
            "subject" => &mut self.subject,
            "language" => &mut self.language,
            "history" => &mut self.history,
            "attributes" => &mut self.attributes,
            _ => return None,
        })
    }
    fn unknown(&mut self, key: String, value: Value) {
        self.unknown.insert(key, value);
    }
    fn read_special<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        if key != "customer" {
            return Ok(false);
        }
        self.customer = Some(map.next_value()?);
        Ok(true)
    }
    fn from_map(mut obj: Map<String, Value>) -> Self {
        let customer = obj.remove("customer").map(|c| match c {
            Value::Object(c) => Obj::Object(CustomerFields::from_map(c)),
            Value::Null => Obj::Null,
            other => Obj::Not(kind(&other)),
        });
        let mut fields = Fields::default();
        for (key, value) in obj {
            fields.put(key, value);
        }
        fields.customer = customer;
        fields
    }
}

impl FieldSlots for CustomerFields {
    fn slot(&mut self, key: &str) -> Option<&mut Option<Value>> {
        Some(match key {
            "id" => &mut self.id,
            "tier" => &mut self.tier,
            "lifetime_value" => &mut self.lifetime_value,
            "tenure_days" => &mut self.tenure_days,
            "contacts_last_30d" => &mut self.contacts_last_30d,
            "open_interactions" => &mut self.open_interactions,
            "last_csat" => &mut self.last_csat,
            "last_nps" => &mut self.last_nps,
            _ => return None,
        })
    }
}

/// Reads a JSON value as [`Obj`]: an object's fields go straight into `T`'s
/// slots; any other value is read (as a [`Value`], so that nesting limits
/// and number checks are exactly those of a parsed document) and only its
/// kind kept.
impl<'de, T: FieldSlots> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: FieldSlots> Visitor<'de> for ObjVisitor<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Obj<T>, A::Error> {
                let mut fields = T::default();
                while let Some(key) = map.next_key::<Key>()? {
                    let key = key.0;
                    if fields.read_special(&key, &mut map)? {
                        continue;
                    }
                    let value: Value = map.next_value()?;
                    match fields.slot(&key) {
                        Some(slot) => *slot = Some(value),
                        None => fields.unknown(key.into_owned(), value),
                    }
                }
                Ok(Obj::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Obj<T>, A::Error> {
                while seq.next_element::<Value>()?.is_some() {}
                Ok(Obj::Not("an array"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj::Null)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
                Ok(Obj::Not("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
                Ok(Obj::Not("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
                Ok(Obj::Not("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
                Ok(Obj::Not("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
                Ok(Obj::Not("a string"))
            }
        }
        d.deserialize_any(ObjVisitor(std::marker::PhantomData))
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Checks the fields and builds the interaction; the first field at fault
/// (in this order: id, body, channel, received_at, subject, language,
/// customer, history, attributes) names the error.
fn from_fields(f: Fields) -> Result<Interaction, InputError> {
    let id = match f.id {
        None | Some(Value::Null) => return Err(InputError::field("id", "is required")),
        Some(v) => id_text(&v).ok_or_else(|| {
            InputError::field("id", format!("must be a non-empty string or a number, found {}", kind(&v)))
        })?,
    };
    let body = match f.body {
        None | Some(Value::Null) => return Err(InputError::field("body", "is required")),
        Some(Value::String(s)) => s,
        Some(v) => return Err(InputError::field("body", format!("must be a string, found {}", kind(&v)))),
    };
    let channel = match f.channel {
        None | Some(Value::Null) => Channel::Email,
        Some(v) => channel(&v, "channel")?,
    };
    let received_at = opt_time(f.received_at, "received_at")?;
    let subject = opt_string(f.subject, "subject")?;
    let language = opt_string(f.language, "language")?
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    let customer = match f.customer {
        None | Some(Obj::Null) => Customer::default(),
        Some(Obj::Object(c)) => customer(c)?,
        Some(Obj::Not(kind)) => return Err(InputError::field("customer", format!("must be an object, found {kind}"))),
    };
    let history = match f.history {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, m)| history_message(m, i))
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(InputError::field("history", format!("must be an array, found {}", kind(&v)))),
    };
    let mut attributes = BTreeMap::new();
    match f.attributes {
        None | Some(Value::Null) => {}
        Some(Value::Object(a)) => {
            for (k, v) in a {
                attributes.insert(k, attribute_text(v));
            }
        }
        Some(v) => return Err(InputError::field("attributes", format!("must be an object, found {}", kind(&v)))),
    }
    // Unknown top-level fields are kept, never rejected.
    for (k, v) in f.unknown {
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

fn customer(c: CustomerFields) -> Result<Customer, InputError> {
    let u32max = u32::MAX as u64;
    let id = match c.id {
        None | Some(Value::Null) => None,
        Some(v) => Some(id_text(&v).ok_or_else(|| InputError::field("customer.id", format!("must be a string or a number, found {}", kind(&v))))?),
    };
    let lifetime_value = opt_number(c.lifetime_value, "customer.lifetime_value")?;
    if let Some(v) = lifetime_value
        && v < 0.0
    {
        return Err(InputError::field("customer.lifetime_value", "is negative"));
    }
    Ok(Customer {
        id,
        tier: opt_string(c.tier, "customer.tier")?.map(|t| t.trim().to_ascii_lowercase()),
        lifetime_value,
        tenure_days: opt_int(c.tenure_days, "customer.tenure_days", 0, u32max)?.map(|v| v as u32),
        contacts_last_30d: opt_int(c.contacts_last_30d, "customer.contacts_last_30d", 0, u32max)?.map(|v| v as u32),
        open_interactions: opt_int(c.open_interactions, "customer.open_interactions", 0, u32max)?.map(|v| v as u32),
        last_csat: opt_int(c.last_csat, "customer.last_csat", 1, 5)?.map(|v| v as u8),
        last_nps: opt_int(c.last_nps, "customer.last_nps", 0, 10)?.map(|v| v as u8),
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

    /// What `parse_interaction` did before it read fields in one pass: the
    /// whole text as a JSON value, then the value as an interaction.
    fn parsed_via_value(text: &str) -> (Option<String>, Result<Interaction, InputError>) {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                let p = parse_value(v);
                (p.id, p.result)
            }
            Err(e) => (None, Err(InputError::Json(e.to_string()))),
        }
    }

    #[test]
    fn one_pass_reading_equals_reading_a_parsed_value() {
        let deep = format!("{{\"id\":\"d\",\"body\":\"x\",\"customer\":{}{}}}", "[".repeat(200), "]".repeat(200));
        let deep_top = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let cases = [
            r#"{"id":"A","body":"hi"}"#,
            r#"{"id":"A","body":"hi","id":"B"}"#,
            r#"{"id":"A","body":"hi","customer":{"id":"C","tier":" Gold ","tier":"x","lifetime_value":5.5,"zz":[1,{"a":2}],"last_csat":4}}"#,
            r#"{"id":"A","body":"hi","customer":null}"#,
            r#"{"id":"A","body":"hi","customer":[1,2]}"#,
            r#"{"id":"A","body":"hi","customer":"c"}"#,
            r#"{"id":"A","body":"hi","customer":true}"#,
            r#"{"id":"A","body":"hi","customer":3.5}"#,
            r#"{"id":"A","body":"hi","customer":{"a":1},"customer":7}"#,
            r#"{"id":"A","body":"hi","customer":{"last_nps":11}}"#,
            r#"{"id":"A","body":"hi","customer":{"lifetime_value":1e400}}"#,
            r#"{"i\u0064":"esc","b\u006fdy":"k\u00e9y","z":{"q":[1,2]},"a":null,"n":-0.0,"attributes":{"z":"kept"}}"#,
            r#"{"id":" ","body":"x"}"#,
            r#"{"id":12,"body":"x","channel":"chat","language":" PT-br ","subject":null,"received_at":"2026-11-22T09:14:00+01:00"}"#,
            r#"{"id":"A","body":"x","history":[{"body":"b","direction":"out","channel":"sms","at":"2026-11-22T09:14:00Z","extra":1}]}"#,
            r#"{"id":"A","body":"x","history":{}}"#,
            r#"{"id":"A","body":"x","attributes":[1]}"#,
            r#"{"id":"A","body":"x","customer":{"id":"C"},"received_at":"nope"}"#,
            r#"{"id":"A","body":5,"customer":7}"#,
            r#"{"body":"x","customer":7}"#,
            r#"null"#,
            r#"[1,2]"#,
            r#""s""#,
            r#"12"#,
            r#"false"#,
            r#"{"id":"A","body":"x"} trailing"#,
            r#"{"id":"A","body":"x","#,
            r#"{"id":"A","body":"x","customer":{"id":}}"#,
            r#"{"id":"A","body":"x","n":1e999}"#,
            "",
            &deep,
            &deep_top,
        ];
        for text in cases {
            let one = parse_interaction(text);
            assert_eq!((one.id, one.result), parsed_via_value(text), "{text}");
        }
    }

    #[test]
    fn id_is_reported_even_when_the_rest_is_bad() {
        let p = parse_interaction(r#"{"id":"T-9","body":5}"#);
        assert_eq!(p.id.as_deref(), Some("T-9"));
        assert!(p.result.is_err());
    }
}
