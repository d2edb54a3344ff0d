//! `cxr eval`: score a labelled file with a sentiment plugin and report how
//! well its scores and labels agree with the gold standard.

use super::setup::PipelineArgs;
use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use cxr_host::model::{Channel, Interaction, SentimentLabel};
use cxr_host::text::Shown;
use cxr_host::{Hook, Pipeline};
use serde::Serialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
INPUT is a TSV or CSV file (or `-` for stdin) with a text column and a gold
column. Gold is either numeric (a rating such as -4..4: above
--positive-above is positive, below --negative-below negative, else neutral)
or a label (negative/neutral/positive, or neg/neu/pos); by default it is
numeric when every gold value is a number. Each row becomes an interaction
(id = row number, body = text, channel = --channel) decided by the pipeline;
its sentiment is compared with the gold.

The predicted label is the plugin's own label, or, with --threshold T,
positive when score >= T, negative when score <= -T, else neutral.

Reported: rows scored and rows whose decision had no sentiment (errors, never
dropped silently); Pearson r of score against numeric gold; accuracy;
3-class macro-F1 (mean F1 over the classes present in gold or predictions);
per-class precision, recall and F1; the confusion matrix (rows gold, columns
predicted); accuracy per third of the rows sorted by confidence; and the mean
time of the sentiment hook per message, from the decision trace.

With --signal NAME (e.g. intent) a classifier is evaluated instead: the gold
column holds the signal's values (billing, delivery, ...; case ignored), and
the report gives accuracy, per-class precision, recall and F1, macro-F1 (mean
F1 over every class in gold or predictions), the confusion matrix and the
median time of the classify stage per message. Rows whose decision has no
such signal are counted as errors with their line.

TSV has no quoting by default (a field may start with a quote); CSV follows
RFC 4180 quoting. --quoting overrides either.

Examples:
  cxr eval --text-column text --gold-column label inbox-labelled.csv
  cxr eval --no-header --text-column 3 --gold-column 2 --threshold 0.05 ratings.tsv
  cxr eval --plugin my_sentiment.wasm --gold-scale label labelled.tsv --json
  cxr eval --signal intent --gold intent --comment '#' tickets.tsv

Exit status:
  0  evaluated (rows whose decision failed are counted as errors)
  1  the command failed: unreadable or malformed input (the error names the
     line and column), no row in it, no sentiment stage (with --signal: no classifier),
     or no row scored
  2  invalid command-line usage";

/// Evaluate a sentiment plugin on a labelled file: Pearson r, accuracy,
/// macro-F1, confusion matrix, accuracy by confidence and time per message;
/// or a classifier's signal (--signal intent): per-class precision, recall, F1,
/// macro-F1 and confusion matrix.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct EvalArgs {
    /// Labelled TSV or CSV file, or `-` for stdin.
    pub input: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// The text column: a header name or a 1-based number.
    #[arg(long, value_name = "NAME|N", default_value = "text")]
    pub text_column: String,
    /// The gold column: a header name or a 1-based number.
    #[arg(long, alias = "gold", value_name = "NAME|N", default_value = "label")]
    pub gold_column: String,
    /// Evaluate this classifier signal (e.g. `intent`) instead of sentiment:
    /// the gold column holds its values.
    #[arg(long, value_name = "NAME")]
    pub signal: Option<String>,
    /// An optional column with a language code handed to the plugin (`de`, `en-GB`).
    #[arg(long, value_name = "NAME|N")]
    pub language_column: Option<String>,
    /// The file has no header row; columns are then given by number.
    #[arg(long)]
    pub no_header: bool,
    /// Field delimiter. Default: from the extension (`.csv` comma; `.tsv`, `.tab`, `.txt` tab).
    #[arg(long, value_enum)]
    pub delimiter: Option<Delimiter>,
    /// Whether double quotes delimit fields. Default: on for comma, off for tab.
    #[arg(long, value_enum)]
    pub quoting: Option<Switch>,
    /// Lines starting with this character are comments.
    #[arg(long, value_name = "CHAR")]
    pub comment: Option<char>,
    /// How to read the gold column. Default: numeric when every value is a number.
    #[arg(long, value_enum)]
    pub gold_scale: Option<GoldScale>,
    /// Numeric gold above this is positive.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub positive_above: f64,
    /// Numeric gold below this is negative.
    #[arg(long, default_value_t = -0.5, allow_negative_numbers = true)]
    pub negative_below: f64,
    /// Label predictions from the score: >= T positive, <= -T negative.
    /// Default: the plugin's own label.
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Channel of the interactions built from the rows.
    #[arg(long, default_value = "social", value_parser = parse_channel)]
    pub channel: Channel,
    /// Evaluate only the first N rows.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Also write one JSON line per row (gold, score, label, confidence, cues, error) to this file.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Field delimiter of the input.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Tab,
    Comma,
}

