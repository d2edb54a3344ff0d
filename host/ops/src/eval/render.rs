//! The text layout every evaluation report shares: `key  value` lines, the
//! failed rows, the per-class table and the confusion matrix. Everything
//! that comes from a file, a plugin or a decision (names, classes, error
//! texts) is shown through [`Shown`], so no report can carry a control or
//! bidi character to a terminal.

use super::metrics::{ClassScores, Confusion};
use cxr_host::text::Shown;
use serde::Serialize;
use std::fmt::Write as _;

/// A row that could not be scored (or failed later), with its line.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub error: String,
}

/// How many failed rows a report shows.
pub const ERROR_EXAMPLES: usize = 5;

/// `key        value` (the key padded to 10 columns); `value` is written as given.
pub fn line(o: &mut String, key: &str, value: impl std::fmt::Display) {
    let _ = writeln!(o, "{key:<10} {value}");
}

/// One indented line per failed row: `line N: error`.
pub fn error_lines(o: &mut String, errors: &[RowError]) {
    for e in errors {
        let _ = writeln!(o, "{:<10} line {}: {}", "", e.line, Shown(&e.error));
    }
}

/// Width of the class column: the longest class name, at least 8.
fn class_width(classes: &[String]) -> usize {
    classes.iter().map(|c| Shown(c).to_string().chars().count()).max().unwrap_or(0).max(8)
}

/// Precision, recall, F1, support and predicted count per class.
pub fn class_table(o: &mut String, per_class: &[ClassScores]) {
    let names: Vec<String> = per_class.iter().map(|c| c.class.clone()).collect();
    let w = class_width(&names);
    let _ = writeln!(
        o,
        "{:<w$} {:>9} {:>7} {:>6} {:>8} {:>9}",
        "", "precision", "recall", "F1", "support", "predicted"
    );
    for c in per_class {
        let _ = writeln!(
            o,
            "{:<w$} {:>9.3} {:>7.3} {:>6.3} {:>8} {:>9}",
            Shown(&c.class),
            c.precision,
            c.recall,
            c.f1,
            c.support,
            c.predicted
        );
    }
}

/// The confusion matrix, rows gold and columns predicted.
pub fn confusion_table(o: &mut String, m: &Confusion) {
    let w = class_width(&m.classes);
    o.push_str("confusion (rows: gold, columns: predicted)\n");
    let _ = write!(o, "{:<w$}", "");
    for c in &m.classes {
        let _ = write!(o, " {:>w$}", Shown(c));
    }
    o.push('\n');
    for (c, row) in m.classes.iter().zip(&m.matrix) {
        let _ = write!(o, "{:<w$}", Shown(c));
        for n in row {
            let _ = write!(o, " {n:>w$}");
        }
        o.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_class_names_and_errors() {
        let m = Confusion::from_pairs([("a\u{1b}[2J", "b\u{202e}"), ("b\u{202e}", "b\u{202e}")]);
        let mut o = String::new();
        class_table(&mut o, &m.per_class());
        confusion_table(&mut o, &m);
        error_lines(
            &mut o,
            &[RowError {
                line: 3,
                error: "bad\nforged".into(),
            }],
        );
        assert!(!o.chars().any(|c| cxr_host::text::is_unsafe(c) && c != '\n'), "{o}");
        assert!(o.contains("a\\u{1b}[2J") && o.contains("bad\\nforged"), "{o}");
        // the matrix lines up: every row as wide as the header
        let widths: Vec<usize> = o
            .lines()
            .skip_while(|l| !l.starts_with("confusion"))
            .skip(1)
            .take(3)
            .map(|l| l.chars().count())
            .collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{o}");
    }
}
