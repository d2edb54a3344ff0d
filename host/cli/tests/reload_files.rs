//! Reloading on file change (`cxr serve --watch`) and on SIGHUP after a
//! tenant file was deleted, through the real binary on loopback: edits,
//! a Kubernetes-style config map swap (`..data` symlink renamed), a broken
//! edit (the previous pipeline keeps serving, the failure is reported), a
//! deleted file (warned at the default log level, in `/readyz`).

use serde_json::Value;
mod serve_process;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const ONE: &str = include_str!("../../../examples/one.json");

/// Every wait in these tests gives up after this long (a bound, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(90);

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A pipeline with no router: every decision is the fallback, queue `queue`.
fn fallback_only(queue: &str) -> String {
    format!(
        "name = \"p-{queue}\"\n[fallback]\nqueue = {queue:?}\ndiscipline = \"service\"\nlevel = 3\n\
         [sentiment]\nplugin = \"builtin:sentiment\"\n[priority]\nplugin = \"builtin:priority\"\n"
    )
}

/// A `cxr serve` child process (logs to a file), killed by its own id when dropped.
struct Serve {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Serve {
    fn start(dir: &Path, extra: &[&str]) -> Serve {
        let log = dir.join("serve.log");
        let (child, addr) = serve_process::spawn_listening(
            Command::new(env!("CARGO_BIN_EXE_cxr"))
                .current_dir(dir)
                .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
                .env_remove("CXR_LOG")
                .args(["serve", "--listen", "127.0.0.1:0", "--config-dir", "tenants"])
                .args(extra)
                .stderr(std::fs::File::create(&log).unwrap()),
            || std::fs::read_to_string(&log).unwrap_or_default(),
        );
        Serve { child, addr, log }
    }

    fn http(&self, method: &str, path: &str, tenant: &str, body: &str) -> (u16, String) {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Tenant: {tenant}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let status = out[9..12].parse().unwrap();
        let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
        (status, body)
    }

    /// The queue `tenant`'s decision goes to now.
    fn queue(&self, tenant: &str) -> String {
        let (status, body) = self.http("POST", "/v1/decide", tenant, ONE);
        assert_eq!(status, 200, "{body}");
        let d: Value = serde_json::from_str(&body).unwrap();
        d["route"]["queue"].as_str().unwrap().to_string()
    }

    fn ready(&self) -> Value {
        let (_, body) = self.http("GET", "/readyz", "", "");
        serde_json::from_str(&body).unwrap()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }

