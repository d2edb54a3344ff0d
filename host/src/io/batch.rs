//! Deciding many inputs at once: read and decide in parallel, keep the
//! input order, turn repeated ids into error records, apply `now` and the
//! request id. [`route_stream`] does it for a JSON Lines stream (the CLI,
//! Python's `route_jsonl`), [`decide_batch`] for inputs already in memory
//! (an HTTP batch, Python's `decide_many`), [`parse_body`] splits a request
//! body into inputs.

use super::dedupe::RecentIds;
use super::lines::{Line, LineReader};
use super::par::{default_jobs, par_map};
use super::records::{Position, Problem, error_record};
use crate::input::{parse_interaction, parse_value};
use crate::model::{Decision, Interaction};
use crate::pipeline::Pipeline;
use crate::policy::{self, Now};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

/// How a batch is decided.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Threads (at least 1). Default: one per core.
    pub jobs: usize,
    /// Lines longer than this get an error record instead of being parsed
    /// (streams only). Default: [`policy::MAX_INTERACTION_BYTES`].
    pub max_line_bytes: usize,
    /// Fixed "now" for every decision (replays); the clock at each decision when `None`.
    pub now: Option<DateTime<Utc>>,
    /// Lines read ahead and decided in parallel before being written (streams only).
    pub chunk_lines: usize,
    /// How many recent ids are remembered to flag repeats (0: no check).
    /// Default: [`policy::DUPLICATE_WINDOW`].
    pub duplicate_window: usize,
    /// The caller's request id, set on every decision and error record.
    pub request_id: Option<String>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            jobs: default_jobs(),
            max_line_bytes: policy::MAX_INTERACTION_BYTES,
            now: None,
            chunk_lines: 512,
            duplicate_window: policy::DUPLICATE_WINDOW,
            request_id: None,
        }
    }
}

/// One input: where it is, and its text (or why it has none).
#[derive(Debug, Clone)]
pub struct Input {
    pub position: Position,
    pub text: Result<Text, Problem>,
}

/// An input's content.
#[derive(Debug, Clone)]
pub enum Text {
    /// JSON text of one interaction.
    Json(String),
    /// One interaction already parsed as JSON (an element of an array).
    Value(Value),
}

impl From<Line> for Input {
    fn from(line: Line) -> Self {
        Input {
            position: Position::Line(line.number),
            text: line.text.map(Text::Json),
        }
    }
}

/// An input read: the interaction, or the error record standing in for it.
pub struct Read {
    /// Where the input was.
    pub position: Position,
    /// The interaction's id, when one could be read (a repeated id is
    /// checked only for inputs that have one).
    pub id: Option<String>,
    pub interaction: Result<Interaction, Decision>,
}

impl Input {
    /// A JSON text of one interaction, capped at `max_bytes` and checked for
    /// blankness as a line would be: what a request body, a message or a
    /// Python string is read with.
    pub fn text(position: Position, text: &str, max_bytes: usize) -> Input {
        let text = if text.len() > max_bytes {
            Err(Problem::TooLong { bytes: text.len(), max: max_bytes })
        } else if text.trim().is_empty() {
            Err(Problem::Empty)
        } else {
            Ok(Text::Json(text.to_string()))
        };
        Input { position, text }
    }

    /// Bytes that should be one interaction's JSON text (a body, a payload).
    pub fn bytes(position: Position, bytes: &[u8], max_bytes: usize) -> Input {
        if bytes.len() > max_bytes {
            return Input {
                position,
                text: Err(Problem::TooLong { bytes: bytes.len(), max: max_bytes }),
            };
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Input::text(position, text, max_bytes),
            Err(e) => Input {
                position,
                text: Err(Problem::NotUtf8 { at: e.valid_up_to() }),
            },
        }
    }

    /// Parses the input: its id (when one could be read) and the
    /// interaction, or what is wrong with it. Front ends answering a single
    /// interaction turn the problem into their own error (a 400 naming the
    /// field, `cxr.InputError`, a dead letter).
    pub fn parse(&self) -> (Option<String>, Result<Interaction, Problem>) {
        let parsed = match &self.text {
            Err(problem) => return (None, Err(problem.clone())),
            Ok(Text::Json(text)) => parse_interaction(text),
            Ok(Text::Value(value)) => parse_value(value.clone()),
        };
        (parsed.id, parsed.result.map_err(Problem::Input))
    }

    /// Parses the input into an interaction, or the error record for it.
    pub fn read(&self) -> Read {
        let (id, parsed) = self.parse();
        let interaction = parsed.map_err(|problem| error_record(self.position, id.clone(), &problem));
        Read {
            position: self.position,
            id,
            interaction,
        }
    }
}

impl Read {
    /// The decision for this input: `pipeline`'s, or its error record; `line` set for lines.
    pub fn decide(&self, pipeline: &Pipeline, now: DateTime<Utc>) -> Decision {
        let mut d = match &self.interaction {
            Ok(ix) => pipeline.decide(ix, now),
            Err(record) => record.clone(),
        };
        d.line = self.position.line();
        d
    }

