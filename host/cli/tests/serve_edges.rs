//! `cxr serve` holds its edges, tried through the real binary on loopback as
//! an attacker and an operator would: amplifying batches, half-header and
//! trickling connections, SIGTERM with connections left half open, a
//! repeated `X-Tenant`, and log lines under concurrent load. No timing is
//! asserted: statuses, records, resident memory from `/proc`, log lines.

use serde_json::Value;
mod serve_process;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Generous bound on anything a test waits for.
const PATIENCE: Duration = Duration::from_secs(60);

/// A `cxr serve` child process, killed (by its own id) when dropped; its
/// stderr goes to a file.
struct Serve {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-edges-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Serve {
    /// Starts `cxr [GLOBAL...] serve --listen 127.0.0.1:0 ARGS...` and waits
    /// until it listens.
    fn start(name: &str, global: &[&str], args: &[&str]) -> Serve {
        let log = scratch(name).join("stderr.log");
        let (child, addr) = serve_process::spawn_listening(
            Command::new(env!("CARGO_BIN_EXE_cxr"))
                .args(global)
                .args(["serve", "--listen", "127.0.0.1:0"])
                .args(args)
                .env("CXR_CACHE_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("cxr-worker-cache"))
                .env_remove("CXR_LOG")
                .stderr(std::fs::File::create(&log).unwrap()),
            || std::fs::read_to_string(&log).unwrap_or_default(),
        );
        Serve { child, addr, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Resident memory of the server, in bytes (`VmRSS` of `/proc/PID/status`).
    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kb * 1024
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill").args([&format!("-{name}"), &self.pid().to_string()]).status().unwrap();
        assert!(ok.success());
    }

    /// Waits (bounded) until the log holds a line containing `text`.
    fn wait_log(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let logs = self.logs();
            if logs.contains(text) {
                return logs;
            }
            assert!(started.elapsed() < PATIENCE, "no log line with {text:?}: {logs}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the exit status (bounded wait).
    fn stop(&mut self, within: Duration) -> std::process::ExitStatus {
        self.signal("TERM");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < within, "still running {within:?} after SIGTERM: {}", self.logs());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s
    }

    /// One request on a new connection (`Connection: close`); the status,
    /// the lower-cased head and the body.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = self.connect();
        let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading a large body whole.
        let _ = s.write_all(body);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
        let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
        let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("a status");
        (status, head, out[split + 4..].to_vec())
    }

    fn post(&self, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let (status, _, body) = self.request("POST", path, &[], body);
        (status, body)
    }

    fn healthz(&self) -> u16 {
        self.request("GET", "/healthz", &[], b"").0
    }

    /// A metric's value from `/metrics`.
    fn metric(&self, name: &str) -> Option<f64> {
        let (_, _, body) = self.request("GET", "/metrics", &[], b"");
        String::from_utf8(body)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
    }
}

fn error_of(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).unwrap_or_else(|_| panic!("a JSON error: {}", String::from_utf8_lossy(body)));
    v["error"].as_str().unwrap().to_string()
}

const ONE: &[u8] = br#"{"id":"T-1","body":"I was charged twice for my order"}"#;

/// One interaction followed by newlines up to 1 MiB: a million blank items.
fn newline_batch() -> Vec<u8> {
    let mut body = br#"{"id":"N-1","body":"hi"}"#.to_vec();
    body.resize(1 << 20, b'\n');
    body
}

/// 1 MiB of tiny interactions, as JSON Lines.
fn tiny_batch(tag: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(1 << 20);
    let mut i = 0;
    loop {
        let line = format!("{{\"id\":\"{tag}-{i}\",\"body\":\"x\"}}\n");
        if body.len() + line.len() > 1 << 20 {
            return body;
        }
        body.extend_from_slice(line.as_bytes());
        i += 1;
    }
}

#[test]
fn a_batch_of_newlines_is_refused_by_the_item_cap_and_memory_stays_bounded() {
    let server = Serve::start("newlines", &[], &[]);
    assert_eq!(server.post("/v1/decide", ONE).0, 200);
    let before = server.rss();
    let body = newline_batch();
    let answers: Vec<(u16, Vec<u8>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| server.post("/v1/decide/batch", &body))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (status, body) in &answers {
        assert_eq!(*status, 413, "{}", String::from_utf8_lossy(body));
        let error = error_of(body);
        assert!(error.contains("1000-item limit (--max-batch-items)"), "{error}");
    }
    let grown = server.rss().saturating_sub(before);
    // Four 1 MiB bodies read at once, and nothing decided: far below the
    // 0.9 GB per request this used to cost.
    assert!(grown < 64 << 20, "resident memory grew by {grown} bytes");
    // The same batch within the cap but over the response cap: 413 naming it.
    let server = Serve::start("response-cap", &[], &["--max-batch-items", "2000000", "--max-response-bytes", "1000000"]);
    let before = server.rss();
    let (status, answer) = server.post("/v1/decide/batch", &body);
    assert_eq!(status, 413);
    assert!(error_of(&answer).contains("1000000-byte response limit (--max-response-bytes)"), "{}", error_of(&answer));
    let grown = server.rss().saturating_sub(before);
    assert!(grown < 128 << 20, "resident memory grew by {grown} bytes");
    assert_eq!(server.post("/v1/decide", ONE).0, 200);
}

#[test]
fn eight_huge_batches_stop_at_their_deadline_and_free_their_slots() {
    let server = Serve::start(
        "deadline",
        &[],
        &[
            "--max-batch-items",
            "100000",
            "--max-response-bytes",
            "67108864",
            "--deadline-ms",
            "2000",
            "--max-concurrency",
            "8",
        ],
    );
    let batches: Vec<Vec<u8>> = (0..8).map(tiny_batch).collect();
    let (answers, health) = std::thread::scope(|s| {
        let handles: Vec<_> = batches.iter().map(|b| s.spawn(|| server.post("/v1/decide/batch", b))).collect();
        // Health answers while every slot is busy with a batch.
        let health = server.healthz();
        (handles.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>(), health)
    });
    assert_eq!(health, 200);
    for (i, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "batch {i}: {}", String::from_utf8_lossy(&body[..body.len().min(500)]));
        let lines: Vec<Value> = body.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
        let items = batches[i].iter().filter(|&&b| b == b'\n').count();
        // One record per item, always.
        assert_eq!(lines.len(), items, "batch {i}");
        let undecided: Vec<&Value> = lines.iter().filter(|d| d["route"].is_null()).collect();
        assert!(!undecided.is_empty(), "batch {i}: every one of {items} items decided within the deadline");
        for d in &undecided {
            assert!(d["error"].as_str().unwrap().contains("deadline of 2000 ms (--deadline-ms) passed"), "{d}");
        }
        // Deciding stopped: what is undecided is the tail of the batch.
        let first = lines.iter().position(|d| d["route"].is_null()).unwrap();
        assert!(lines[first..].iter().all(|d| d["route"].is_null()), "batch {i}");
    }
    // Every slot is free again as soon as the batches are answered.
    assert_eq!(server.metric("cxr_decide_slots_busy"), Some(0.0));
    assert_eq!(server.post("/v1/decide", ONE).0, 200);
}

/// Opens `n` connections that send half a request head and stay silent.
fn half_headers(server: &Serve, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-").unwrap();
            s
        })
        .collect()
}

