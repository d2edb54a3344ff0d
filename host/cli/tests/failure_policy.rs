//! The failure policy through the real binary (docs/security.md, "Failure
//! policy"): floods of dense or expensive messages do not change other
//! interactions' decisions, a plugin failing on every input is quarantined,
//! and a starved host quarantines nothing. No timing assertions: every
//! check reads decisions.

use cxr_e2e::HOSTILE_WASM;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("failure-policy").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn examples() -> String {
    std::fs::read_to_string(root().join("examples/interactions.jsonl")).unwrap()
}

/// `cxr route` of `input` (JSON Lines) through `pipeline` (the reference
/// one when `None`), one decision per line.
fn route(pipeline: Option<&Path>, input: &str, jobs: &str) -> Vec<Value> {
    route_with(Command::new(env!("CARGO_BIN_EXE_cxr")), pipeline, input, jobs)
}

fn route_with(mut c: Command, pipeline: Option<&Path>, input: &str, jobs: &str) -> Vec<Value> {
    c.current_dir(root())
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .args(["route", "--quiet", "--jobs", jobs, "--now", "2026-11-22T10:00:00Z"]);
    if let Some(p) = pipeline {
        c.arg("--pipeline").arg(p);
    }
    let mut child = c.arg("-").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("cxr runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "cxr route failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a decision per line"))
        .collect()
}

/// What another interaction's decision consists of (without the trace's
/// times and the batch line).
fn decided(d: &Value) -> Value {
    json!({
        "id": d["id"], "sentiment": d["sentiment"], "signals": d["signals"], "priority": d["priority"],
        "route": d["route"], "discipline": d["discipline"], "degraded": d["degraded"], "error": d["error"],
    })
}

fn line(id: &str, customer: Option<&str>, body: &str) -> String {
    let mut v = json!({"id": id, "channel": "email", "body": body});
    if let Some(c) = customer {
        v["customer"] = json!({"id": c});
    }
    format!("{v}\n")
}

/// Dense, repetitive and keyword-stuffed messages up to the 1 MiB input cap.
fn dense_flood(customer: Option<&str>) -> String {
    let pieces = [
        "cancel my subscription ",
        "urgent refund charged twice outage cancel kündigen annuler cancelar ",
        "not not not never don't cancel .. subscription ",
        "!!!! ",
    ];
    let mut out = String::new();
    let mut n = 0;
    for piece in pieces {
        for bytes in [2_300usize, 10 << 10, 100 << 10] {
            for k in 0..5 {
                n += 1;
                // Distinct texts: without a customer each is a source of its own.
                let body = format!("{}{k}", piece.repeat(bytes / piece.len()));
                out.push_str(&line(&format!("F-{n}"), customer, &body));
            }
        }
    }
    let mib = "cancel my subscription ".repeat((1 << 20) / 24);
    out.push_str(&line("F-MiB", customer, &mib));
    out
}

#[test]
fn a_dense_flood_leaves_the_next_decisions_as_they_were() {
    let baseline = route(None, &examples(), "1");
    for customer in [Some("C-ATTACKER"), None] {
        let flood = dense_flood(customer);
        let got = route(None, &format!("{flood}{}", examples()), "1");
        let (flooded, normal) = got.split_at(got.len() - 72);
        // The linear reference plugins decide every flood message too.
        for d in flooded {
            assert!(d["error"].is_null() && d.get("degraded").is_none(), "{}", decided(d));
        }
        // Keyword-dense text still gets its intent: "cancel my subscription"
        // repeated (F-1 .. F-15) and the 1 MiB one.
        for d in flooded[..15].iter().chain(flooded.last()) {
            let intent = d["signals"].as_array().and_then(|s| s.iter().find(|s| s["name"] == "intent"));
            assert_eq!(intent.map(|s| &s["value"]), Some(&json!("cancellation")), "{}", d["id"]);
        }
        // Every normal message keeps its queue, intent, everything.
        for (d, b) in normal.iter().zip(&baseline) {
            assert_eq!(decided(d), decided(b));
        }
    }
}

/// The reference pipeline with its sentiment stage played by the hostile
/// plugin, which overruns its budget (`loop`) on bodies containing `FLOOD`.
fn expensive_sentiment(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap();
    let edited = text
        .replace("fuel = 100_000_000", "fuel = 20_000_000")
        .replace(
            "[sentiment]\nplugin = \"builtin:sentiment\"\n",
            &format!("[sentiment]\nplugin = {HOSTILE_WASM:?}\nconfig = {{ mode = \"loop\", when = \"FLOOD\" }}\n"),
        );
    assert!(edited.contains("fuel = 20_000_000") && edited.contains(HOSTILE_WASM));
    let path = dir.join("expensive.toml");
    std::fs::write(&path, edited).unwrap();
    path
}

#[test]
fn messages_that_overrun_a_plugin_cannot_quarantine_it_for_others() {
    let dir = scratch("overrun");
    let pipeline = expensive_sentiment(&dir);
    let baseline = route(Some(&pipeline), &examples(), "1");
    assert!(baseline.iter().all(|d| d.get("degraded").is_none()));
    let mut flood = String::new();
    // One customer, any number of messages; the same text without a
    // customer, again and again; and two other customers: four distinct
    // failing sources, one fewer than a quarantine needs.
    for i in 0..40 {
        flood.push_str(&line(&format!("A-{i}"), Some("C-ATTACKER"), &format!("FLOOD {i}")));
        flood.push_str(&line(&format!("B-{i}"), None, "FLOOD FLOOD FLOOD"));
    }
    for c in ["C-X1", "C-X2"] {
        flood.push_str(&line(c, Some(c), "FLOOD"));
    }
    let got = route(Some(&pipeline), &format!("{flood}{}", examples()), "1");
    let (flooded, normal) = got.split_at(got.len() - 72);
    for d in flooded {
        let g = &d["degraded"][0];
        assert_eq!(g["error_kind"], "fuel", "the flood's own calls overran: {}", decided(d));
    }
    for (d, b) in normal.iter().zip(&baseline) {
        assert_eq!(decided(d), decided(b), "not quarantined for the flood");
    }
}

#[test]
fn a_plugin_failing_on_every_input_is_quarantined() {
    let dir = scratch("always");
    let text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap();
    let edited = text.replace(
        "[sentiment]\nplugin = \"builtin:sentiment\"\n",
        &format!("[sentiment]\nplugin = {HOSTILE_WASM:?}\nconfig = {{ mode = \"panic\" }}\n"),
    );
    let pipeline = dir.join("always.toml");
    std::fs::write(&pipeline, edited).unwrap();
    let started = std::time::Instant::now();
    let got = route(Some(&pipeline), &examples(), "1");
    let kinds: Vec<&str> = got.iter().map(|d| d["degraded"][0]["error_kind"].as_str().unwrap()).collect();
    // The first five customers fail (five distinct sources, all of those
    // seen): quarantined from the sixth on, for 30 s, longer than this run.
    assert!(kinds[..5].iter().all(|k| *k == "trap"), "{kinds:?}");
    assert!(kinds[5..].iter().all(|k| *k == "quarantined"), "{kinds:?}");
    let q = got[5]["degraded"][0]["error"].as_str().unwrap();
    assert!(q.contains("quarantined: it failed for 5 or more distinct sources, at least 50% of those seen within 10 s"), "{q}");
    // The rest of each decision went on.
    assert!(got.iter().all(|d| d["error"].is_null() && d["route"]["queue"].is_string()));
    eprintln!(
        "always-failing sentiment: quarantined after {} decisions ({} ms for the 72, quarantine included)",
        kinds.iter().position(|k| *k == "quarantined").unwrap(),
        started.elapsed().as_millis()
    );
}

#[test]
fn a_starved_host_quarantines_nothing() {
    let dir = scratch("starved");
    // A tight CPU deadline: a healthy call uses a few ms of CPU, however
    // long the host keeps it waiting.
    let text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap();
    let edited = text.replace("timeout_ms = 200 ", "timeout_ms = 50 ");
    assert_ne!(edited, text);
    let pipeline = dir.join("tight.toml");
    std::fs::write(&pipeline, edited).unwrap();
    let baseline = route(Some(&pipeline), &examples(), "1");
    assert!(baseline.iter().all(|d| d.get("degraded").is_none()));

    // Busy loops on every core, twice over, while deciding with as many
    // workers as cores at the lowest priority (`nice -n 19`): calls wait
    // for the CPU far longer than they use it.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = (0..cores * 2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            })
        })
        .collect();
    // Three rounds of the examples (ids made distinct per round).
    let input: String = (0..3).map(|r| examples().replace("{\"id\": \"", &format!("{{\"id\": \"r{r}-"))).collect();
    let mut niced = Command::new("nice");
    niced.args(["-n", "19", env!("CARGO_BIN_EXE_cxr")]);
    let got = route_with(niced, Some(&pipeline), &input, &cores.to_string());
    stop.store(true, Ordering::Relaxed);
    for s in spinners {
        s.join().unwrap();
    }
    assert_eq!(got.len(), 216);
    let late = got.iter().filter_map(|d| d["degraded"].as_array()).flatten().count();
    eprintln!("starved host: {late} of 216 decisions had a call stopped as the host's lateness; none quarantined");
    for (i, d) in got.iter().enumerate() {
        // A call the host kept waiting past the wall-clock limit (10 x the
        // CPU deadline) may fail as the host's fault; nothing is ever
        // quarantined, and every other decision is the unloaded one.
        if let Some(g) = d["degraded"].as_array() {
            for g in g {
                assert_ne!(g["error_kind"], "quarantined", "{}", decided(d));
                assert!(g["error"].as_str().unwrap().contains("the host was overloaded"), "{}", decided(d));
            }
            continue;
        }
        let mut d = decided(d);
        d["id"] = baseline[i % 72]["id"].clone();
        assert_eq!(d, decided(&baseline[i % 72]));
    }
}
