//! Log lines for the service and the worker: one event is one line, written
//! with one `write(2)`, whatever the concurrency, in text and in JSON; and
//! the default level, which shows an operator what matters (startup,
//! reloads, shedding, connection limits, dead letters, shutdown) without
//! a line per request.

use cxr_host::text::{is_unsafe, neutralise};
use std::io::{self, Write};

/// The log filter for `-v` given `verbose` times (when `CXR_LOG` is not
/// set). Without `-v`: warnings and errors from everything, and the
/// operator's events of the service, the worker and the fleet (`info` in
/// `cxr_serve`, `cxr_worker`, `cxr_fleet`), but not the line per request
/// (`cxr_serve::api`), the shadow comparisons, nor plugins' own `info`
/// logs. `-v`: every `info` line (one per request); `-vv`: `debug`.
pub fn default_filter(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn,cxr=info,cxr_serve=info,cxr_worker=info,cxr_fleet=info,cxr_serve::api=warn,cxr_serve::shadow=warn",
        1 => "info",
        _ => "debug",
    }
}

/// A writer for one log event that reaches stderr as one line with one
/// `write(2)`: the formatter's output is gathered, any control, bidi or
/// line-separator character in it is shown escaped (a safety net behind the
/// escaping at each log call: one event can never start a second line),
/// and the whole line is written at once under stderr's lock when the
/// writer is dropped (the formatter makes one writer per event).
///
/// Use it as `tracing_subscriber`'s writer: `.with_writer(EventLine::stderr)`.
#[derive(Debug)]
pub struct EventLine<W: Write = io::Stderr> {
    buf: Vec<u8>,
    out: Option<W>,
    escape: Escape,
}

/// How the characters that could break a line, or act on a terminal, are
/// shown in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// Plain text: `\u{1b}`, `\n` (as `cxr_host::text::neutralise` shows them).
    Text,
    /// JSON: as the JSON escape `\u001b`, so the line stays one valid JSON
    /// object (such characters can only occur inside its strings).
    Json,
    /// None: a colour terminal's ANSI codes are the formatter's own (plugin
    /// text is escaped where it is logged).
    Off,
}

impl EventLine<io::Stderr> {
    /// A writer for one event, to the process's stderr (whose
    /// `write_all` holds its lock: lines of different threads never
    /// interleave, and stderr being unbuffered, a line is one `write(2)`).
    pub fn stderr() -> Self {
        EventLine::to(io::stderr())
    }

    /// [`EventLine::stderr`] for JSON events: characters are escaped the
    /// JSON way, so each line stays one valid JSON object.
    pub fn stderr_json() -> Self {
        EventLine::to(io::stderr()).escaping(Escape::Json)
    }

    /// [`EventLine::stderr`] for a colour terminal: the formatter's ANSI
    /// colour codes are kept, not escaped.
    pub fn stderr_coloured() -> Self {
        EventLine::to(io::stderr()).escaping(Escape::Off)
    }
}

impl<W: Write> EventLine<W> {
    /// A writer for one event, to `out`.
    pub fn to(out: W) -> Self {
        EventLine {
            buf: Vec::with_capacity(256),
            out: Some(out),
            escape: Escape::Text,
        }
    }

    /// A writer for one JSON event, to `out` (see [`EventLine::stderr_json`]).
    pub fn json_to(out: W) -> Self {
        EventLine::to(out).escaping(Escape::Json)
    }

    fn escaping(mut self, escape: Escape) -> Self {
        self.escape = escape;
        self
    }

    /// The event as it is written: escaped, ending with one line feed.
    fn line(&self) -> Vec<u8> {
        let text = String::from_utf8_lossy(&self.buf);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let mut line = match self.escape {
            Escape::Text => neutralise(body).into_owned(),
            Escape::Json => json_escaped(body),
            Escape::Off => body.to_string(),
        }
        .into_bytes();
        line.push(b'\n');
        line
    }

    /// Writes the gathered event (if any) in one call and forgets it.
    fn emit(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let line = self.line();
        self.buf.clear();
        match self.out.as_mut() {
            Some(out) => out.write_all(&line),
            None => Ok(()),
        }
    }
}

/// `text` with every unsafe character (control, bidi, line separator; all
/// in the Basic Multilingual Plane) as a JSON `\uXXXX` escape.
fn json_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

impl<W: Write> Write for EventLine<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }

    /// Gathers only: the line is written when the event ends (on drop), so
    /// a formatter flushing mid-event cannot split it.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for EventLine<W> {
    fn drop(&mut self) {
        let _ = self.emit();
        if let Some(out) = self.out.as_mut() {
            let _ = out.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Records each `write` call separately.
    #[derive(Clone, Default)]
    struct Calls(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Calls {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_event_written_in_pieces_is_one_write_of_one_line() {
        let calls = Calls::default();
        {
            let mut w = EventLine::to(calls.clone());
            w.write_all(b"{\"message\":\"a\"").unwrap();
            w.flush().unwrap();
            w.write_all(b",\"x\":1}").unwrap();
            w.write_all(b"\n").unwrap();
        }
        let calls = calls.0.lock().unwrap();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0], b"{\"message\":\"a\",\"x\":1}\n");
    }

    #[test]
    fn an_event_cannot_start_another_line() {
        let calls = Calls::default();
        {
            let mut w = EventLine::to(calls.clone());
            w.write_all(b"INFO plugin: hi\nERROR forged\r\n").unwrap();
        }
        let calls = calls.0.lock().unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(String::from_utf8_lossy(&calls[0]), "INFO plugin: hi\\nERROR forged\\r\n");
    }

    #[test]
    fn a_json_event_stays_one_valid_json_object() {
        let calls = Calls::default();
        {
            let mut w = EventLine::json_to(calls.clone());
            w.write_all("{\"message\":\"a\u{85}b\u{202e}c\u{2028}d\"}\n".as_bytes()).unwrap();
        }
        let calls = calls.0.lock().unwrap();
        assert_eq!(calls.len(), 1);
        let line = String::from_utf8(calls[0].clone()).unwrap();
        assert_eq!(line.lines().count(), 1);
        assert!(!line.trim_end().chars().any(is_unsafe), "{line:?}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["message"], "a\u{85}b\u{202e}c\u{2028}d");
    }

    #[test]
    fn nothing_written_is_nothing_emitted() {
        let calls = Calls::default();
        drop(EventLine::to(calls.clone()));
        assert!(calls.0.lock().unwrap().is_empty());
    }

    #[test]
    fn the_default_level_hides_the_line_per_request_but_not_the_operators_events() {
        let filter = default_filter(0);
        assert!(filter.starts_with("warn,"));
        assert!(filter.contains("cxr_serve=info") && filter.contains("cxr_worker=info") && filter.contains("cxr_fleet=info"));
        assert!(filter.contains("cxr_serve::api=warn"));
        assert_eq!(default_filter(1), "info");
    }
}
