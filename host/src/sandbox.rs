//! What a plugin instance lives in: a deny-by-default WASI context (no
//! files, network, environment or arguments; a fixed clock; seeded
//! randomness), a memory limiter, and a bounded log sink for its output.

use crate::text;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::random::Deterministic;
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

/// The level of a plugin's log line (`cxr:plugin/host.log` of any version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Per-instance state held in the wasmtime `Store`.
pub(crate) struct PluginState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) log: LogSink,
    /// The "now" the plugin sees through WASI clocks, in ms since the epoch.
    pub(crate) now_ms: Arc<AtomicI64>,
    /// The running call's deadline (CPU time, wall-clock limit).
    pub(crate) deadline: crate::deadline::Deadline,
    /// Contract 0.3.0's `text` interface: lexicons, the running interaction.
    pub(crate) text: crate::analysis::TextState,
}

impl PluginState {
    /// A fresh sandbox for the named plugin.
    pub(crate) fn new(plugin: Arc<str>, memory_bytes: usize, log_bytes: usize) -> Self {
        let now_ms = Arc::new(AtomicI64::new(0));
        let log = LogSink::new(plugin, log_bytes);
        let mut b = WasiCtx::builder();
        b.stdout(log.stream("stdout"))
            .stderr(log.stream("stderr"))
            .wall_clock(FixedClock(now_ms.clone()))
            .monotonic_clock(FixedClock(now_ms.clone()))
            .secure_random(Deterministic::new(SECURE_RANDOM.get_or_init(|| seeded_bytes(0x5eed_c0de)).clone()))
            .insecure_random(Deterministic::new(INSECURE_RANDOM.get_or_init(|| seeded_bytes(0x1234_5678)).clone()))
            .insecure_random_seed(0x0cc5_eed0)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        PluginState {
            wasi: b.build(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(memory_bytes),
            log,
            now_ms,
            deadline: Default::default(),
            text: Default::default(),
        }
    }
}

impl PluginState {
    /// Whether the plugin holds no host resource (stream, pollable, ...).
    pub(crate) fn holds_no_resources(&self) -> bool {
        self.table.is_empty()
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl PluginState {
    /// A line of the plugin's log (`host.log` of every contract version).
    pub(crate) fn log(&mut self, level: LogLevel, message: &str) {
        self.log.write_line(level, message);
    }
}

/// The bytes behind the plugins' "random" numbers, computed once per process.
static SECURE_RANDOM: OnceLock<Vec<u8>> = OnceLock::new();
static INSECURE_RANDOM: OnceLock<Vec<u8>> = OnceLock::new();

/// 4 KiB of pseudo-random bytes from a fixed seed (splitmix64), so that a
/// plugin's "random" numbers are the same on every run.
fn seeded_bytes(seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(4096);
    while out.len() < 4096 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// A clock that always reads the decision's "now".
struct FixedClock(Arc<AtomicI64>);

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::Relaxed).max(0) as u64)
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000
    }
    fn now(&self) -> u64 {
        (self.0.load(Ordering::Relaxed).max(0) as u64).saturating_mul(1_000_000)
    }
}

/// Caps linear memory and table growth, and records the peak memory size.
pub(crate) struct MemoryLimiter {
    max_bytes: usize,
    pub(crate) peak_bytes: usize,
    pub(crate) denied: bool,
}

