//! The input policy every front end applies — the `cxr` command line, the
//! HTTP service, the NATS worker and the Python package: the size cap,
//! blank input, repeated ids, the decision time (`now`), the request id,
//! and what stands in for an input that cannot be decided.
//!
//! The rules are written here once: the numbers and parsers below, which
//! the front ends call, and [`TABLE`], the table docs/embedding.md shows
//! (a test keeps the document equal to [`markdown_table`]). The wording of
//! error records is [`crate::io::records`]'.

use chrono::{DateTime, Utc};

/// Largest interaction text accepted, in bytes: a JSON Lines line, a
/// request body, a NATS payload, a Python string.
pub const MAX_INTERACTION_BYTES: usize = 1 << 20;

/// How many recent ids of a batch or stream are remembered to flag a repeated one.
pub const DUPLICATE_WINDOW: usize = 100_000;

/// The header (HTTP and NATS) fixing the decision time, RFC 3339.
pub const NOW_HEADER: &str = "Cxr-Now";

/// The HTTP query parameter fixing the decision time (`?now=...`).
pub const NOW_PARAM: &str = "now";

/// The header (HTTP and NATS) carrying the caller's request id.
pub const REQUEST_ID_HEADER: &str = "Cxr-Request-Id";

/// The other request-id header HTTP accepts (the one proxies set).
pub const REQUEST_ID_ALT_HEADER: &str = "X-Request-Id";

/// Longest request id accepted.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// When interactions are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Now {
    /// The clock, read when each interaction is decided (the default of every front end).
    #[default]
    Clock,
    /// A fixed instant (`--now`, `Cxr-Now`, `now=`): decisions replay exactly.
    Fixed(DateTime<Utc>),
}

impl Now {
    /// A fixed instant when given, else the clock.
    pub fn from(fixed: Option<DateTime<Utc>>) -> Now {
        fixed.map_or(Now::Clock, Now::Fixed)
    }

    /// The instant to decide at, now.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Now::Clock => Utc::now(),
            Now::Fixed(t) => *t,
        }
    }

    /// The fixed instant, if any.
    pub fn fixed(&self) -> Option<DateTime<Utc>> {
        match self {
            Now::Clock => None,
            Now::Fixed(t) => Some(*t),
        }
    }
}

/// Reads a decision time: RFC 3339 (`2026-11-22T10:00:00Z`). The error says
/// what was given and what is expected.
pub fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time like 2026-11-22T09:14:00Z ({e})"))
}

/// Checks a request id: 1 to [`MAX_REQUEST_ID_LEN`] characters of
/// `A-Z a-z 0-9 . _ : / + = @ -` (UUIDs, W3C trace ids, ULIDs), so that it
/// is safe in headers, logs and JSON as it is.
pub fn check_request_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    if id.is_empty() || id.len() > MAX_REQUEST_ID_LEN {
        return Err(format!("a request id is 1 to {MAX_REQUEST_ID_LEN} characters, this one has {}", id.len()));
    }
    if let Some(bad) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || "._:/+=@-".contains(*c))) {
        return Err(format!(
            "a request id is made of A-Z, a-z, 0-9 and . _ : / + = @ -, not {:?}",
            crate::text::neutralise(&bad.to_string())
        ));
    }
    Ok(id.to_string())
}

/// One rule of the policy, as each front end applies it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub rule: &'static str,
    pub cli: &'static str,
    pub http: &'static str,
    pub nats: &'static str,
    pub python: &'static str,
}

