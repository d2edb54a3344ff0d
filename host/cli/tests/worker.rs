//! `cxr worker` against a real nats-server: every interaction yields
//! exactly one stored decision or dead letter, through two workers, a
//! worker SIGKILLed mid-stream, poison messages, retries up to
//! `--max-deliver`, a broker restart, reloads and a graceful stop.
//!
//! The tests need `nats-server` (see `nats::nats_server`); they run one at a
//! time, each with its own server, and stop every process they start.

mod nats;

use nats::{Nats, Out, Stored, Worker};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

/// One test at a time: each starts a broker and workers that use every core.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The id a stored decision or dead letter stands for: a decision's key is
/// `TENANT:ID`; a dead letter's is `DLQ:STREAM:SEQUENCE`, the id the input
/// was published with in `Cxr-Original-Msg-Id`.
fn key(m: &Stored) -> String {
    let stored_as = m.header("Nats-Msg-Id").expect("every output has a Nats-Msg-Id");
    if m.subject.starts_with("cxr.dlq.") {
        assert!(stored_as.starts_with("DLQ:CXR_IN:"), "a dead letter has a key of its own: {stored_as}");
        return m.header("Cxr-Original-Msg-Id").expect("the input's Nats-Msg-Id is kept").to_string();
    }
    let tenant = m.header("Cxr-Tenant").expect("a decision names its tenant");
    stored_as
        .strip_prefix(&format!("{tenant}:"))
        .unwrap_or_else(|| panic!("a decision's key is TENANT:ID, not {stored_as}"))
        .to_string()
}