#[test]
fn half_header_connections_do_not_stop_health_and_are_closed() {
    // 300 half-open connections (under the default limit of 1024): health answers.
    let server = Serve::start("half-headers", &[], &[]);
    let held = half_headers(&server, 300);
    assert_eq!(server.healthz(), 200);
    assert_eq!(server.post("/v1/decide", ONE).0, 200);
    drop(held);

    // Over a small limit: the limit is logged; the header timeout closes the
    // silent connections, and health answers again.
    let server = Serve::start("conn-limit", &[], &["--log-json", "--max-connections", "50", "--header-timeout-secs", "1"]);
    let mut held = half_headers(&server, 60);
    server.wait_log("connection limit reached: 50 connections open (--max-connections)");
    assert_eq!(server.healthz(), 200);
    // The server closed them (end of stream or reset), it did not leave them waiting.
    let mut buf = [0u8; 256];
    let answer = held[0].read(&mut buf);
    assert!(
        !matches!(&answer, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "{answer:?}"
    );
}

#[test]
fn trickling_bodies_hold_no_decision_slot() {
    // One slot, no queue: were a trickling body holding the slot, every
    // other request would be a 503.
    let server = Serve::start("trickle", &[], &["--max-concurrency", "1", "--max-queue", "0", "--body-timeout-secs", "2"]);
    let mut tricklers: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":").unwrap();
            s
        })
        .collect();
    for _ in 0..5 {
        assert_eq!(server.post("/v1/decide", ONE).0, 200);
    }
    assert_eq!(server.metric("cxr_http_errors_total{kind=\"saturated\"}").unwrap_or(0.0), 0.0);
    // The body timeout answers the tricklers 408.
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&out).contains("--body-timeout-secs") {
        match tricklers[0].read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    let out = String::from_utf8_lossy(&out);
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(out.contains("--body-timeout-secs"), "{out}");
}

