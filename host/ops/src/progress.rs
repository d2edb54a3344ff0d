//! Progress on stderr for long batches: a bar when the size is known, a
//! counter otherwise; hidden when stderr is not a terminal or when asked to
//! be quiet. No colour is used, so `NO_COLOR` holds trivially.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, BufRead, IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// True when progress should be drawn: not quiet, and stderr is a terminal.
pub fn wanted(quiet: bool) -> bool {
    !quiet && io::stderr().is_terminal()
}

/// A progress bar over `total` units (bytes when `bytes`), or a counter
/// when the total is unknown; hidden unless `visible`.
pub fn bar(total: Option<u64>, bytes: bool, visible: bool) -> ProgressBar {
    let target = if visible {
        ProgressDrawTarget::stderr_with_hz(8)
    } else {
        ProgressDrawTarget::hidden()
    };
    let (pb, template) = match total {
        Some(t) if bytes => (
            ProgressBar::with_draw_target(Some(t), target),
            "[{elapsed_precise}] [{wide_bar}] {bytes}/{total_bytes} {msg}",
        ),
        Some(t) => (
            ProgressBar::with_draw_target(Some(t), target),
            "[{elapsed_precise}] [{wide_bar}] {pos}/{len} {msg}",
        ),
        None => (ProgressBar::with_draw_target(None, target), "{spinner} [{elapsed_precise}] {msg}"),
    };
    let style = ProgressStyle::with_template(template)
        .expect("the progress templates are valid")
        .progress_chars("=> ");
    pb.set_style(style);
    if total.is_none() {
        pb.enable_steady_tick(Duration::from_millis(200));
    }
    pb
}

/// A reader that counts the bytes consumed, readable from another place
/// through [`CountingReader::counter`].
pub struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        CountingReader {
            inner,
            count: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A handle on the number of bytes consumed so far.
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.count.clone()
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.count.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_follows_consumed_bytes() {
        let mut r = CountingReader::new(io::Cursor::new(b"one\ntwo\n".to_vec()));
        let count = r.counter();
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(count.load(Ordering::Relaxed), 4);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(count.load(Ordering::Relaxed), 8);
    }

    #[test]
    fn a_hidden_bar_draws_nothing() {
        let pb = bar(Some(10), true, false);
        assert!(pb.is_hidden());
        pb.set_position(5);
        pb.finish_and_clear();
    }
}
