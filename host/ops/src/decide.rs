//! Deciding JSON Lines input for the operator verbs: read in chunks, decide
//! each chunk on several threads, keep input order.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use cxr_host::batch::decide_line;
use cxr_host::{Decision, Pipeline};
use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Lines read and decided together before the caller sees them.
pub const CHUNK_LINES: usize = 512;

/// The fixed "now" the operator verbs use by default, so time-dependent
/// priority factors give the same answer on every run.
pub const DEFAULT_NOW: &str = "2026-11-22T10:00:00Z";

/// [`DEFAULT_NOW`] as a time.
pub fn default_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(DEFAULT_NOW)
        .expect("DEFAULT_NOW is RFC 3339")
        .with_timezone(&Utc)
}

/// One input line: its 1-based number and its text (or why it has none).
#[derive(Debug, Clone)]
pub struct InputLine {
    /// 1-based line number.
    pub number: u64,
    /// The line's text, or why it cannot be used (not UTF-8, blank).
    pub text: Result<String, String>,
}

impl InputLine {
    /// Decides this line the way `cxr route` does: a line that cannot be
    /// read yields an error record naming the line.
    pub fn decide(&self, pipeline: &Pipeline, now: DateTime<Utc>) -> Decision {
        match &self.text {
            Ok(text) => decide_line(pipeline, self.number, text, now),
            Err(why) => {
                let mut d = Decision::error_record(
                    format!("line {}", self.number),
                    None,
                    format!("line {}: {why}", self.number),
                );
                d.line = Some(self.number);
                d
            }
        }
    }
}

/// Reads `reader` in chunks of [`CHUNK_LINES`] lines and hands each chunk to `f`.
/// Blank lines and lines that are not UTF-8 are passed on as unusable, so
/// every input line is accounted for.
pub fn for_each_chunk(mut reader: impl BufRead, mut f: impl FnMut(&[InputLine]) -> Result<()>) -> Result<()> {
    let mut number = 0u64;
    let mut buf = Vec::new();
    let mut chunk = Vec::with_capacity(CHUNK_LINES);
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).context("reading input")?;
        if n == 0 {
            break;
        }
        number += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(s) if s.trim().is_empty() => Err("empty line".to_string()),
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(format!("invalid UTF-8 at byte {}", e.valid_up_to())),
        };
        chunk.push(InputLine { number, text });
        if chunk.len() == CHUNK_LINES {
            f(&chunk)?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        f(&chunk)?;
    }
    Ok(())
}

/// Opens a JSON Lines file for [`for_each_chunk`], naming the file on error.
pub fn open_input(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening input {}", path.display()))?;
    Ok(std::io::BufReader::with_capacity(1 << 16, file))
}

/// Applies `f` to every item on up to `jobs` threads; results keep the input order.
pub fn par_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let jobs = jobs.max(1).min(items.len());
    if jobs <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= items.len() {
                            break done;
                        }
                        done.push((i, f(&items[i])));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = match worker.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            for (i, r) in done {
                slots[i] = Some(r);
            }
        }
    });
    slots.into_iter().map(|r| r.expect("every slot is filled")).collect()
}

/// Worker threads to use by default: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_every_line_and_flag_unusable_ones() {
        let input: &[u8] = b"{\"a\":1}\r\n\n\xff\nlast";
        let mut seen = Vec::new();
        for_each_chunk(input, |chunk| {
            seen.extend(chunk.iter().cloned());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].text.as_deref(), Ok("{\"a\":1}"));
        assert_eq!(seen[1].text, Err("empty line".to_string()));
        assert_eq!(seen[2].text, Err("invalid UTF-8 at byte 0".to_string()));
        assert_eq!(seen[3].number, 4);
        assert_eq!(seen[3].text.as_deref(), Ok("last"));
    }

    #[test]
    fn par_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = par_map(&items, 4, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}
