//! Limits over real loopback HTTP: saturation, deadlines, plugin failures,
//! a busy shadow, and the drain on shutdown. A router plugin that loops on
//! bodies containing `SLOW` (stopped by its pipeline's `timeout_ms`) keeps
//! a request busy for a known minimum time.

mod common;

use common::{ONE, Server, TempDir, client, metric, slow_router};
use cxr_host::builtin::REFERENCE_PIPELINE;
use cxr_serve::{ServeOptions, TenantSource};
use serde_json::{Value, json};
use std::time::Duration;

const SLOW: &str = r#"{"id":"S-1","body":"SLOW please"}"#;
const FAST: &str = r#"{"id":"F-1","body":"Where is my order?"}"#;

fn slow_source(dir: &TempDir, timeout_ms: u64) -> TenantSource {
    let path = dir.write("slow.toml", &slow_router(timeout_ms));
    TenantSource {
        pipeline: Some(path.into()),
        ..TenantSource::default()
    }
}

async fn post(server: &Server, body: &str) -> reqwest::Response {
    client().post(server.url("/v1/decide")).body(body.to_string()).send().await.unwrap()
}

/// Waits (bounded) until `n` decision slots are busy.
async fn wait_busy(server: &Server, n: f64) {
    let busy = server.wait_for_metric("cxr_decide_slots_busy", n).await;
    assert_eq!(busy, n, "slots busy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saturation_is_a_503_with_retry_after_and_plugin_failure_is_a_fallback() {
    let dir = TempDir::new("saturation");
    let options = ServeOptions {
        max_concurrency: 1,
        max_queue: 0,
        deadline: Duration::from_secs(60),
        ..ServeOptions::default()
    };
    let server = Server::start(slow_source(&dir, 4000), options).await;

    let url = server.url("/v1/decide");
    let slow = tokio::spawn(async move { client().post(url).body(SLOW).send().await.unwrap() });
    wait_busy(&server, 1.0).await;

    for path in ["/v1/decide", "/v1/decide/batch"] {
        let response = client().post(server.url(path)).body(FAST).send().await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers()["retry-after"], "1");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains("--max-concurrency"), "{error}");
    }
    // Health and metrics are never refused.
    assert_eq!(client().get(server.url("/healthz")).send().await.unwrap().status(), 200);

    // The looping plugin is stopped by its deadline: a fallback decision
    // with `error` set, never a 5xx.
    let response = slow.await.unwrap();
    assert_eq!(response.status(), 200);
    let d: Value = response.json().await.unwrap();
    assert_eq!(d["route"]["fallback"], true);
    assert_eq!(d["route"]["queue"], "triage");
    assert!(d["error"].as_str().unwrap().contains("deadline"), "{d}");

    // Capacity is back.
    assert_eq!(post(&server, FAST).await.status(), 200);
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_http_errors_total{kind=\"saturated\"}"), Some(2.0));
    assert_eq!(metric(&text, "cxr_decision_errors_total{tenant=\"default\"}"), Some(1.0));
    assert_eq!(
        metric(
            &text,
            "cxr_plugin_failures_total{tenant=\"default\",plugin=\"cxr-test-hostile\",hook=\"routing\"}"
        ),
        Some(1.0),
        "{text}"
    );
    server.stop().await;
}

/// Beyond the decision slots, requests wait in a bounded queue and are
/// decided when a slot frees; only when the queue is full is the answer a
/// 503 at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_wait_in_the_queue_and_a_full_queue_is_a_503() {
    let dir = TempDir::new("queue-full");
    let options = ServeOptions {
        max_concurrency: 1,
        max_queue: 1,
        deadline: Duration::from_secs(60),
        ..ServeOptions::default()
    };
    let server = Server::start(slow_source(&dir, 2000), options).await;
    let url = server.url("/v1/decide");
    let slow = tokio::spawn(async move { client().post(url).body(SLOW).send().await.unwrap() });
    wait_busy(&server, 1.0).await;
    // The second waits for the slot...
    let url = server.url("/v1/decide");
    let waiting = tokio::spawn(async move { client().post(url).body(FAST).send().await.unwrap() });
    let depth = server.wait_for_metric("cxr_decide_queue_depth", 1.0).await;
    assert_eq!(depth, 1.0, "one request waits");
    // ...the third finds the queue full.
    for path in ["/v1/decide", "/v1/decide/batch"] {
        let response = client().post(server.url(path)).body(FAST).send().await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers()["retry-after"], "1");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains("--max-queue"), "{error}");
    }
    // The slot frees when the looping plugin is stopped: the waiting
    // request is decided, not refused.
    assert_eq!(slow.await.unwrap().status(), 200);
    let response = waiting.await.unwrap();
    assert_eq!(response.status(), 200);
    let d: Value = response.json().await.unwrap();
    assert_eq!(d["id"], "F-1");
    assert_eq!(d["route"]["fallback"], false, "{d}");
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_decide_queue_depth"), Some(0.0), "{text}");
    assert_eq!(metric(&text, "cxr_decide_queue_limit"), Some(1.0), "{text}");
    assert_eq!(metric(&text, "cxr_http_errors_total{kind=\"saturated\"}"), Some(2.0));
    // Every decide request that got in recorded its wait; the one that
    // queued waited about as long as the plugin ran (its deadline: 2 s).
    assert_eq!(metric(&text, "cxr_decide_queue_wait_seconds_count"), Some(2.0), "{text}");
    let waited = metric(&text, "cxr_decide_queue_wait_seconds_sum").unwrap();
    assert!(waited > 0.5, "waited {waited} s");
    server.stop().await;
}

