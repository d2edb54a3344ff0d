//! Tenants, hot reload and shadow pipelines over real loopback HTTP.

mod common;

use common::{ONE, Server, TempDir, client, fallback_only, load, metric};
use cxr_host::builtin::REFERENCE_PIPELINE;
use cxr_serve::{ServeOptions, TenantSource};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "test-token";

fn dir_source(dir: &TempDir) -> TenantSource {
    TenantSource {
        config_dir: Some(dir.path().to_path_buf()),
        ..TenantSource::default()
    }
}

fn admin_options() -> ServeOptions {
    ServeOptions {
        admin_token: Some(TOKEN.to_string()),
        max_concurrency: 16,
        ..ServeOptions::default()
    }
}

async fn reload(server: &Server) -> (u16, Value) {
    let response = client().post(server.url("/admin/reload")).bearer_auth(TOKEN).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn decide_for(server: &Server, tenant: &str) -> (u16, String, Value) {
    let response = client()
        .post(server.url("/v1/decide"))
        .header("X-Tenant", tenant)
        .body(ONE)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let version = response
        .headers()
        .get("x-cxr-pipeline-version")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, version, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tenant_gets_its_own_pipeline() {
    let dir = TempDir::new("tenants");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    dir.write("acme-copy.toml", REFERENCE_PIPELINE);
    dir.write("globex.toml", &fallback_only("globex", "globex-general"));
    dir.write("README.txt", "not a pipeline");
    let server = Server::start(dir_source(&dir), ServeOptions::default()).await;

    let (status, _, acme) = decide_for(&server, "acme").await;
    assert_eq!(status, 200);
    assert_eq!(acme["route"]["fallback"], false);
    let (status, _, globex) = decide_for(&server, "globex").await;
    assert_eq!(status, 200);
    assert_eq!(globex["route"]["queue"], "globex-general");
    assert_eq!(globex["route"]["fallback"], true);
    assert_ne!(acme["route"]["queue"], globex["route"]["queue"]);

    // Same file, separate tenants: separate pipelines (engines, instances).
    let map = server.state.tenants();
    assert_eq!(map.tenants.keys().collect::<Vec<_>>(), ["acme", "acme-copy", "globex"]);
    assert!(!Arc::ptr_eq(
        &map.tenants["acme"].live.pipeline,
        &map.tenants["acme-copy"].live.pipeline
    ));
    assert_eq!(map.tenants["acme"].live.version, map.tenants["acme-copy"].live.version);

    let http = client();
    for (tenant, status) in [("initech", 404), ("ACME", 404), ("../acme", 404)] {
        let response = http
            .post(server.url("/v1/decide"))
            .header("X-Tenant", tenant)
            .body(ONE)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{tenant}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"], "X-Tenant");
        assert!(error["error"].as_str().unwrap().contains("unknown tenant"), "{error}");
        assert!(
            !error["error"].as_str().unwrap().contains("globex"),
            "other tenants are not disclosed: {error}"
        );
    }
    // No header and no `default` tenant.
    let response = http.post(server.url("/v1/decide")).body(ONE).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["field"], "X-Tenant");

    let text = server.metrics().await;
    assert_eq!(
        metric(
            &text,
            "cxr_decisions_total{tenant=\"globex\",queue=\"globex-general\",discipline=\"service\"}"
        ),
        Some(1.0)
    );
    assert_eq!(metric(&text, "cxr_fallbacks_total{tenant=\"globex\"}"), Some(1.0));
    assert_eq!(metric(&text, "cxr_http_errors_total{kind=\"unknown_tenant\"}"), Some(3.0));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_tenant_is_reported_and_the_healthy_ones_are_served() {
    let dir = TempDir::new("bad-start");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    dir.write("Bad Name.toml", REFERENCE_PIPELINE);
    dir.write("broken.toml", "[limits]\nfuell = 5\n");
    let server = Server::start(dir_source(&dir), ServeOptions::default()).await;
    let (status, _, decision) = decide_for(&server, "acme").await;
    assert_eq!(status, 200, "the healthy tenant is served: {decision}");

    // The broken tenant: 503 naming why, in /readyz and the metrics.
    let response = client()
        .post(server.url("/v1/decide"))
        .header("X-Tenant", "broken")
        .body(ONE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().get("retry-after").is_none());
    let error: Value = response.json().await.unwrap();
    let message = error["error"].as_str().unwrap();
    assert!(message.contains("tenant `broken` is not served") && message.contains("fuell"), "{message}");
    assert_eq!(error["field"], "X-Tenant");
    let ready_response = client().get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready_response.status(), 200, "ready: a tenant is served");
    let ready: Value = ready_response.json().await.unwrap();
    assert_eq!(ready["broken"][0]["tenant"], "broken");
    assert!(ready["broken"][0]["error"].as_str().unwrap().contains("fuell"), "{ready}");
    let errors = ready["last_reload"]["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e.as_str().unwrap().contains("Bad Name.toml")), "{ready}");
    let names: Vec<&str> = ready["tenants"].as_array().unwrap().iter().map(|t| t["tenant"].as_str().unwrap()).collect();
    assert_eq!(names, ["acme"]);
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_tenant_broken{tenant=\"broken\"}"), Some(1.0), "{text}");
    assert_eq!(metric(&text, "cxr_http_errors_total{kind=\"tenant_unavailable\"}"), Some(1.0));

    // Fixed and reloaded, it is served.
    dir.write("broken.toml", REFERENCE_PIPELINE);
    server.state.reload().await;
    let (status, _, _) = decide_for(&server, "broken").await;
    assert_eq!(status, 200);
    assert!(server.state.tenants().broken.is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_refuses_to_start_half_configured() {
    let strict = || ServeOptions {
        startup: cxr_fleet::StartupPolicy::Strict,
        ..ServeOptions::default()
    };
    let dir = TempDir::new("strict-start");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    dir.write("Bad Name.toml", REFERENCE_PIPELINE);
    let e = load(dir_source(&dir), strict()).await.err().expect("refused");
    assert!(e.to_string().contains("Bad Name.toml"), "{e}");
    assert!(e.to_string().contains("not a valid tenant name"), "{e}");
    assert!(e.to_string().contains("--strict"), "{e}");

    let dir = TempDir::new("strict-start-2");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    dir.write("beta.toml", "[limits]\nfuell = 5\n");
    let e = load(dir_source(&dir), strict()).await.err().expect("refused");
    let message = format!("{e:#}");
    assert!(message.contains("beta") && message.contains("fuell"), "{message}");

    // With no tenant at all, no policy starts.
    let only_broken = TempDir::new("only-broken");
    only_broken.write("acme.toml", "[limits]\nfuell = 5\n");
    let e = load(dir_source(&only_broken), ServeOptions::default()).await.err().expect("refused");
    assert!(format!("{e:#}").contains("no tenant could be loaded"), "{e:#}");
    let empty = TempDir::new("empty");
    let e = load(dir_source(&empty), ServeOptions::default()).await.err().expect("refused");
    assert!(e.to_string().contains("no tenant pipeline"), "{e}");
}

/// Reloading while requests keep coming drops none of them: each finishes
/// on the version it started with, and new ones see the new version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_under_load_fails_no_request() {
    let dir = TempDir::new("reload-load");
    let version_a = REFERENCE_PIPELINE.replace("name = \"reference\"", "name = \"version-a\"");
    let version_b = REFERENCE_PIPELINE.replace("name = \"reference\"", "name = \"version-b\"");
    assert_ne!(version_a, version_b);
    dir.write("acme.toml", &version_a);
    let server = Arc::new(Server::start(dir_source(&dir), admin_options()).await);
    let stop = Arc::new(AtomicBool::new(false));

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, stop) = (server.clone(), stop.clone());
            tokio::spawn(async move {
                let http = client();
                let started = Instant::now();
                let (mut ok, mut failed, mut versions) = (0u32, Vec::new(), BTreeSet::new());
                // Bounded in count and time.
                while !stop.load(Ordering::Relaxed) && ok < 20_000 && started.elapsed() < Duration::from_secs(60) {
                    let result = http
                        .post(server.url("/v1/decide"))
                        .header("X-Tenant", "acme")
                        .body(ONE)
                        .send()
                        .await;
                    match result {
                        Ok(r) if r.status() == 200 => {
                            versions.insert(r.headers()["x-cxr-pipeline-version"].to_str().unwrap().to_string());
                            let d: Value = r.json().await.unwrap();
                            assert_eq!(d["id"], "T-1001");
                            ok += 1;
                        }
                        Ok(r) => failed.push(format!("status {}: {}", r.status(), r.text().await.unwrap_or_default())),
                        Err(e) => failed.push(format!("transport: {e}")),
                    }
                }
                (ok, failed, versions)
            })
        })
        .collect();

    let mut generations = Vec::new();
    for round in 0..6 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        dir.write("acme.toml", if round % 2 == 0 { &version_b } else { &version_a });
        let (status, report) = reload(&server).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["ok"], true);
        generations.push(report["generation"].as_u64().unwrap());
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.store(true, Ordering::Relaxed);

    let (mut total, mut versions) = (0, BTreeSet::new());
    for w in workers {
        let (ok, failed, seen) = w.await.unwrap();
        assert!(failed.is_empty(), "failed requests during reloads: {failed:?}");
        total += ok;
        versions.extend(seen);
    }
    assert!(total > 0);
    assert_eq!(generations, (2..8).collect::<Vec<u64>>());
    assert_eq!(versions.len(), 2, "both versions served: {versions:?}");
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_reloads_total{outcome=\"ok\"}"), Some(6.0));
    assert_eq!(metric(&text, "cxr_tenants_generation"), Some(7.0));
    Arc::into_inner(server).expect("workers are done").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_reload_keeps_the_old_pipeline_serving() {
    let dir = TempDir::new("reload-fail");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    let server = Server::start(dir_source(&dir), admin_options()).await;
    let (_, before, _) = decide_for(&server, "acme").await;

    dir.write("acme.toml", "this is [ not toml");
    dir.write("newco.toml", "[[routers]]\nplugin = \"missing.wasm\"\n");
    let (status, report) = reload(&server).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["ok"], false);
    let errors: Vec<&str> = report["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("acme.toml") && e.contains("previous pipeline keeps serving")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("newco") && e.contains("missing.wasm")),
        "{errors:?}"
    );

    // The old pipeline still answers; the new tenant is not served (503,
    // broken: its file exists but does not load).
    let (status, after, decision) = decide_for(&server, "acme").await;
    assert_eq!(status, 200);
    assert_eq!(after, before);
    assert_eq!(decision["error"], Value::Null);
    let (status, _, _) = decide_for(&server, "newco").await;
    assert_eq!(status, 503);
    let ready: Value = client().get(server.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["broken"][0]["tenant"], "newco");
    assert_eq!(ready["last_reload"]["ok"], false);
    assert_eq!(ready["last_reload"]["errors"].as_array().unwrap().len(), 2);

    // Fixed files load on the next reload.
    dir.write("acme.toml", &REFERENCE_PIPELINE.replace("name = \"reference\"", "name = \"fixed\""));
    std::fs::remove_file(dir.path().join("newco.toml")).unwrap();
    let (status, report) = reload(&server).await;
    assert_eq!(status, 200, "{report}");
    let (_, fixed, _) = decide_for(&server, "acme").await;
    assert_ne!(fixed, before);
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_reloads_total{outcome=\"partial\"}"), Some(1.0));
    assert_eq!(metric(&text, "cxr_reloads_total{outcome=\"ok\"}"), Some(1.0));

    // Wrong or missing token: refused.
    let response = client().post(server.url("/admin/reload")).bearer_auth("nope").send().await.unwrap();
    assert_eq!(response.status(), 401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_decisions_are_compared_and_counted_never_returned() {
    let dir = TempDir::new("shadow-live");
    let shadows = TempDir::new("shadow-candidates");
    dir.write("acme.toml", REFERENCE_PIPELINE);
    dir.write("other.toml", REFERENCE_PIPELINE);
    // The candidate has the same sentiment and priority stages, but no
    // router: its queue always differs, its sentiment never does.
    shadows.write("acme.toml", &fallback_only("candidate", "shadow-general"));
    let source = TenantSource {
        shadow_dir: Some(shadows.path().to_path_buf()),
        ..dir_source(&dir)
    };
    // Enough shadow slots that no interaction is skipped here.
    let options = ServeOptions {
        shadow_concurrency: 16,
        ..ServeOptions::default()
    };
    let server = Server::start(source, options).await;
    let status = &server.state.tenants().tenants["acme"].status();
    assert_eq!(status.shadow.as_ref().unwrap().pipeline, "candidate");

    for _ in 0..5 {
        let (status, _, d) = decide_for(&server, "acme").await;
        assert_eq!(status, 200);
        assert_ne!(d["route"]["queue"], "shadow-general", "the live decision is returned");
        assert_eq!(d["route"]["fallback"], false);
    }
    // Two interactions (a repeated id would be an error record, never decided nor shadowed).
    let batch = format!("{}\n{}\n", ONE.replace('\n', " "), ONE.replace('\n', " ").replace("T-1001", "T-1002"));
    let response = client()
        .post(server.url("/v1/decide/batch"))
        .header("X-Tenant", "acme")
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    decide_for(&server, "other").await;

    let decided = server.wait_for_metric("cxr_shadow_decisions_total{tenant=\"acme\"}", 7.0).await;
    assert_eq!(decided, 7.0, "every live interaction of `acme` was shadowed");
    let text = server.metrics().await;
    assert_eq!(metric(&text, "cxr_shadow_skipped_total{tenant=\"acme\"}"), None);
    assert_eq!(
        metric(&text, "cxr_shadow_differences_total{tenant=\"acme\",field=\"queue\"}"),
        Some(decided)
    );
    assert_eq!(
        metric(&text, "cxr_shadow_differing_decisions_total{tenant=\"acme\"}"),
        Some(decided)
    );
    assert_eq!(metric(&text, "cxr_shadow_differences_total{tenant=\"acme\",field=\"label\"}"), None);
    // Every field is compared: the candidate's fallback also has another rule.
    assert_eq!(metric(&text, "cxr_shadow_differences_total{tenant=\"acme\",field=\"rule\"}"), Some(decided));
    assert_eq!(
        metric(&text, "cxr_shadow_decisions_total{tenant=\"other\"}"),
        None,
        "no shadow for `other`"
    );
    // Shadow decisions are not counted as live ones.
    assert_eq!(metric(&text, "cxr_fallbacks_total{tenant=\"acme\"}"), None);
    assert!(
        text.contains("cxr_tenant_pipeline{tenant=\"acme\",role=\"shadow\",pipeline=\"candidate\""),
        "{text}"
    );
    server.stop().await;
}