/// The SHA-256 of `bytes`, lowercase hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Checks that `stored` holds exactly one record per expected id, each
/// decision a decision for that id, and returns them by id.
fn exactly_once(stored: &[Stored], expected: &BTreeSet<String>) -> BTreeMap<String, Stored> {
    let mut by_id = BTreeMap::new();
    for m in stored {
        if let Some(previous) = by_id.insert(key(m), m.clone()) {
            panic!("two records for {}: {} and {}", key(m), previous.subject, m.subject);
        }
    }
    let got: BTreeSet<String> = by_id.keys().cloned().collect();
    let missing: Vec<_> = expected.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(expected).take(10).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, unexpected {extra:?}");
    for (id, m) in &by_id {
        if let Some(queue) = m.subject.strip_prefix("cxr.out.") {
            let d = m.json();
            assert_eq!(d["id"].as_str(), Some(id.as_str()), "{}", m.subject);
            assert_eq!(d["route"]["queue"].as_str(), Some(queue), "the subject names the decision's queue");
            assert_eq!(m.header("Cxr-Queue"), Some(queue));
        } else {
            assert!(m.subject.starts_with("cxr.dlq."), "{}", m.subject);
        }
    }
    by_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_give_exactly_one_decision_or_dead_letter_per_interaction() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    // Only --nats: every default must work.
    let mut a = Worker::start(&broker.url(), &[]);
    let mut b = Worker::start(&broker.url(), &[]);
    let (_client, js) = nats::client(&broker.url()).await;

    let good = nats::interactions("two", 3000);
    let mut expected = BTreeSet::new();
    let mut messages = Vec::new();
    for (i, (id, json)) in good.iter().enumerate() {
        let subject = ["cxr.in.chat", "cxr.in.email", "cxr.in.sms"][i % 3];
        messages.push(Out::new(subject, id, json.clone()));
        expected.insert(id.clone());
        if i % 100 == 50 {
            let bad = format!("bad-{i}");
            let payload = if i % 200 == 50 {
                "{\"id\": \"cut".to_string()
            } else {
                format!("{{\"id\":\"{bad}\",\"channel\":\"fax\",\"body\":\"hi\"}}")
            };
            messages.push(Out::new("cxr.in.chat", &bad, payload));
            expected.insert(bad);
        }
    }
    let total = expected.len() as u64;
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", total, Duration::from_secs(240), "two workers").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len() as u64, total, "nothing stored twice");
    let by_id = exactly_once(&stored, &expected);
    let dead: Vec<_> = by_id.values().filter(|m| m.subject.starts_with("cxr.dlq.")).collect();
    assert_eq!(dead.len(), 30, "the malformed interactions, and only them, are dead letters");
    for m in dead {
        assert_eq!(m.subject, "cxr.dlq.bad_input");
        assert!(key(m).starts_with("bad-"));
        let error = m.header("Cxr-Error").unwrap();
        assert!(error.contains("invalid JSON") || error.contains("field `channel`"), "{error}");
    }
    // The subject's channel fills in an interaction without one.
    let d = by_id["two-1"].json();
    assert!(
        d["reasons"].to_string().contains("channel email"),
        "two-1 was published to cxr.in.email without a channel: {d}"
    );

    // Every input was acknowledged: the work queue is empty.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while nats::count(&js, "CXR_IN").await > 0 {
        assert!(std::time::Instant::now() < deadline, "inputs left unacknowledged in CXR_IN");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for w in [&mut a, &mut b] {
        let status = w.terminate(Duration::from_secs(40));
        assert!(status.success(), "SIGTERM exits 0, got {status}:\n{}", w.stderr());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_stream_loses_nothing() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let mut a = Worker::start(&broker.url(), &["--ack-wait-secs", "2"]);
    let b = Worker::start(&broker.url(), &["--ack-wait-secs", "2", "--metrics-listen", "127.0.0.1:0"]);
    let (_client, js) = nats::client(&broker.url()).await;

    let items = nats::interactions("kill", 2400);
    let expected: BTreeSet<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let messages = items.into_iter().map(|(id, json)| Out::new("cxr.in.chat", &id, json)).collect();
    let publishing = {
        let js = js.clone();
        tokio::spawn(async move { nats::publish_all(&js, messages).await })
    };
    nats::wait_for(&js, "CXR_OUT", 800, Duration::from_secs(120), "before the kill").await;
    a.kill();
    publishing.await.unwrap();
    nats::wait_for(&js, "CXR_OUT", 2400, Duration::from_secs(120), "after the kill").await;
    tokio::time::sleep(Duration::from_secs(3)).await; // anything redelivered late is deduplicated, not stored
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), 2400, "each decision stored once");
    exactly_once(&stored, &expected);
    // What the killed worker held was redelivered to the other one.
    let (_, text) = nats::http_get(b.metrics.as_ref().unwrap(), "/metrics").await;
    let redelivered = nats::metric(&text, "cxr_worker_redelivered_total").unwrap_or(0.0);
    assert!(redelivered > 0.0, "no redelivery after the kill:\n{text}");
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_messages_are_dead_lettered_with_their_reason_payload_and_headers() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let tenants = nats::scratch("tenants");
    let reference = std::fs::read_to_string(nats::workspace().join("examples/pipeline.toml")).unwrap();
    std::fs::write(tenants.join("default.toml"), &reference).unwrap();
    std::fs::write(tenants.join("acme.toml"), &reference).unwrap();
    let w = Worker::start(&broker.url(), &["--config-dir", tenants.to_str().unwrap()]);
    let (_client, js) = nats::client(&broker.url()).await;

    let cases: Vec<(&str, &str, Vec<u8>, &str, &str)> = vec![
        // (subject, id, payload, reason, error contains)
        ("cxr.in.chat", "p-json", b"I am not JSON".to_vec(), "bad_input", "invalid JSON"),
        ("cxr.in.chat", "p-array", b"[1, 2]".to_vec(), "bad_input", "expected a JSON object"),
        ("cxr.in.chat", "p-nobody", br#"{"id":"p-nobody"}"#.to_vec(), "bad_input", "field `body`: is required"),
        (
            "cxr.in.chat",
            "p-csat",
            br#"{"id":"p-csat","body":"hi","customer":{"last_csat":9}}"#.to_vec(),
            "bad_input",
            "customer.last_csat",
        ),
        ("cxr.in.chat", "p-utf8", b"{\"id\":\"p-utf8\",\"body\":\"caf\xe9\"}".to_vec(), "bad_input", "invalid UTF-8 at byte"),
        ("cxr.in.zzz.chat", "p-tenant", br#"{"id":"p-tenant","body":"hi"}"#.to_vec(), "unknown_tenant", "zzz"),
        ("cxr.in.chat", "p-header", br#"{"id":"p-header","body":"hi"}"#.to_vec(), "unknown_tenant", "nope"),
        ("cxr.in.chat", "p-crlf", br#"{"id":"p-crlf","body":"hi","channel":"fax\r\nX-Forged: 1"}"#.to_vec(), "bad_input", "channel"),
    ];
    let mut messages = Vec::new();
    for (subject, id, payload, _, _) in &cases {
        let mut m = Out::new(subject, id, payload.clone());
        m.headers.insert("X-Platform", "p1");
        // A directive for the input stream that the output stream would refuse.
        m.headers.insert("Nats-Expected-Stream", "CXR_IN");
        if *id == "p-header" {
            m.headers.insert("Cxr-Tenant", "nope");
        }
        messages.push(m);
    }
    // A good one for tenant acme, named by the subject, channel from the subject.
    messages.push(Out::new("cxr.in.acme.sms", "good-acme", r#"{"id":"T-9","body":"Where is my parcel?"}"#));
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", cases.len() as u64 + 1, Duration::from_secs(60), "poison").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), cases.len() + 1);
    for (subject, id, payload, reason, error) in &cases {
        let m = stored
            .iter()
            .find(|m| m.header("Cxr-Original-Msg-Id") == Some(*id))
            .unwrap_or_else(|| panic!("no dead letter for {id}"));
        assert_eq!(m.subject, format!("cxr.dlq.{reason}"), "{id}");
        assert_eq!(m.payload.as_ref(), payload.as_slice(), "{id}: the original payload");
        assert_eq!(m.header("Cxr-Original-Size"), Some(payload.len().to_string().as_str()), "{id}");
        assert_eq!(m.header("Cxr-Original-Sha256"), Some(sha256(payload).as_str()), "{id}");
        assert!(m.header("Cxr-Truncated").is_none(), "{id}: a small payload is kept whole");
        assert_eq!(m.header("X-Platform"), Some("p1"), "{id}: the original headers");
        assert_eq!(m.header("Cxr-Reason"), Some(*reason));
        assert_eq!(m.header("Cxr-Source-Subject"), Some(*subject));
        assert!(m.header("Nats-Expected-Stream").is_none());
        let e = m.header("Cxr-Error").unwrap();
        assert!(e.contains(error), "{id}: {e:?} should contain {error:?}");
        assert!(m.header("X-Forged").is_none());
    }
    let good = stored.iter().find(|m| m.subject.starts_with("cxr.out.")).expect("the good one is decided");
    assert_eq!(good.header("Nats-Msg-Id"), Some("acme:T-9"), "ids are qualified by their tenant");
    assert_eq!(good.header("Cxr-Tenant"), Some("acme"));
    assert!(good.json()["reasons"].to_string().contains("channel sms"), "{}", good.json());
    assert!(w.stderr().contains("dead letter"), "dead letters are logged");
    let _ = std::fs::remove_dir_all(&tenants);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_that_cannot_be_stored_are_retried_then_dead_lettered() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let (_client, js) = nats::client(&broker.url()).await;
    // The operator's output stream stores dead letters only: decisions get
    // no acknowledgement, a transient failure.
    nats::create_stream(&js, "DLQ_ONLY", &["cxr.dlq.>"]).await;
    let w = Worker::start(
        &broker.url(),
        &["--out-stream", "DLQ_ONLY", "--max-deliver", "3", "--retry-backoff-ms", "100", "--publish-timeout-ms", "1000"],
    );
    nats::publish_all(&js, vec![Out::new("cxr.in.chat", "r-1", r#"{"id":"r-1","body":"Where is my parcel?"}"#)]).await;
    nats::wait_for(&js, "DLQ_ONLY", 1, Duration::from_secs(60), "retries").await;
    let stored = nats::read_all(&js, "DLQ_ONLY").await;
    let m = &stored[0];
    assert_eq!(m.subject, "cxr.dlq.max_deliver");
    assert_eq!(m.header("Cxr-Original-Msg-Id"), Some("r-1"));
    assert!(m.header("Nats-Msg-Id").unwrap().starts_with("DLQ:CXR_IN:"), "{:?}", m.header("Nats-Msg-Id"));
    assert_eq!(m.header("Cxr-Deliveries"), Some("3"));
    assert!(m.header("Cxr-Error").unwrap().contains("cxr.out."), "{:?}", m.header("Cxr-Error"));
    let logs = w.stderr();
    assert!(logs.contains("retrying in 100 ms") && logs.contains("retrying in 200 ms"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_restart_is_survived() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let mut broker = Nats::start(&bin);
    let mut w = Worker::start(&broker.url(), &["--ack-wait-secs", "2", "--metrics-listen", "127.0.0.1:0"]);
    let (_client, js) = nats::client(&broker.url()).await;
    let items = nats::interactions("restart", 1500);
    let expected: BTreeSet<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let mut messages: Vec<Out> = items.into_iter().map(|(id, json)| Out::new("cxr.in.chat", &id, json)).collect();
    let later = messages.split_off(1000);
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", 300, Duration::from_secs(120), "before the restart").await;
    broker.kill();
    tokio::time::sleep(Duration::from_secs(1)).await;
    broker.restart();
    nats::wait_for(&js, "CXR_OUT", 1000, Duration::from_secs(120), "after the restart").await;
    nats::publish_all(&js, later).await;
    nats::wait_for(&js, "CXR_OUT", 1500, Duration::from_secs(120), "published after the restart").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), 1500);
    exactly_once(&stored, &expected);
    assert!(w.running(), "the worker outlives the broker restart");
    let (code, _) = nats::http_get(w.metrics.as_ref().unwrap(), "/readyz").await;
    assert_eq!(code, 200, "ready again once reconnected");
    let status = w.terminate(Duration::from_secs(40));
    assert!(status.success(), "{status}:\n{}", w.stderr());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_tenants_and_keeps_the_old_pipeline_on_a_bad_file_and_metrics_tell() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let dir = nats::scratch("reload");
    std::fs::write(dir.join("acme.toml"), nats::fallback_pipeline("acme-a")).unwrap();
    let mut w = Worker::start(
        &broker.url(),
        &["--config-dir", dir.to_str().unwrap(), "--metrics-listen", "127.0.0.1:0"],
    );
    let addr = w.metrics.clone().expect("the metrics address is printed");
    let (_client, js) = nats::client(&broker.url()).await;
    let body = r#"{"id":"ID","body":"Where is my parcel?"}"#;
    let send = |id: &str, subject: &str| Out::new(subject, id, body.replace("ID", id));
    let queue_of = |stored: &[Stored], id: &str| {
        stored
            .iter()
            .find(|m| m.json()["id"] == id)
            .map(|m| m.subject.clone())
            .unwrap_or_else(|| panic!("no record for {id}"))
    };
    let reloads = |text: &str| {
        ["ok", "partial", "failed"]
            .iter()
            .filter_map(|o| nats::metric(text, &format!("cxr_reloads_total{{outcome=\"{o}\"}}")))
            .sum::<f64>()
    };
    let wait_reloads = |n: f64| {
        let addr = addr.clone();
        async move {
            for _ in 0..300 {
                if reloads(&nats::http_get(&addr, "/metrics").await.1) >= n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("no reload {n} within 30 s");
        }
    };

    nats::publish_all(&js, vec![send("r1", "cxr.in.acme")]).await;
    nats::wait_for(&js, "CXR_OUT", 1, Duration::from_secs(60), "first").await;
    assert_eq!(queue_of(&nats::read_all(&js, "CXR_OUT").await, "r1"), "cxr.out.acme-a");

    std::fs::write(dir.join("acme.toml"), "this is [not a pipeline").unwrap();
    w.signal("HUP");
    wait_reloads(1.0).await;
    nats::publish_all(&js, vec![send("r2", "cxr.in.acme")]).await;
    nats::wait_for(&js, "CXR_OUT", 2, Duration::from_secs(60), "after a bad reload").await;
    assert_eq!(
        queue_of(&nats::read_all(&js, "CXR_OUT").await, "r2"),
        "cxr.out.acme-a",
        "the old pipeline keeps deciding"
    );
    assert!(w.stderr().contains("acme"), "the failed reload is logged");

    std::fs::write(dir.join("acme.toml"), nats::fallback_pipeline("acme-b")).unwrap();
    std::fs::write(dir.join("beta.toml"), nats::fallback_pipeline("beta-q")).unwrap();
    w.signal("HUP");
    wait_reloads(2.0).await;
    nats::publish_all(&js, vec![send("r3", "cxr.in.acme"), send("r4", "cxr.in.beta.chat")]).await;
    nats::wait_for(&js, "CXR_OUT", 4, Duration::from_secs(60), "after a good reload").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(queue_of(&stored, "r3"), "cxr.out.acme-b");
    assert_eq!(queue_of(&stored, "r4"), "cxr.out.beta-q");

    // Observability.
    tokio::time::sleep(Duration::from_secs(6)).await; // one lag poll at least
    let (code, text) = nats::http_get(&addr, "/metrics").await;
    assert_eq!(code, 200);
    assert_eq!(nats::metric(&text, "cxr_worker_processed_total{outcome=\"decided\"}"), Some(4.0), "{text}");
    assert_eq!(nats::metric(&text, "cxr_worker_acked_total"), Some(4.0), "{text}");
    assert_eq!(nats::metric(&text, "cxr_worker_consumer_pending"), Some(0.0), "{text}");
    assert_eq!(nats::metric(&text, "cxr_worker_broker_connected"), Some(1.0), "{text}");
    // The decision metrics have the names `cxr serve` uses, per tenant and per hook.
    let decided = |tenant: &str| nats::metric(&text, &format!("cxr_decision_seconds_count{{tenant=\"{tenant}\"}}")).unwrap_or(0.0);
    assert_eq!(decided("acme") + decided("beta"), 4.0, "{text}");
    assert!(
        nats::metric(&text, "cxr_hook_duration_seconds_count{tenant=\"acme\",plugin=\"cxr-sentiment\",hook=\"sentiment\"}").is_some_and(|n| n >= 3.0),
        "{text}"
    );
    assert_eq!(nats::metric(&text, "cxr_fallbacks_total{tenant=\"beta\"}"), Some(1.0), "{text}");
    let (code, health) = nats::http_get(&addr, "/healthz").await;
    assert_eq!(code, 200);
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["broker"], "connected");
    let names: Vec<_> = health["tenants"].as_array().unwrap().iter().map(|t| t["tenant"].clone()).collect();
    assert_eq!(names, ["acme", "beta"]);
    let status = w.terminate(Duration::from_secs(40));
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_platform_example_publishes_and_reads_every_decision() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let Some(python) = nats::python_with_nats() else { return };
    let broker = Nats::start(&bin);
    let w = Worker::start(&broker.url(), &[]);
    let root = nats::workspace();
    let out = tokio::process::Command::new(&python)
        .arg(root.join("examples/nats_platform.py"))
        .args(["--nats", &broker.url(), "--timeout", "60"])
        .arg(root.join("examples/interactions.jsonl"))
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = std::fs::read_to_string(root.join("examples/interactions.jsonl")).unwrap();
    let ids: BTreeSet<String> = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    let decided: BTreeSet<String> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(decided, ids, "one decision printed per interaction");
    drop(w);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_in_flight_limit_makes_work_wait_in_the_stream_not_fail() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let mut w = Worker::start(&broker.url(), &["--max-in-flight", "2", "--batch", "1", "--jobs", "1"]);
    let (_client, js) = nats::client(&broker.url()).await;
    let items = nats::interactions("tight", 600);
    let expected: BTreeSet<String> = items.iter().map(|(id, _)| id.clone()).collect();
    nats::publish_all(&js, items.into_iter().map(|(id, json)| Out::new("cxr.in.chat", &id, json)).collect()).await;
    nats::wait_for(&js, "CXR_OUT", 600, Duration::from_secs(120), "a burst 300 times the limit").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    let by_id = exactly_once(&stored, &expected);
    assert!(by_id.values().all(|m| m.subject.starts_with("cxr.out.")), "every one decided, none refused");
    assert!(w.terminate(Duration::from_secs(40)).success());
}

/// With `[privacy]` on, personal data in fields that fail validation,
/// attribute keys, `language` or the customer's id reaches no decision, no
/// dead-letter header (`Cxr-Error` above all) and no log line of the worker.
/// (A dead letter's payload is the original message, for replay.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_nothing_leaks_into_dead_letter_headers_decisions_or_logs() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let tenants = nats::scratch("privacy-tenants");
    let stage = format!("plugin = {:?}\nconfig = {{ mode = \"echo\" }}\n", cxr_e2e::HOSTILE_WASM);
    std::fs::write(
        tenants.join("default.toml"),
        format!(
            "name = \"private\"\n[fallback]\nqueue = \"general\"\n[sentiment]\n{stage}[priority]\n{stage}[[routers]]\n{stage}\
             [privacy]\nmask = [\"card\", \"iban\", \"email\", \"phone\"]\n"
        ),
    )
    .unwrap();
    let w = Worker::start(&broker.url(), &["--config-dir", tenants.to_str().unwrap()]);
    let (_client, js) = nats::client(&broker.url()).await;
    let root = nats::workspace();
    let input = std::fs::read_to_string(root.join("tests/privacy/leaks.jsonl")).unwrap();
    let values: Vec<String> = std::fs::read_to_string(root.join("tests/privacy/leaks-values.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let lines: Vec<&str> = input.lines().collect();
    let messages = lines.iter().enumerate().map(|(i, l)| Out::new("cxr.in.chat", &format!("leak-{i}"), l.to_string())).collect();
    nats::publish_all(&js, messages).await;
    nats::wait_for(&js, "CXR_OUT", lines.len() as u64, Duration::from_secs(60), "privacy").await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), lines.len());
    let mut dead = 0;
    for m in &stored {
        let mut seen = m.subject.clone();
        for (name, vs) in m.headers.iter() {
            for v in vs {
                seen.push_str(&format!("\n{}: {}", AsRef::<str>::as_ref(name), v.as_str()));
            }
        }
        if m.subject.starts_with("cxr.dlq.") {
            dead += 1;
            assert_eq!(m.header("Cxr-Reason"), Some("bad_input"), "{seen}");
        } else {
            seen.push_str(&String::from_utf8_lossy(&m.payload));
        }
        for v in &values {
            assert!(!seen.contains(v.as_str()), "{v:?} leaked:\n{seen}");
        }
    }
    assert_eq!(dead, 11, "ten fields that fail validation and one message that is not JSON");
    let logs = w.stderr();
    assert!(logs.contains("dead letter"), "{logs}");
    for v in &values {
        assert!(!logs.contains(v.as_str()), "{v:?} leaked into the worker's log:\n{logs}");
    }
    let _ = std::fs::remove_dir_all(&tenants);
}

/// The issue's reproduction: messages within a few hundred bytes of the
/// broker's `max_payload` (1 MiB), more of them than `max_ack_pending`,
/// could be neither decided nor dead-lettered and stopped the consumer.
/// Now each is dead-lettered once, its payload cut to
/// `--dead-letter-max-bytes` with its size and digest in headers, and
/// acknowledged; the interactions published after them are all decided.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_limit_messages_are_dead_lettered_bounded_and_never_stop_the_fleet() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let mut w = Worker::start(
        &broker.url(),
        &["--max-ack-pending", "2", "--max-deliver", "2", "--retry-backoff-ms", "100", "--ack-wait-secs", "5"],
    );
    let (client, js) = nats::client(&broker.url()).await;
    let max_payload = client.server_info().max_payload;
    assert_eq!(max_payload, 1 << 20, "the broker's default max_payload");
    let mut messages = Vec::new();
    let mut big = BTreeMap::new();
    for i in 0..6 {
        let id = format!("huge-{i}");
        let mut m = Out::new("cxr.in.chat", &id, bytes::Bytes::new());
        m.headers.insert("X-Platform", "p1");
        let room = max_payload - 400 - i;
        m.payload = if i % 2 == 0 {
            // Not JSON: bad_input, near the limit.
            bytes::Bytes::from(vec![b'x'; room])
        } else {
            // A valid interaction whose id makes its decision too large to publish.
            let pad = "i".repeat(room - 40);
            bytes::Bytes::from(format!("{{\"id\":\"{pad}\",\"body\":\"hi\"}}"))
        };
        big.insert(id, m.payload.clone());
        messages.push(m);
    }
    nats::publish_all(&js, messages).await;
    let items = nats::interactions("after", 40);
    let mut expected: BTreeSet<String> = items.iter().map(|(id, _)| id.clone()).collect();
    nats::publish_all(&js, items.into_iter().map(|(id, json)| Out::new("cxr.in.chat", &id, json)).collect()).await;
    expected.extend(big.keys().cloned());
    nats::wait_for(&js, "CXR_OUT", expected.len() as u64, Duration::from_secs(120), "near-limit messages").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    let by_id = exactly_once(&stored, &expected);
    for (id, payload) in &big {
        let m = &by_id[id];
        let want = if id.ends_with(['0', '2', '4']) { "cxr.dlq.bad_input" } else { "cxr.dlq.too_large" };
        assert_eq!(m.subject, want, "{id}: {:?}", m.header("Cxr-Error"));
        assert_eq!(m.payload.len(), 64 << 10, "{id}: cut to --dead-letter-max-bytes");
        assert_eq!(m.payload.as_ref(), &payload[..64 << 10], "{id}: the payload's beginning");
        assert_eq!(m.header("Cxr-Truncated"), Some("true"));
        assert_eq!(m.header("Cxr-Original-Size"), Some(payload.len().to_string().as_str()));
        assert_eq!(m.header("Cxr-Original-Sha256"), Some(sha256(payload).as_str()));
        assert_eq!(m.header("X-Platform"), Some("p1"));
        assert_eq!(m.header("Cxr-Deliveries"), Some("1"), "{id}: dead-lettered at once, not retried");
        if want.ends_with("too_large") {
            let e = m.header("Cxr-Error").unwrap();
            assert!(e.contains("max_payload of 1048576 bytes"), "{e}");
        }
    }
    assert!(by_id.iter().filter(|(id, _)| id.starts_with("after-")).all(|(_, m)| m.subject.starts_with("cxr.out.")));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while nats::count(&js, "CXR_IN").await > 0 {
        assert!(std::time::Instant::now() < deadline, "inputs left unacknowledged in CXR_IN");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(w.terminate(Duration::from_secs(40)).success(), "{}", w.stderr());
}

/// The issue's reproductions of colliding keys: two tenants publishing the
/// same id, a `default` id `acme:X`, a poison message carrying
/// `Nats-Msg-Id: acme:X` stored before acme's `X`: every decision is stored
/// under its own key, none is lost. Two tenant headers are a dead letter
/// that says so, and so is a payload over the worker's own `--max-input-bytes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_reusing_each_others_ids_never_collide() {
    let _one = serial();
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let tenants = nats::scratch("collide-tenants");
    let reference = std::fs::read_to_string(nats::workspace().join("examples/pipeline.toml")).unwrap();
    for t in ["default", "acme", "beta"] {
        std::fs::write(tenants.join(format!("{t}.toml")), &reference).unwrap();
    }
    let w = Worker::start(&broker.url(), &["--config-dir", tenants.to_str().unwrap(), "--max-input-bytes", "4096"]);
    let (_client, js) = nats::client(&broker.url()).await;
    let body = |id: &str| format!("{{\"id\":\"{id}\",\"body\":\"Where is my parcel?\"}}");
    // First the poison message carrying acme's key as its message id.
    nats::publish_all(&js, vec![Out::new("cxr.in.chat", "acme:X", "not JSON")]).await;
    nats::wait_for(&js, "CXR_OUT", 1, Duration::from_secs(60), "the poison message").await;
    let mut two_headers = Out::new("cxr.in.chat", "in-5", body("Y"));
    two_headers.headers.append("Cxr-Tenant", "acme");
    two_headers.headers.append("Cxr-Tenant", "beta");
    nats::publish_all(
        &js,
        vec![
            Out::new("cxr.in.acme.chat", "in-1", body("X")),
            Out::new("cxr.in.beta.chat", "in-2", body("X")),
            Out::new("cxr.in.chat", "in-3", body("acme:X")),
            Out::new("cxr.in.chat", "in-4", body("X")),
            two_headers,
            Out::new("cxr.in.chat", "in-6", format!("{{\"id\":\"Z\",\"body\":\"{}\"}}", "a".repeat(5000))),
        ],
    )
    .await;
    nats::wait_for(&js, "CXR_OUT", 7, Duration::from_secs(60), "colliding ids").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stored = nats::read_all(&js, "CXR_OUT").await;
    assert_eq!(stored.len(), 7);
    let mut decisions: Vec<(String, String, String)> = stored
        .iter()
        .filter(|m| m.subject.starts_with("cxr.out."))
        .map(|m| {
            (
                m.header("Nats-Msg-Id").unwrap().to_string(),
                m.header("Cxr-Tenant").unwrap().to_string(),
                m.json()["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    decisions.sort();
    let want = |k: &str, t: &str, id: &str| (k.to_string(), t.to_string(), id.to_string());
    assert_eq!(
        decisions,
        vec![
            want("acme:X", "acme", "X"),
            want("beta:X", "beta", "X"),
            want("default:X", "default", "X"),
            want("default:acme:X", "default", "acme:X"),
        ],
        "every tenant's decision, each under its own key"
    );
    let dead: Vec<&Stored> = stored.iter().filter(|m| m.subject.starts_with("cxr.dlq.")).collect();
    assert_eq!(dead.len(), 3);
    let over = dead.iter().find(|m| m.header("Cxr-Original-Msg-Id") == Some("in-6")).expect("over the input cap");
    assert_eq!(over.subject, "cxr.dlq.bad_input");
    let e = over.header("Cxr-Error").unwrap();
    assert!(e.contains("over the 4096-byte limit"), "{e}");
    let poison = dead.iter().find(|m| m.header("Cxr-Original-Msg-Id") == Some("acme:X")).expect("the poison message");
    assert_eq!(poison.subject, "cxr.dlq.bad_input");
    assert!(poison.header("Nats-Msg-Id").unwrap().starts_with("DLQ:CXR_IN:"));
    let twice = dead.iter().find(|m| m.header("Cxr-Original-Msg-Id") == Some("in-5")).expect("two tenant headers");
    assert_eq!(twice.subject, "cxr.dlq.bad_input");
    let e = twice.header("Cxr-Error").unwrap();
    assert!(e.contains("Cxr-Tenant: the tenant header is given 2 times"), "{e}");
    drop(w);
    let _ = std::fs::remove_dir_all(&tenants);
}
