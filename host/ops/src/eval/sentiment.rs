//! A sentiment plugin against gold ratings or labels (`cxr eval`): Pearson
//! r, accuracy, macro-F1, per-class scores, the confusion matrix, accuracy
//! by confidence third and the time of the sentiment hook.

use super::metrics::{self, ClassScores, Confusion, Third};
use super::render::{self, ERROR_EXAMPLES, RowError};
use super::table::{LabelledRow, LabelledRows};
use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use cxr_host::model::{Channel, Interaction, SentimentLabel};
use cxr_host::text::Shown;
use cxr_host::{Hook, Pipeline};
use serde::{Serialize, Serializer};
use std::io::Write;
use std::str::FromStr;

/// How the gold column is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoldScale {
    /// A number (a rating such as -4..4), labelled by two thresholds.
    Numeric,
    /// negative / neutral / positive (or neg / neu / pos).
    Label,
}

impl GoldScale {
    /// The names `FromStr` accepts.
    pub const NAMES: [&'static str; 2] = ["numeric", "label"];
}

impl FromStr for GoldScale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "numeric" => Ok(GoldScale::Numeric),
            "label" => Ok(GoldScale::Label),
            _ => Err(format!("{s:?} is not a gold scale (numeric or label)")),
        }
    }
}

/// How gold values become labels and scores become predicted labels.
#[derive(Debug, Clone, Copy)]
pub struct SentimentOptions {
    /// How to read the gold column; `None`: numeric when every value is a number.
    pub scale: Option<GoldScale>,
    /// Numeric gold above this is positive.
    pub positive_above: f64,
    /// Numeric gold below this is negative.
    pub negative_below: f64,
    /// Label predictions from the score (>= T positive, <= -T negative)
    /// instead of taking the plugin's own label.
    pub threshold: Option<f64>,
    /// The channel of the interactions built from the rows.
    pub channel: Channel,
}

impl SentimentOptions {
    /// An error for thresholds that make no sense.
    pub fn check(&self) -> Result<()> {
        if self.positive_above < self.negative_below {
            bail!(
                "--positive-above {} is below --negative-below {}",
                self.positive_above,
                self.negative_below
            );
        }
        if let Some(t) = self.threshold
            && !(0.0..=1.0).contains(&t)
        {
            bail!("--threshold {t} is outside 0..1");
        }
        Ok(())
    }
}

/// Predicted label from a score: >= t positive, <= -t negative.
pub fn label_from_score(score: f64, t: f64) -> SentimentLabel {
    if score >= t && score > 0.0 {
        SentimentLabel::Positive
    } else if score <= -t && score < 0.0 {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    }
}

/// The three classes in matrix order.
pub const CLASSES: [SentimentLabel; 3] = [SentimentLabel::Negative, SentimentLabel::Neutral, SentimentLabel::Positive];

/// One labelled row with its gold label.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentRow {
    pub row: LabelledRow,
    /// The numeric gold value, for numeric gold.
    pub gold_value: Option<f64>,
    pub gold: SentimentLabel,
}

/// How a gold value becomes a label.
#[derive(Debug, Clone, Copy)]
struct GoldRule {
    scale: GoldScale,
    positive_above: f64,
    negative_below: f64,
}

impl GoldRule {
    fn read(&self, raw: &str) -> Result<(Option<f64>, SentimentLabel), String> {
        let v = raw.trim();
        match self.scale {
            GoldScale::Numeric => {
                let x: f64 = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or_else(|| format!("{v:?} is not a number"))?;
                let label = if x > self.positive_above {
                    SentimentLabel::Positive
                } else if x < self.negative_below {
                    SentimentLabel::Negative
                } else {
                    SentimentLabel::Neutral
                };
                Ok((Some(x), label))
            }
            GoldScale::Label => match v.to_ascii_lowercase().as_str() {
                "negative" | "neg" => Ok((None, SentimentLabel::Negative)),
                "neutral" | "neu" => Ok((None, SentimentLabel::Neutral)),
                "positive" | "pos" => Ok((None, SentimentLabel::Positive)),
                _ => Err(format!("{v:?} is not a label (negative, neutral, positive or neg, neu, pos)")),
            },
        }
    }
}