#[test]
fn sigterm_closes_half_open_and_idle_connections_at_once() {
    let mut server = Serve::start("sigterm", &[], &["--log-json"]);
    let _half = half_headers(&server, 20);
    // Idle keep-alive connections, each after one answered request.
    let _idle: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = server.connect();
            write!(s, "POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", ONE.len()).unwrap();
            s.write_all(ONE).unwrap();
            let mut buf = [0u8; 16];
            s.read_exact(&mut buf).unwrap();
            assert!(buf.starts_with(b"HTTP/1.1 200"));
            s
        })
        .collect();
    // The drain allows 30 s for requests being answered; none is, so the
    // process exits well before (the bound is generous, not a timing claim).
    let status = server.stop(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let logs = server.logs();
    assert!(!logs.contains("drain timeout"), "{logs}");
    assert!(logs.contains("\"stopped\""), "{logs}");
}

#[test]
fn a_repeated_x_tenant_is_a_400() {
    let server = Serve::start("tenant", &[], &[]);
    let (status, head, _) = server.request("POST", "/v1/decide", &[("X-Tenant", "default")], ONE);
    assert_eq!(status, 200);
    assert!(head.contains("x-cxr-tenant: default"), "{head}");
    for (a, b) in [("default", "default"), ("default", "acme"), ("acme", "default")] {
        for path in ["/v1/decide", "/v1/decide/batch"] {
            let (status, _, body) = server.request("POST", path, &[("X-Tenant", a), ("X-Tenant", b)], ONE);
            assert_eq!(status, 400, "{path} {a} {b}");
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["field"], "X-Tenant");
            assert!(v["error"].as_str().unwrap().contains("given 2 times"), "{v}");
        }
    }
}

/// Every line of `logs` is one JSON object; the parsed lines.
fn json_lines(logs: &str) -> Vec<Value> {
    assert!(logs.ends_with('\n'), "the log ends mid-line");
    logs.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object ({e}): {l:?}"));
            assert!(v.is_object(), "{l}");
            v
        })
        .collect()
}

#[test]
fn json_logs_stay_one_event_per_line_under_concurrent_load() {
    let mut server = Serve::start("log-load", &["-v"], &["--log-json"]);
    const THREADS: usize = 16;
    const EACH: usize = 150;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let server = &server;
            s.spawn(move || {
                for i in 0..EACH {
                    // Decisions, errors naming hostile input, batches: lines of every length.
                    let status = match i % 3 {
                        0 => server.post("/v1/decide", ONE).0,
                        1 => server.request("POST", "/v1/decide", &[("X-Tenant", &format!("no such \"tenant\" {t}"))], ONE).0,
                        _ => server.post("/v1/decide/batch", b"[{\"id\":\"a\",\"body\":\"x\"},{\"id\":\"a\",\"body\":\"y\"}]").0,
                    };
                    assert!(status == 200 || status == 404, "{status}");
                }
            });
        }
    });
    assert!(server.stop(PATIENCE).success());
    let lines = json_lines(&server.logs());
    let requests = lines.iter().filter(|v| v["message"] == "request" && v["route"].as_str().is_some_and(|r| r.starts_with("/v1/"))).count();
    assert_eq!(requests, THREADS * EACH, "one line per request");
}

#[test]
fn the_default_level_shows_an_operator_what_matters_and_no_line_per_request() {
    let mut server = Serve::start("default-level", &[], &["--log-json"]);
    for _ in 0..5 {
        assert_eq!(server.post("/v1/decide", ONE).0, 200);
    }
    server.signal("HUP");
    server.wait_log("\"reloaded\"");
    assert!(server.stop(PATIENCE).success());
    let lines = json_lines(&server.logs());
    let messages: Vec<&str> = lines.iter().filter_map(|v| v["message"].as_str()).collect();
    for wanted in ["listening", "reloaded", "stopped"] {
        assert!(messages.contains(&wanted), "{wanted} missing from {messages:?}");
    }
    assert!(!messages.contains(&"request"), "{messages:?}");
}

#[test]
fn shedding_is_logged_at_the_default_level() {
    // No slot can be waited for, and the batches hold the single slot.
    let server = Serve::start(
        "shedding",
        &[],
        &["--log-json", "--max-concurrency", "1", "--max-queue", "0", "--max-batch-items", "100000", "--max-response-bytes", "67108864"],
    );
    let batch = tiny_batch(0);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6).map(|_| s.spawn(|| server.post("/v1/decide/batch", &batch).0)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.contains(&503), "{statuses:?}");
    let logs = server.wait_log("shedding load");
    assert!(logs.contains("(--max-concurrency 1)"), "{logs}");
    json_lines(&logs);
}
