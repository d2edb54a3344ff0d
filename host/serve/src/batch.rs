//! Reading a batch body: a JSON array of interactions, or JSON Lines. The
//! format is told by the first non-blank byte (`[` or `{`). An element that
//! cannot be read becomes an error record in its position; only a body that
//! is neither format is refused as a whole.

use crate::error::ApiError;
use cxr_host::input::{interaction_from_value, parse_interaction};
use cxr_host::{Decision, Interaction};
use serde_json::Value;

/// How the batch was written; the response is written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array; answered with a JSON array.
    Array,
    /// One JSON object per line; answered with one decision per line.
    Lines,
}

/// One element of a batch: an interaction to decide, or the error record
/// that stands in its place.
pub struct Item {
    /// The 1-based line, for JSON Lines.
    pub line: Option<u64>,
    /// The interaction, or its error record.
    pub parsed: Result<Interaction, Decision>,
}

/// Splits a batch body into items, in order.
pub fn parse(body: &[u8]) -> Result<(Format, Vec<Item>), ApiError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => parse_array(body).map(|items| (Format::Array, items)),
        Some(b'{') => Ok((Format::Lines, parse_lines(body))),
        Some(_) => Err(ApiError::bad_request(
            "a batch is a JSON array of interactions or JSON Lines (one interaction object per line)",
            None,
        )),
        None => Err(ApiError::bad_request(
            "empty body: a batch is a JSON array of interactions or JSON Lines",
            None,
        )),
    }
}

fn parse_array(body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let elements: Vec<Value> = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the body starts like a JSON array but is not one: {e}"), None))?;
    Ok(elements
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let id = match value.get("id") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => format!("[{i}]"),
            };
            let parsed = interaction_from_value(value).map_err(|e| Decision::error_record(id, None, format!("[{i}]: {e}")));
            Item { line: None, parsed }
        })
        .collect())
}

fn parse_lines(body: &[u8]) -> Vec<Item> {
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| {
            let n = i as u64 + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let bad = |id: Option<String>, why: String| {
                Decision::error_record(id.unwrap_or_else(|| format!("line {n}")), Some(n), format!("line {n}: {why}"))
            };
            let parsed = match std::str::from_utf8(raw) {
                Err(e) => Err(bad(None, format!("invalid UTF-8 at byte {}", e.valid_up_to()))),
                Ok(text) if text.trim().is_empty() => Err(bad(None, "empty line".to_string())),
                Ok(text) => {
                    let p = parse_interaction(text);
                    p.result.map_err(|e| bad(p.id, e.to_string()))
                }
            };
            Item { line: Some(n), parsed }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match &i.parsed {
                Ok(ix) => ix.id.clone(),
                Err(d) => format!("ERR {}: {}", d.id, d.error.as_deref().unwrap_or("")),
            })
            .collect()
    }

    #[test]
    fn arrays_keep_order_and_mark_bad_elements() {
        let (format, items) = parse(br#" [{"id":"a","body":"x"}, {"id":"b"}, 7, {"id":"c","body":"y"}]"#).unwrap();
        assert_eq!(format, Format::Array);
        let got = ids(&items);
        assert_eq!(got[0], "a");
        assert!(got[1].starts_with("ERR b: [1]: field `body`"), "{}", got[1]);
        assert!(got[2].starts_with("ERR [2]: [2]: expected a JSON object"), "{}", got[2]);
        assert_eq!(got[3], "c");
    }

    #[test]
    fn json_lines_get_line_numbers_and_error_records() {
        let (format, items) = parse(b"{\"id\":\"a\",\"body\":\"x\"}\r\n\n{\"id\":\"b\",\"body\":3}\n{oops\n").unwrap();
        assert_eq!(format, Format::Lines);
        let got = ids(&items);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], "a");
        assert_eq!(got[1], "ERR line 2: line 2: empty line");
        assert!(got[2].starts_with("ERR b: line 3: field `body`"), "{}", got[2]);
        assert!(got[3].starts_with("ERR line 4: line 4: invalid JSON"), "{}", got[3]);
        assert_eq!(items[3].line, Some(4));
    }

    #[test]
    fn other_bodies_are_refused() {
        for body in [&b""[..], b"  \n", b"hello", b"[1, 2", b"\"text\""] {
            let e = parse(body).err().expect("refused");
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        }
    }
}