/// The rows with their gold labels; an error names the first gold value
/// that cannot be read (file, line, column).
pub fn gold_rows(rows: &LabelledRows, opts: &SentimentOptions) -> Result<Vec<SentimentRow>> {
    let scale = opts.scale.unwrap_or_else(|| {
        let numeric = rows
            .rows
            .iter()
            .all(|r| r.gold.trim().parse::<f64>().is_ok_and(f64::is_finite));
        if numeric { GoldScale::Numeric } else { GoldScale::Label }
    });
    let rule = GoldRule {
        scale,
        positive_above: opts.positive_above,
        negative_below: opts.negative_below,
    };
    rows.rows
        .iter()
        .map(|row| {
            let (gold_value, gold) = rule.read(&row.gold).map_err(|e| rows.gold_error(row, e))?;
            Ok(SentimentRow {
                row: row.clone(),
                gold_value,
                gold,
            })
        })
        .collect()
}

/// Name, version and hash of the plugin evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct PluginInfo {
    pub name: String,
    pub version: String,
    pub sha256: String,
}

/// Name, version and hash of the pipeline's sentiment plugin.
fn sentiment_plugin(pipeline: &Pipeline) -> Result<PluginInfo> {
    let plugins = pipeline.plugins();
    let Some((_, plugin)) = plugins.iter().find(|(h, _)| *h == Hook::Sentiment) else {
        bail!("the pipeline has no sentiment stage: give one with --plugin or a pipeline with [sentiment]");
    };
    let meta = plugin.meta();
    Ok(PluginInfo {
        name: meta.name.clone(),
        version: meta.version.clone(),
        sha256: meta.sha256.clone(),
    })
}

/// The gold side of the report.
#[derive(Debug, Serialize)]
pub struct GoldInfo {
    pub scale: GoldScale,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_below: Option<f64>,
    /// Gold rows per class (all rows, scored or not).
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
}

/// Scores per class, by name.
#[derive(Debug, Serialize)]
pub struct PerClass {
    pub negative: ClassScores,
    pub neutral: ClassScores,
    pub positive: ClassScores,
}

/// Accuracy of the rows sorted by confidence, in thirds.
#[derive(Debug, Serialize)]
pub struct Thirds {
    pub low: Third,
    pub middle: Third,
    pub high: Third,
}

/// Everything `cxr eval` reports on a sentiment plugin (its `--json` output).
#[derive(Debug, Serialize)]
pub struct SentimentReport {
    pub input: String,
    pub plugin: PluginInfo,
    pub channel: String,
    /// `the plugin's label`, or the score threshold used.
    pub prediction: String,
    pub rows: usize,
    pub scored: usize,
    /// Rows whose decision has no sentiment (the hook failed): not scored.
    pub errors: usize,
    pub error_examples: Vec<RowError>,
    /// Rows whose decision failed after the sentiment hook: scored.
    pub later_errors: usize,
    pub later_error_examples: Vec<RowError>,
    pub gold: GoldInfo,
    pub pearson_r: Option<f64>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: PerClass,
    /// `confusion[gold][predicted]`, classes in the order negative, neutral, positive.
    #[serde(serialize_with = "matrix_only")]
    pub confusion: Confusion,
    pub accuracy_by_confidence: Thirds,
    /// Mean wall time of the sentiment hook per message, from the trace (µs).
    pub mean_micros: Option<f64>,
    /// Median of the same (µs): what a typical message costs.
    pub median_micros: Option<f64>,
    /// Mean text length in characters.
    pub mean_chars: f64,
}

fn matrix_only<S: Serializer>(m: &Confusion, s: S) -> Result<S::Ok, S::Error> {
    m.matrix.serialize(s)
}

/// One scored row.
#[derive(Debug, Clone, Copy)]
struct Prediction {
    score: f64,
    label: SentimentLabel,
    confidence: f64,
}