    /// The error record for a repeated id, if this input's id was seen
    /// before in `seen`; remembers it otherwise.
    pub fn repeated(&self, seen: &mut RecentIds) -> Option<Decision> {
        let id = self.id.as_deref()?;
        let first = seen.first_seen(id, self.position)?;
        let problem = Problem::Duplicate { id: id.to_string(), first };
        Some(error_record(self.position, Some(id.to_string()), &problem))
    }
}

/// One input's outcome.
pub struct Decided {
    /// Its decision, or the error record standing in for it.
    pub decision: Decision,
    /// The interaction decided (when kept: for shadow pipelines).
    pub interaction: Option<Interaction>,
}

/// Decides `inputs` with `pipeline` on `opts.jobs` threads, in input order:
/// each input is read and decided in parallel; then, in order, a repeated
/// id replaces its decision with an error record (`seen` carries the ids
/// across calls, for a stream decided chunk by chunk). `now` and the
/// request id are applied. Keeps each interaction with its decision when
/// `keep_interactions`.
pub fn decide_batch(pipeline: &Pipeline, inputs: &[Input], opts: &BatchOptions, seen: &mut RecentIds, keep_interactions: bool) -> Vec<Decided> {
    let now = Now::from(opts.now);
    let decided = par_map(inputs, opts.jobs, |input| {
        let read = input.read();
        let decision = read.decide(pipeline, now.at());
        (read, decision)
    });
    decided
        .into_iter()
        .map(|(read, decision)| {
            let (mut decision, interaction) = match read.repeated(seen) {
                Some(record) => (record, None),
                None => (decision, if keep_interactions { read.interaction.ok() } else { None }),
            };
            decision.request_id.clone_from(&opts.request_id);
            Decided { decision, interaction }
        })
        .collect()
}

