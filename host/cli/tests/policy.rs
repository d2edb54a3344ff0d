//! One input policy through every front end: `tests/policy/inputs.jsonl`
//! (repeated ids, a blank line, unreadable lines), decided with a fixed
//! `now` and a request id by the command line, by `cxr serve` over HTTP
//! (a batch, and one interaction), and by `cxr worker` on a real
//! nats-server, gives the same decisions and the same error records (the
//! worker's error records are its dead letters, with the same problem and
//! kind). The Python package is checked against the same file by
//! `host/python/tests/test_policy.py`.

mod nats;
mod serve_process;

use nats::{Nats, Out, Worker};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const NOW: &str = "2026-11-22T10:00:00Z";
const REQUEST_ID: &str = "policy-test";

fn inputs() -> PathBuf {
    nats::workspace().join("tests/policy/inputs.jsonl")
}

/// A decision or record without what measures the calls rather than
/// decides (time, fuel and memory per call: a reused instance's warm
/// caches make later calls cheaper) and without its position (`line`).
fn comparable(mut d: Value) -> Value {
    let obj = d.as_object_mut().expect("a JSON object");
    obj.remove("line");
    if let Some(trace) = obj.get_mut("trace").and_then(Value::as_array_mut) {
        for t in trace {
            let t = t.as_object_mut().unwrap();
            for measured in ["micros", "fuel", "memory_bytes"] {
                t.remove(measured);
            }
        }
    }
    d
}

/// The problem of an error record, without its position (`line 4: `, `[3]: `).
fn problem(error: &str) -> &str {
    error.split_once(": ").map_or(error, |(_, p)| p)
}