/// Decides every row with `pipeline` as of `now` and compares its
/// sentiment with the gold. Every row is counted: scored, or an error with
/// its line. With `predictions`, one JSON line per row is written there
/// (row, line, text, gold, gold label, score, label, confidence, cues,
/// micros, error).
pub fn evaluate(
    pipeline: &Pipeline,
    input: &str,
    rows: &[SentimentRow],
    opts: &SentimentOptions,
    now: DateTime<Utc>,
    mut predictions: Option<&mut dyn Write>,
) -> Result<SentimentReport> {
    let plugin = sentiment_plugin(pipeline)?;
    let mut scored: Vec<(&SentimentRow, Prediction)> = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    // decisions that failed after the sentiment hook: still scored, reported
    let mut later = Vec::new();
    let mut micros = Vec::with_capacity(rows.len());
    for r in rows {
        let mut ix = Interaction::new(r.row.number.to_string(), opts.channel, r.row.text.clone());
        ix.language = r.row.language.clone();
        let decision = pipeline.decide(&ix, now);
        let trace = decision.trace.iter().find(|t| t.hook == Hook::Sentiment.as_str());
        let prediction = decision.sentiment.as_ref().map(|s| Prediction {
            score: s.score,
            label: match opts.threshold {
                Some(t) => label_from_score(s.score, t),
                None => s.label,
            },
            confidence: s.confidence,
        });
        if let Some(out) = predictions.as_mut() {
            let line = serde_json::json!({
                "row": r.row.number,
                "line": r.row.line,
                "text": r.row.text,
                "gold": r.gold_value,
                "gold_label": r.gold.as_str(),
                "score": prediction.as_ref().map(|p| p.score),
                "label": prediction.as_ref().map(|p| p.label.as_str()),
                "confidence": prediction.as_ref().map(|p| p.confidence),
                "cues": decision.sentiment.as_ref().map(|s| &s.cues),
                "micros": trace.map(|t| t.micros),
                "error": decision.error,
            });
            writeln!(out, "{}", cxr_host::text::to_json(&line)?).context("writing predictions")?;
        }
        match prediction {
            Some(p) => {
                if let Some(t) = trace.filter(|t| t.outcome == "ok") {
                    micros.push(t.micros);
                }
                if let Some(e) = &decision.error {
                    later.push(RowError {
                        line: r.row.line,
                        error: e.clone(),
                    });
                }
                scored.push((r, p));
            }
            None => errors.push(RowError {
                line: r.row.line,
                error: decision
                    .error
                    .unwrap_or_else(|| "the decision has no sentiment".to_string()),
            }),
        }
    }
    if let Some(out) = predictions {
        out.flush().context("writing predictions")?;
    }

    let names = CLASSES.map(|c| c.as_str());
    let confusion = Confusion::with_classes(&names, scored.iter().map(|(r, p)| (r.gold.as_str(), p.label.as_str())));
    let (xs, ys): (Vec<f64>, Vec<f64>) = scored
        .iter()
        .filter_map(|(r, p)| r.gold_value.map(|g| (p.score, g)))
        .unzip();
    let scale = if rows.iter().any(|r| r.gold_value.is_some()) {
        GoldScale::Numeric
    } else {
        GoldScale::Label
    };
    let count = |l: SentimentLabel| rows.iter().filter(|r| r.gold == l).count();
    let conf: Vec<(f64, bool)> = scored.iter().map(|(r, p)| (p.confidence, r.gold == p.label)).collect();
    let [low, middle, high] = metrics::confidence_thirds(&conf);
    let (n_errors, n_later) = (errors.len(), later.len());
    Ok(SentimentReport {
        input: input.to_string(),
        plugin,
        channel: opts.channel.as_str().to_string(),
        prediction: match opts.threshold {
            Some(t) => format!("score >= {t} positive, <= -{t} negative"),
            None => "the plugin's label".to_string(),
        },
        rows: rows.len(),
        scored: scored.len(),
        errors: n_errors,
        error_examples: errors.into_iter().take(ERROR_EXAMPLES).collect(),
        later_errors: n_later,
        later_error_examples: later.into_iter().take(ERROR_EXAMPLES).collect(),
        gold: GoldInfo {
            scale,
            positive_above: (scale == GoldScale::Numeric).then_some(opts.positive_above),
            negative_below: (scale == GoldScale::Numeric).then_some(opts.negative_below),
            negative: count(SentimentLabel::Negative),
            neutral: count(SentimentLabel::Neutral),
            positive: count(SentimentLabel::Positive),
        },
        pearson_r: metrics::pearson(&xs, &ys),
        accuracy: confusion.accuracy(),
        macro_f1: confusion.macro_f1(),
        per_class: PerClass {
            negative: confusion.class(0),
            neutral: confusion.class(1),
            positive: confusion.class(2),
        },
        confusion,
        accuracy_by_confidence: Thirds { low, middle, high },
        mean_micros: metrics::mean(&micros),
        median_micros: metrics::median(&micros),
        mean_chars: rows.iter().map(|r| r.row.text.chars().count()).sum::<usize>() as f64 / rows.len().max(1) as f64,
    })
}

