//! Evaluating a classifier's signal (`intent`, `churn-risk`, ...) against
//! gold labels (`cxr eval --signal`): per-class precision, recall and F1,
//! macro-F1, accuracy and the confusion matrix.

use chrono::{DateTime, Utc};
use cxr_host::model::{Channel, Interaction};
use cxr_host::{Hook, Pipeline};
use serde::Serialize;
use std::collections::BTreeSet;

/// One labelled text to classify.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledText {
    /// 1-based line of the row in its file (for error messages).
    pub line: u64,
    /// The message body.
    pub text: String,
    /// A language code handed to the plugins, when known.
    pub language: Option<String>,
    /// The gold value (compared case-insensitively, trimmed).
    pub gold: String,
}

/// A row that could not be scored, with its line.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub error: String,
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassScore {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Rows whose gold is this class.
    pub support: u64,
    /// Rows predicted as this class.
    pub predicted: u64,
}

/// A multi-class confusion matrix over named classes: rows gold, columns
/// predicted, classes sorted by name.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Confusion {
    pub classes: Vec<String>,
    pub matrix: Vec<Vec<u64>>,
}

impl Confusion {
    /// Counts `(gold, predicted)` pairs; the classes are every value seen in either.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        let classes: Vec<String> = pairs
            .clone()
            .into_iter()
            .flat_map(|(g, p)| [g, p])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(str::to_string)
            .collect();
        let n = classes.len();
        let mut matrix = vec![vec![0u64; n]; n];
        let index = |c: &str| classes.iter().position(|x| x == c).expect("class collected above");
        for (g, p) in pairs {
            matrix[index(g)][index(p)] += 1;
        }
        Confusion { classes, matrix }
    }

    /// All counted rows.
    pub fn total(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }

    /// Share of rows on the diagonal (0 when empty).
    pub fn accuracy(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return 0.0;
        }
        let right: u64 = (0..self.classes.len()).map(|i| self.matrix[i][i]).sum();
        right as f64 / total as f64
    }

    /// Scores of class `i` (0 where undefined).
    pub fn class(&self, i: usize) -> ClassScore {
        let tp = self.matrix[i][i];
        let support: u64 = self.matrix[i].iter().sum();
        let predicted: u64 = self.matrix.iter().map(|r| r[i]).sum();
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        ClassScore {
            class: self.classes[i].clone(),
            precision,
            recall,
            f1,
            support,
            predicted,
        }
    }

    /// Per-class scores, in class order.
    pub fn per_class(&self) -> Vec<ClassScore> {
        (0..self.classes.len()).map(|i| self.class(i)).collect()
    }

    /// Mean F1 over every class present in gold or predictions (0 when empty).
    pub fn macro_f1(&self) -> f64 {
        if self.classes.is_empty() {
            return 0.0;
        }
        self.per_class().iter().map(|c| c.f1).sum::<f64>() / self.classes.len() as f64
    }
}

/// The evaluation of one signal on a labelled file.
#[derive(Debug, Clone, Serialize)]
pub struct SignalReport {
    /// The file evaluated.
    pub input: String,
    /// The signal scored, e.g. `intent`.
    pub signal: String,
    /// The plugin that emitted the signal (the first row's), when any did.
    pub plugin: Option<String>,
    /// Data rows read.
    pub rows: usize,
    /// Rows with a prediction, scored.
    pub scored: usize,
    /// Rows whose decision had no such signal (failed or not emitted).
    pub errors: usize,
    /// The first few of them.
    pub error_examples: Vec<RowError>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: Vec<ClassScore>,
    /// Rows gold, columns predicted, in the order of `confusion.classes`.
    pub confusion: Confusion,
    /// Median time of the classify stage per message (µs, from the trace).
    pub median_micros: Option<f64>,
}

