//! The API over real loopback HTTP: decide, batch, bad input, health,
//! metrics and the OpenAPI document.

mod common;

use common::{ONE, Server, client, metric};
use cxr_host::Pipeline;
use cxr_host::input::parse_interaction;
use cxr_serve::{ServeOptions, TenantSource};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn reference_server(options: ServeOptions) -> Server {
    Server::start(TenantSource::default(), options).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decide_answers_as_the_library_does() {
    let server = reference_server(ServeOptions::default()).await;
    let response = client().post(server.url("/v1/decide")).body(ONE).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["x-cxr-tenant"], "default");
    let version = response.headers()["x-cxr-pipeline-version"].to_str().unwrap().to_string();
    assert_eq!(version, server.state.tenants().tenants["default"].live.version);
    let got: Value = response.json().await.unwrap();

    let ix = parse_interaction(ONE).result.unwrap();
    let want = serde_json::to_value(Pipeline::reference().unwrap().decide(&ix, chrono::Utc::now())).unwrap();
    assert_eq!(got["id"], "T-1001");
    for pointer in [
        "/route/queue",
        "/route/rule",
        "/route/fallback",
        "/discipline",
        "/sentiment/label",
        "/sentiment/score",
    ] {
        assert_eq!(got.pointer(pointer), want.pointer(pointer), "{pointer}");
    }
    assert_eq!(got["error"], Value::Null);
    assert_eq!(got["trace"].as_array().unwrap().len(), 4, "sentiment, the classifier, priority and one router ran");
    assert_eq!(got["signals"], want["signals"], "the classifier's signals, as the library gives them");

    let queue = got["route"]["queue"].as_str().unwrap();
    let discipline = got["discipline"].as_str().unwrap();
    let text = server.metrics().await;
    let series = format!("cxr_decisions_total{{tenant=\"default\",queue=\"{queue}\",discipline=\"{discipline}\"}}");
    assert_eq!(metric(&text, &series), Some(1.0), "{series} in\n{text}");
    assert_eq!(
        metric(
            &text,
            "cxr_hook_duration_seconds_count{tenant=\"default\",plugin=\"cxr-sentiment\",hook=\"sentiment\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(
            &text,
            "cxr_http_requests_total{route=\"/v1/decide\",method=\"POST\",status=\"200\"}"
        ),
        Some(1.0)
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_keep_order_and_mark_bad_elements() {
    let server = reference_server(ServeOptions::default()).await;
    let http = client();

    // A JSON array: two bad elements among three good ones.
    let batch = json!([
        {"id": "A-1", "channel": "chat", "body": "I was charged twice for order A123!"},
        {"id": "A-2"},
        {"id": "A-3", "channel": "review", "body": "Five stars, delivery was quick. Thanks!"},
        7,
        {"id": "A-5", "body": "I want to cancel my subscription and switch to another provider."}
    ]);
    let response = http.post(server.url("/v1/decide/batch")).json(&batch).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let got: Vec<Value> = response.json().await.unwrap();
    let ids: Vec<&str> = got.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A-1", "A-2", "A-3", "[3]", "A-5"]);
    for i in [0, 2, 4] {
        assert!(got[i]["route"]["queue"].is_string(), "{}", got[i]);
        assert_eq!(got[i]["error"], Value::Null);
        // The same interaction alone gets the same route.
        let alone: Value = http
            .post(server.url("/v1/decide"))
            .json(&batch[i])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(alone["route"]["queue"], got[i]["route"]["queue"], "element {i}");
    }
    assert_eq!(got[1]["route"], Value::Null);
    assert!(got[1]["error"].as_str().unwrap().starts_with("[1]: field `body`"), "{}", got[1]);
    assert!(got[3]["error"].as_str().unwrap().contains("expected a JSON object"), "{}", got[3]);

    // JSON Lines: answered line for line, with line numbers.
    let lines = "{\"id\":\"L-1\",\"body\":\"The app crashes when I log in\"}\r\n\n{\"id\":\"L-3\",\"body\":\n{\"id\":\"L-4\",\"body\":\"thanks!\"}\n";
    let response = http
        .post(server.url("/v1/decide/batch"))
        .header("content-type", "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let got: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(got.len(), 4);
    for (i, d) in got.iter().enumerate() {
        assert_eq!(d["line"], i as u64 + 1);
    }
    assert_eq!(got[0]["id"], "L-1");
    assert!(got[0]["route"].is_object());
    assert_eq!(got[1]["error"], "line 2: empty (no interaction)");
    assert!(got[2]["error"].as_str().unwrap().starts_with("line 3: invalid JSON"), "{}", got[2]);
    assert_eq!(got[3]["id"], "L-4");

    // An empty array is an empty answer; a body of neither format is a 400.
    let empty: Vec<Value> = http
        .post(server.url("/v1/decide/batch"))
        .body("[]")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(empty.is_empty());
    for body in ["hello", "[{\"id\":\"x\",\"body\":\"y\"},", ""] {
        let response = http.post(server.url("/v1/decide/batch")).body(body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body:?}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains("JSON"), "{error}");
    }

    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_input_errors_total{tenant=\"default\"}"), Some(4.0), "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_400_naming_the_field() {
    let server = reference_server(ServeOptions::default()).await;
    let http = client();
    let cases = [
        (r#"{"id":"x"}"#, Some("body")),
        (r#"{"body":"hello"}"#, Some("id")),
        (r#"{"id":"x","body":"hi","customer":{"last_csat":9}}"#, Some("customer.last_csat")),
        (
            r#"{"id":"x","body":"hi","history":[{"direction":"sideways"}]}"#,
            Some("history[0].direction"),
        ),
        (r#"{"id":"x","body":"hi","channel":"pigeon"}"#, Some("channel")),
        (r#"{"id":"x","body":"hi","received_at":"yesterday"}"#, Some("received_at")),
        (r#"{"id":"x","#, None),
        (r#"[{"id":"x","body":"hi"}]"#, None),
    ];
    for (body, field) in cases {
        let response = http.post(server.url("/v1/decide")).body(body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"].as_str(), field, "{body}: {error}");
        let message = error["error"].as_str().unwrap();
        if let Some(f) = field {
            assert!(message.contains(&format!("`{f}`")), "{message}");
        } else {
            assert!(
                message.starts_with("invalid JSON") || message.contains("expected a JSON object"),
                "{message}"
            );
        }
    }
    let response = http
        .post(server.url("/v1/decide"))
        .body(vec![b'{', 0xff, 0xfe, b'}'])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("UTF-8"));

    let text = server.metrics().await;
    assert_eq!(
        metric(&text, "cxr_http_errors_total{kind=\"bad_input\"}"),
        Some(cases.len() as f64 + 1.0),
        "{text}"
    );
    // Every unreadable body is an input error, the one that is not UTF-8 included.
    assert_eq!(
        metric(&text, "cxr_input_errors_total{tenant=\"default\"}"),
        Some(cases.len() as f64 + 1.0)
    );
    assert_eq!(metric(&text, "cxr_errors_total{tenant=\"default\",kind=\"input\"}"), Some(cases.len() as f64 + 1.0));
    assert!(!text.contains("cxr_decisions_total{"), "bad input is never decided:\n{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_a_413() {
    let options = ServeOptions {
        max_body_bytes: 2000,
        ..ServeOptions::default()
    };
    let server = reference_server(options).await;
    let big = json!({"id": "big", "body": "x".repeat(5000)}).to_string();
    for path in ["/v1/decide", "/v1/decide/batch"] {
        let response = client().post(server.url(path)).body(big.clone()).send().await.unwrap();
        assert_eq!(response.status(), 413, "{path}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"].as_str().unwrap().contains("2000-byte limit"), "{error}");
    }

    // Without a Content-Length (chunked), the limit holds while reading.
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut request =
        format!("POST /v1/decide HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").into_bytes();
    for chunk in big.as_bytes().chunks(1000) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("2000-byte limit"), "{answer}");

    // A body within the limit is decided.
    let small = json!({"id": "small", "body": "hello"}).to_string();
    assert_eq!(
        client().post(server.url("/v1/decide")).body(small).send().await.unwrap().status(),
        200
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let server = reference_server(ServeOptions::default()).await;
    let http = client();
    let health: Value = http.get(server.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health, json!({"status": "ok"}));

    let response = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let ready: Value = response.json().await.unwrap();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["tenants"][0]["tenant"], "default");
    assert_eq!(ready["tenants"][0]["origin"], "builtin:reference");
    assert_eq!(ready["last_reload"]["ok"], true);

    let response = http.get(server.url("/metrics")).send().await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = response.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"));
    assert_eq!(metric(&text, "cxr_decide_slots_busy"), Some(0.0));
    assert_eq!(
        metric(&text, "cxr_decide_slots"),
        Some(ServeOptions::default().max_concurrency as f64)
    );
    assert!(
        text.contains("cxr_plugin_quarantines_total{tenant=\"default\",plugin=\"cxr-router\",hook=\"routing\"} 0"),
        "{text}"
    );

    let response = http.get(server.url("/no/such/route")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("/no/such/route"));
    server.stop().await;
}

/// Every route the router registers is in docs/openapi.json and every
/// documented operation is a route, so the document cannot drift.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_the_routes() {
    let doc: Value = serde_json::from_str(cxr_serve::api::OPENAPI).expect("docs/openapi.json is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let routes: BTreeSet<(String, String)> = cxr_serve::api::routes()
        .iter()
        .map(|r| (r.path.to_string(), r.method.as_str().to_ascii_lowercase()))
        .collect();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (path.clone(), m.clone())))
        .collect();
    assert_eq!(routes, documented);

    // Served as is; admin routes exist only with a token.
    let server = reference_server(ServeOptions::default()).await;
    let served: Value = client()
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served, doc);
    let response = client().post(server.url("/admin/reload")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    server.stop().await;
}