/// On or off.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    On,
    Off,
}

/// How the gold column is read.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoldScale {
    /// A number, labelled with --positive-above / --negative-below.
    Numeric,
    /// negative / neutral / positive.
    Label,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown channel {s:?} (one of: {})", names.join(", "))
    })
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    if let Some(signal) = args.signal.clone() {
        return run_signal(args, &signal);
    }
    if args.positive_above < args.negative_below {
        bail!(
            "--positive-above {} is below --negative-below {}",
            args.positive_above,
            args.negative_below
        );
    }
    if let Some(t) = args.threshold
        && !(0.0..=1.0).contains(&t)
    {
        bail!("--threshold {t} is outside 0..1");
    }
    let name = args.input.display().to_string();
    let table = read_table(&args)?;
    let rows = gold_rows(&table, &args, &name)?;
    if rows.is_empty() {
        bail!("{name}: no data row");
    }
    let pipeline = args.pipeline.load()?;
    let plugin = sentiment_plugin(&pipeline)?;
    let now = args.pipeline.now.unwrap_or_else(chrono::Utc::now);
    let mut predictions = match &args.predictions {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };

    let mut scored = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    // decisions that failed after the sentiment hook: still scored, reported
    let mut later = Vec::new();
    let mut micros = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut ix = Interaction::new(row.number.to_string(), args.channel, row.text.clone());
        ix.language = row.language.clone();
        let decision = pipeline.decide(&ix, now);
        let trace = decision.trace.iter().find(|t| t.hook == Hook::Sentiment.as_str());
        let prediction = decision.sentiment.as_ref().map(|s| Prediction {
            score: s.score,
            label: match args.threshold {
                Some(t) => label_from_score(s.score, t),
                None => s.label,
            },
            confidence: s.confidence,
        });
        if let Some(out) = predictions.as_mut() {
            let line = serde_json::json!({
                "row": row.number,
                "line": row.line,
                "text": row.text,
                "gold": row.gold_value,
                "gold_label": row.gold.as_str(),
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
                        line: row.line,
                        error: e.clone(),
                    });
                }
                scored.push((row, p));
            }
            None => errors.push(RowError {
                line: row.line,
                error: decision
                    .error
                    .unwrap_or_else(|| "the decision has no sentiment".to_string()),
            }),
        }
    }
    if let Some(mut out) = predictions {
        out.flush().context("writing predictions")?;
    }

    let report = Report::new(&args, &name, plugin, &rows, &scored, [errors, later], &micros);
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    if report.scored == 0 {
        bail!("{name}: no row could be scored ({} errors)", report.errors);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--signal NAME`: score a classifier signal against the gold column
/// (the metrics live in `cxr_ops::signal_eval`).
fn run_signal(args: EvalArgs, signal: &str) -> Result<ExitCode> {
    let name = args.input.display().to_string();
    let table = read_table(&args)?;
    let header = table.header.as_deref();
    let text_col = column_index(&args.text_column, header, "--text-column", &name)?;
    let gold_col = column_index(&args.gold_column, header, "--gold-column", &name)?;
    let lang_col = args
        .language_column
        .as_deref()
        .map(|c| column_index(c, header, "--language-column", &name))
        .transpose()?;
    let field = |line: u64, fields: &[String], col: usize, what: &str| -> Result<String> {
        fields.get(col).cloned().ok_or_else(|| {
            anyhow::anyhow!(
                "{name} line {line}: no column {} ({what}; the row has {} columns)",
                col + 1,
                fields.len()
            )
        })
    };
    let mut rows = Vec::with_capacity(table.records.len());
    for (line, fields) in &table.records {
        let gold = field(*line, fields, gold_col, "gold")?;
        if gold.trim().is_empty() {
            bail!("{name} line {line}, column {} (gold): empty", gold_col + 1);
        }
        let language = match lang_col {
            Some(c) => Some(field(*line, fields, c, "language")?.trim().to_string()).filter(|l| !l.is_empty()),
            None => None,
        };
        rows.push(cxr_ops::signal_eval::LabelledText {
            line: *line,
            text: field(*line, fields, text_col, "text")?,
            language,
            gold,
        });
    }
    if rows.is_empty() {
        bail!("{name}: no data row");
    }
    let pipeline = args.pipeline.load()?;
    if !pipeline.plugins().iter().any(|(h, _)| *h == Hook::Classify) {
        bail!("the pipeline has no classifier: give one with --plugin or a pipeline with [[classifiers]]");
    }
    let now = args.pipeline.now.unwrap_or_else(chrono::Utc::now);
    let report =
        cxr_ops::signal_eval::evaluate_signal(&pipeline, &name, &rows, signal, args.channel, now);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    if report.scored == 0 {
        bail!("{name}: no row had the signal {signal:?} ({} errors)", report.errors);
    }
    Ok(ExitCode::SUCCESS)
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

// ---------------------------------------------------------------- input

/// The raw table: header (when there is one) and records with their line.
struct Table {
    header: Option<Vec<String>>,
    records: Vec<(u64, Vec<String>)>,
}

fn delimiter_of(path: &Path, given: Option<Delimiter>) -> Result<Delimiter> {
    if let Some(d) = given {
        return Ok(d);
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Delimiter::Comma),
        Some("tsv" | "tab" | "txt") => Ok(Delimiter::Tab),
        _ => bail!(
            "cannot tell the delimiter of {} from its extension: give --delimiter tab or --delimiter comma",
            path.display()
        ),
    }
}

/// Reads the whole table (the first `limit` data rows).
fn read_table(args: &EvalArgs) -> Result<Table> {
    let path = &args.input;
    let name = path.display().to_string();
    let delimiter = delimiter_of(path, args.delimiter)?;
    let bytes = if path == Path::new("-") {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("reading stdin")?;
        b
    } else {
        if !path.exists() {
            bail!("input file {name} does not exist");
        }
        std::fs::read(path).with_context(|| format!("reading {name}"))?
    };
    parse_table(
        &bytes,
        &name,
        delimiter,
        args.quoting,
        args.comment,
        !args.no_header,
        args.limit,
    )
}

fn parse_table(
    text: &[u8],
    name: &str,
    delimiter: Delimiter,
    quoting: Option<Switch>,
    comment: Option<char>,
    header: bool,
    limit: Option<usize>,
) -> Result<Table> {
    let quoting = quoting.unwrap_or(match delimiter {
        Delimiter::Comma => Switch::On,
        Delimiter::Tab => Switch::Off,
    });
    let comment = match comment {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => bail!("--comment {c:?} must be an ASCII character"),
        None => None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if delimiter == Delimiter::Tab { b'\t' } else { b',' })
        .quoting(quoting == Switch::On)
        .comment(comment)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut table = Table {
        header: None,
        records: Vec::new(),
    };
    // csv's own line numbers miscount CRLF, blank and comment lines: count
    // newlines up to where the record really starts.
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(name, text, comment, &e))?;
        let start = record_start(text, record.position().map_or(0, |p| p.byte() as usize), comment);
        let line = lines.line_at(text, start);
        let fields: Vec<String> = record.iter().map(|f| f.to_string()).collect();
        if header && table.header.is_none() {
            table.header = Some(
                fields
                    .into_iter()
                    .map(|f| f.trim().trim_start_matches('\u{feff}').to_string())
                    .collect(),
            );
            continue;
        }
        if limit.is_some_and(|n| table.records.len() >= n) {
            break;
        }
        table.records.push((line, fields));
    }
    if header && table.header.is_none() {
        bail!("{name}: empty file (no header row)");
    }
    Ok(table)
}

/// Counts lines up to increasing byte offsets.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line of byte `at` (offsets must not decrease).
    fn line_at(&mut self, text: &[u8], at: usize) -> u64 {
        let at = at.min(text.len());
        if at >= self.pos {
            self.line += text[self.pos..at].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos = at;
        }
        self.line + 1
    }
}

/// Where the record read from byte `pos` starts: after the line ends and
/// comment lines the reader skipped.
fn record_start(text: &[u8], mut pos: usize, comment: Option<u8>) -> usize {
    loop {
        while pos < text.len() && matches!(text[pos], b'\r' | b'\n') {
            pos += 1;
        }
        match (text.get(pos), comment) {
            (Some(&c), Some(m)) if c == m => {
                pos += text[pos..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len() - pos, |i| i + 1);
            }
            _ => return pos,
        }
    }
}

/// A csv error as "FILE line N: what".
fn csv_error(name: &str, text: &[u8], comment: Option<u8>, e: &csv::Error) -> anyhow::Error {
    let line = e
        .position()
        .map(|p| {
            format!(
                " line {}",
                LineCounter::default().line_at(text, record_start(text, p.byte() as usize, comment))
            )
        })
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            anyhow::anyhow!("{name}{line}, column {}: not valid UTF-8", err.field() + 1)
        }
        _ => anyhow::anyhow!("{name}{line}: {e}"),
    }
}

/// The 0-based index of a column given by header name or 1-based number.
fn column_index(spec: &str, header: Option<&[String]>, flag: &str, name: &str) -> Result<usize> {
    let spec = spec.trim();
    if let Ok(n) = spec.parse::<usize>() {
        if n == 0 {
            bail!("{flag} {spec}: columns are numbered from 1");
        }
        return Ok(n - 1);
    }
    let Some(header) = header else {
        bail!("{flag} {spec:?}: with --no-header, give the column by number (1, 2, ...)");
    };
    header
        .iter()
        .position(|h| h == spec)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(spec)))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{name}: {flag} {spec:?}: no such column in the header (columns: {})",
                header.join(", ")
            )
        })
}

/// One labelled row.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    /// 1-based data row number.
    number: usize,
    /// 1-based line in the file.
    line: u64,
    text: String,
    language: Option<String>,
    /// The numeric gold value, for numeric gold.
    gold_value: Option<f64>,
    gold: SentimentLabel,
}

/// The rows with their gold labels.
fn gold_rows(table: &Table, args: &EvalArgs, name: &str) -> Result<Vec<Row>> {
    let header = table.header.as_deref();
    let text_col = column_index(&args.text_column, header, "--text-column", name)?;
    let gold_col = column_index(&args.gold_column, header, "--gold-column", name)?;
    let lang_col = args
        .language_column
        .as_deref()
        .map(|c| column_index(c, header, "--language-column", name))
        .transpose()?;
    let scale = args.gold_scale.unwrap_or_else(|| detect_scale(table, gold_col));
    let gold = GoldRule {
        scale,
        positive_above: args.positive_above,
        negative_below: args.negative_below,
    };
    let field = |line: u64, fields: &[String], col: usize| -> Result<String> {
        fields.get(col).cloned().ok_or_else(|| {
            anyhow::anyhow!(
                "{name} line {line}: no column {} (the row has {} columns)",
                col + 1,
                fields.len()
            )
        })
    };
    let mut rows = Vec::with_capacity(table.records.len());
    for (i, (line, fields)) in table.records.iter().enumerate() {
        let text = field(*line, fields, text_col)?;
        let raw = field(*line, fields, gold_col)?;
        let (gold_value, label) = gold
            .read(&raw)
            .map_err(|e| anyhow::anyhow!("{name} line {line}, column {} (gold): {e}", gold_col + 1))?;
        let language = match lang_col {
            Some(c) => Some(field(*line, fields, c)?.trim().to_string()).filter(|l| !l.is_empty()),
            None => None,
        };
        rows.push(Row {
            number: i + 1,
            line: *line,
            text,
            language,
            gold_value,
            gold: label,
        });
    }
    Ok(rows)
}

/// Numeric when every gold value (of rows that have one) is a number.
fn detect_scale(table: &Table, gold_col: usize) -> GoldScale {
    let numeric = table
        .records
        .iter()
        .filter_map(|(_, f)| f.get(gold_col))
        .all(|v| v.trim().parse::<f64>().is_ok_and(f64::is_finite));
    if numeric { GoldScale::Numeric } else { GoldScale::Label }
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
                _ => Err(format!(
                    "{v:?} is not a label (negative, neutral, positive or neg, neu, pos)"
                )),
            },
        }
    }
}

// -------------------------------------------------------------- metrics

/// The three classes in matrix order.
pub const CLASSES: [SentimentLabel; 3] = [
    SentimentLabel::Negative,
    SentimentLabel::Neutral,
    SentimentLabel::Positive,
];

fn class_index(l: SentimentLabel) -> usize {
    match l {
        SentimentLabel::Negative => 0,
        SentimentLabel::Neutral => 1,
        SentimentLabel::Positive => 2,
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

/// Counts of (gold, predicted) pairs: `m[gold][predicted]` in [`CLASSES`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Confusion(pub [[u64; 3]; 3]);

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold rows of the class.
    pub support: u64,
    /// Rows predicted as the class.
    pub predicted: u64,
}

impl Confusion {
    /// The matrix of `(gold, predicted)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (SentimentLabel, SentimentLabel)>) -> Self {
        let mut m = [[0; 3]; 3];
        for (g, p) in pairs {
            m[class_index(g)][class_index(p)] += 1;
        }
        Confusion(m)
    }

    /// Number of pairs.
    pub fn total(&self) -> u64 {
        self.0.iter().flatten().sum()
    }

    /// Share of pairs on the diagonal (0 when empty).
    pub fn accuracy(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return 0.0;
        }
        (0..3).map(|i| self.0[i][i]).sum::<u64>() as f64 / total as f64
    }

    /// Scores of class `i`; a ratio with a zero denominator is 0.
    pub fn class(&self, i: usize) -> ClassScores {
        let tp = self.0[i][i] as f64;
        let support: u64 = self.0[i].iter().sum();
        let predicted: u64 = (0..3).map(|g| self.0[g][i]).sum();
        let ratio = |a: f64, b: u64| if b == 0 { 0.0 } else { a / b as f64 };
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        ClassScores {
            precision,
            recall,
            f1,
            support,
            predicted,
        }
    }

    /// Mean F1 over the classes that occur in gold or predictions.
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<ClassScores> = (0..3)
            .map(|i| self.class(i))
            .filter(|c| c.support + c.predicted > 0)
            .collect();
        if present.is_empty() {
            return 0.0;
        }
        present.iter().map(|c| c.f1).sum::<f64>() / present.len() as f64
    }
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
            accuracy: if part.is_empty() {
                0.0
            } else {
                correct as f64 / part.len() as f64
            },
        }
    })
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

