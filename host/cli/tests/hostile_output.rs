//! A hostile plugin against an operator's terminal and logs, through the
//! real `cxr` binary: terminal escapes, a bell, CR, LF with a forged log
//! line, C1 controls and bidi overrides in every field a plugin fills and
//! in everything it logs. Every verb's stdout, stderr (text logs with `-v`,
//! JSON logs of `serve --log-json`) and HTML reports must hold none of it
//! raw. Also: `[privacy]` keeps card numbers, IBANs, e-mail addresses and
//! phone numbers out of everything (an echoing plugin tries to leak them),
//! and `cxr test` and `cxr diff` flag unknown queues.

use cxr_e2e::HOSTILE_WASM;
use cxr_host::text::is_unsafe;
mod serve_process;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cxr_command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cxr"));
    c.current_dir(root())
        .env("CXR_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/cxr-cache"))
        .env_remove("CXR_LOG")
        .env_remove("NO_COLOR");
    c
}

fn cxr(args: &[&str]) -> Output {
    cxr_command().args(args).output().expect("cxr runs")
}

/// The first raw control (other than LF), bidi or separator character, with context.
fn first_raw(s: &str) -> Option<String> {
    let (i, c) = s.char_indices().find(|&(_, c)| is_unsafe(c) && c != '\n')?;
    let start = s[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
    Some(format!("{c:?} after {:?}", &s[start..i]))
}

/// Fails when `text` holds a raw control or bidi character, or a line that
/// a plugin forged.
fn assert_clean(what: &str, text: &str) {
    if let Some(raw) = first_raw(text) {
        panic!("{what}: raw {raw}\n--- full output ---\n{text}");
    }
    for line in text.lines() {
        assert!(!line.starts_with("2026-01-01T00:00:00Z ERROR"), "{what}: a forged log line: {line}");
    }
}

fn check(what: &str, o: &Output) -> (String, String) {
    let (out, err) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert_clean(&format!("{what} (stdout)"), &out);
    assert_clean(&format!("{what} (stderr)"), &err);
    (out, err)
}

/// A pipeline whose sentiment, priority and first router are the hostile
/// plugin in `mode`, then the reference router.
fn hostile_pipeline(dir: &Path, name: &str, mode: &str, top: &str, tail: &str) -> PathBuf {
    let stage = format!("plugin = {HOSTILE_WASM:?}\nconfig = {{ mode = {mode:?} }}\n");
    let text = format!(
        "{top}\nname = \"{name}\"\n[limits]\nfuel = 0\ntimeout_ms = 2000\n[fallback]\nqueue = \"general\"\n\
         [sentiment]\n{stage}[priority]\n{stage}[[routers]]\n{stage}[[routers]]\nplugin = \"builtin:router\"\n{tail}"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Input whose text itself is hostile too (escapes written as JSON escapes).
const INPUT: &str = concat!(
    r#"{"id":"H-1","channel":"email","subject":"Charged twice","body":"I was charged twice \u001b[2J\u202e for my order"}"#,
    "\n",
    r#"{"id":"H-2\u001b]0;x\u0007","channel":"chat","body":"Where is my parcel?"}"#,
    "\n"
);

#[test]
fn no_verb_lets_a_hostile_plugin_write_raw_escapes() {
    let dir = scratch("verbs");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, INPUT).unwrap();
    let one = dir.join("one.json");
    std::fs::write(&one, INPUT.lines().next().unwrap()).unwrap();
    let (input, one) = (input.to_str().unwrap(), one.to_str().unwrap());
    let pipelines = [
        hostile_pipeline(&dir, "escapes", "escapes", "", ""),
        hostile_pipeline(&dir, "names", "escapes-names", "", ""),
        hostile_pipeline(&dir, "error", "escapes-error", "", ""),
    ];
    for p in &pipelines {
        let p = p.to_str().unwrap();
        let name = Path::new(p).file_stem().unwrap().to_str().unwrap().to_string();
        let report = dir.join(format!("{name}-route.html"));
        let diff_report = dir.join(format!("{name}-diff.html"));
        let cases = dir.join(format!("{name}-cases.toml"));
        std::fs::write(
            &cases,
            "[[case]]\nname = \"fails on purpose\"\ninteraction = { body = \"I was charged twice\" }\nexpect = { queue = \"nowhere\" }\n",
        )
        .unwrap();
        let junit = dir.join(format!("{name}-junit.xml"));
        let tsv = dir.join(format!("{name}.tsv"));
        std::fs::write(&tsv, "label\ttext\nnegative\tI was charged twice\npositive\tThanks a lot!\n").unwrap();
        let runs: Vec<(&str, Vec<&str>)> = vec![
            ("run", vec!["-v", "run", "--pipeline", p, one]),
            ("run --json", vec!["-v", "run", "--pipeline", p, one, "--json"]),
            ("route", vec!["-v", "route", "--pipeline", p, input, "--report", report.to_str().unwrap()]),
            ("route --json-summary", vec!["route", "--pipeline", p, input, "--json-summary"]),
            ("test", vec!["-v", "test", "--pipeline", p, cases.to_str().unwrap(), "--junit", junit.to_str().unwrap()]),
            ("test --json", vec!["test", "--pipeline", p, cases.to_str().unwrap(), "--json"]),
            ("diff", vec!["-v", "diff", "--base", "builtin", "--candidate", p, input, "--report", diff_report.to_str().unwrap()]),
            ("diff --json", vec!["diff", "--base", "builtin", "--candidate", p, input, "--json"]),
            ("bench", vec!["-v", "bench", "--pipeline", p, input, "-n", "2", "--quiet"]),
            ("bench --json", vec!["bench", "--pipeline", p, input, "-n", "2", "--quiet", "--json"]),
            ("eval", vec!["-v", "eval", "--pipeline", p, tsv.to_str().unwrap()]),
            ("eval --json", vec!["eval", "--pipeline", p, tsv.to_str().unwrap(), "--json"]),
        ];
        for (verb, args) in runs {
            let o = cxr(&args);
            let what = format!("{name}: cxr {verb}");
            let (out, err) = check(&what, &o);
            assert!(!out.is_empty() || !err.is_empty(), "{what} printed nothing");
        }
        for file in [&report, &diff_report, &junit] {
            let text = std::fs::read_to_string(file).unwrap();
            assert_clean(&format!("{name}: {}", file.display()), &text);
        }
    }

    // What the escapes plugin wrote is shown escaped, not dropped.
    let o = cxr(&["-v", "run", "--pipeline", pipelines[0].to_str().unwrap(), one]);
    let (out, err) = check("run", &o);
    assert!(out.contains("\\u{1b}[2J") && out.contains("\\u{202e}txt.exe"), "{out}");
    assert!(out.contains("\\n2026-01-01T00:00:00Z ERROR cxr_host: forged log line"), "{out}");
    // A `host.log` message is one log line, its line feed shown escaped;
    // what the plugin prints on stdout and stderr becomes log events of its
    // own, each attributed to the plugin: nothing it writes starts a line.
    assert!(err.lines().any(|l| l.contains("\\n2026-01-01T00:00:00Z ERROR cxr_host: forged log line")), "{err}");
    let forged: Vec<&str> = err.lines().filter(|l| l.contains("forged log line")).collect();
    assert!(forged.len() >= 5, "{err}");
    for l in forged {
        assert!(l.contains("INFO cxr_host::sandbox:") || l.contains("WARN cxr_host::sandbox:") || l.contains("ERROR cxr_host::sandbox:"), "{l}");
        assert!(l.contains("plugin=cxr-test-hostile") || l.contains("plugin=\"cxr-test-hostile\""), "{l}");
    }
    assert!(err.lines().any(|l| l.contains("stream=\"stdout\"")) && err.lines().any(|l| l.contains("stream=\"stderr\"")), "{err}");
    // The plugin's error text is escaped too.
    let o = cxr(&["run", "--pipeline", pipelines[2].to_str().unwrap(), one]);
    let (out, _) = check("run (error)", &o);
    assert!(out.contains("degraded   sentiment (cxr-test-hostile, plugin): sentiment hook of plugin `cxr-test-hostile`"), "{out}");
    assert!(out.contains("\\u{1b}[2J"), "{out}");
    // inspect shows the plugin's own words escaped.
    let o = cxr(&["inspect", HOSTILE_WASM]);
    check("inspect", &o);
    assert!(o.status.success());
}

/// Sends one HTTP/1.1 request over loopback and returns the whole answer.
fn http(addr: &str, method: &str, path: &str, body: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// A `cxr serve` child process, killed (by its own id) when dropped.
struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_json_logs_and_responses_hold_no_raw_escapes() {
    let dir = scratch("serve");
    let p = hostile_pipeline(&dir, "escapes", "escapes", "", "");
    let (child, addr) = serve_process::spawn_listening(
        cxr_command()
            .args(["-v", "serve", "--log-json", "--listen", "127.0.0.1:0", "--pipeline", p.to_str().unwrap()])
            .stderr(Stdio::piped()),
        String::new,
    );
    let mut server = Serve(child);
    let one = INPUT.lines().next().unwrap();
    let answers = [
        http(&addr, "POST", "/v1/decide", one),
        http(&addr, "POST", "/v1/decide/batch", INPUT),
        http(&addr, "POST", "/v1/decide/batch", &format!("[{}]", INPUT.trim().replace('\n', ","))),
        http(&addr, "GET", "/metrics", ""),
    ];
    for a in &answers {
        assert!(a.starts_with("HTTP/1.1 200"), "{a}");
        let body = a.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        assert_clean("serve response", body);
    }
    assert!(answers[0].contains("\\u001b[2J") && answers[0].contains("\\u202etxt.exe"), "{}", answers[0]);
    let d: serde_json::Value = serde_json::from_str(answers[0].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(d["sentiment"]["cues"][0]["text"].as_str().unwrap().contains('\u{202e}'), "the value is unchanged");
    let _ = server.0.kill();
    let mut err = String::new();
    server.0.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_clean("serve JSON logs", &err);
    let logged: Vec<&str> = err.lines().filter(|l| l.contains("forged log line")).collect();
    assert!(logged.len() >= 5, "{err}");
    for l in logged {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON log line ({e}): {l}"));
        assert_eq!(v["plugin"], "cxr-test-hostile", "{l}");
    }
}

const CARDS: [&str; 4] = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011 0009 9013 9424"];
const IBANS: [&str; 2] = ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"];
const EMAILS: [&str; 2] = ["jane.doe@example.com", "ops+cx@mail.example.org"];
const PHONES: [&str; 2] = ["+49 171 1234567", "(555) 123-4567"];

#[test]
fn privacy_keeps_personal_data_out_of_decisions_logs_and_reports() {
    let dir = scratch("privacy");
    let mut lines = String::new();
    for (i, card) in CARDS.iter().enumerate() {
        let ix = serde_json::json!({
            "id": format!("P-{i}"),
            "subject": format!("IBAN {}", IBANS[i % 2]),
            "body": format!("Card {card}, mail {} or call {}.", EMAILS[i % 2], PHONES[i % 2]),
            "history": [{"direction": "inbound", "body": format!("card {card}")}],
        });
        lines.push_str(&format!("{ix}\n"));
    }
    let input = dir.join("personal.jsonl");
    std::fs::write(&input, &lines).unwrap();
    let privacy = "[privacy]\nmask = [\"card\", \"iban\", \"email\", \"phone\"]\n";
    let p = hostile_pipeline(&dir, "private", "echo", "", privacy);
    let report = dir.join("report.html");
    let (p, input_path) = (p.to_str().unwrap(), input.to_str().unwrap());
    let outputs = [
        cxr(&["-v", "route", "--pipeline", p, input_path, "--report", report.to_str().unwrap()]),
        cxr(&["-v", "bench", "--pipeline", p, input_path, "-n", "1", "--quiet"]),
        cxr(&["-v", "diff", "--base", "builtin", "--candidate", p, input_path, "--json"]),
    ];
    for o in &outputs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        check("privacy", o);
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let route_out = text(&outputs[0].stdout);
    // The diff's base has no [privacy] and decides the originals: only the candidate's side counts.
    let diff: serde_json::Value = serde_json::from_slice(&outputs[2].stdout).unwrap();
    let candidate_side: String = diff["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}{}", c["candidate"], c["candidate_reasons"]))
        .collect();
    let searched = format!(
        "{route_out}{}{}{}{}{candidate_side}{}",
        text(&outputs[0].stderr),
        text(&outputs[1].stdout),
        text(&outputs[1].stderr),
        text(&outputs[2].stderr),
        std::fs::read_to_string(&report).unwrap()
    );
    for original in CARDS.iter().chain(&IBANS).chain(&EMAILS).chain(&PHONES) {
        let digits: String = original.chars().filter(char::is_ascii_alphanumeric).collect();
        assert!(!searched.contains(original), "{original} leaked:\n{searched}");
        assert!(!searched.contains(&digits), "{original} leaked without its separators:\n{searched}");
    }
    // The echoing plugin logged what it saw: the masks.
    let logs = String::from_utf8_lossy(&outputs[0].stderr);
    assert!(logs.contains("[card …1111]") && logs.contains("[email]") && logs.contains("[iban DE…3000]"), "{logs}");
    let first: serde_json::Value = serde_json::from_str(route_out.lines().next().unwrap()).unwrap();
    assert_eq!(first["masked"], serde_json::json!({"card": 2, "email": 1, "iban": 1, "phone": 1}), "{first}");
}

#[test]
fn test_and_diff_flag_unknown_queues() {
    let dir = scratch("queues");
    let known = "queues = [\"general\", \"billing\", \"orders\"]";
    let strict = hostile_pipeline(&dir, "strict", "queue-bogus", known, "");
    let cases = dir.join("cases.toml");
    std::fs::write(
        &cases,
        "[[case]]\nname = \"typo in the queue\"\ninteraction = { body = \"I was charged twice\" }\nexpect = { queue = \"biling\" }\n",
    )
    .unwrap();
    let o = cxr(&["test", "--pipeline", strict.to_str().unwrap(), cases.to_str().unwrap()]);
    let (out, _) = check("test", &o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("biling (unknown: not in the pipeline's `queues`: general, billing, orders)"), "{out}");
    assert!(out.contains("route.queue \"bogus\" is not in the pipeline's `queues`"), "{out}");

    // The candidate routes to `bogus`, which the base's list does not have.
    let open = hostile_pipeline(&dir, "open", "queue-bogus", "", "");
    let base = dir.join("base.toml");
    std::fs::write(&base, format!("{known}\n{}", std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap())).unwrap();
    let input = root().join("examples/interactions.jsonl");
    let o = cxr(&["diff", "--base", base.to_str().unwrap(), "--candidate", open.to_str().unwrap(), input.to_str().unwrap(), "--quiet"]);
    let (out, _) = check("diff", &o);
    assert!(out.contains("unknown queues"), "{out}");
    assert!(out.contains("the candidate decides queues the base's `queues` does not list: bogus ("), "{out}");
    let o = cxr(&["diff", "--base", base.to_str().unwrap(), "--candidate", strict.to_str().unwrap(), input.to_str().unwrap(), "--json"]);
    let diff: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(diff["unknown_queues"]["refused_by_candidate"].as_u64().unwrap() > 0, "{diff}");
}

/// The values of `tests/privacy/leaks.jsonl` that must appear nowhere.
fn leak_values() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/privacy/leaks-values.txt")).unwrap();
    text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

fn assert_no_leak(what: &str, text: &str) {
    for v in leak_values() {
        assert!(!text.contains(&v), "{what}: {v:?} leaked:\n{text}");
    }
}

/// With `[privacy]` on, personal data reaches no output through the side
/// doors: fields that fail validation (error records, HTTP 400 bodies,
/// logs), attribute keys, `language`, the customer's id and tier, a card
/// sent over two chat turns. Through `cxr route` and `cxr serve`, with a
/// plugin that echoes everything it sees into its output and logs.
#[test]
fn privacy_nothing_leaks_through_errors_keys_or_language_in_route_and_serve() {
    let dir = scratch("leaks");
    let privacy = "[privacy]\nmask = [\"card\", \"iban\", \"email\", \"phone\"]\n";
    let p = hostile_pipeline(&dir, "private", "echo", "", privacy);
    let input = root().join("tests/privacy/leaks.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&input).unwrap().lines().map(str::to_string).collect();

    // cxr route, with info logs
    {
        let o = cxr(&["-v", "route", "--pipeline", p.to_str().unwrap(), input.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (out, err) = check("route", &o);
        assert_no_leak("route stdout", &out);
        assert_no_leak("route stderr", &err);
        let records: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(records.len(), lines.len(), "one record per line");
        let errors = records.iter().filter(|r| !r["error"].is_null()).count();
        assert_eq!(errors, 11, "ten fields that fail validation and one line that is not JSON:\n{out}");
        let l11 = &records[10];
        assert_eq!(l11["reasons"][0], cxr_host::LANGUAGE_DROPPED, "{l11}");
        assert!(l11["route"]["language"].is_null(), "{l11}");
        assert!(l11.to_string().contains("attribute [email]: [phone …67]"), "the echo saw the key masked: {l11}");
        let l13 = &records[12];
        assert_eq!(l13["masked"]["card"], 1, "a card over two chat turns: {l13}");
        assert!(l13.to_string().contains("language: de-de"), "a valid tag is kept: {l13}");
    }

    // cxr serve: one interaction at a time (400 for the bad ones), and as
    // batches; its logs go to a file (a pipe nobody reads would fill up)
    let log = dir.join("serve.log");
    let (child, addr) = serve_process::spawn_listening(
        cxr_command()
            .args(["-v", "serve", "--log-json", "--listen", "127.0.0.1:0", "--pipeline", p.to_str().unwrap()])
            .stderr(std::fs::File::create(&log).unwrap()),
        || std::fs::read_to_string(&log).unwrap_or_default(),
    );
    let mut server = Serve(child);
    let mut statuses = Vec::new();
    let mut answers = String::new();
    for l in &lines {
        let a = http(&addr, "POST", "/v1/decide", l);
        statuses.push(a[9..12].to_string());
        answers.push_str(&a);
    }
    assert_eq!(statuses.iter().filter(|s| *s == "400").count(), 11, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| *s == "200").count(), 3, "{statuses:?}");
    let json_lines = lines.join("\n");
    let array = format!("[{}]", lines[..lines.len() - 1].join(","));
    for body in [json_lines.as_str(), array.as_str()] {
        let a = http(&addr, "POST", "/v1/decide/batch", body);
        assert!(a.starts_with("HTTP/1.1 200"), "{a}");
        answers.push_str(&a);
    }
    answers.push_str(&http(&addr, "GET", "/metrics", ""));
    assert_no_leak("serve responses", &answers);
    assert!(answers.contains("unknown channel, a string of 20 characters"), "{answers}");
    let _ = server.0.kill();
    let _ = server.0.wait();
    let err = std::fs::read_to_string(&log).unwrap();
    assert_no_leak("serve logs", &err);
    assert!(err.contains("[card …1111]"), "the echoing plugin logged the masks: {err}");
}
