//! Every verb documents itself: `cxr VERB --help` has examples that name the
//! verb and an exit status section, and `cxr --help` names the pipeline's
//! four stages. Verbs are read from `cxr --help`, so a new verb is checked
//! without touching this test.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cxr")).args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "cxr {args:?} --help failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The verbs listed under "Commands:" in `cxr --help` (without `help`).
fn verbs() -> Vec<String> {
    let top = help(&[]);
    let commands = top.split("Commands:").nth(1).expect("cxr --help lists its commands");
    // "  VERB  what it does"; a wrapped description goes on indented deeper.
    commands
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l[2..].starts_with(char::is_whitespace))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| *v != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_verb_has_examples_and_an_exit_status_section() {
    let verbs = verbs();
    for expected in ["route", "run", "inspect", "serve", "test", "diff", "bench", "eval", "new", "worker", "cache", "check"] {
        assert!(verbs.iter().any(|v| v == expected), "`cxr --help` lists {expected}: {verbs:?}");
    }
    for verb in &verbs {
        let text = help(&[verb]);
        let examples = text.split("Examples:").nth(1).unwrap_or_else(|| panic!("cxr {verb} --help has no Examples section:\n{text}"));
        assert!(examples.contains(&format!("cxr {verb}")), "the examples of cxr {verb} use it:\n{examples}");
        let status = text.split("Exit status:").nth(1).unwrap_or_else(|| panic!("cxr {verb} --help has no Exit status section:\n{text}"));
        for code in ["0  ", "1  ", "2  "] {
            assert!(status.lines().any(|l| l.trim_start().starts_with(code)), "cxr {verb}: exit status {code}is explained:\n{status}");
        }
    }
}

#[test]
fn the_overview_names_the_four_stages() {
    let top = help(&[]);
    let flowing = top.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flowing.contains("sentiment -> classifiers -> priority -> routers"), "{top}");
    assert!(top.contains("Exit status:") && top.contains("CXR_CACHE_MAX_MB"), "{top}");
}