// --------------------------------------------------------------- report

/// One scored row.
#[derive(Debug, Clone, Copy)]
struct Prediction {
    score: f64,
    label: SentimentLabel,
    confidence: f64,
}

#[derive(Debug, Serialize)]
struct PluginInfo {
    name: String,
    version: String,
    sha256: String,
}

#[derive(Debug, Serialize)]
struct RowError {
    line: u64,
    error: String,
}

#[derive(Debug, Serialize)]
struct GoldInfo {
    scale: GoldScale,
    #[serde(skip_serializing_if = "Option::is_none")]
    positive_above: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_below: Option<f64>,
    /// Gold rows per class (all rows, scored or not).
    negative: usize,
    neutral: usize,
    positive: usize,
}

#[derive(Debug, Serialize)]
struct PerClass {
    negative: ClassScores,
    neutral: ClassScores,
    positive: ClassScores,
}

#[derive(Debug, Serialize)]
struct Thirds {
    low: Third,
    middle: Third,
    high: Third,
}

/// Everything `cxr eval` reports (the `--json` output).
#[derive(Debug, Serialize)]
struct Report {
    input: String,
    plugin: PluginInfo,
    channel: String,
    /// `plugin label`, or the score threshold used.
    prediction: String,
    rows: usize,
    scored: usize,
    /// Rows whose decision has no sentiment (the hook failed): not scored.
    errors: usize,
    error_examples: Vec<RowError>,
    /// Rows whose decision failed after the sentiment hook: scored.
    later_errors: usize,
    later_error_examples: Vec<RowError>,
    gold: GoldInfo,
    pearson_r: Option<f64>,
    accuracy: f64,
    macro_f1: f64,
    per_class: PerClass,
    /// `confusion[gold][predicted]`, classes in the order negative, neutral, positive.
    confusion: Confusion,
    accuracy_by_confidence: Thirds,
    /// Mean wall time of the sentiment hook per message, from the trace (µs).
    mean_micros: Option<f64>,
    /// Median of the same (µs): what a typical message costs.
    median_micros: Option<f64>,
    /// Mean text length in characters.
    mean_chars: f64,
}

