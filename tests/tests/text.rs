//! Contract 0.3.0's host-side text analysis through real components: what a
//! plugin gets (normalised text, tokens, language, lexicon matches), misuse
//! answered with plugin-visible errors, lexicons in `isolate` snapshots, and
//! plugins of 0.1.0, 0.2.0 and 0.3.0 deciding side by side.

use cxr_e2e::{TEXT_WASM, ix, load, now};
use cxr_host::{Decision, Pipeline, PipelineConfig};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn fixture(version: &str, file: &str) -> String {
    root().join("tests/compat").join(format!("v{version}")).join(file).display().to_string()
}

/// A pipeline whose only classifier is the text probe with `config`.
fn probe(config: &str, mode: &str) -> anyhow::Result<Pipeline> {
    let toml = format!("name = \"text\"\ninstance_mode = {mode:?}\n[[classifiers]]\nplugin = {TEXT_WASM:?}\nconfig = {config}\n");
    load(&PipelineConfig::from_toml(&toml).unwrap())
}

fn signal<'a>(d: &'a Decision, name: &str) -> &'a str {
    d.signals.iter().find(|s| s.name == name).map(|s| s.value.as_str()).unwrap_or_else(|| panic!("no signal {name}: {:?} {:?}", d.signals, d.degraded))
}

const PHRASES: &str = r#"{ phrases = ["Rückerstattung", "doppelt belastet", "Konto"], mode = "report" }"#;
const GERMAN: &str = r#"{"id":"T-1","subject":"Doppelt belastet – RÜCKERSTATTUNG?","body":"Guten Tag, ich wurde doppelt belastet und möchte eine Rückerstattung. Bitte prüfen Sie mein Konto."}"#;

#[test]
fn a_0_3_0_plugin_gets_the_hosts_analysis_of_the_interaction() {
    for mode in ["reuse", "isolate"] {
        let p = probe(PHRASES, mode).unwrap();
        if mode == "isolate" {
            // Each interaction gets a fresh instance restored from the
            // snapshot taken after `configure`: the lexicon handle in its
            // memory must still name the lexicon.
            let how = p.stats()[0].isolate.clone();
            assert_eq!(how.as_deref(), Some("snapshot after configure (instantiate only)"));
        }
        let d = p.decide(&ix(GERMAN), now());
        assert!(d.degraded.is_empty() && d.error.is_none(), "{mode}: {:?} {:?}", d.degraded, d.error);
        assert_eq!(signal(&d, "normalized-subject"), "[ doppelt belastet ruckerstattung . ]", "{mode}");
        assert_eq!(signal(&d, "language"), "deu", "{mode}");
        // "doppelt belastet" (1), then "rückerstattung" (0), then "konto" (2): in text order.
        assert_eq!(signal(&d, "body-matches"), "1,0,2", "{mode}");
        assert_eq!(signal(&d, "body-tokens"), "18", "{mode}");
        // The next interaction is analysed afresh.
        let d = p.decide(&ix(r#"{"id":"T-2","body":"Where is my parcel?"}"#), now());
        assert_eq!((signal(&d, "body-matches"), signal(&d, "language"), signal(&d, "normalized-subject")), ("none", "eng", "[ ]"), "{mode}");
    }
}

#[test]
fn registering_a_lexicon_in_a_hook_is_a_plugin_error() {
    let p = probe(r#"{ phrases = ["late"], mode = "register-in-hook" }"#, "reuse").unwrap();
    let d = p.decide(&ix(GERMAN), now());
    assert_eq!(d.degraded.len(), 1, "{:?}", d.degraded);
    assert!(d.degraded[0].error.contains("a lexicon can be registered only in `configure`"), "{}", d.degraded[0].error);
    assert!(d.route.is_some(), "the decision goes on");
}

#[test]
fn an_unknown_lexicon_handle_is_a_plugin_error() {
    let p = probe(r#"{ phrases = ["late"], mode = "bad-handle" }"#, "reuse").unwrap();
    let d = p.decide(&ix(GERMAN), now());
    assert_eq!(d.degraded.len(), 1, "{:?}", d.degraded);
    assert!(d.degraded[0].error.contains("UnknownLexicon(7)"), "{}", d.degraded[0].error);
}

#[test]
fn an_oversized_lexicon_is_refused_at_configure() {
    let long = "x".repeat(300);
    if let Ok(p) = probe(&format!(r#"{{ phrases = ["{long}"], mode = "report" }}"#), "reuse") {
        let d = p.decide(&ix(GERMAN), now());
        panic!("an oversized lexicon was accepted: {:?} {:?} {:?}", d.error, d.degraded, d.signals);
    }
    let err = probe(&format!(r#"{{ phrases = ["{long}"], mode = "report" }}"#), "reuse").err().map(|e| format!("{e:#}")).expect("refused");
    assert!(err.contains("lexicon phrase 0 has 302 bytes; the limit is 256"), "{err}");
}

/// The same classifier built for 0.2.0 (the recorded fixture: its own
/// normalisation and automaton in wasm) and for 0.3.0 (the built-in one:
/// the host's analysis), with a 0.1.0 sentiment plugin and priority, in one
/// pipeline: both classifiers emit the same signals.
#[test]
fn plugins_of_three_contract_versions_decide_together() {
    let toml = format!(
        "name = \"three\"\n[sentiment]\nplugin = {:?}\n[[classifiers]]\nplugin = {:?}\n[[classifiers]]\nplugin = \"builtin:classify\"\n[priority]\nplugin = {:?}\n[[routers]]\nplugin = {:?}\n",
        fixture("0.1.0", "cxr_sentiment.wasm"),
        fixture("0.2.0", "cxr_classify.wasm"),
        fixture("0.1.0", "cxr_priority.wasm"),
        fixture("0.2.0", "cxr_router.wasm"),
    );
    let p = load(&PipelineConfig::from_toml(&toml).unwrap()).unwrap();
    let input = std::fs::read_to_string(root().join("examples/interactions.jsonl")).unwrap();
    let mut compared = 0;
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let d = p.decide(&ix(line), now());
        assert!(d.error.is_none() && d.degraded.is_empty(), "{:?} {:?}", d.error, d.degraded);
        let versions: Vec<&str> = d.trace.iter().map(|t| t.version.as_str()).collect();
        assert_eq!(d.trace.len(), 5);
        let half = d.signals.len() / 2;
        assert!(half >= 2, "{:?}", d.signals);
        let (old, new) = d.signals.split_at(half);
        for (a, b) in old.iter().zip(new) {
            assert_eq!((&a.name, &a.value, a.confidence, &a.cues), (&b.name, &b.value, b.confidence, &b.cues), "{versions:?}");
        }
        compared += 1;
    }
    assert!(compared >= 50, "{compared}");
}