impl MemoryLimiter {
    fn new(max_bytes: usize) -> Self {
        MemoryLimiter {
            max_bytes,
            peak_bytes: 0,
            denied: false,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.denied = true;
            return Ok(false);
        }
        self.peak_bytes = self.peak_bytes.max(desired);
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Where a plugin's stdout, stderr and `host.log` lines go: the host's
/// `tracing` log, tagged with the plugin name, up to a byte budget per call.
/// The first and the newest [`STDERR_KEPT_BYTES`](crate::guest_error::STDERR_KEPT_BYTES)
/// of the call's stderr are also kept (log budget or not), so that a trap's
/// error can say what the plugin reported ([`crate::guest_error`]).
/// Every message and the name are [neutralised](crate::text::neutralise):
/// one message is one log line, with no control or bidi character in it,
/// in text and JSON log formats alike.
#[derive(Clone)]
pub(crate) struct LogSink {
    plugin: Arc<str>,
    budget: usize,
    used: Arc<AtomicUsize>,
    stderr: Arc<Mutex<StderrCapture>>,
    /// Whether a trap's error carries what the plugin said (plugins of
    /// contract 0.2.0 and later; 0.1.0 plugins' errors stay as recorded).
    pub(crate) report_guest_messages: bool,
}

/// The first and the newest [`STDERR_KEPT_BYTES`](crate::guest_error::STDERR_KEPT_BYTES)
/// of what a plugin wrote to stderr during one call: an engine's report of
/// an exception starts the output (the message may be long), a traceback
/// ends it.
#[derive(Default)]
struct StderrCapture {
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Bytes between head and tail were dropped.
    gap: bool,
}

impl StderrCapture {
    fn push(&mut self, mut bytes: &[u8]) {
        use crate::guest_error::STDERR_KEPT_BYTES as KEEP;
        let room = KEEP - self.head.len().min(KEEP);
        let (to_head, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(to_head);
        bytes = rest;
        if bytes.len() >= KEEP {
            self.gap |= !self.tail.is_empty() || bytes.len() > KEEP;
            self.tail.clear();
            bytes = &bytes[bytes.len() - KEEP..];
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(KEEP);
        if overflow > 0 {
            self.gap = true;
            self.tail.drain(..overflow);
        }
        self.tail.extend_from_slice(bytes);
    }

    fn text(&self) -> String {
        let mut out = String::from_utf8_lossy(&self.head).into_owned();
        if self.gap {
            out.push_str("\n[…]\n");
        }
        out.push_str(&String::from_utf8_lossy(&self.tail));
        out
    }
}

impl LogSink {
    fn new(plugin: Arc<str>, budget: usize) -> Self {
        LogSink {
            plugin: if plugin.chars().any(text::is_unsafe) {
                Arc::from(text::neutralise(&plugin).as_ref())
            } else {
                plugin
            },
            budget,
            used: Arc::new(AtomicUsize::new(0)),
            stderr: Arc::new(Mutex::new(StderrCapture::default())),
            report_guest_messages: true,
        }
    }

    /// Starts a new call's budget (and forgets the last call's stderr).
    pub(crate) fn reset(&self) {
        self.used.store(0, Ordering::Relaxed);
        *self.stderr.lock().unwrap_or_else(|e| e.into_inner()) = StderrCapture::default();
    }

    /// What the plugin said on stderr during this call about why it failed:
    /// one line, neutralised and bounded ([`crate::guest_error::message`]).
    pub(crate) fn guest_message(&self) -> Option<String> {
        if !self.report_guest_messages {
            return None;
        }
        let captured = self.stderr.lock().unwrap_or_else(|e| e.into_inner()).text();
        crate::guest_error::message(&captured)
    }

    /// Keeps the first and the newest bytes of the call's stderr.
    fn keep_stderr(&self, bytes: &[u8]) {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).push(bytes);
    }

    fn admit(&self, len: usize) -> bool {
        let before = self.used.fetch_add(len, Ordering::Relaxed);
        if before + len <= self.budget {
            return true;
        }
        if before <= self.budget {
            tracing::warn!(plugin = %self.plugin, budget = self.budget, "plugin log budget exhausted; further output of this call is dropped");
        }
        false
    }

    fn write_line(&self, level: LogLevel, message: &str) {
        if !self.admit(message.len()) {
            return;
        }
        let plugin = &*self.plugin;
        let message = text::Shown(message);
        match level {
            LogLevel::Trace => tracing::trace!(plugin, "{message}"),
            LogLevel::Debug => tracing::debug!(plugin, "{message}"),
            LogLevel::Info => tracing::info!(plugin, "{message}"),
            LogLevel::Warn => tracing::warn!(plugin, "{message}"),
            LogLevel::Error => tracing::error!(plugin, "{message}"),
        }
    }

    fn write_bytes(&self, stream: &'static str, bytes: &[u8]) {
        if stream == "stderr" {
            self.keep_stderr(bytes);
        }
        if !self.admit(bytes.len()) {
            return;
        }
        // One write is one log message (a line written with `println!` is
        // one write): line breaks inside it are shown escaped, so what a
        // plugin prints can never start a log line of its own.
        let written = String::from_utf8_lossy(bytes);
        let message = written.strip_suffix('\n').map_or(&*written, |m| m.strip_suffix('\r').unwrap_or(m));
        if !message.trim().is_empty() {
            tracing::info!(plugin = %self.plugin, stream, "{}", text::Shown(message));
        }
    }

    fn stream(&self, name: &'static str) -> LogStream {
        LogStream {
            sink: self.clone(),
            name,
        }
    }
}

/// A plugin's stdout or stderr.
struct LogStream {
    sink: LogSink,
    name: &'static str,
}

impl IsTerminal for LogStream {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogStream {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(LogStream {
            sink: self.sink.clone(),
            name: self.name,
        })
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(LogStream {
            sink: self.sink.clone(),
            name: self.name,
        })
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for LogStream {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        self.sink.write_bytes(self.name, &bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for LogStream {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for LogStream {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.sink.write_bytes(self.name, buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::StderrCapture;
    use crate::guest_error::STDERR_KEPT_BYTES as KEEP;

    #[test]
    fn stderr_keeps_its_start_and_its_end() {
        let mut c = StderrCapture::default();
        c.push(b"start ");
        assert_eq!(c.text(), "start ");
        c.push(&vec![b'x'; 3 * KEEP]);
        c.push(b" end");
        let text = c.text();
        assert!(text.starts_with("start xx") && text.ends_with("xx end"), "{text}");
        assert!(text.contains("\n[\u{2026}]\n"));
        assert_eq!(text.len(), 2 * KEEP + "\n[\u{2026}]\n".len());
        // Many small writes keep the same bound.
        let mut c = StderrCapture::default();
        for _ in 0..10_000 {
            c.push(b"0123456789");
        }
        assert_eq!(c.head.len() + c.tail.len(), 2 * KEEP);
    }
}
