//! `cxr eval`: score a labelled file with a sentiment plugin or a classifier
//! signal and report how well it agrees with the gold standard. The table
//! reading, the metrics and the reports live in `cxr_ops::eval`.

use super::setup::PipelineArgs;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use cxr_host::{PipelineConfig, PipelineSource, builtin};
use cxr_host::model::Channel;
use cxr_host::privacy::Masker;
use cxr_ops::eval::sentiment::{self, GoldScale, SentimentOptions};
use cxr_ops::eval::{privacy, signal};
use cxr_ops::eval::table::{Columns, Delimiter, TableOptions, read_table};
use std::path::PathBuf;
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

With --privacy the input is a labelled JSON Lines file of messages with
the personal data (and the numbers that are not personal data) in each
marked; the pipeline's [privacy] masker (every built-in kind when no
--pipeline is given) runs on each message, and the report gives recall per
kind and per format (found: every letter and digit masked as its kind) and
false positives per class of number. One message per line:
  {\"text\": \"Karte 4111 1111 1111 1111\", \"language\": \"de\",
   \"labels\": [{\"kind\": \"card\", \"format\": \"spaces\", \"value\": \"4111 1111 1111 1111\"}]}
kind is card, iban, email, phone (or a [privacy.patterns] name), or none
for a value that must stay; format groups the figures. See docs/security.md.

TSV has no quoting by default (a field may start with a quote); CSV follows
RFC 4180 quoting. --quoting overrides either.

Examples:
  cxr eval --text-column text --gold-column label inbox-labelled.csv
  cxr eval --no-header --text-column 3 --gold-column 2 --threshold 0.05 ratings.tsv
  cxr eval --plugin my_sentiment.wasm --gold-scale label labelled.tsv --json
  cxr eval --signal intent --gold intent --comment '#' tickets.tsv
  cxr eval --privacy tests/privacy/heldout.jsonl
  cxr eval --privacy --pipeline tenant.toml my-labelled-messages.jsonl --json

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
    /// Evaluate the [privacy] masker on a labelled JSON Lines file instead
    /// (recall per kind and format, false positives per class).
    #[arg(long, conflicts_with = "signal")]
    pub privacy: bool,
    /// An optional column with a language code handed to the plugin (`de`, `en-GB`).
    #[arg(long, value_name = "NAME|N")]
    pub language_column: Option<String>,
    /// The file has no header row; columns are then given by number.
    #[arg(long)]
    pub no_header: bool,
    /// Field delimiter. Default: from the extension (`.csv` comma; `.tsv`, `.tab`, `.txt` tab).
    #[arg(long, value_parser = PossibleValuesParser::new(Delimiter::NAMES).map(|s| s.parse::<Delimiter>().expect("a listed name")))]
    pub delimiter: Option<Delimiter>,
    /// Whether double quotes delimit fields. Default: on for comma, off for tab.
    #[arg(long, value_parser = PossibleValuesParser::new(["on", "off"]).map(|s| s == "on"))]
    pub quoting: Option<bool>,
    /// Lines starting with this character are comments.
    #[arg(long, value_name = "CHAR")]
    pub comment: Option<char>,
    /// How to read the gold column. Default: numeric when every value is a number.
    #[arg(long, value_parser = PossibleValuesParser::new(GoldScale::NAMES).map(|s| s.parse::<GoldScale>().expect("a listed name")))]
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

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown channel {s:?} (one of: {})", names.join(", "))
    })
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let name = args.input.display().to_string();
    if args.privacy {
        return run_privacy(&args, &name);
    }
    let opts = SentimentOptions {
        scale: args.gold_scale,
        positive_above: args.positive_above,
        negative_below: args.negative_below,
        threshold: args.threshold,
        channel: args.channel,
    };
    if args.signal.is_none() {
        opts.check()?;
    }
    let table = read_table(
        &args.input,
        &TableOptions {
            delimiter: Delimiter::of(&args.input, args.delimiter)?,
            quoting: args.quoting,
            comment: args.comment,
            header: !args.no_header,
            limit: args.limit,
        },
    )?;
    let rows = table.labelled_rows(&Columns {
        text: &args.text_column,
        gold: &args.gold_column,
        language: args.language_column.as_deref(),
    })?;
    let now = args.pipeline.now.unwrap_or_else(chrono::Utc::now);

    if let Some(name_of_signal) = &args.signal {
        signal::check_gold(&rows)?;
        let pipeline = args.pipeline.load()?;
        let report = signal::evaluate(&pipeline, &rows, name_of_signal, args.channel, now)?;
        print(&report, args.json, || report.text())?;
        if report.scored == 0 {
            bail!("{name}: no row had the signal {name_of_signal:?} ({} errors)", report.errors);
        }
        return Ok(ExitCode::SUCCESS);
    }

    let gold = sentiment::gold_rows(&rows, &opts)?;
    let pipeline = args.pipeline.load()?;
    let mut predictions = match &args.predictions {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => None,
    };
    let out = predictions.as_mut().map(|w| w as &mut dyn std::io::Write);
    let report = sentiment::evaluate(&pipeline, &name, &gold, &opts, now, out)?;
    print(&report, args.json, || report.text())?;
    if report.scored == 0 {
        bail!("{name}: no row could be scored ({} errors)", report.errors);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--privacy`: the masker of the pipeline's [privacy] (every built-in kind
/// without --pipeline) on a labelled JSON Lines file.
fn run_privacy(args: &EvalArgs, name: &str) -> Result<ExitCode> {
    let masker = match &args.pipeline.pipeline {
        None => Masker::all(),
        Some(source) => {
            let config = match source {
                PipelineSource::File(path) => cxr_host::read_pipeline_file(path)?.0,
                PipelineSource::Reference | PipelineSource::Plugin(_) => PipelineConfig::from_toml(builtin::REFERENCE_PIPELINE)?,
            };
            Masker::new(&config.privacy)?
                .ok_or_else(|| anyhow::anyhow!("pipeline {source} has no [privacy] section: nothing to evaluate"))?
        }
    };
    let text = super::setup::read_input(&args.input)?;
    let messages = privacy::parse(&text, name)?;
    let report = privacy::evaluate(&masker, name, &messages);
    print(&report, args.json, || report.text())?;
    Ok(ExitCode::SUCCESS)
}

/// Prints a report as escaped JSON or as text.
fn print<T: serde::Serialize>(report: &T, json: bool, text: impl FnOnce() -> String) -> Result<()> {
    if json {
        println!("{}", cxr_host::text::to_json_pretty(report)?);
    } else {
        print!("{}", text());
    }
    Ok(())
}