/// The policy, rule by rule (docs/embedding.md shows it as a table).
pub const TABLE: &[Rule] = &[
    Rule {
        rule: "size cap: 1 MiB per interaction",
        cli: "a longer line is an error record: `line 7: 1048577 bytes, over the 1048576-byte limit` (`cxr route --max-line-bytes`)",
        http: "a body over `--max-body-bytes` (1 MiB) is a 413; in a JSON Lines batch, a longer line is an error record as in the CLI",
        nats: "a longer payload (when the broker's `max_payload` lets one through) is dead-lettered (`bad_input`, `1048577 bytes, over the 1048576-byte limit`) (`cxr worker --max-input-bytes`)",
        python: "`decide` raises `InputError`; `decide_many` puts an error record in its place (`[3]: 1048577 bytes, ...`); `route_jsonl` as the CLI",
    },
    Rule {
        rule: "blank input",
        cli: "a blank line is an error record: `line 2: empty (no interaction)`",
        http: "a blank line of a JSON Lines batch: the same record; a blank `/v1/decide` body: 400 `empty (no interaction)`",
        nats: "a blank payload is dead-lettered (`bad_input`, `empty (no interaction)`)",
        python: "`decide` raises `InputError`; `decide_many`: error record `[3]: empty (no interaction)`; `route_jsonl` as the CLI",
    },
    Rule {
        rule: "repeated id (the last 100,000 ids of one batch or stream)",
        cli: "an error record, `error_kind` `duplicate`: `line 7: duplicate id \"T-1\" (first seen on line 1)` (`cxr route --duplicate-window`; also `diff`, `bench` and `test` invariants)",
        http: "in one batch, the same record (`[4]: duplicate id \"T-1\" (first seen at [0])` in an array); not checked across requests",
        nats: "a message whose decision key (`TENANT:ID`, every tenant) the output stream already holds from another message, within its duplicate window (`--duplicate-window-secs`), is dead-lettered (`duplicate_id`); a redelivery of the same message is not a repeat",
        python: "`decide_many` and `route_jsonl` as the CLI and HTTP; `decide` takes one interaction",
    },
    Rule {
        rule: "decision time (`now`)",
        cli: "`--now TIME` (RFC 3339) on every verb; default: the clock when each interaction is decided (`cxr diff`: one reading per line, for both sides; `cxr bench` and `cxr eval`: one reading per run, so every measured decision decides alike)",
        http: "header `Cxr-Now: TIME` or query `?now=TIME`; default: the clock, read once per request (a batch and its shadow decide as of one instant); an unreadable time is a 400 naming it",
        nats: "header `Cxr-Now: TIME`; default: the clock when the message is decided; an unreadable time is dead-lettered (`bad_input`)",
        python: "`now=`: a datetime with a timezone, RFC 3339 text or epoch milliseconds; default: the clock when each interaction is decided",
    },
    Rule {
        rule: "request id (1-128 of `A-Z a-z 0-9 . _ : / + = @ -`)",
        cli: "`--request-id ID` (`route`, `run`): in every decision as `request_id`",
        http: "header `Cxr-Request-Id` (or `X-Request-Id`): in every decision, echoed as `Cxr-Request-Id` on the response, in the request's log line; a bad one is a 400",
        nats: "header `Cxr-Request-Id`: in the decision, echoed on the decision or dead-letter message, in log lines; a bad one is dead-lettered (`bad_input`)",
        python: "`request_id=` on `decide`, `decide_many`, `route_jsonl`: in every decision",
    },
    Rule {
        rule: "input that is not an interaction",
        cli: "an error record in its place, one per line, in order: its `id` (or `line N`), `line`, `error` naming the line and the problem, `error_kind` `input`, no route",
        http: "`/v1/decide`: 400 `{\"error\", \"field\"}`; a batch: the error record in its place, in order",
        nats: "dead-lettered (`bad_input`) with its original payload and headers, the problem in `Cxr-Error`",
        python: "`decide` raises `InputError` (`.field`); `decide_many` and `route_jsonl`: the error record in its place",
    },
    Rule {
        rule: "a plugin fails",
        cli: "by the stage's `on_failure`: `degrade` (default) the decision goes on without the stage and lists it in `degraded` (`stage`, `plugin`, `error`, `error_kind`); `fallback` the fallback decision with `error` and `error_kind` (`fuel`, `deadline`, `memory`, `trap`, `plugin`, `contract`, `unknown_queue`, `quarantined`); `error` no route",
        http: "the same decision, status 200",
        nats: "the same decision, published to `cxr.out.<queue>`",
        python: "the same decision, no exception",
    },
];

/// [`TABLE`] as the Markdown table of docs/embedding.md.
pub fn markdown_table() -> String {
    let mut out = String::from("| rule | `cxr` command line | HTTP (`cxr serve`) | NATS (`cxr worker`) | Python (`cxr` package) |\n|---|---|---|---|---|\n");
    for r in TABLE {
        out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.rule, r.cli, r.http, r.nats, r.python));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_request_ids_are_checked() {
        assert_eq!(parse_now(" 2026-11-22T10:00:00+01:00 ").unwrap().to_rfc3339(), "2026-11-22T09:00:00+00:00");
        assert!(parse_now("yesterday").unwrap_err().contains("\"yesterday\" is not an RFC 3339 time"));
        assert_eq!(check_request_id(" 7f3c-11:a/b=c@d ").unwrap(), "7f3c-11:a/b=c@d");
        assert!(check_request_id("").is_err());
        assert!(check_request_id(&"x".repeat(129)).is_err());
        let e = check_request_id("a b\u{1b}").unwrap_err();
        assert!(e.contains("\" \""), "{e}");
        assert!(check_request_id("a\u{202e}b").unwrap_err().contains("\\u{202e}"));
    }

    #[test]
    fn now_is_fixed_or_the_clock() {
        let t = parse_now("2026-11-22T10:00:00Z").unwrap();
        assert_eq!(Now::from(Some(t)).at(), t);
        assert_eq!(Now::from(None), Now::Clock);
        assert!(Now::Clock.at() > t || Now::Clock.at() < t);
    }

    #[test]
    fn the_embedding_guide_shows_this_table() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/embedding.md")).expect("docs/embedding.md");
        assert!(
            doc.contains(&markdown_table()),
            "docs/embedding.md must hold the policy table exactly as cxr_host::policy::markdown_table() writes it:\n{}",
            markdown_table()
        );
    }
}
