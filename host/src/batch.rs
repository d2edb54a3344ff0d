//! Streaming, parallel, order-preserving routing of JSON Lines: one decision
//! per input line, in input order, with memory bounded by the chunk size.

use crate::input::parse_interaction;
use crate::model::Decision;
use crate::pipeline::Pipeline;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Lines longer than this get an error record instead of being parsed.
    pub max_line_bytes: usize,
    /// Fixed "now" for every decision (replays); the wall clock when `None`.
    pub now: Option<DateTime<Utc>>,
    /// Lines read ahead and decided in parallel before being written.
    pub chunk_lines: usize,
    /// How many recent ids are remembered to flag duplicates (0: no check).
    pub duplicate_window: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_line_bytes: 1 << 20,
            now: None,
            chunk_lines: 512,
            duplicate_window: 100_000,
        }
    }
}

/// Counts gathered over a batch.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BatchSummary {
    /// Input lines read (= records written).
    pub lines: u64,
    /// Decisions made by a router.
    pub routed: u64,
    /// Decisions made by the fallback (no router decided, or a plugin failed).
    pub fallbacks: u64,
    /// Lines that could not be read as an interaction (duplicates included).
    pub input_errors: u64,
    /// Decisions where a plugin failed.
    pub plugin_errors: u64,
    pub by_queue: BTreeMap<String, u64>,
    pub by_discipline: BTreeMap<String, u64>,
    /// What `[privacy]` masked, by kind (absent when nothing was).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub masked: BTreeMap<String, u64>,
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl BatchSummary {
    fn count(&mut self, d: &Decision) {
        self.lines += 1;
        match (&d.route, &d.error) {
            (None, _) => self.input_errors += 1,
            (Some(r), err) => {
                if r.fallback {
                    self.fallbacks += 1;
                } else {
                    self.routed += 1;
                }
                if err.is_some() {
                    self.plugin_errors += 1;
                }
                *self.by_queue.entry(r.queue.clone()).or_default() += 1;
            }
        }
        if let Some(disc) = d.discipline {
            *self.by_discipline.entry(disc.as_str().to_string()).or_default() += 1;
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

/// One line as read: its text, or why it could not be used.
enum Line {
    Text(String),
    Bad(String),
}

/// Reads one line of at most `max` bytes. Longer lines are consumed but not
/// kept. Returns `None` at end of input.
fn read_line(reader: &mut impl BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Option<Line>> {
    buf.clear();
    let mut total = 0usize;
    let mut saw_any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        saw_any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        total += chunk.len();
        if total <= max {
            buf.extend_from_slice(chunk);
        }
        let consumed = done.unwrap_or(chunk.len());
        reader.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !saw_any {
        return Ok(None);
    }
    if total > max {
        return Ok(Some(Line::Bad(format!("line is {total} bytes, over the {max}-byte limit"))));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    match std::str::from_utf8(buf) {
        Ok(s) if s.trim().is_empty() => Ok(Some(Line::Bad("empty line".to_string()))),
        Ok(s) => Ok(Some(Line::Text(s.to_string()))),
        Err(e) => Ok(Some(Line::Bad(format!("invalid UTF-8 at byte {}", e.valid_up_to())))),
    }
}

/// Decides one input line (1-based number `n`).
pub fn decide_line(pipeline: &Pipeline, n: u64, text: &str, now: DateTime<Utc>) -> Decision {
    decide_text(pipeline, n, text, now).0
}

/// Decides one line; also says whether the record's id came from the input.
fn decide_text(pipeline: &Pipeline, n: u64, text: &str, now: DateTime<Utc>) -> (Decision, bool) {
    let parsed = parse_interaction(text);
    let has_id = parsed.id.is_some();
    let mut d = match parsed.result {
        Ok(ix) => pipeline.decide(&ix, now),
        Err(e) => Decision::error_record(parsed.id.unwrap_or_else(|| format!("line {n}")), None, format!("line {n}: {e}")),
    };
    d.line = Some(n);
    (d, has_id)
}

/// Remembers the most recent ids of a batch to flag duplicates. Ids are kept
/// as 64-bit hashes, so memory is fixed by the window, not by id lengths.
struct RecentIds {
    window: usize,
    lines: HashMap<u64, u64>,
    order: VecDeque<u64>,
}

impl RecentIds {
    fn new(window: usize) -> Self {
        RecentIds {
            window,
            // Twice the window: with at most half the table in use, removals
            // and inserts rehash in place instead of growing the table.
            lines: HashMap::with_capacity(window.min(1 << 20) * 2),
            order: VecDeque::with_capacity(window.min(1 << 20)),
        }
    }

    /// The line an id was first seen on, if it was seen recently; else remembers it.
    fn first_seen(&mut self, id: &str, line: u64) -> Option<u64> {
        if self.window == 0 {
            return None;
        }
        let key = {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(id, &mut h);
            std::hash::Hasher::finish(&h)
        };
        if let Some(&first) = self.lines.get(&key) {
            return Some(first);
        }
        if self.order.len() == self.window
            && let Some(old) = self.order.pop_front()
        {
            self.lines.remove(&old);
        }
        self.lines.insert(key, line);
        self.order.push_back(key);
        None
    }
}

/// Routes every line of `reader` to one JSON decision line on `writer`.
/// `progress` is called after each chunk with the running summary.
pub fn route_stream(
    pipeline: &Pipeline,
    mut reader: impl BufRead,
    mut writer: impl Write,
    opts: &BatchOptions,
    mut progress: impl FnMut(&BatchSummary),
) -> io::Result<BatchSummary> {
    let started = Instant::now();
    let mut summary = BatchSummary::default();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let jobs = opts.jobs.max(1);
    let chunk_lines = opts.chunk_lines.max(1);
    let mut recent = RecentIds::new(opts.duplicate_window);
    loop {
        let mut chunk: Vec<(u64, Line)> = Vec::with_capacity(chunk_lines);
        while chunk.len() < chunk_lines {
            match read_line(&mut reader, opts.max_line_bytes, &mut buf)? {
                None => break,
                Some(line) => {
                    line_no += 1;
                    chunk.push((line_no, line));
                }
            }
        }
        if chunk.is_empty() {
            break;
        }
        let decisions = decide_chunk(pipeline, &chunk, jobs, opts.now);
        let mut out = Vec::with_capacity(decisions.len() * 512);
        for (mut d, has_id) in decisions {
            let line = d.line.unwrap_or_default();
            if has_id && let Some(first) = recent.first_seen(&d.id, line) {
                d = Decision::error_record(
                    d.id.clone(),
                    Some(line),
                    format!("line {line}: duplicate id {:?} (first seen on line {first})", d.id),
                );
            }
            let d = &d;
            crate::text::to_json_writer(&mut out, d).map_err(io::Error::other)?;
            out.push(b'\n');
            summary.count(d);
        }
        writer.write_all(&out)?;
        summary.elapsed = started.elapsed();
        progress(&summary);
    }
    writer.flush()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn decide_chunk(pipeline: &Pipeline, chunk: &[(u64, Line)], jobs: usize, now: Option<DateTime<Utc>>) -> Vec<(Decision, bool)> {
    let decide = |(n, line): &(u64, Line)| -> (Decision, bool) {
        let now = now.unwrap_or_else(Utc::now);
        match line {
            Line::Text(t) => decide_text(pipeline, *n, t, now),
            Line::Bad(why) => (Decision::error_record(format!("line {n}"), Some(*n), format!("line {n}: {why}")), false),
        }
    };
    if jobs == 1 || chunk.len() == 1 {
        return chunk.iter().map(decide).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<(Decision, bool)>> = (0..chunk.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(chunk.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= chunk.len() {
                            break done;
                        }
                        done.push((i, decide(&chunk[i])));
                    }
                })
            })
            .collect();
        for w in workers {
            for (i, d) in w.join().expect("decide never panics") {
                slots[i] = Some(d);
            }
        }
    });
    slots.into_iter().map(|d| d.expect("every slot is filled")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<String> {
        let mut r = io::Cursor::new(input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(l) = read_line(&mut r, max, &mut buf).unwrap() {
            out.push(match l {
                Line::Text(t) => format!("T:{t}"),
                Line::Bad(b) => format!("B:{b}"),
            });
        }
        out
    }

    #[test]
    fn reads_lines_and_flags_bad_ones() {
        let got = lines(b"a\r\n\n\xff\xfe\n0123456789abc\nlast", 10);
        assert_eq!(got[0], "T:a");
        assert_eq!(got[1], "B:empty line");
        assert_eq!(got[2], "B:invalid UTF-8 at byte 0");
        assert!(got[3].starts_with("B:line is 13 bytes"));
        assert_eq!(got[4], "T:last");
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn recent_ids_flag_duplicates_within_the_window() {
        let mut r = RecentIds::new(2);
        assert_eq!(r.first_seen("a", 1), None);
        assert_eq!(r.first_seen("a", 2), Some(1));
        assert_eq!(r.first_seen("b", 3), None);
        assert_eq!(r.first_seen("c", 4), None); // "a" leaves the window
        assert_eq!(r.first_seen("a", 5), None);
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", 10).is_empty());
    }
}