impl SentimentReport {
    /// The report for a person.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let p = &self.plugin;
        render::line(&mut o, "file", Shown(&self.input));
        render::line(
            &mut o,
            "plugin",
            format_args!(
                "sentiment {} {} ({}), channel {}",
                Shown(&p.name),
                Shown(&p.version),
                Shown(&p.sha256[..12.min(p.sha256.len())]),
                self.channel
            ),
        );
        let g = &self.gold;
        let rule = match (g.positive_above, g.negative_below) {
            (Some(a), Some(b)) => format!("numeric: above {a} positive, below {b} negative"),
            _ => "labels".to_string(),
        };
        render::line(
            &mut o,
            "gold",
            format_args!("{rule}; {} negative, {} neutral, {} positive", g.negative, g.neutral, g.positive),
        );
        render::line(&mut o, "predicted", &self.prediction);
        render::line(
            &mut o,
            "rows",
            format_args!("{} read, {} scored, {} errors", self.rows, self.scored, self.errors),
        );
        render::error_lines(&mut o, &self.error_examples);
        if self.later_errors > 0 {
            render::line(
                &mut o,
                "",
                format_args!(
                    "{} decisions failed after the sentiment hook (their sentiment is scored)",
                    self.later_errors
                ),
            );
            render::error_lines(&mut o, &self.later_error_examples);
        }
        if let Some(r) = self.pearson_r {
            render::line(&mut o, "Pearson r", format_args!("{r:.3}"));
        }
        render::line(&mut o, "accuracy", format_args!("{:.3}", self.accuracy));
        render::line(&mut o, "macro-F1", format_args!("{:.3}", self.macro_f1));
        o.push('\n');
        let pc = &self.per_class;
        render::class_table(&mut o, &[pc.negative.clone(), pc.neutral.clone(), pc.positive.clone()]);
        o.push('\n');
        render::confusion_table(&mut o, &self.confusion);
        o.push_str("\naccuracy by confidence (rows sorted by confidence, in thirds)\n");
        let t = &self.accuracy_by_confidence;
        for (name, third) in [("low", &t.low), ("middle", &t.middle), ("high", &t.high)] {
            o.push_str(&format!(
                "{name:<10} {:>6} rows  confidence {:.2}-{:.2}  accuracy {:.3}\n",
                third.rows, third.min_confidence, third.max_confidence, third.accuracy
            ));
        }
        o.push('\n');
        match (self.mean_micros, self.median_micros) {
            (Some(us), Some(med)) => render::line(
                &mut o,
                "time",
                format_args!(
                    "{us:.1} µs per message, median {med:.1} µs (sentiment hook, from the trace), mean text {:.0} characters",
                    self.mean_chars
                ),
            ),
            _ => render::line(&mut o, "time", "no successful sentiment call to time"),
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::table::{Columns, Delimiter, TableOptions, parse_table};
    use SentimentLabel::{Negative as Neg, Neutral as Neu, Positive as Pos};

    #[test]
    fn score_thresholds_label_predictions() {
        assert_eq!(label_from_score(0.05, 0.05), Pos);
        assert_eq!(label_from_score(0.049, 0.05), Neu);
        assert_eq!(label_from_score(-0.05, 0.05), Neg);
        assert_eq!(label_from_score(0.0, 0.0), Neu);
        assert_eq!(label_from_score(0.3, 0.5), Neu);
    }

    #[test]
    fn gold_values_become_labels() {
        let rule = GoldRule {
            scale: GoldScale::Numeric,
            positive_above: 0.5,
            negative_below: -0.5,
        };
        assert_eq!(rule.read(" 0.6 ").unwrap(), (Some(0.6), Pos));
        assert_eq!(rule.read("0.5").unwrap().1, Neu);
        assert_eq!(rule.read("-0.5").unwrap().1, Neu);
        assert_eq!(rule.read("-2.75").unwrap().1, Neg);
        assert!(rule.read("abc").unwrap_err().contains("\"abc\""));
        let labels = GoldRule {
            scale: GoldScale::Label,
            ..rule
        };
        assert_eq!(labels.read("Negative").unwrap(), (None, Neg));
        assert_eq!(labels.read("neu").unwrap(), (None, Neu));
        assert!(labels.read("meh").unwrap_err().contains("not a label"));
    }

    fn opts(scale: Option<GoldScale>) -> SentimentOptions {
        SentimentOptions {
            scale,
            positive_above: 0.5,
            negative_below: -0.5,
            threshold: None,
            channel: Channel::Social,
        }
    }

    fn table(text: &[u8], header: bool) -> crate::eval::table::Table {
        let o = TableOptions {
            delimiter: Delimiter::Tab,
            quoting: None,
            comment: None,
            header,
            limit: None,
        };
        parse_table(text, "g.tsv", &o).unwrap()
    }

    #[test]
    fn rows_get_gold_labels_and_bad_rows_are_named() {
        let t = table(b"id\tmean\ttext\n1\t-0.9\tlost my bag\n2\t0.2\tok\n3\t2.5\tthanks!\n", true);
        let cols = Columns {
            text: "text",
            gold: "mean",
            language: None,
        };
        let rows = gold_rows(&t.labelled_rows(&cols).unwrap(), &opts(None)).unwrap();
        let got: Vec<(usize, u64, &str, SentimentLabel)> = rows
            .iter()
            .map(|r| (r.row.number, r.row.line, r.row.text.as_str(), r.gold))
            .collect();
        assert_eq!(got, [(1, 2, "lost my bag", Neg), (2, 3, "ok", Neu), (3, 4, "thanks!", Pos)]);
        assert_eq!(rows[0].gold_value, Some(-0.9));

        // a label in a numeric column
        let t = table(b"1\t-0.9\tbad\n2\tpositive\tgood\n", false);
        let cols = Columns {
            text: "3",
            gold: "2",
            language: None,
        };
        let e = gold_rows(&t.labelled_rows(&cols).unwrap(), &opts(Some(GoldScale::Numeric)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("g.tsv line 2, column 2 (gold)") && e.contains("\"positive\""), "{e}");

        // labels are detected when a gold value is not a number
        let t = table(b"label\ttext\nneg\tbad\npos\tgood\n", true);
        let cols = Columns {
            text: "text",
            gold: "label",
            language: None,
        };
        let rows = gold_rows(&t.labelled_rows(&cols).unwrap(), &opts(None)).unwrap();
        assert_eq!((rows[0].gold, rows[1].gold, rows[1].gold_value), (Neg, Pos, None));
    }

    #[test]
    fn options_are_checked() {
        assert!(opts(None).check().is_ok());
        let mut o = opts(None);
        o.positive_above = -1.0;
        assert!(o.check().unwrap_err().to_string().contains("--positive-above"));
        let mut o = opts(None);
        o.threshold = Some(1.5);
        assert!(o.check().unwrap_err().to_string().contains("--threshold"));
    }
}