/// `cxr route` on the inputs.
fn cli_records() -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["route", "--quiet", "--jobs", "2", "--now", NOW, "--request-id", REQUEST_ID])
        .arg(inputs())
        .env("CXR_CACHE_DIR", nats::cache_dir())
        .output()
        .expect("cxr runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// What the command line gives: one record per line, the decisions and
/// error records the policy says.
#[test]
fn the_command_line_applies_the_policy() {
    let r = cli_records();
    assert_eq!(r.len(), 7, "one record per line");
    for (i, d) in r.iter().enumerate() {
        assert_eq!(d["line"], i as u64 + 1);
        assert_eq!(d["request_id"], REQUEST_ID, "line {}", i + 1);
    }
    for i in [0, 2, 6] {
        assert!(d_ok(&r[i]), "line {} is decided: {}", i + 1, r[i]);
    }
    assert_eq!(r[1]["error"], "line 2: empty (no interaction)");
    assert_eq!(r[1]["error_kind"], "input");
    assert_eq!(r[3]["id"], "P-1");
    assert_eq!(r[3]["error"], "line 4: duplicate id \"P-1\" (first seen on line 1)");
    assert_eq!(r[3]["error_kind"], "duplicate");
    assert!(r[4]["error"].as_str().unwrap().starts_with("line 5: field `body`"), "{}", r[4]);
    assert!(r[5]["error"].as_str().unwrap().starts_with("line 6: invalid JSON"), "{}", r[5]);
    for i in [1, 3, 4, 5] {
        assert!(r[i]["route"].is_null());
    }
    // The fixed `now` decides the first response due time.
    assert!(r[0]["priority"]["first_response_due"].as_str().unwrap().starts_with("2026-11-2"), "{}", r[0]);
}

fn d_ok(d: &Value) -> bool {
    d["error"].is_null() && d["error_kind"].is_null() && d["route"]["queue"].is_string()
}

/// One HTTP/1.1 request over loopback; the status and the body.
fn http(addr: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("a status");
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// A `cxr serve` child process, killed (by its own id) when dropped.
struct Serve(std::process::Child);

impl Serve {
    /// `cxr serve` on a free loopback port with `args`, and its address once it listens.
    fn start(args: &[&str]) -> (Serve, String) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cxr"));
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("CXR_CACHE_DIR", nats::cache_dir())
            .stderr(Stdio::null());
        let (child, addr) = serve_process::spawn_listening(&mut command, String::new);
        (Serve(child), addr)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn http_gives_the_decisions_and_error_records_of_the_command_line() {
    let cli = cli_records();
    let (_server, addr) = Serve::start(&[]);
    let body = std::fs::read_to_string(inputs()).unwrap();

    // The JSON Lines batch, `now` and the request id as headers: the very records of the CLI.
    let (status, head, out) = http(&addr, "/v1/decide/batch", &[("Cxr-Now", NOW), ("Cxr-Request-Id", REQUEST_ID)], &body);
    assert_eq!(status, 200, "{out}");
    assert!(head.contains("cxr-request-id: policy-test"), "{head}");
    let batch: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(batch.len(), cli.len());
    for (h, c) in batch.iter().zip(&cli) {
        assert_eq!(h["line"], c["line"]);
        assert_eq!(comparable(h.clone()), comparable(c.clone()));
    }

    // The same lines as a JSON array: positions `[i]`, the same problems, kinds and decisions.
    let elements: Vec<String> = body
        .lines()
        .map(|l| if l.trim().is_empty() || serde_json::from_str::<Value>(l).is_err() { format!("{:?}", l) } else { l.to_string() })
        .collect();
    let (status, _, out) = http(&addr, &format!("/v1/decide/batch?now={NOW}"), &[("X-Request-Id", REQUEST_ID)], &format!("[{}]", elements.join(",")));
    assert_eq!(status, 200, "{out}");
    let array: Vec<Value> = serde_json::from_str(&out).unwrap();
    for (i, (a, c)) in array.iter().zip(&cli).enumerate() {
        assert_eq!(a["error_kind"], c["error_kind"], "element {i}");
        assert_eq!(a["request_id"], REQUEST_ID);
        match c["error"].as_str() {
            None => assert_eq!(comparable(a.clone()), comparable(c.clone()), "element {i}"),
            Some(e) if c["error_kind"] == "duplicate" => {
                assert_eq!(a["error"], format!("[{i}]: duplicate id \"P-1\" (first seen at [0])"));
                assert!(e.ends_with("(first seen on line 1)"));
            }
            // Strings that are not interactions read as JSON values of the wrong kind.
            Some(_) if i == 1 || i == 5 => assert!(a["error"].as_str().unwrap().starts_with(&format!("[{i}]: expected a JSON object")), "{a}"),
            Some(e) => assert_eq!(problem(a["error"].as_str().unwrap()), problem(e), "element {i}"),
        }
    }

    // One interaction: the decision of its line; a blank body is a 400 with the same problem.
    let first = body.lines().next().unwrap();
    let (status, head, out) = http(&addr, &format!("/v1/decide?now={NOW}"), &[("Cxr-Request-Id", REQUEST_ID)], first);
    assert_eq!(status, 200, "{out}");
    assert!(head.contains("cxr-request-id: policy-test"), "{head}");
    assert_eq!(comparable(serde_json::from_str(&out).unwrap()), comparable(cli[0].clone()));
    let (status, _, out) = http(&addr, "/v1/decide", &[], "  ");
    assert_eq!(status, 400);
    let error: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(error["error"], problem(cli[1]["error"].as_str().unwrap()));

    // A bad time or request id is a 400 naming it.
    let (status, _, out) = http(&addr, "/v1/decide", &[("Cxr-Now", "yesterday")], first);
    assert_eq!(status, 400);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["field"], "Cxr-Now");
    let (status, _, out) = http(&addr, "/v1/decide", &[("Cxr-Request-Id", "a b")], first);
    assert_eq!(status, 400);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["field"], "Cxr-Request-Id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_gives_the_decisions_and_error_records_of_the_command_line() {
    let Some(bin) = nats::nats_server() else { return };
    let cli = cli_records();
    let broker = Nats::start(&bin);
    // One message at a time, so that "first seen" is the first line.
    let _worker = Worker::start(&broker.url(), &["--max-in-flight", "1", "--batch", "1", "--jobs", "1"]);
    let (_client, js) = nats::client(&broker.url()).await;
    let body = std::fs::read_to_string(inputs()).unwrap();
    let messages: Vec<Out> = body
        .lines()
        .enumerate()
        .map(|(i, l)| {
            // `cxr.in.default`: the default tenant, no channel from the subject.
            let mut m = Out::new("cxr.in.default", &format!("policy-{i}"), l.as_bytes().to_vec());
            m.headers.insert("Cxr-Now", NOW);
            m.headers.insert("Cxr-Request-Id", REQUEST_ID);
            m
        })
        .collect();
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", 7, Duration::from_secs(120), "every line decided or dead-lettered").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), 7, "one output per message");
    // In input order: one message at a time.
    for (i, (m, c)) in stored.iter().zip(&cli).enumerate() {
        assert_eq!(m.header("Cxr-Request-Id"), Some(REQUEST_ID), "line {}", i + 1);
        match c["error"].as_str() {
            None => {
                assert!(m.subject.starts_with("cxr.out."), "line {}: {}", i + 1, m.subject);
                assert_eq!(comparable(m.json()), comparable(c.clone()), "line {}", i + 1);
            }
            Some(e) => {
                let reason = if c["error_kind"] == "duplicate" { "duplicate_id" } else { "bad_input" };
                assert_eq!(m.subject, format!("cxr.dlq.{reason}"), "line {}", i + 1);
                assert_eq!(m.header("Cxr-Error-Kind"), c["error_kind"].as_str(), "line {}", i + 1);
                let error = m.header("Cxr-Error").unwrap();
                if reason == "duplicate_id" {
                    assert!(error.starts_with("duplicate id \"P-1\" (first seen at CXR_IN:"), "{error}");
                } else {
                    assert_eq!(error, problem(e), "line {}", i + 1);
                }
                assert_eq!(m.payload.as_ref(), body.lines().nth(i).unwrap().as_bytes(), "the original payload");
            }
        }
    }
}

/// A stage that fails degrades alike everywhere: the reference pipeline with
/// a sentiment plugin returning an out-of-contract score, on four examples
/// (fewer distinct customers than quarantine needs), gives the same decisions
/// (neutral sentiment, `degraded` naming the stage, plugin and error, the
/// other stages' results) from `cxr route`, `cxr serve` and `cxr worker`.
/// The Python package is checked against `cxr route` by
/// `test_a_degraded_stage_is_the_decision_cxr_route_makes` in
/// `host/python/tests/test_sandbox.py`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_degraded_stage_reads_the_same_through_every_front_end() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("policy-degraded");
    std::fs::create_dir_all(&dir).unwrap();
    let reference = std::fs::read_to_string(nats::workspace().join("examples/pipeline.toml")).unwrap();
    let hostile = format!("[sentiment]\nplugin = {:?}\nconfig = {{ mode = \"score-7\" }}\n", cxr_e2e::HOSTILE_WASM);
    let edited = reference.replace("[sentiment]\nplugin = \"builtin:sentiment\"\n", &hostile);
    assert_ne!(edited, reference, "the reference pipeline names builtin:sentiment");
    let pipeline = dir.join("pipeline.toml");
    std::fs::write(&pipeline, edited).unwrap();
    let pipeline = pipeline.to_str().unwrap();
    let examples = std::fs::read_to_string(nats::workspace().join("examples/interactions.jsonl")).unwrap();
    let lines: Vec<&str> = examples.lines().take(4).collect();
    let input = dir.join("four.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["route", "--quiet", "--jobs", "1", "--now", NOW, "--pipeline", pipeline])
        .arg(&input)
        .env("CXR_CACHE_DIR", nats::cache_dir())
        .output()
        .expect("cxr runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(cli.len(), 4);
    for d in &cli {
        assert!(d_ok(d), "decided: {d}");
        assert_eq!(d["sentiment"]["label"], "neutral", "{d}");
        assert_eq!(d["degraded"][0]["stage"], "sentiment", "{d}");
        assert_eq!(d["degraded"][0]["plugin"], "cxr-test-hostile", "{d}");
    }

    // Over HTTP: a batch and one interaction.
    {
        let (_server, addr) = Serve::start(&["--pipeline", pipeline]);
        let (status, _, out) = http(&addr, &format!("/v1/decide/batch?now={NOW}"), &[], &(lines.join("\n") + "\n"));
        assert_eq!(status, 200, "{out}");
        let batch: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(batch.len(), 4);
        for (h, c) in batch.iter().zip(&cli) {
            assert_eq!(comparable(h.clone()), comparable(c.clone()));
        }
        let (status, _, out) = http(&addr, &format!("/v1/decide?now={NOW}"), &[], lines[0]);
        assert_eq!(status, 200, "{out}");
        assert_eq!(comparable(serde_json::from_str(&out).unwrap()), comparable(cli[0].clone()));
    }

    // On NATS: one message at a time, in order.
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let _worker = Worker::start(&broker.url(), &["--pipeline", pipeline, "--max-in-flight", "1", "--batch", "1", "--jobs", "1"]);
    let (_client, js) = nats::client(&broker.url()).await;
    let messages: Vec<Out> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut m = Out::new("cxr.in.default", &format!("degraded-{i}"), l.as_bytes().to_vec());
            m.headers.insert("Cxr-Now", NOW);
            m
        })
        .collect();
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", 4, Duration::from_secs(120), "four decisions").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), 4, "one output per message");
    for (m, c) in stored.iter().zip(&cli) {
        assert!(m.subject.starts_with("cxr.out."), "a decision, not a dead letter: {}", m.subject);
        assert_eq!(comparable(m.json()), comparable(c.clone()));
    }
}
