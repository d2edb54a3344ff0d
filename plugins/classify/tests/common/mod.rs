//! Shared by the evaluation test and the benchmark example: the labelled
//! message files and per-class metrics.

#![allow(dead_code)]

use cxr_classify::Intent;
use std::path::{Path, PathBuf};

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub line: usize,
    pub intent: Intent,
    pub subject: Option<String>,
    pub body: String,
}

/// The data folder of this crate.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("data")
}

/// Reads `intent<TAB>subject<TAB>body` lines (`#` comments, empty subject
/// allowed); panics naming file and line on a bad one.
pub fn read(path: &Path) -> Vec<Labelled> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{}:{}: want intent, subject, body", path.display(), i + 1);
        let intent = Intent::parse(fields[0])
            .unwrap_or_else(|| panic!("{}:{}: unknown intent '{}'", path.display(), i + 1, fields[0]));
        out.push(Labelled {
            line: i + 1,
            intent,
            subject: (!fields[1].trim().is_empty()).then(|| fields[1].to_string()),
            body: fields[2].to_string(),
        });
    }
    out
}

/// Per-class precision, recall, F1 and support, macro-F1 and accuracy.
pub struct Report {
    pub rows: Vec<(Intent, f64, f64, f64, usize)>,
    pub macro_f1: f64,
    pub accuracy: f64,
    pub n: usize,
}

/// Scores `pairs` of (gold, predicted). Macro-F1 averages over the classes
/// that occur in the gold labels.
pub fn report(pairs: &[(Intent, Intent)]) -> Report {
    let mut rows = Vec::new();
    for class in Intent::ALL {
        let tp = pairs.iter().filter(|(g, p)| *g == class && *p == class).count();
        let gold = pairs.iter().filter(|(g, _)| *g == class).count();
        let pred = pairs.iter().filter(|(_, p)| *p == class).count();
        if gold == 0 {
            continue;
        }
        let precision = if pred == 0 { 0.0 } else { tp as f64 / pred as f64 };
        let recall = tp as f64 / gold as f64;
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        rows.push((class, precision, recall, f1, gold));
    }
    let macro_f1 = rows.iter().map(|r| r.3).sum::<f64>() / rows.len().max(1) as f64;
    let correct = pairs.iter().filter(|(g, p)| g == p).count();
    Report { rows, macro_f1, accuracy: correct as f64 / pairs.len().max(1) as f64, n: pairs.len() }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "  {:<13} {:>9} {:>7} {:>6} {:>8}", "intent", "precision", "recall", "F1", "support")?;
        for (class, p, r, f1, n) in &self.rows {
            writeln!(f, "  {:<13} {p:>9.2} {r:>7.2} {f1:>6.2} {n:>8}", class.as_str())?;
        }
        write!(f, "  macro-F1 {:.3}  accuracy {:.3}  (n = {})", self.macro_f1, self.accuracy, self.n)
    }
}