/// Decides every row with `pipeline` and scores the signal named `signal`
/// against the gold. Every row is counted: scored, or an error with its line.
pub fn evaluate_signal(
    pipeline: &Pipeline,
    input: &str,
    rows: &[LabelledText],
    signal: &str,
    channel: Channel,
    now: DateTime<Utc>,
) -> SignalReport {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut micros = Vec::new();
    let mut plugin = None;
    for (i, row) in rows.iter().enumerate() {
        let mut ix = Interaction::new((i + 1).to_string(), channel, row.text.clone());
        ix.language = row.language.clone();
        let decision = pipeline.decide(&ix, now);
        // several classifiers may run: their times add up to the stage's
        let stage: f64 = decision
            .trace
            .iter()
            .filter(|t| t.hook == Hook::Classify.as_str() && t.outcome == "ok")
            .map(|t| t.micros)
            .sum();
        match decision.signals.iter().find(|s| s.name == signal) {
            Some(s) => {
                if plugin.is_none() {
                    plugin = Some(s.plugin.clone());
                }
                if stage > 0.0 {
                    micros.push(stage);
                }
                pairs.push((normalise(&row.gold), normalise(&s.value)));
            }
            None => errors.push(RowError {
                line: row.line,
                error: decision
                    .error
                    .unwrap_or_else(|| format!("the decision has no signal {signal:?}")),
            }),
        }
    }
    let confusion = Confusion::from_pairs(pairs.iter().map(|(g, p)| (g.as_str(), p.as_str())));
    SignalReport {
        input: input.to_string(),
        signal: signal.to_string(),
        plugin,
        rows: rows.len(),
        scored: pairs.len(),
        errors: errors.len(),
        error_examples: errors.into_iter().take(5).collect(),
        accuracy: confusion.accuracy(),
        macro_f1: confusion.macro_f1(),
        per_class: confusion.per_class(),
        confusion,
        median_micros: median(&mut micros),
    }
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

impl SignalReport {
    /// The report as text for a terminal.
    pub fn text(&self) -> String {
        let mut o = String::new();
        o.push_str(&format!("file       {}\n", self.input));
        o.push_str(&format!(
            "signal     {}{}\n",
            self.signal,
            self.plugin.as_deref().map(|p| format!(" (from {p})")).unwrap_or_default()
        ));
        o.push_str(&format!(
            "rows       {} read, {} scored, {} errors\n",
            self.rows, self.scored, self.errors
        ));
        for e in &self.error_examples {
            o.push_str(&format!("           line {}: {}\n", e.line, e.error));
        }
        o.push_str(&format!(
            "accuracy   {:.3}\nmacro-F1   {:.3}\n\n",
            self.accuracy, self.macro_f1
        ));
        let w = self
            .confusion
            .classes
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        o.push_str(&format!(
            "{:<w$} {:>9} {:>7} {:>6} {:>8} {:>9}\n",
            "", "precision", "recall", "F1", "support", "predicted"
        ));
        for c in &self.per_class {
            o.push_str(&format!(
                "{:<w$} {:>9.3} {:>7.3} {:>6.3} {:>8} {:>9}\n",
                c.class, c.precision, c.recall, c.f1, c.support, c.predicted
            ));
        }
        o.push_str("\nconfusion (rows: gold, columns: predicted)\n");
        let cw = w.max(5);
        o.push_str(&format!("{:<w$}", ""));
        for c in &self.confusion.classes {
            o.push_str(&format!(" {c:>cw$}"));
        }
        o.push('\n');
        for (c, row) in self.confusion.classes.iter().zip(&self.confusion.matrix) {
            o.push_str(&format!("{c:<w$}"));
            for n in row {
                o.push_str(&format!(" {n:>cw$}"));
            }
            o.push('\n');
        }
        match self.median_micros {
            Some(us) => o.push_str(&format!(
                "\ntime       median {us:.1} µs per message (classify stage, from the trace)\n"
            )),
            None => o.push_str("\ntime       no successful classify call to time\n"),
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn scores_by_hand() {
        // gold billing: 3 (2 right, 1 -> other); gold delivery: 2 (1 right, 1 -> billing);
        // gold other: 1 (right)
        let m = Confusion::from_pairs([
            ("billing", "billing"),
            ("billing", "billing"),
            ("billing", "other"),
            ("delivery", "delivery"),
            ("delivery", "billing"),
            ("other", "other"),
        ]);
        assert_eq!(m.classes, ["billing", "delivery", "other"]);
        assert_eq!(m.matrix, [[2, 0, 1], [1, 1, 0], [0, 0, 1]]);
        let b = m.class(0);
        assert!(close(b.precision, 2.0 / 3.0) && close(b.recall, 2.0 / 3.0));
        assert_eq!((b.support, b.predicted), (3, 3));
        let d = m.class(1);
        assert!(close(d.precision, 1.0) && close(d.recall, 0.5) && close(d.f1, 2.0 / 3.0));
        let o = m.class(2);
        assert!(close(o.precision, 0.5) && close(o.recall, 1.0) && close(o.f1, 2.0 / 3.0));
        assert!(close(m.macro_f1(), (2.0 / 3.0 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0));
        assert!(close(m.accuracy(), 4.0 / 6.0));
    }

    #[test]
    fn a_class_only_predicted_counts_with_f1_zero() {
        let m = Confusion::from_pairs([("billing", "billing"), ("sales", "returns")]);
        assert_eq!(m.classes, ["billing", "returns", "sales"]);
        assert!(close(m.macro_f1(), 1.0 / 3.0));
        assert_eq!(Confusion::default().macro_f1(), 0.0);
        assert_eq!(Confusion::default().accuracy(), 0.0);
    }
}