/// A request that waits in the queue past its deadline gets a 503 with
/// `Retry-After` and leaves the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_past_the_deadline_is_a_503() {
    let dir = TempDir::new("queue-expired");
    let options = ServeOptions {
        max_concurrency: 1,
        max_queue: 8,
        deadline: Duration::from_millis(400),
        ..ServeOptions::default()
    };
    // The looping request holds the slot for 3 s (past its own deadline:
    // the slot is held until the decision is made).
    let server = Server::start(slow_source(&dir, 3000), options).await;
    let url = server.url("/v1/decide");
    let slow = tokio::spawn(async move { client().post(url).body(SLOW).send().await.unwrap() });
    wait_busy(&server, 1.0).await;
    let response = post(&server, FAST).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let error: Value = response.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("deadline of 400 ms"), "{error}");
    assert_eq!(slow.await.unwrap().status(), 503, "the looping request ran past its deadline too");
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_decide_queue_depth"), Some(0.0), "the expired wait left the queue: {text}");
    let waited = metric(&text, "cxr_decide_queue_wait_seconds_sum").unwrap();
    assert!(waited >= 0.3, "waited {waited} s");
    // Once the slot is free again, requests are decided.
    let started = std::time::Instant::now();
    loop {
        let response = post(&server, FAST).await;
        if response.status() == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the slot never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_a_503() {
    let dir = TempDir::new("deadline");
    let options = ServeOptions {
        max_concurrency: 4,
        deadline: Duration::from_millis(300),
        ..ServeOptions::default()
    };
    let server = Server::start(slow_source(&dir, 3000), options).await;
    let response = post(&server, SLOW).await;
    assert_eq!(response.status(), 503);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("deadline of 300 ms"), "{error}");
    // Other requests are still decided.
    let response = post(&server, FAST).await;
    assert_eq!(response.status(), 200);
    let d: Value = response.json().await.unwrap();
    assert_eq!(d["id"], "F-1");
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_http_errors_total{kind=\"deadline\"}"), Some(1.0));
    server.stop().await;
}

/// A shadow that is slow or failing neither slows nor fails live requests:
/// while its only slot is busy, interactions are skipped and counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_shadow_is_skipped_not_waited_for() {
    let live = TempDir::new("busy-shadow-live");
    let shadows = TempDir::new("busy-shadow-candidates");
    live.write("acme.toml", REFERENCE_PIPELINE);
    shadows.write("acme.toml", &slow_router(4000));
    let source = TenantSource {
        config_dir: Some(live.path().to_path_buf()),
        shadow_dir: Some(shadows.path().to_path_buf()),
        ..TenantSource::default()
    };
    let options = ServeOptions {
        shadow_concurrency: 1,
        ..ServeOptions::default()
    };
    let server = Server::start(source, options).await;
    let send = || async {
        client()
            .post(server.url("/v1/decide"))
            .header("X-Tenant", "acme")
            .body(SLOW)
            .send()
            .await
            .unwrap()
    };
    // The first takes the shadow slot (taken before its response is sent)
    // and holds it for at least 4 s; the second finds it busy.
    for _ in 0..2 {
        let response = send().await;
        assert_eq!(response.status(), 200);
        let d: Value = response.json().await.unwrap();
        assert_eq!(d["route"]["fallback"], false, "the live decision: {d}");
    }
    let decided = server.wait_for_metric("cxr_shadow_decisions_total{tenant=\"acme\"}", 1.0).await;
    assert_eq!(decided, 1.0);
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_shadow_skipped_total{tenant=\"acme\"}"), Some(1.0));
    assert_eq!(
        metric(&text, "cxr_shadow_differences_total{tenant=\"acme\",field=\"queue\"}"),
        Some(1.0)
    );
    // The shadow's failure is not a live one.
    assert_eq!(metric(&text, "cxr_decision_errors_total{tenant=\"acme\"}"), None);
    server.stop().await;
}

/// On shutdown the server stops accepting, lets in-flight requests finish,
/// then returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_in_flight_requests() {
    let dir = TempDir::new("drain");
    let options = ServeOptions {
        deadline: Duration::from_secs(60),
        ..ServeOptions::default()
    };
    let mut server = Server::start(slow_source(&dir, 2000), options).await;
    let url = server.url("/v1/decide");
    let in_flight = tokio::spawn(async move { client().post(url).body(SLOW).send().await.unwrap() });
    wait_busy(&server, 1.0).await;

    let serving = server.begin_shutdown();
    let response = in_flight.await.unwrap();
    assert_eq!(response.status(), 200, "the in-flight request completes");
    let d: Value = response.json().await.unwrap();
    assert_eq!(d["id"], "S-1");
    tokio::time::timeout(Duration::from_secs(30), serving)
        .await
        .expect("the server stops after the drain")
        .unwrap()
        .unwrap();
    assert!(server.state.draining());
    let refused = client()
        .post(server.url("/v1/decide"))
        .json(&json!({"id": "x", "body": ONE}))
        .send()
        .await;
    assert!(refused.is_err(), "no new connection after shutdown");
}