/// How many failed rows are shown.
const ERROR_EXAMPLES: usize = 5;

impl Report {
    fn new(
        args: &EvalArgs,
        name: &str,
        plugin: PluginInfo,
        rows: &[Row],
        scored: &[(&Row, Prediction)],
        [errors, later]: [Vec<RowError>; 2],
        micros: &[f64],
    ) -> Report {
        let confusion = Confusion::from_pairs(scored.iter().map(|(r, p)| (r.gold, p.label)));
        let numeric: Vec<(f64, f64)> = scored
            .iter()
            .filter_map(|(r, p)| r.gold_value.map(|g| (p.score, g)))
            .collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = numeric.into_iter().unzip();
        let scale = if rows.iter().any(|r| r.gold_value.is_some()) {
            GoldScale::Numeric
        } else {
            GoldScale::Label
        };
        let count = |l: SentimentLabel| rows.iter().filter(|r| r.gold == l).count();
        let conf: Vec<(f64, bool)> = scored.iter().map(|(r, p)| (p.confidence, r.gold == p.label)).collect();
        let [low, middle, high] = confidence_thirds(&conf);
        let (n_errors, n_later) = (errors.len(), later.len());
        Report {
            input: name.to_string(),
            plugin,
            channel: args.channel.as_str().to_string(),
            prediction: match args.threshold {
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
                positive_above: (scale == GoldScale::Numeric).then_some(args.positive_above),
                negative_below: (scale == GoldScale::Numeric).then_some(args.negative_below),
                negative: count(SentimentLabel::Negative),
                neutral: count(SentimentLabel::Neutral),
                positive: count(SentimentLabel::Positive),
            },
            pearson_r: pearson(&xs, &ys),
            accuracy: confusion.accuracy(),
            macro_f1: confusion.macro_f1(),
            per_class: PerClass {
                negative: confusion.class(0),
                neutral: confusion.class(1),
                positive: confusion.class(2),
            },
            confusion,
            accuracy_by_confidence: Thirds { low, middle, high },
            mean_micros: (!micros.is_empty()).then(|| micros.iter().sum::<f64>() / micros.len() as f64),
            median_micros: median(micros),
            mean_chars: rows.iter().map(|r| r.text.chars().count()).sum::<usize>() as f64 / rows.len().max(1) as f64,
        }
    }