    /// Waits until `done` holds, polling; panics with `what` after [`PATIENCE`].
    fn wait_for(&self, what: &str, mut done: impl FnMut(&Serve) -> bool) {
        let started = Instant::now();
        while !done(self) {
            assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}; log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn watch_reloads_edits_and_config_map_swaps_and_keeps_the_old_pipeline_on_a_broken_edit() {
    let dir = scratch("watch");
    let t = dir.join("tenants");
    // acme as a config map mounts it: acme.toml -> ..data/acme.toml, ..data -> ..2026_01.
    std::fs::create_dir_all(t.join("..2026_01")).unwrap();
    std::fs::write(t.join("..2026_01/acme.toml"), fallback_only("acme-one")).unwrap();
    symlink("..2026_01", &t.join("..data"));
    symlink("..data/acme.toml", &t.join("acme.toml"));
    // globex as a plain file.
    std::fs::write(t.join("globex.toml"), fallback_only("globex-one")).unwrap();
    let serve = Serve::start(&dir, &["--watch", "--watch-interval", "200ms"]);
    assert_eq!(serve.queue("acme"), "acme-one");
    assert_eq!(serve.queue("globex"), "globex-one");

    // An edit in place: served without any signal.
    std::fs::write(t.join("globex.toml"), fallback_only("globex-two")).unwrap();
    serve.wait_for("the edited globex pipeline", |s| s.queue("globex") == "globex-two");

    // The config map's update: a new directory, `..data` renamed onto it.
    std::fs::create_dir_all(t.join("..2026_02")).unwrap();
    std::fs::write(t.join("..2026_02/acme.toml"), fallback_only("acme-two")).unwrap();
    symlink("..2026_02", &t.join("..data_tmp"));
    std::fs::rename(t.join("..data_tmp"), t.join("..data")).unwrap();
    std::fs::remove_dir_all(t.join("..2026_01")).unwrap();
    serve.wait_for("the swapped acme pipeline", |s| s.queue("acme") == "acme-two");
    let generation = serve.ready()["generation"].as_u64().unwrap();

    // A broken edit: reported, and globex keeps its previous pipeline.
    std::fs::write(t.join("globex.toml"), "name = [\"unclosed\"\n").unwrap();
    serve.wait_for("the failed reload in /readyz", |s| {
        let r = s.ready();
        r["last_reload"]["ok"] == false && r["last_reload"]["generation"].as_u64().unwrap() > generation
    });
    let ready = serve.ready();
    let errors = ready["last_reload"]["errors"].to_string();
    assert!(errors.contains("globex") && errors.contains("TOML parse error"), "{ready}");
    assert_eq!(serve.queue("globex"), "globex-two", "the previous pipeline keeps serving");
    assert_eq!(serve.queue("acme"), "acme-two");
    let log = serve.log();
    assert!(log.contains("WARN") && log.contains("globex") && log.contains("previous pipeline keeps serving"), "{log}");

    // Reloads on change are counted as SIGHUP's are.
    let (_, metrics) = serve.http("GET", "/metrics", "", "");
    assert!(metrics.contains("cxr_reloads_total{outcome=\"ok\"}"), "{metrics}");
    assert!(metrics.contains("cxr_reloads_total{outcome=\"partial\"}"), "{metrics}");

    // A deleted file: the tenant goes, with a warning and in /readyz.
    std::fs::remove_file(t.join("globex.toml")).unwrap();
    serve.wait_for("globex's removal in /readyz", |s| s.ready()["last_reload"]["removed"][0]["tenant"] == "globex");
    let ready = serve.ready();
    assert!(ready["last_reload"]["removed"][0]["file"].as_str().unwrap().ends_with("globex.toml"), "{ready}");
    let log = serve.log();
    assert!(log.contains("tenant `globex` is no longer served: its file tenants/globex.toml is gone"), "{log}");
    let (status, _) = serve.http("POST", "/v1/decide", "globex", ONE);
    assert_eq!(status, 404);
}

#[cfg(unix)]
#[test]
fn a_tenant_file_deleted_before_sighup_is_warned_about_and_reported() {
    let dir = scratch("sighup");
    let t = dir.join("tenants");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("acme.toml"), fallback_only("acme-one")).unwrap();
    std::fs::write(t.join("globex.toml"), fallback_only("globex-one")).unwrap();
    // A tenant broken from the start (not served): its deletion is reported too.
    std::fs::write(t.join("initech.toml"), "name = [\n").unwrap();
    let serve = Serve::start(&dir, &[]);
    assert_eq!(serve.queue("globex"), "globex-one");
    assert_eq!(serve.ready()["broken"][0]["tenant"], "initech");

    std::fs::remove_file(t.join("globex.toml")).unwrap();
    std::fs::remove_file(t.join("initech.toml")).unwrap();
    let hup = Command::new("kill").args(["-HUP", &serve.child.id().to_string()]).status().unwrap();
    assert!(hup.success());
    serve.wait_for("the reload after SIGHUP", |s| s.ready()["last_reload"]["generation"] == 2);
    let ready = serve.ready();
    assert_eq!(
        ready["last_reload"]["removed"],
        serde_json::json!([
            {"tenant": "globex", "file": "tenants/globex.toml"},
            {"tenant": "initech", "file": "tenants/initech.toml"}
        ]),
        "{ready}"
    );
    assert_eq!(ready["broken"], serde_json::json!([]), "{ready}");
    let tenants: Vec<&str> = ready["tenants"].as_array().unwrap().iter().map(|t| t["tenant"].as_str().unwrap()).collect();
    assert_eq!(tenants, ["acme"]);
    // At the default log level (no -v): the operator sees it.
    let log = serve.log();
    let warning = log.lines().find(|l| l.contains("no longer served")).unwrap_or_else(|| panic!("{log}"));
    assert!(warning.contains("WARN") && warning.contains("tenant `globex`") && warning.contains("tenants/globex.toml"), "{warning}");
    assert!(log.contains("tenant `initech` is no longer served: its file tenants/initech.toml is gone"), "{log}");
    assert_eq!(serve.queue("acme"), "acme-one");
}

/// The sha256 of the component that decided `tenant`'s routing just now
/// (from the decision's trace).
fn routing_plugin_sha256(serve: &Serve, tenant: &str) -> String {
    let (status, body) = serve.http("POST", "/v1/decide", tenant, ONE);
    assert_eq!(status, 200, "{body}");
    let d: Value = serde_json::from_str(&body).unwrap();
    let trace = d["trace"].as_array().unwrap();
    let routing = trace.iter().find(|t| t["hook"] == "routing").unwrap_or_else(|| panic!("no routing in the trace: {d}"));
    routing["sha256"].as_str().unwrap().to_string()
}

#[test]
fn watch_reloads_a_tenant_whose_plugin_file_was_replaced() {
    use sha2::Digest;
    let dir = scratch("watch-plugin");
    let t = dir.join("tenants");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    // The router of contract 0.2.0, then today's: two components for one file.
    let old = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/compat/v0.2.0/cxr_router.wasm")).unwrap();
    let new = cxr_host::builtin::ROUTER;
    let sha = |bytes: &[u8]| hex::encode(sha2::Sha256::digest(bytes));
    assert_ne!(sha(&old), sha(new));
    std::fs::write(dir.join("plugins/router.wasm"), &old).unwrap();
    // The pipeline names the plugin relative to itself.
    std::fs::write(
        t.join("acme.toml"),
        "name = \"acme\"\n[fallback]\nqueue = \"general\"\ndiscipline = \"service\"\nlevel = 3\n\
         [[routers]]\nplugin = \"../plugins/router.wasm\"\n",
    )
    .unwrap();
    let serve = Serve::start(&dir, &["--watch", "--watch-interval", "200ms"]);
    assert_eq!(routing_plugin_sha256(&serve, "acme"), sha(&old));
    let version = serve.ready()["tenants"][0]["version"].clone();

    // Replaced by a rename, as a deployment does: the pipeline file is untouched.
    std::fs::write(dir.join("plugins/router.wasm.new"), new).unwrap();
    std::fs::rename(dir.join("plugins/router.wasm.new"), dir.join("plugins/router.wasm")).unwrap();
    serve.wait_for("the replaced plugin deciding", |s| routing_plugin_sha256(s, "acme") == sha(new));
    let ready = serve.ready();
    assert_ne!(ready["tenants"][0]["version"], version, "the tenant's version follows its plugin: {ready}");
    assert!(serve.log().contains("tenant files changed: reloading"), "{}", serve.log());

    // A plugin file replaced by garbage: reported, the loaded plugin keeps deciding.
    let generation = ready["generation"].as_u64().unwrap();
    std::fs::write(dir.join("plugins/router.wasm"), b"not a component").unwrap();
    serve.wait_for("the failed reload in /readyz", |s| {
        let r = s.ready();
        r["last_reload"]["ok"] == false && r["last_reload"]["generation"].as_u64().unwrap() > generation
    });
    let ready = serve.ready();
    assert!(ready["last_reload"]["errors"].to_string().contains("router.wasm"), "{ready}");
    assert_eq!(routing_plugin_sha256(&serve, "acme"), sha(new), "the previous pipeline keeps serving");
}
