//! The `[privacy]` masker on the labelled corpus in `tests/privacy/`:
//! recall at least 0.99 for every kind of personal data, false positives at
//! most 0.02 on every class of number that is not personal data, on each
//! file: `tuning.jsonl` (what the masker was developed against),
//! `handwritten.jsonl` (tricky formats written by hand) and `heldout.jsonl`
//! (generated from other templates, not looked at while developing).
//! `scripts/gen-privacy-corpus.py` writes the generated files.
//!
//! `cargo test --release -p cxr-ops --test privacy_corpus -- --nocapture`
//! prints the figures per kind, format and class.

use cxr_host::privacy::Masker;
use cxr_ops::eval::privacy::{evaluate, parse};
use std::path::Path;

const MIN_RECALL: f64 = 0.99;
const MAX_FALSE_POSITIVES: f64 = 0.02;

fn check(file: &str, min_items: u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/privacy").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let messages = parse(&text, file).unwrap();
    let report = evaluate(&Masker::all(), file, &messages);
    println!("{}", report.text());
    let mut failures = Vec::new();
    for kind in ["card", "iban", "email", "phone"] {
        let k = report.kinds.get(kind).unwrap_or_else(|| panic!("{file}: no {kind} labelled"));
        assert!(k.recall.items >= min_items, "{file}: only {} {kind} values", k.recall.items);
        if k.recall.rate < MIN_RECALL {
            failures.push(format!("{kind} recall {:.4} < {MIN_RECALL}", k.recall.rate));
        }
    }
    for (class, c) in &report.classes {
        if c.false_positives.rate > MAX_FALSE_POSITIVES {
            failures.push(format!("{class} false positives {:.4} > {MAX_FALSE_POSITIVES}", c.false_positives.rate));
        }
    }
    if report.false_positives.rate > MAX_FALSE_POSITIVES {
        failures.push(format!("all false positives {:.4} > {MAX_FALSE_POSITIVES}", report.false_positives.rate));
    }
    assert!(failures.is_empty(), "{file}: {}", failures.join("; "));
}

#[test]
fn the_tuning_corpus_meets_the_thresholds() {
    check("tuning.jsonl", 300);
}

#[test]
fn the_handwritten_tricky_formats_meet_the_thresholds() {
    check("handwritten.jsonl", 15);
}

#[test]
fn the_held_out_corpus_meets_the_thresholds() {
    check("heldout.jsonl", 300);
}