/// Counts gathered over a batch.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BatchSummary {
    /// Inputs read (= records written).
    pub lines: u64,
    /// Decisions made by a router.
    pub routed: u64,
    /// Decisions made by the fallback (no router decided, or a plugin failed).
    pub fallbacks: u64,
    /// Inputs that could not be read as an interaction, repeated ids included.
    pub input_errors: u64,
    /// Decisions where a plugin failed.
    pub plugin_errors: u64,
    /// Decisions that went on without a failed stage (`degraded`); absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub degraded: u64,
    pub by_queue: BTreeMap<String, u64>,
    pub by_discipline: BTreeMap<String, u64>,
    /// What `[privacy]` masked, by kind (absent when nothing was).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub masked: BTreeMap<String, u64>,
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl BatchSummary {
    /// Counts one record.
    pub fn count(&mut self, d: &Decision) {
        self.lines += 1;
        if d.is_error_record() {
            self.input_errors += 1;
            return;
        }
        if let Some(r) = &d.route {
            if r.fallback {
                self.fallbacks += 1;
            } else {
                self.routed += 1;
            }
            // Counted without a copy of the queue's name once it is known.
            match self.by_queue.get_mut(&r.queue) {
                Some(n) => *n += 1,
                None => {
                    self.by_queue.insert(r.queue.clone(), 1);
                }
            }
        }
        if d.error.is_some() {
            self.plugin_errors += 1;
        }
        if !d.degraded.is_empty() {
            self.degraded += 1;
        }
        if let Some(disc) = d.discipline {
            match self.by_discipline.get_mut(disc.as_str()) {
                Some(n) => *n += 1,
                None => {
                    self.by_discipline.insert(disc.as_str().to_string(), 1);
                }
            }
        }
        for (kind, n) in &d.masked {
            *self.masked.entry(kind.clone()).or_default() += u64::from(*n);
        }
    }

    /// Interactions per second over the whole batch.
    pub fn rate(&self) -> f64 {
        self.lines as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Routes every line of `reader` to one JSON decision line on `writer`, in
/// order, in chunks of `opts.chunk_lines` decided in parallel: memory is
/// bounded by the chunk, however long the input. `progress` is called
/// after each chunk with the running summary.
pub fn route_stream(
    pipeline: &Pipeline,
    reader: impl BufRead,
    mut writer: impl Write,
    opts: &BatchOptions,
    mut progress: impl FnMut(&BatchSummary),
) -> io::Result<BatchSummary> {
    let started = Instant::now();
    let mut summary = BatchSummary::default();
    let mut lines = LineReader::new(reader, opts.max_line_bytes);
    let mut seen = RecentIds::new(opts.duplicate_window);
    // One output buffer for every chunk: decisions are written straight
    // into it, and it is not freed and grown again for each chunk.
    let mut out = Vec::new();
    loop {
        let chunk: Vec<Input> = lines.chunk(opts.chunk_lines.max(1))?.into_iter().map(Input::from).collect();
        if chunk.is_empty() {
            break;
        }
        out.clear();
        out.reserve(chunk.len() * 512);
        for d in decide_batch(pipeline, &chunk, opts, &mut seen, false) {
            crate::text::to_json_writer(&mut out, &d.decision).map_err(io::Error::other)?;
            out.push(b'\n');
            summary.count(&d.decision);
        }
        writer.write_all(&out)?;
        summary.elapsed = started.elapsed();
        progress(&summary);
    }
    writer.flush()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// How a batch body was written; its answer is written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array; answered with a JSON array.
    Array,
    /// One JSON object per line; answered with one decision per line.
    Lines,
}

/// Why a body is not a batch at all (answered as a whole, not per element).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BodyError {
    #[error("empty body: a batch is a JSON array of interactions or JSON Lines")]
    Empty,
    #[error("a batch is a JSON array of interactions or JSON Lines (one interaction object per line)")]
    Neither,
    #[error("the body starts like a JSON array but is not one: {0}")]
    BadArray(String),
}

/// Splits a batch body into inputs, in order: a JSON array (told by a
/// first non-blank `[`) or JSON Lines (a first `{`), read with the one line
/// reader (lines capped at `max_line_bytes`).
pub fn parse_body(body: &[u8], max_line_bytes: usize) -> Result<(Format, Vec<Input>), BodyError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => {
            let elements: Vec<Value> = serde_json::from_slice(body).map_err(|e| BodyError::BadArray(e.to_string()))?;
            let inputs = elements
                .into_iter()
                .enumerate()
                .map(|(i, v)| Input {
                    position: Position::Element(i),
                    text: Ok(Text::Value(v)),
                })
                .collect();
            Ok((Format::Array, inputs))
        }
        Some(b'{') => {
            let mut reader = LineReader::new(body, max_line_bytes);
            let mut inputs = Vec::new();
            while let Some(line) = reader.next_line().expect("reading memory cannot fail") {
                inputs.push(Input::from(line));
            }
            Ok((Format::Lines, inputs))
        }
        Some(_) => Err(BodyError::Neither),
        None => Err(BodyError::Empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i.read() {
                Read { interaction: Ok(ix), .. } => ix.id,
                Read { interaction: Err(d), .. } => format!("ERR {}: {}", d.id, d.error.unwrap_or_default()),
            })
            .collect()
    }

    #[test]
    fn arrays_keep_order_and_mark_bad_elements() {
        let (format, inputs) = parse_body(br#" [{"id":"a","body":"x"}, {"id":"b"}, 7, {"id":"c","body":"y"}]"#, 1 << 20).unwrap();
        assert_eq!(format, Format::Array);
        let got = described(&inputs);
        assert_eq!(got[0], "a");
        assert!(got[1].starts_with("ERR b: [1]: field `body`"), "{}", got[1]);
        assert!(got[2].starts_with("ERR [2]: [2]: expected a JSON object"), "{}", got[2]);
        assert_eq!(got[3], "c");
    }

    #[test]
    fn json_lines_get_line_numbers_and_error_records() {
        let (format, inputs) = parse_body(b"{\"id\":\"a\",\"body\":\"x\"}\r\n\n{\"id\":\"b\",\"body\":3}\n{oops\n", 1 << 20).unwrap();
        assert_eq!(format, Format::Lines);
        let got = described(&inputs);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], "a");
        assert_eq!(got[1], "ERR line 2: line 2: empty (no interaction)");
        assert!(got[2].starts_with("ERR b: line 3: field `body`"), "{}", got[2]);
        assert!(got[3].starts_with("ERR line 4: line 4: invalid JSON"), "{}", got[3]);
        assert_eq!(inputs[3].position, Position::Line(4));
    }

    #[test]
    fn other_bodies_are_refused() {
        assert_eq!(parse_body(b"", 10).err(), Some(BodyError::Empty));
        assert_eq!(parse_body(b"  \n", 10).err(), Some(BodyError::Empty));
        for body in [&b"hello"[..], b"\"text\""] {
            assert_eq!(parse_body(body, 10).err(), Some(BodyError::Neither));
        }
        assert!(matches!(parse_body(b"[1, 2", 10), Err(BodyError::BadArray(_))));
    }

    #[test]
    fn single_texts_are_capped_and_checked_like_lines() {
        let long = Input::text(Position::Single, "{\"id\":\"a\",\"body\":\"xxxxxxxx\"}", 10).read();
        assert_eq!(long.interaction.unwrap_err().error.as_deref(), Some("28 bytes, over the 10-byte limit"));
        let blank = Input::bytes(Position::Element(2), b"  ", 10).read();
        assert_eq!(blank.interaction.unwrap_err().error.as_deref(), Some("[2]: empty (no interaction)"));
        let bad = Input::bytes(Position::Single, b"\xff", 10).read();
        assert_eq!(bad.interaction.unwrap_err().error.as_deref(), Some("invalid UTF-8 at byte 0"));
    }
}
