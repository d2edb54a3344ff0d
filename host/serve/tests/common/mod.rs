//! A real server on a loopback port, started in-process, and what the tests
//! need to talk to it over HTTP.
#![allow(dead_code)]

use cxr_serve::{AppState, ServeOptions, TenantSource};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The sample interaction users try first.
pub const ONE: &str = include_str!("../../../../examples/one.json");

/// A pipeline with no router: every decision is the fallback, queue `QUEUE`.
pub fn fallback_only(name: &str, queue: &str) -> String {
    format!(
        "name = {name:?}\n[fallback]\nqueue = {queue:?}\ndiscipline = \"service\"\nlevel = 3\n\
         [sentiment]\nplugin = \"builtin:sentiment\"\n[priority]\nplugin = \"builtin:priority\"\n"
    )
}

/// A pipeline whose only router loops forever on bodies containing `SLOW`
/// until its `timeout_ms` deadline stops it (then the fallback decides).
pub fn slow_router(timeout_ms: u64) -> String {
    format!(
        "name = \"slow\"\n[limits]\nfuel = 0\ntimeout_ms = {timeout_ms}\n[fallback]\nqueue = \"triage\"\n\
         [sentiment]\nplugin = \"builtin:sentiment\"\n[[routers]]\nplugin = {:?}\nconfig = {{ mode = \"loop\", when = \"SLOW\" }}\non_failure = \"fallback\"\n\
         [[routers]]\nplugin = \"builtin:router\"\n",
        cxr_e2e::HOSTILE_WASM
    )
}

/// A server running on 127.0.0.1 on a free port.
pub struct Server {
    pub base: String,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Loads the tenants (off the async threads) and starts serving.
    pub async fn start(source: TenantSource, options: ServeOptions) -> Server {
        let state = load(source, options).await.expect("the server's pipelines load");
        Self::start_with(state).await
    }

    /// Starts serving an already loaded state.
    pub async fn start_with(state: AppState) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(cxr_serve::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Server {
            base,
            state,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signals shutdown and returns the handle of the serving task.
    pub fn begin_shutdown(&mut self) -> JoinHandle<std::io::Result<()>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.take().expect("the server runs")
    }

    /// Shuts down and waits for the drain.
    pub async fn stop(mut self) {
        let task = self.begin_shutdown();
        tokio::time::timeout(Duration::from_secs(60), task)
            .await
            .expect("the server stops within a minute")
            .expect("the serving task does not panic")
            .expect("serving ends without an I/O error");
    }

    /// The current metrics text.
    pub async fn metrics(&self) -> String {
        client().get(self.url("/metrics")).send().await.unwrap().text().await.unwrap()
    }

    /// Polls the metrics until `series` reaches `want` (bounded to 20 s);
    /// returns the last value seen.
    pub async fn wait_for_metric(&self, series: &str, want: f64) -> f64 {
        let started = Instant::now();
        loop {
            let value = metric(&self.metrics().await, series).unwrap_or(0.0);
            if value >= want || started.elapsed() > Duration::from_secs(20) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Loads a server state with the tests' compile cache.
pub async fn load(source: TenantSource, options: ServeOptions) -> anyhow::Result<AppState> {
    let loader = cxr_host::PipelineLoader::new().cache(cxr_host::CachePolicy::Dir(cache_dir()));
    tokio::task::spawn_blocking(move || AppState::load_with(source, options, loader)).await.unwrap()
}

/// Compiled plugins are cached here, so each server starts fast.
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cxr-serve-cache")
}

/// An HTTP client that never goes through a proxy.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// The value of one series (`name{labels}` exactly as exposed) in metrics text.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.split(' ').next()?.parse().ok())
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, empty directory for this test.
    pub fn new(label: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "serve-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes a file in it.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
