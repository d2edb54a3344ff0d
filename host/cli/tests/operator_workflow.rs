//! The operator verbs end to end, through the `cxr` binary: `test` on the
//! shipped case files and on a failing one, `diff` (empty, deterministic,
//! and with a real change), `bench` output, and `route --report`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cxr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cxr"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("cxr runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The reference pipeline plus one router rule of its own, tried first.
fn candidate_pipeline(dir: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap();
    text.push_str(
        "\n[[routers.config.rules]]\nname = \"parcel-desk\"\nwhen = { keywords = [\"parcel\", \"delivery\"] }\nthen = { queue = \"parcel-desk\", discipline = \"service\" }\n",
    );
    let path = dir.join("candidate.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_shipped_cases_pass_with_the_reference_plugins() {
    let dir = scratch("shipped");
    let junit = dir.join("junit.xml");
    let o = cxr(&[
        "test",
        "plugins/router/cases",
        "plugins/priority/cases",
        "plugins/sentiment/cases",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(!out.contains("FAIL"), "{out}");
    let summary = out.lines().last().unwrap();
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(summary, format!("{passed} passed, 0 failed"));
    // At least 12 router, 6 priority and 6 sentiment cases, and invariants.
    assert!(passed >= 12 + 6 + 6 + 2, "{out}");
    assert!(out.matches("PASS  invariant:").count() >= 2, "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains(&format!("tests=\"{passed}\" failures=\"0\"")), "{xml}");
    // One testsuite per case file: rules.toml, calendars.toml, levels.toml, labels.toml.
    assert_eq!(xml.matches("<testsuite ").count(), 4, "{xml}");
}

#[test]
fn a_failing_case_shows_expected_actual_and_reasons_and_exits_1() {
    let dir = scratch("failing");
    // JSON of the same shape as TOML case files.
    let cases = dir.join("wrong.json");
    std::fs::write(
        &cases,
        r#"{"case": [
            {"name": "double charge expected in retention (wrong on purpose)",
             "interaction": {"id": "W-1", "channel": "email", "body": "I was charged twice for my order", "customer": {"tier": "gold"}},
             "expect": {"queue": "retention", "discipline": "service"}},
            {"name": "a plain question is general",
             "interaction": {"body": "What are your opening hours?"},
             "expect": {"queue": "general"}}
        ]}"#,
    )
    .unwrap();
    let junit = dir.join("junit.xml");
    let o = cxr(&["test", cases.to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL  double charge expected in retention"), "{out}");
    assert!(out.contains("PASS  a plain question is general"), "{out}");
    assert!(out.contains("queue  expected retention, actual billing"), "{out}");
    assert!(!out.contains("discipline  expected"), "the discipline matched: {out}");
    assert!(out.contains("reasons:") && out.contains("rule billing-intent: signal intent=billing"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when stdout is not a terminal");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<failure message=\"queue: expected retention, actual billing\""), "{xml}");

    let o = cxr(&["test", cases.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((doc["passed"].as_u64(), doc["failed"].as_u64()), (Some(1), Some(1)));
    let first = &doc["files"][0]["results"][0];
    assert_eq!(first["passed"], false);
    assert_eq!(first["mismatches"][0]["field"], "queue");
    assert_eq!(first["mismatches"][0]["actual"], "billing");
}

#[test]
fn a_broken_case_file_is_a_failure_that_names_the_problem() {
    let dir = scratch("broken");
    let cases = dir.join("typo.toml");
    std::fs::write(&cases, "[[case]]\nname = \"typo\"\ninteraction = { body = \"x\" }\nexpect = { queu = \"general\" }\n").unwrap();
    let o = cxr(&["test", cases.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("case[0] 'typo'") && out.contains("queu"), "{out}");
    assert!(out.trim_end().ends_with("0 passed, 1 failed"), "{out}");
}

#[test]
fn diff_of_a_pipeline_against_itself_is_empty_and_deterministic() {
    let args = [
        "diff",
        "--base",
        "examples/pipeline.toml",
        "--candidate",
        "builtin",
        "examples/interactions.jsonl",
        "--json",
        "--fail-on",
        "queue,discipline,level,label",
    ];
    let first = cxr(&args);
    let second = cxr(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stdout(&first), stdout(&second), "same input and plugins, same output");
    let doc: Value = serde_json::from_str(&stdout(&first)).unwrap();
    assert_eq!(doc["total"], 72);
    assert_eq!(doc["changed"], 0);
    assert_eq!(doc["level_shift"]["+0"], 72);
    assert!(doc["interactions"].as_array().unwrap().is_empty());
    let text = cxr(&["diff", "--base", "builtin", "--candidate", "builtin", "examples/interactions.jsonl"]);
    assert!(stdout(&text).contains("72 interactions, 0 changed"), "{}", stdout(&text));
}

#[test]
fn diff_reports_what_an_extra_rule_changes() {
    let dir = scratch("diff");
    let candidate = candidate_pipeline(&dir);
    let report = dir.join("diff.html");
    let base_args = ["diff", "--base", "builtin", "--candidate", candidate.to_str().unwrap(), "examples/interactions.jsonl"];
    let json_args: Vec<&str> = base_args.iter().copied().chain(["--json"]).collect();
    let first = cxr(&json_args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stdout(&first), stdout(&cxr(&json_args)), "the diff is deterministic");
    let doc: Value = serde_json::from_str(&stdout(&first)).unwrap();
    let changed = doc["changed"].as_u64().unwrap();
    assert!(changed > 0, "{doc}");
    let moves = doc["queue_moves"].as_array().unwrap();
    assert!(moves.iter().all(|m| m["to"] == "parcel-desk"), "{moves:?}");
    let moved: u64 = moves.iter().map(|m| m["count"].as_u64().unwrap()).sum();
    assert_eq!(moved, doc["fields"]["queue"].as_u64().unwrap());
    let items = doc["interactions"].as_array().unwrap();
    assert_eq!(items.len() as u64, changed);
    assert!(items.iter().all(|i| i["candidate_reasons"].to_string().contains("rule parcel-desk")), "{items:?}");
    assert_eq!(doc["fields"]["label"], 0, "routing rules do not change sentiment");

    let text_args: Vec<&str> = base_args.iter().copied().chain(["--report", report.to_str().unwrap()]).collect();
    let text = cxr(&text_args);
    let out = stdout(&text);
    assert!(out.contains(&format!("72 interactions, {changed} changed")), "{out}");
    assert!(out.contains("queue moves") && out.contains("parcel-desk"), "{out}");
    assert!(out.contains("+ rule parcel-desk:"), "{out}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("parcel-desk"), "{html}");

    let gate = |fields: &str| {
        let args: Vec<&str> = base_args.iter().copied().chain(["--fail-on", fields]).collect();
        cxr(&args)
    };
    let failed = gate("queue,discipline");
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("--fail-on fields changed: queue"), "{}", stderr(&failed));
    assert_eq!(gate("label").status.code(), Some(0));
    assert_eq!(gate("colour").status.code(), Some(2), "unknown field is a usage error");
}

/// A candidate that only drops the language skill and changes the language
/// (no queue, discipline, level or label moves) is reported in the fields
/// it changes, and `--fail-on` gates on them.
#[test]
fn diff_reports_a_candidate_that_only_changes_skills_and_language() {
    let dir = scratch("skills");
    let text = std::fs::read_to_string(root().join("examples/pipeline.toml")).unwrap().replace(
        "default_language = \"en\"",
        "default_language = \"de\"\ndetect_language = false\nlanguage_skill = false",
    );
    assert!(text.contains("language_skill = false"), "the reference pipeline sets default_language");
    let candidate = dir.join("no-language-skill.toml");
    std::fs::write(&candidate, text).unwrap();
    let args = ["diff", "--base", "builtin", "--candidate", candidate.to_str().unwrap(), "examples/interactions.jsonl", "--now", "2026-11-22T10:00:00Z"];
    let json_args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    let o = cxr(&json_args);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["total"], 72);
    assert_eq!(doc["changed"], 72, "every decision lost its language skill: {}", doc["fields"]);
    assert_eq!(doc["fields"]["skills"], 72);
    assert!(doc["fields"]["language"].as_u64().unwrap() > 0, "{}", doc["fields"]);
    for unchanged in ["queue", "discipline", "level", "label"] {
        assert_eq!(doc["fields"][unchanged], 0, "{unchanged}");
    }
    let text = stdout(&cxr(&args));
    assert!(text.contains("72 interactions, 72 changed"), "{text}");
    assert!(!text.contains("no decision changed"), "{text}");
    let gate = |fields: &str| cxr(&args.iter().copied().chain(["--fail-on", fields]).collect::<Vec<_>>());
    assert_eq!(gate("queue,discipline,level,label").status.code(), Some(0));
    let failed = gate("skills,language");
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("skills (72)"), "{}", stderr(&failed));
}

#[test]
fn diff_swaps_a_wasm_plugin_into_the_reference_pipeline() {
    let dir = scratch("wasm");
    let wasm = dir.join("router.wasm");
    std::fs::write(&wasm, cxr_host::builtin::ROUTER).unwrap();
    let o = cxr(&["diff", "--base", "builtin", "--candidate", wasm.to_str().unwrap(), "examples/interactions.jsonl", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // The same router again, first in the chain with an empty config: the
    // built-in rules decide the same way.
    assert_eq!(doc["changed"], 0, "{doc}");
}

#[test]
fn bench_reports_every_hook() {
    let o = cxr(&["bench", "examples/interactions.jsonl", "-n", "2", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["interactions"], 72);
    assert_eq!(doc["decisions"], 144);
    assert!(doc["decisions_per_second"].as_f64().unwrap() > 0.0);
    let hooks = doc["hooks"].as_array().unwrap();
    let names: Vec<&str> = hooks.iter().map(|h| h["hook"].as_str().unwrap()).collect();
    assert_eq!(names, ["sentiment", "priority", "routing", "classify"]);
    for h in hooks {
        assert_eq!(h["calls"], 144, "{h}");
        let m = &h["micros"];
        let (p50, p90, p99) = (m["p50"].as_f64().unwrap(), m["p90"].as_f64().unwrap(), m["p99"].as_f64().unwrap());
        assert!(p50 <= p90 && p90 <= p99, "{m}");
        assert!(h["mean_fuel"].as_f64().unwrap() > 0.0, "the reference pipeline meters fuel: {h}");
        assert!(h["max_memory_bytes"].as_u64().unwrap() > 0, "{h}");
    }
    let text = cxr(&["bench", "examples/interactions.jsonl", "-n", "1"]);
    let out = stdout(&text);
    assert!(out.contains("decisions/s") && out.contains("p99 us") && out.contains("fuel/call"), "{out}");
}

#[test]
fn route_report_is_self_contained_and_escapes_input() {
    let dir = scratch("route");
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"<script>alert(1)</script>\",\"channel\":\"chat\",\"body\":\"I was charged twice <b>again</b>\"}\n{\"id\":\"<img src=x onerror=alert(2)>\",\"channel\":\"pigeon\",\"body\":\"hi\"}\nnot json\n",
    )
    .unwrap();
    let report = dir.join("report.html");
    let decisions = dir.join("out.jsonl");
    let o = cxr(&[
        "route",
        input.to_str().unwrap(),
        "-o",
        decisions.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Routing itself is unchanged: one record per line, in order.
    let lines: Vec<Value> = std::fs::read_to_string(&decisions)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "<script>alert(1)</script>");
    // No progress drawing when stderr is not a terminal.
    let err = stderr(&o);
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert!(err.contains("3 lines"), "{err}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>again"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the slowest calls name the interaction");
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"), "the input error is listed with its id, escaped");
    for section in ["Queues", "Disciplines", "Priority", "Sentiment", "Fallbacks and errors", "Slowest plugins"] {
        assert!(html.contains(section), "missing {section}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing is fetched");
}
