//! A classifier's signal (`intent`, `churn-risk`, ...) against gold labels
//! (`cxr eval --signal`): per-class precision, recall and F1, macro-F1,
//! accuracy, the confusion matrix and the time of the classify stage.

use super::metrics::{self, ClassScores, Confusion};
use super::render::{self, ERROR_EXAMPLES, RowError};
use super::table::LabelledRows;
use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use cxr_host::model::{Channel, Interaction};
use cxr_host::text::Shown;
use cxr_host::{Hook, Pipeline};
use serde::Serialize;

/// The evaluation of one signal on a labelled file (the `--json` output).
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
    pub per_class: Vec<ClassScores>,
    /// Rows gold, columns predicted, in the order of `confusion.classes`.
    pub confusion: Confusion,
    /// Median time of the classify stage per message (µs, from the trace).
    pub median_micros: Option<f64>,
}

/// An error naming the first row whose gold value is empty.
pub fn check_gold(rows: &LabelledRows) -> Result<()> {
    match rows.rows.iter().find(|r| r.gold.trim().is_empty()) {
        Some(row) => Err(rows.gold_error(row, "empty")),
        None => Ok(()),
    }
}

/// Decides every row with `pipeline` as of `now` and scores the signal
/// named `signal` against the gold (compared trimmed, ignoring case).
/// Every row is counted: scored, or an error with its line. An error when
/// the pipeline has no classifier.
pub fn evaluate(
    pipeline: &Pipeline,
    rows: &LabelledRows,
    signal: &str,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<SignalReport> {
    check_gold(rows)?;
    if !pipeline.plugins().iter().any(|(h, _)| *h == Hook::Classify) {
        bail!("the pipeline has no classifier: give one with --plugin or a pipeline with [[classifiers]]");
    }
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(rows.rows.len());
    let mut errors = Vec::new();
    let mut micros = Vec::new();
    let mut plugin = None;
    for row in &rows.rows {
        let mut ix = Interaction::new(row.number.to_string(), channel, row.text.clone());
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
    Ok(SignalReport {
        input: rows.name.clone(),
        signal: signal.to_string(),
        plugin,
        rows: rows.rows.len(),
        scored: pairs.len(),
        errors: errors.len(),
        error_examples: errors.into_iter().take(ERROR_EXAMPLES).collect(),
        accuracy: confusion.accuracy(),
        macro_f1: confusion.macro_f1(),
        per_class: confusion.per_class(),
        confusion,
        median_micros: metrics::median(&micros),
    })
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

impl SignalReport {
    /// The report for a person.
    pub fn text(&self) -> String {
        let mut o = String::new();
        render::line(&mut o, "file", Shown(&self.input));
        let from = self.plugin.as_deref().map(|p| format!(" (from {})", Shown(p))).unwrap_or_default();
        render::line(&mut o, "signal", format_args!("{}{from}", Shown(&self.signal)));
        render::line(
            &mut o,
            "rows",
            format_args!("{} read, {} scored, {} errors", self.rows, self.scored, self.errors),
        );
        render::error_lines(&mut o, &self.error_examples);
        render::line(&mut o, "accuracy", format_args!("{:.3}", self.accuracy));
        render::line(&mut o, "macro-F1", format_args!("{:.3}", self.macro_f1));
        o.push('\n');
        render::class_table(&mut o, &self.per_class);
        o.push('\n');
        render::confusion_table(&mut o, &self.confusion);
        o.push('\n');
        match self.median_micros {
            Some(us) => render::line(
                &mut o,
                "time",
                format_args!("median {us:.1} µs per message (classify stage, from the trace)"),
            ),
            None => render::line(&mut o, "time", "no successful classify call to time"),
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::table::{Columns, Delimiter, TableOptions, parse_table};

    #[test]
    fn an_empty_gold_value_is_named() {
        let o = TableOptions {
            delimiter: Delimiter::Tab,
            quoting: None,
            comment: None,
            header: true,
            limit: None,
        };
        let t = parse_table(b"intent\ttext\nbilling\tcharged twice\n \tno label\n", "i.tsv", &o).unwrap();
        let rows = t
            .labelled_rows(&Columns {
                text: "text",
                gold: "intent",
                language: None,
            })
            .unwrap();
        let e = check_gold(&rows).unwrap_err().to_string();
        assert_eq!(e, "i.tsv line 3, column 1 (gold): empty");
    }
}
