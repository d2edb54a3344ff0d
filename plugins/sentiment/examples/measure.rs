//! Measures the plugin natively on labelled sets, for quick iteration (the
//! wasm figures beside VADER's come from `scripts/measure-sentiment.sh`):
//!
//! ```sh
//! cargo run --release -p cxr-sentiment --example measure [DATA_DIR]
//! ```
//!
//! `DATA_DIR` (default: `shared/data` beside the repository, or `CXR_DATA`)
//! is read when present, and the example says which sets it did not find:
//!
//! - `sentiment/*_GroundTruth.txt`: VADER's rated sets (id, mean rating
//!   -4..4, text; gold: mean > 0.5 positive, < -0.5 negative);
//! - `language/tweets_by_language.tsv` (`lang`, `sentiment`, `text`),
//!   general tweets with a label only (r is against the label as -1/0/1):
//!   its English rows as one set (`tweets-en`, as measured before the
//!   multilingual lexicons), and every language split in two halves by a
//!   hash of the text (FNV-1a 64, even: `dev`, the half the lexicons were
//!   tuned on; odd: `held`, only measured) — the same split as
//!   `scripts/split-tweets.py`;
//!
//! and always the crate's own sets: the help-desk sets
//! `tests/social_support_*.tsv` and `tests/messages.tsv`, and every
//! language column of `tests/languages.tsv` (`own-de`, ...). Per set: rows,
//! Pearson r, macro-F1, accuracy, the share labelled neutral, and the
//! native time per message. No language tag is given to the plugin (it
//! detects the language) unless `CXR_MEASURE_TAG=1`; `CXR_MEASURE_SETS=a,b`
//! measures only the sets whose names contain one of the words. With
//! `CXR_MEASURE_MISSES=N` it prints the N worst-scored rows of every set.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cxr_guest::{Plugin, SentimentLabel};
use cxr_sentiment::SentimentPlugin;

/// One labelled row: text, numeric gold, gold label, language tag.
struct Row {
    text: String,
    gold: f64,
    label: SentimentLabel,
    tag: Option<String>,
}

/// The languages of the multilingual sets.
const LANGUAGES: [&str; 6] = ["en", "de", "es", "fr", "it", "pt"];

/// FNV-1a, 64 bits: the hash that splits the tweets into halves.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data: PathBuf = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("CXR_DATA").ok())
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../../shared/data"));
    let misses: usize = std::env::var("CXR_MEASURE_MISSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let start = Instant::now();
    let plugin = SentimentPlugin::configure("").map_err(|e| format!("configure: {e:?}"))?;
    eprintln!(
        "measure: configure took {:.1} ms natively",
        start.elapsed().as_secs_f64() * 1e3
    );

    let mut sets: Vec<(String, Vec<Row>)> = Vec::new();
    let sentiment_dir = data.join("sentiment");
    let mut found = Vec::new();
    if let Ok(dir) = std::fs::read_dir(&sentiment_dir) {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(set) = name.strip_suffix("_GroundTruth.txt") {
                found.push((set.to_string(), entry.path()));
            }
        }
    }
    found.sort();
    if found.is_empty() {
        eprintln!(
            "measure: no {}/*_GroundTruth.txt; VADER's sets skipped",
            sentiment_dir.display()
        );
    }
    for (set, path) in found {
        sets.push((set, ground_truth(&path)?));
    }
    let tweets = data.join("language/tweets_by_language.tsv");
    if tweets.is_file() {
        sets.push(("tweets-en".to_string(), tweet_rows(&tweets, "en", None)?));
        for lang in LANGUAGES {
            for (half, even) in [("dev", true), ("held", false)] {
                sets.push((
                    format!("tweets-{lang}-{half}"),
                    tweet_rows(&tweets, lang, Some(even))?,
                ));
            }
        }
    } else {
        eprintln!("measure: no {}; general tweets skipped", tweets.display());
    }
    let tests = crate_dir.join("tests");
    for name in [
        "social_support_a",
        "social_support_b",
        "social_support_c",
        "messages",
    ] {
        sets.push((
            name.to_string(),
            labelled(&tests.join(format!("{name}.tsv")))?,
        ));
    }
    for (lang, rows) in languages(&tests.join("languages.tsv"))? {
        sets.push((format!("own-{lang}"), rows));
    }
    let tagged = std::env::var("CXR_MEASURE_TAG").is_ok_and(|v| v == "1");
    if let Ok(only) = std::env::var("CXR_MEASURE_SETS") {
        let words: Vec<&str> = only.split(',').filter(|w| !w.is_empty()).collect();
        sets.retain(|(name, _)| words.iter().any(|w| name.contains(w)));
    }

    println!(
        "{:<28} {:>6} {:>7} {:>7} {:>7} {:>8} {:>9}",
        "set", "rows", "r", "F1", "acc", "neutral", "µs/msg"
    );
    for (name, rows) in &sets {
        let start = Instant::now();
        let scored: Vec<_> = rows
            .iter()
            .map(|r| plugin.score_text_in(&r.text, r.tag.as_deref().filter(|_| tagged)))
            .collect();
        let micros = start.elapsed().as_secs_f64() * 1e6 / rows.len().max(1) as f64;
        let scores: Vec<f64> = scored.iter().map(|s| s.score).collect();
        let golds: Vec<f64> = rows.iter().map(|r| r.gold).collect();
        let gold_labels: Vec<SentimentLabel> = rows.iter().map(|r| r.label).collect();
        let labels: Vec<SentimentLabel> = scored.iter().map(|s| s.label).collect();
        let neutral = labels
            .iter()
            .filter(|&&l| l == SentimentLabel::Neutral)
            .count();
        println!(
            "{:<28} {:>6} {:>7.3} {:>7.3} {:>7.3} {:>8.3} {:>9.2}",
            name,
            rows.len(),
            pearson(&scores, &golds),
            macro_f1(&gold_labels, &labels),
            accuracy(&gold_labels, &labels),
            neutral as f64 / rows.len().max(1) as f64,
            micros
        );
        if misses > 0 {
            let (lo, hi) = golds
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), &g| (lo.min(g), hi.max(g)));
            let span = (hi - lo).max(1e-9);
            let mut worst: Vec<usize> = (0..rows.len()).collect();
            let err = |i: usize| ((golds[i] - lo) / span * 2.0 - 1.0 - scores[i]).abs();
            worst.sort_by(|&a, &b| err(b).total_cmp(&err(a)));
            for &i in worst.iter().take(misses) {
                println!(
                    "    gold {:+.2} ours {:+.3}  {}",
                    golds[i], scores[i], rows[i].text
                );
            }
        }
    }
    Ok(())
}

