//! The one JSON Lines reader: numbered lines, a size cap, invalid UTF-8 and
//! blank lines flagged. Every input line comes out once, usable or not, so
//! that every line yields exactly one record.

use super::records::Problem;
use std::io::{self, BufRead};

/// One input line: its 1-based number and its text, or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: u64,
    pub text: Result<String, Problem>,
}

/// Reads lines of at most `max_bytes` bytes (without the line break);
/// longer lines are consumed but not kept. A final line without a line
/// break counts; a trailing `\r` is dropped.
pub struct LineReader<R> {
    reader: R,
    max_bytes: usize,
    number: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    /// Reads `reader`, capping lines at `max_bytes`.
    pub fn new(reader: R, max_bytes: usize) -> Self {
        LineReader {
            reader,
            max_bytes,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// The next line, or `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        self.buf.clear();
        let mut total = 0usize;
        let mut saw_any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            saw_any = true;
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            total += chunk.len();
            if total <= self.max_bytes {
                self.buf.extend_from_slice(chunk);
            }
            let consumed = done.unwrap_or(chunk.len());
            self.reader.consume(consumed);
            if done.is_some() {
                break;
            }
        }
        if !saw_any {
            return Ok(None);
        }
        self.number += 1;
        let number = self.number;
        if total > self.max_bytes {
            return Ok(Some(Line {
                number,
                text: Err(Problem::TooLong { bytes: total, max: self.max_bytes }),
            }));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let text = match std::str::from_utf8(&self.buf) {
            Ok(s) if s.trim().is_empty() => Err(Problem::Empty),
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(Problem::NotUtf8 { at: e.valid_up_to() }),
        };
        Ok(Some(Line { number, text }))
    }

    /// Up to `n` next lines (fewer only at the end of the input).
    pub fn chunk(&mut self, n: usize) -> io::Result<Vec<Line>> {
        let mut out = Vec::with_capacity(n.min(4096));
        while out.len() < n {
            match self.next_line()? {
                Some(line) => out.push(line),
                None => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<String> {
        let mut r = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(match l.text {
                Ok(t) => format!("{}:{t}", l.number),
                Err(p) => format!("{}!{p:?}", l.number),
            });
        }
        out
    }

    #[test]
    fn reads_lines_and_flags_bad_ones() {
        let got = lines(b"a\r\n\n\xff\xfe\n0123456789abc\n  \t\nlast", 10);
        assert_eq!(
            got,
            [
                "1:a",
                "2!Empty",
                "3!NotUtf8 { at: 0 }",
                "4!TooLong { bytes: 13, max: 10 }",
                "5!Empty",
                "6:last"
            ]
        );
        assert!(lines(b"", 10).is_empty());
        assert_eq!(lines(b"x\n", 10), ["1:x"], "a final line break ends the last line, it starts none");
    }
}
