//! `cxr worker --watch` against a real nats-server: an edited tenant file is
//! decided with without a signal, a deleted one is warned about and reported
//! in `/readyz`, a replaced plugin file reloads its tenant; the reloads are
//! the SIGHUP ones (same metrics).

mod nats;

use nats::{Nats, Out, Stored, Worker};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reloads_edited_and_deleted_tenant_files_and_replaced_plugins_without_a_signal() {
    let Some(bin) = nats::nats_server() else { return };
    let broker = Nats::start(&bin);
    let dir = nats::scratch("watch");
    std::fs::write(dir.join("acme.toml"), nats::fallback_pipeline("acme-a")).unwrap();
    std::fs::write(dir.join("beta.toml"), nats::fallback_pipeline("beta-q")).unwrap();
    let mut w = Worker::start(
        &broker.url(),
        &["--config-dir", dir.to_str().unwrap(), "--metrics-listen", "127.0.0.1:0", "--watch", "--watch-interval", "200ms"],
    );
    let addr = w.metrics.clone().expect("the metrics address is printed");
    let (_client, js) = nats::client(&broker.url()).await;
    let send = |id: &str| Out::new("cxr.in.acme", id, format!(r#"{{"id":"{id}","body":"Where is my parcel?"}}"#));
    let queue_of = |stored: &[Stored], id: &str| {
        stored
            .iter()
            .find(|m| m.json()["id"] == id)
            .map(|m| m.subject.clone())
            .unwrap_or_else(|| panic!("no record for {id}"))
    };
    let ready = || {
        let addr = addr.clone();
        async move { serde_json::from_str::<serde_json::Value>(&nats::http_get(&addr, "/readyz").await.1).unwrap() }
    };
    let wait_generation = |n: u64| async move {
        for _ in 0..600 {
            if ready().await["generation"].as_u64().unwrap() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no generation {n} within 60 s");
    };

    nats::publish_all(&js, vec![send("w1")]).await;
    nats::wait_for(&js, "CXR_OUT", 1, Duration::from_secs(60), "first").await;
    assert_eq!(queue_of(&nats::read_all(&js, "CXR_OUT").await, "w1"), "cxr.out.acme-a");

    // An edit: no signal sent.
    std::fs::write(dir.join("acme.toml"), nats::fallback_pipeline("acme-b")).unwrap();
    wait_generation(2).await;
    nats::publish_all(&js, vec![send("w2")]).await;
    nats::wait_for(&js, "CXR_OUT", 2, Duration::from_secs(60), "after the edit").await;
    assert_eq!(queue_of(&nats::read_all(&js, "CXR_OUT").await, "w2"), "cxr.out.acme-b");

    // A deleted file: warned about, in /readyz.
    std::fs::remove_file(dir.join("beta.toml")).unwrap();
    wait_generation(3).await;
    let r = ready().await;
    assert_eq!(r["last_reload"]["removed"][0]["tenant"], "beta", "{r}");
    assert!(r["last_reload"]["removed"][0]["file"].as_str().unwrap().ends_with("beta.toml"), "{r}");
    let log = w.stderr();
    assert!(log.contains("WARN") && log.contains("tenant `beta` is no longer served"), "{log}");
    let (_, metrics) = nats::http_get(&addr, "/metrics").await;
    assert_eq!(nats::metric(&metrics, "cxr_reloads_total{outcome=\"ok\"}"), Some(2.0), "{metrics}");

    // A plugin file the pipeline names, outside the config directory,
    // replaced: the tenant reloads without a signal.
    let plugins = dir.with_extension("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    let router = plugins.join("router.wasm");
    let old = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/compat/v0.2.0/cxr_router.wasm")).unwrap();
    let new = cxr_host::builtin::ROUTER;
    let sha = |bytes: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    std::fs::write(&router, &old).unwrap();
    let with_router = format!("{}[[routers]]\nplugin = {:?}\n", nats::fallback_pipeline("acme-b"), router.display().to_string());
    std::fs::write(dir.join("acme.toml"), with_router).unwrap();
    wait_generation(4).await;
    let routed_by = |stored: &[Stored], id: &str| {
        let d = stored.iter().map(Stored::json).find(|d| d["id"] == id).unwrap_or_else(|| panic!("no record for {id}"));
        let routing = d["trace"].as_array().unwrap().iter().find(|t| t["hook"] == "routing").cloned();
        routing.unwrap_or_else(|| panic!("no routing in the trace: {d}"))["sha256"].as_str().unwrap().to_string()
    };
    nats::publish_all(&js, vec![send("w3")]).await;
    nats::wait_for(&js, "CXR_OUT", 3, Duration::from_secs(60), "with the router").await;
    assert_eq!(routed_by(&nats::read_all(&js, "CXR_OUT").await, "w3"), sha(&old));
    std::fs::write(plugins.join("router.wasm.new"), new).unwrap();
    std::fs::rename(plugins.join("router.wasm.new"), &router).unwrap();
    wait_generation(5).await;
    nats::publish_all(&js, vec![send("w4")]).await;
    nats::wait_for(&js, "CXR_OUT", 4, Duration::from_secs(60), "after the plugin's replacement").await;
    assert_eq!(routed_by(&nats::read_all(&js, "CXR_OUT").await, "w4"), sha(new));

    let status = w.terminate(Duration::from_secs(40));
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plugins);
}
