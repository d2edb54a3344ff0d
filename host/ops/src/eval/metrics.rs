//! The figures every evaluation reports, defined once: a confusion matrix
//! over named classes with per-class precision, recall and F1, macro-F1 and
//! accuracy; Pearson r; the median; accuracy by confidence third.

use serde::Serialize;
use std::collections::BTreeSet;

/// Precision, recall and F1 of one class; a ratio with a zero denominator is 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Rows whose gold is this class.
    pub support: u64,
    /// Rows predicted as this class.
    pub predicted: u64,
}

/// A confusion matrix over named classes: `matrix[gold][predicted]`, both
/// in the order of `classes`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Confusion {
    pub classes: Vec<String>,
    pub matrix: Vec<Vec<u64>>,
}

impl Confusion {
    /// Counts `(gold, predicted)` pairs; the classes are every value seen in
    /// either, sorted by name.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        let classes: Vec<&str> = pairs
            .clone()
            .into_iter()
            .flat_map(|(g, p)| [g, p])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Self::with_classes(&classes, pairs)
    }

    /// Counts `(gold, predicted)` pairs over a fixed list of classes, in
    /// that order (a class may have no row). A value outside `classes` is
    /// added at the end.
    pub fn with_classes<'a>(classes: &[&str], pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut m = Confusion {
            classes: classes.iter().map(|c| c.to_string()).collect(),
            matrix: vec![vec![0; classes.len()]; classes.len()],
        };
        for (g, p) in pairs {
            let (g, p) = (m.index(g), m.index(p));
            m.matrix[g][p] += 1;
        }
        m
    }

    /// The index of `class`, added when new.
    fn index(&mut self, class: &str) -> usize {
        if let Some(i) = self.classes.iter().position(|c| c == class) {
            return i;
        }
        self.classes.push(class.to_string());
        for row in &mut self.matrix {
            row.push(0);
        }
        self.matrix.push(vec![0; self.classes.len()]);
        self.classes.len() - 1
    }

    /// All counted rows.
    pub fn total(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }

    /// Share of rows on the diagonal (0 when empty).
    pub fn accuracy(&self) -> f64 {
        let right: u64 = (0..self.classes.len()).map(|i| self.matrix[i][i]).sum();
        ratio(right, self.total())
    }

    /// Scores of class `i`.
    pub fn class(&self, i: usize) -> ClassScores {
        let tp = self.matrix[i][i];
        let support: u64 = self.matrix[i].iter().sum();
        let predicted: u64 = self.matrix.iter().map(|r| r[i]).sum();
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        ClassScores {
            class: self.classes[i].clone(),
            precision,
            recall,
            f1: f1(precision, recall),
            support,
            predicted,
        }
    }

    /// Per-class scores, in class order.
    pub fn per_class(&self) -> Vec<ClassScores> {
        (0..self.classes.len()).map(|i| self.class(i)).collect()
    }

    /// Mean F1 over the classes present in gold or predictions (0 when none is).
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<f64> = self
            .per_class()
            .iter()
            .filter(|c| c.support + c.predicted > 0)
            .map(|c| c.f1)
            .collect();
        if present.is_empty() {
            return 0.0;
        }
        present.iter().sum::<f64>() / present.len() as f64
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The harmonic mean of precision and recall (0 when both are).
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Pearson correlation of two equally long series; `None` when it is
/// undefined (fewer than two pairs, or a series without variance).
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || n != y.len() {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// The median of `xs` (the mean of the middle two for an even count).
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The arithmetic mean (`None` when empty).
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Accuracy of one third of the rows sorted by confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Third {
    pub rows: usize,
    pub min_confidence: f64,
    pub max_confidence: f64,
    pub accuracy: f64,
}

/// Sorts `(confidence, correct)` by confidence (ties keep their order) and
/// returns the accuracy of the low, middle and high third. The thirds
/// differ in size by at most one row; an empty third has accuracy 0.
pub fn confidence_thirds(items: &[(f64, bool)]) -> [Third; 3] {
    let mut sorted = items.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = sorted.len();
    std::array::from_fn(|k| {
        let part = &sorted[k * n / 3..(k + 1) * n / 3];
        let correct = part.iter().filter(|x| x.1).count();
        Third {
            rows: part.len(),
            min_confidence: part.first().map_or(0.0, |x| x.0),
            max_confidence: part.last().map_or(0.0, |x| x.0),
            accuracy: ratio(correct as u64, part.len() as u64),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn pearson_matches_hand_computation() {
        // x = 1,2,3,4; y = 2,4,5,9: means 2.5, 5; sxy = 11, sxx = 5, syy = 26
        let r = pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 5.0, 9.0]).unwrap();
        assert!(close(r, 11.0 / (5.0f64 * 26.0).sqrt()), "{r}");
        assert!(close(pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(), -1.0));
        assert_eq!(pearson(&[1.0], &[1.0]), None);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(pearson(&[1.0, 2.0], &[1.0]), None);
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
        assert!(close(m.macro_f1(), 2.0 / 3.0));
        assert!(close(m.accuracy(), 4.0 / 6.0));
        assert_eq!(m.total(), 6);
    }

    #[test]
    fn fixed_classes_keep_their_order_and_absent_ones_do_not_count() {
        let classes = ["negative", "neutral", "positive"];
        // gold neg: 3 (2 right, 1 -> neu); gold neu: 2 (1 right, 1 -> pos); gold pos: 1 (right)
        let m = Confusion::with_classes(
            &classes,
            [
                ("negative", "negative"),
                ("negative", "negative"),
                ("negative", "neutral"),
                ("neutral", "neutral"),
                ("neutral", "positive"),
                ("positive", "positive"),
            ],
        );
        assert_eq!(m.matrix, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
        let neg = m.class(0);
        assert!(close(neg.precision, 1.0) && close(neg.recall, 2.0 / 3.0) && close(neg.f1, 0.8));
        assert!(close(m.macro_f1(), (0.8 + 0.5 + 2.0 / 3.0) / 3.0));
        // two-class data, perfectly predicted: neutral is absent everywhere
        let m = Confusion::with_classes(&classes, [("negative", "negative"), ("positive", "positive")]);
        assert_eq!(m.classes, classes);
        assert!(close(m.macro_f1(), 1.0));
        // a class predicted but never gold counts with F1 0
        let m = Confusion::with_classes(&classes, [("negative", "negative"), ("positive", "neutral")]);
        assert!(close(m.macro_f1(), 1.0 / 3.0));
        // an unexpected value becomes a class of its own
        let m = Confusion::with_classes(&classes, [("negative", "other")]);
        assert_eq!(m.classes.len(), 4);
        assert_eq!(m.matrix[0][3], 1);
        assert_eq!(Confusion::default().macro_f1(), 0.0);
        assert_eq!(Confusion::default().accuracy(), 0.0);
    }

    #[test]
    fn confidence_thirds_sort_and_split() {
        let items = [
            (0.9, true),
            (0.1, false),
            (0.5, true),
            (0.2, true),
            (0.8, true),
            (0.6, false),
            (0.3, false),
        ];
        let [low, mid, high] = confidence_thirds(&items);
        // sorted: .1 F, .2 T | .3 F, .5 T | .6 F, .8 T, .9 T  (7 rows: 2, 2, 3)
        assert_eq!((low.rows, mid.rows, high.rows), (2, 2, 3));
        assert!(close(low.accuracy, 0.5) && close(mid.accuracy, 0.5) && close(high.accuracy, 2.0 / 3.0));
        assert_eq!((low.min_confidence, high.max_confidence), (0.1, 0.9));
        let empty = confidence_thirds(&[]);
        assert_eq!(empty[0].rows, 0);
    }

    #[test]
    fn median_and_mean() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
        assert_eq!(mean(&[]), None);
    }
}