    /// The report for a person.
    fn text(&self) -> String {
        let mut o = String::new();
        let p = &self.plugin;
        o.push_str(&format!(
            "{}: sentiment plugin {} {} ({}), channel {}\n",
            Shown(&self.input),
            Shown(&p.name),
            Shown(&p.version),
            &p.sha256[..12.min(p.sha256.len())],
            self.channel
        ));
        let g = &self.gold;
        let rule = match (g.positive_above, g.negative_below) {
            (Some(a), Some(b)) => format!("numeric: above {a} positive, below {b} negative"),
            _ => "labels".to_string(),
        };
        o.push_str(&format!(
            "gold       {rule}; {} negative, {} neutral, {} positive\n",
            g.negative, g.neutral, g.positive
        ));
        o.push_str(&format!("predicted  {}\n", self.prediction));
        o.push_str(&format!("rows       {} scored, {} errors\n", self.scored, self.errors));
        for e in &self.error_examples {
            o.push_str(&format!("           line {}: {}\n", e.line, Shown(&e.error)));
        }
        if self.later_errors > 0 {
            o.push_str(&format!(
                "           {} decisions failed after the sentiment hook (their sentiment is scored)\n",
                self.later_errors
            ));
            for e in &self.later_error_examples {
                o.push_str(&format!("           line {}: {}\n", e.line, Shown(&e.error)));
            }
        }
        if let Some(r) = self.pearson_r {
            o.push_str(&format!("Pearson r  {r:.3}\n"));
        }
        o.push_str(&format!(
            "accuracy   {:.3}\nmacro-F1   {:.3}\n\n",
            self.accuracy, self.macro_f1
        ));
        o.push_str(&format!(
            "{:<10} {:>9} {:>7} {:>6} {:>8}\n",
            "", "precision", "recall", "F1", "support"
        ));
        let pc = &self.per_class;
        for (label, c) in [
            ("negative", &pc.negative),
            ("neutral", &pc.neutral),
            ("positive", &pc.positive),
        ] {
            o.push_str(&format!(
                "{label:<10} {:>9.3} {:>7.3} {:>6.3} {:>8}\n",
                c.precision, c.recall, c.f1, c.support
            ));
        }
        o.push_str("\nconfusion (rows: gold, columns: predicted)\n");
        o.push_str(&format!(
            "{:<10} {:>9} {:>9} {:>9}\n",
            "", "negative", "neutral", "positive"
        ));
        for (i, label) in CLASSES.iter().enumerate() {
            let m = &self.confusion.0[i];
            o.push_str(&format!("{:<10} {:>9} {:>9} {:>9}\n", label.as_str(), m[0], m[1], m[2]));
        }
        o.push_str("\naccuracy by confidence (rows sorted by confidence, in thirds)\n");
        let t = &self.accuracy_by_confidence;
        for (name, third) in [("low", &t.low), ("middle", &t.middle), ("high", &t.high)] {
            o.push_str(&format!(
                "{name:<10} {:>6} rows  confidence {:.2}-{:.2}  accuracy {:.3}\n",
                third.rows, third.min_confidence, third.max_confidence, third.accuracy
            ));
        }
        match (self.mean_micros, self.median_micros) {
            (Some(us), Some(med)) => o.push_str(&format!(
                "\ntime       {us:.1} µs per message, median {med:.1} µs (sentiment hook, from the trace), mean text {:.0} characters\n",
                self.mean_chars
            )),
            _ => o.push_str("\ntime       no successful sentiment call to time\n"),
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SentimentLabel::{Negative as Neg, Neutral as Neu, Positive as Pos};

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
    fn confusion_counts_gold_rows_and_predicted_columns() {
        let m = Confusion::from_pairs([(Neg, Neg), (Neg, Neu), (Neg, Neg), (Neu, Pos), (Pos, Pos)]);
        assert_eq!(m.0, [[2, 1, 0], [0, 0, 1], [0, 0, 1]]);
        assert_eq!(m.total(), 5);
        assert!(close(m.accuracy(), 3.0 / 5.0));
    }

    #[test]
    fn per_class_scores_and_macro_f1_by_hand() {
        // gold neg: 3 (2 right, 1 -> neu); gold neu: 2 (1 right, 1 -> pos); gold pos: 1 (right)
        let m = Confusion::from_pairs([(Neg, Neg), (Neg, Neg), (Neg, Neu), (Neu, Neu), (Neu, Pos), (Pos, Pos)]);
        let neg = m.class(0);
        assert!(close(neg.precision, 1.0) && close(neg.recall, 2.0 / 3.0) && close(neg.f1, 0.8));
        assert_eq!((neg.support, neg.predicted), (3, 2));
        let neu = m.class(1);
        assert!(close(neu.precision, 0.5) && close(neu.recall, 0.5) && close(neu.f1, 0.5));
        let pos = m.class(2);
        assert!(close(pos.precision, 0.5) && close(pos.recall, 1.0) && close(pos.f1, 2.0 / 3.0));
        assert!(close(m.macro_f1(), (0.8 + 0.5 + 2.0 / 3.0) / 3.0));
        assert!(close(m.accuracy(), 4.0 / 6.0));
    }

    #[test]
    fn macro_f1_ignores_absent_classes_and_counts_missed_ones() {
        // two-class data, perfectly predicted: neutral is absent everywhere
        let m = Confusion::from_pairs([(Neg, Neg), (Pos, Pos)]);
        assert!(close(m.macro_f1(), 1.0));
        // a class predicted but never gold counts with F1 0
        let m = Confusion::from_pairs([(Neg, Neg), (Pos, Neu)]);
        assert!(close(m.macro_f1(), (1.0 + 0.0 + 0.0) / 3.0));
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
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

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

    #[test]
    fn tsv_keeps_quotes_and_csv_honours_them() {
        let t = parse_table(
            b"1\t-0.9\t\"  quoted start\r\n2\t1.5\tplain\r\n",
            "f.tsv",
            Delimiter::Tab,
            None,
            None,
            false,
            None,
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].1[2], "\"  quoted start");
        assert_eq!(t.records[1], (2, vec!["2".into(), "1.5".into(), "plain".into()]));

        let t = parse_table(
            b"label,text\npos,\"thanks, all sorted\"\nneg,\"he said \"\"no\"\"\nthen hung up\"\n",
            "f.csv",
            Delimiter::Comma,
            None,
            None,
            true,
            None,
        )
        .unwrap();
        assert_eq!(
            t.header.as_deref(),
            Some(&["label".to_string(), "text".to_string()][..])
        );
        assert_eq!(t.records[0].1[1], "thanks, all sorted");
        assert_eq!(t.records[1].1[1], "he said \"no\"\nthen hung up");
        assert_eq!(t.records[1].0, 3);
    }

    #[test]
    fn comments_and_limit() {
        let t = parse_table(
            b"# a comment\nneg\tbad\n\n# another\npos\tgood\nneu\tok\n",
            "f.tsv",
            Delimiter::Tab,
            None,
            Some('#'),
            false,
            Some(2),
        )
        .unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!((t.records[0].0, t.records[1].0), (2, 5));
    }

    #[test]
    fn columns_by_name_or_number_with_clear_errors() {
        let header = vec!["id".to_string(), "Text".to_string(), "label".to_string()];
        assert_eq!(column_index("text", Some(&header), "--text-column", "f").unwrap(), 1);
        assert_eq!(column_index("3", Some(&header), "--gold-column", "f").unwrap(), 2);
        let e = column_index("gold", Some(&header), "--gold-column", "f.tsv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("f.tsv") && e.contains("gold") && e.contains("id, Text, label"),
            "{e}"
        );
        assert!(column_index("0", None, "--text-column", "f").is_err());
        let e = column_index("text", None, "--text-column", "f")
            .unwrap_err()
            .to_string();
        assert!(e.contains("--no-header"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = parse_table(
            b"label\ttext\r\npos\tfine\r\nneg\tbad \xff byte\r\n",
            "f.tsv",
            Delimiter::Tab,
            None,
            None,
            true,
            None,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("f.tsv line 3, column 2"), "{e}");
    }

    /// `EvalArgs` parsed from a command line.
    fn args(line: &[&str]) -> EvalArgs {
        #[derive(clap::Parser)]
        struct Wrap {
            #[command(flatten)]
            eval: EvalArgs,
        }
        let argv = std::iter::once("cxr-eval").chain(line.iter().copied());
        <Wrap as clap::Parser>::parse_from(argv).eval
    }

    #[test]
    fn rows_get_gold_labels_and_bad_rows_are_named() {
        let tsv = b"id\tmean\ttext\n1\t-0.9\tlost my bag\n2\t0.2\tok\n3\t2.5\tthanks!\n";
        let table = parse_table(tsv, "g.tsv", Delimiter::Tab, None, None, true, None).unwrap();
        let a = args(&["--gold-column", "mean", "g.tsv"]);
        let rows = gold_rows(&table, &a, "g.tsv").unwrap();
        let got: Vec<(usize, u64, &str, SentimentLabel)> = rows
            .iter()
            .map(|r| (r.number, r.line, r.text.as_str(), r.gold))
            .collect();
        assert_eq!(
            got,
            [(1, 2, "lost my bag", Neg), (2, 3, "ok", Neu), (3, 4, "thanks!", Pos)]
        );
        assert_eq!(rows[0].gold_value, Some(-0.9));

        // a label in a numeric column, a short row
        let table = parse_table(
            b"1\t-0.9\tbad\n2\tpositive\tgood\n",
            "g.tsv",
            Delimiter::Tab,
            None,
            None,
            false,
            None,
        )
        .unwrap();
        let a = args(&[
            "--no-header",
            "--text-column",
            "3",
            "--gold-column",
            "2",
            "--gold-scale",
            "numeric",
            "g.tsv",
        ]);
        let e = gold_rows(&table, &a, "g.tsv").unwrap_err().to_string();
        assert!(
            e.contains("g.tsv line 2, column 2 (gold)") && e.contains("\"positive\""),
            "{e}"
        );
        let table = parse_table(
            b"1\t-0.9\tbad\n2\t1.0\n",
            "g.tsv",
            Delimiter::Tab,
            None,
            None,
            false,
            None,
        )
        .unwrap();
        let e = gold_rows(&table, &a, "g.tsv").unwrap_err().to_string();
        assert!(e.contains("g.tsv line 2: no column 3"), "{e}");

        // labels are detected when a gold value is not a number
        let table = parse_table(
            b"label\ttext\nneg\tbad\npos\tgood\n",
            "l.tsv",
            Delimiter::Tab,
            None,
            None,
            true,
            None,
        )
        .unwrap();
        let rows = gold_rows(&table, &args(&["l.tsv"]), "l.tsv").unwrap();
        assert_eq!((rows[0].gold, rows[1].gold, rows[1].gold_value), (Neg, Pos, None));
    }

    #[test]
    fn delimiter_from_extension() {
        assert_eq!(delimiter_of(Path::new("a.CSV"), None).unwrap(), Delimiter::Comma);
        assert_eq!(
            delimiter_of(Path::new("a_GroundTruth.txt"), None).unwrap(),
            Delimiter::Tab
        );
        assert_eq!(
            delimiter_of(Path::new("-"), Some(Delimiter::Comma)).unwrap(),
            Delimiter::Comma
        );
        assert!(delimiter_of(Path::new("data"), None).is_err());
    }
}
