//! Hostile input to `cxr route`: every input line yields exactly one record,
//! bad lines get an error record naming the line and the problem, and the
//! process never panics.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `cxr route -` on `input`; returns (exit code, stdout records, stderr).
fn route(input: &[u8], extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["route", "-", "--quiet", "--now", "2026-11-22T10:00:00Z"])
        .args(extra)
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let records = String::from_utf8(out.stdout)
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    (out.status.code().unwrap_or(-1), records, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn error(r: &serde_json::Value) -> &str {
    r["error"].as_str().unwrap_or("")
}

#[test]
fn every_kind_of_bad_line_gets_its_own_error_record() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\":\"ok-1\",\"body\":\"Where is my parcel?\"}\n"); // 1
    input.extend_from_slice(b"{\"id\":\"trunc\",\"body\":\"I was char\n"); // 2 truncated
    input.extend_from_slice(b"{\"id\":\"utf\",\"body\":\"caf\xe9 \xff\"}\n"); // 3 invalid UTF-8
    input.extend_from_slice(format!("{}{}\n", "[".repeat(5000), "]".repeat(5000)).as_bytes()); // 4 deep nesting
    input.extend_from_slice(b"{\"id\":\"ch\",\"body\":\"hi\",\"channel\":\"fax\"}\n"); // 5 unknown channel
    input.extend_from_slice(b"{\"body\":\"no id\"}\n"); // 6 missing id
    input.extend_from_slice(b"{\"id\":\"ok-1\",\"body\":\"same id again\"}\n"); // 7 duplicate id
    input.extend_from_slice(b"\x00\x01\x02\x89PNG\r\n"); // 8 binary garbage
    input.extend_from_slice(b"{\"id\":\"ok-2\",\"body\":\"Thanks for the quick help!\"}\n"); // 9
    input.extend_from_slice(b"{\"id\":\"big\",\"body\":\""); // 10: a 50 MB line
    input.extend(std::iter::repeat_n(b'a', 50 << 20));
    input.extend_from_slice(b"\"}\n");
    input.extend_from_slice(b"{\"id\":\"ok-3\",\"body\":\"My app crashes on login\"}"); // 11, no final newline

    let (code, r, stderr) = route(&input, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r.len(), 11, "one record per input line");
    for (i, rec) in r.iter().enumerate() {
        assert_eq!(rec["line"], i as u64 + 1);
    }
    assert!(error(&r[0]).is_empty());
    assert!(error(&r[1]).starts_with("line 2: invalid JSON"), "{}", error(&r[1]));
    assert!(error(&r[2]).starts_with("line 3: invalid UTF-8 at byte"), "{}", error(&r[2]));
    assert!(error(&r[3]).starts_with("line 4: invalid JSON: recursion limit exceeded"), "{}", error(&r[3]));
    assert_eq!(r[4]["id"], "ch");
    assert!(error(&r[4]).contains("field `channel`: unknown channel, a string of 3 characters"), "{}", error(&r[4]));
    assert!(error(&r[5]).contains("field `id`: is required"));
    assert!(error(&r[6]).contains("duplicate id \"ok-1\" (first seen on line 1)"), "{}", error(&r[6]));
    assert!(error(&r[7]).starts_with("line 8: "), "{}", error(&r[7]));
    assert!(error(&r[8]).is_empty());
    assert!(error(&r[9]).contains("line 10: 52428822 bytes, over the 1048576-byte limit"), "{}", error(&r[9]));
    assert!(error(&r[10]).is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_line_size_cap_is_configurable() {
    let line = format!("{{\"id\":\"x\",\"body\":\"{}\"}}\n", "b".repeat(3000));
    let (_, r, _) = route(line.as_bytes(), &["--max-line-bytes", "1000"]);
    assert!(error(&r[0]).contains("over the 1000-byte limit"));
    let (_, r, _) = route(line.as_bytes(), &["--max-line-bytes", "10000"]);
    assert!(error(&r[0]).is_empty(), "{}", error(&r[0]));
}

#[test]
fn an_empty_file_gives_no_records_and_succeeds() {
    let (code, r, _) = route(b"", &[]);
    assert_eq!(code, 0);
    assert!(r.is_empty());
}

#[test]
fn the_examples_are_decided_with_all_three_disciplines() {
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/interactions.jsonl")).unwrap();
    let lines = input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    let (code, r, stderr) = route(&input, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r.len(), lines);
    let mut disciplines: Vec<&str> = r.iter().map(|d| d["discipline"].as_str().unwrap()).collect();
    disciplines.sort();
    disciplines.dedup();
    assert_eq!(disciplines, ["care", "experience", "service"]);
    for d in &r {
        assert!(d["error"].is_null(), "{d}");
        let s = d["sentiment"]["score"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&s));
        assert!((1..=4).contains(&d["priority"]["level"].as_u64().unwrap()));
        assert!(!d["route"]["queue"].as_str().unwrap().is_empty());
        assert_eq!(d["trace"].as_array().unwrap().len(), 4, "sentiment, classify, priority, routing");
    }
}

#[test]
fn a_missing_input_file_is_a_clear_failure() {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(["route", "no/such/file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/file.jsonl"), "{stderr}");
}

#[test]
fn inspect_names_the_hooks_of_each_reference_plugin() {
    for (name, hook) in [("sentiment", "sentiment"), ("priority", "priority"), ("router", "routing")] {
        let out = Command::new(env!("CARGO_BIN_EXE_cxr"))
            .args(["inspect", &format!("builtin:{name}"), "--json"])
            .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(meta["hooks"], serde_json::json!([hook]));
        assert_eq!(meta["wit_version"], "0.3.0");
        assert_eq!(meta["contract_supported"], true);
        assert_eq!(meta["sha256"].as_str().unwrap().len(), 64);
    }
}