/// VADER's ground-truth format: id, mean rating, text.
fn ground_truth(path: &Path) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (_, gold, body) = (parts.next(), parts.next(), parts.next());
        let (Some(gold), Some(body)) = (gold, body) else {
            return Err(format!(
                "{} line {}: expected id<TAB>rating<TAB>text",
                path.display(),
                n + 1
            ));
        };
        let gold: f64 = gold
            .trim()
            .parse()
            .map_err(|_| format!("{} line {}: bad rating `{gold}`", path.display(), n + 1))?;
        let label = if gold > 0.5 {
            SentimentLabel::Positive
        } else if gold < -0.5 {
            SentimentLabel::Negative
        } else {
            SentimentLabel::Neutral
        };
        rows.push(Row {
            text: body.to_string(),
            gold,
            label,
            tag: None,
        });
    }
    Ok(rows)
}

/// The rows of one language of a `lang<TAB>sentiment<TAB>text` file with a
/// header: all of them, or the half whose text hash is even (`Some(true)`)
/// or odd (`Some(false)`).
fn tweet_rows(path: &Path, want: &str, even: Option<bool>) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let mut parts = line.splitn(3, '\t');
        let (Some(lang), Some(label), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "{} line {}: expected lang<TAB>sentiment<TAB>text",
                path.display(),
                n + 1
            ));
        };
        if lang != want || even.is_some_and(|e| (fnv1a(body) % 2 == 0) != e) {
            continue;
        }
        let label = parse_label(label)
            .ok_or_else(|| format!("{} line {}: bad label `{label}`", path.display(), n + 1))?;
        rows.push(Row {
            text: body.to_string(),
            gold: label_value(label),
            label,
            tag: Some(lang.to_string()),
        });
    }
    Ok(rows)
}

/// `tests/languages.tsv`: a `label` column and one column per language,
/// the same message in each; the rows of every language.
fn languages(path: &Path) -> Result<Vec<(String, Vec<Row>)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, h)| h.split('\t').collect())
        .unwrap_or_default();
    let mut sets: Vec<(String, Vec<Row>)> = header
        .iter()
        .skip(1)
        .map(|l| (l.to_string(), Vec::new()))
        .collect();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != header.len() {
            return Err(format!("{} line {}: expected {} columns", path.display(), n + 1, header.len()));
        }
        let label = parse_label(fields[0])
            .ok_or_else(|| format!("{} line {}: bad label `{}`", path.display(), n + 1, fields[0]))?;
        for (i, (lang, rows)) in sets.iter_mut().enumerate() {
            rows.push(Row {
                text: fields[i + 1].to_string(),
                gold: label_value(label),
                label,
                tag: Some(lang.clone()),
            });
        }
    }
    Ok(sets)
}

/// `label<TAB>text` rows (a `label text` header and `#` comments skipped).
fn labelled(path: &Path) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("label\t") {
            continue;
        }
        let (label, body) = line
            .split_once('\t')
            .ok_or_else(|| format!("{} line {}: expected label<TAB>text", path.display(), n + 1))?;
        let label = parse_label(label)
            .ok_or_else(|| format!("{} line {}: bad label `{label}`", path.display(), n + 1))?;
        rows.push(Row {
            text: body.to_string(),
            gold: label_value(label),
            label,
            tag: None,
        });
    }
    Ok(rows)
}

fn parse_label(s: &str) -> Option<SentimentLabel> {
    match s.trim() {
        "negative" | "neg" => Some(SentimentLabel::Negative),
        "neutral" | "neu" => Some(SentimentLabel::Neutral),
        "positive" | "pos" => Some(SentimentLabel::Positive),
        _ => None,
    }
}

fn label_value(l: SentimentLabel) -> f64 {
    match l {
        SentimentLabel::Negative => -1.0,
        SentimentLabel::Neutral => 0.0,
        SentimentLabel::Positive => 1.0,
    }
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Mean F1 over the classes present in gold or predictions.
fn macro_f1(gold: &[SentimentLabel], pred: &[SentimentLabel]) -> f64 {
    let mut f1s = Vec::new();
    for c in [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ] {
        let tp = gold
            .iter()
            .zip(pred)
            .filter(|&(&g, &p)| g == c && p == c)
            .count() as f64;
        let support = gold.iter().filter(|&&g| g == c).count() as f64;
        let predicted = pred.iter().filter(|&&p| p == c).count() as f64;
        if support + predicted == 0.0 {
            continue;
        }
        let precision = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let recall = if support > 0.0 { tp / support } else { 0.0 };
        f1s.push(if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        });
    }
    f1s.iter().sum::<f64>() / f1s.len().max(1) as f64
}

fn accuracy(gold: &[SentimentLabel], pred: &[SentimentLabel]) -> f64 {
    gold.iter().zip(pred).filter(|(g, p)| g == p).count() as f64 / gold.len().max(1) as f64
}
