//! The same message gets the same decision whatever its language.
//!
//! Every message of `tests/parity/messages.tsv` (65 messages, each in en, de,
//! es, fr, it and pt) goes through the real reference pipeline. For each
//! language and each criterion (priority level, queue, sentiment label), the
//! test counts the messages whose decision differs from the English decision
//! of the same message, and fails when that is more than 10% of the messages. It runs
//! twice: with the language given in the interaction, and with no language
//! (the plugins detect it).
//!
//! `cargo test --release -p cxr-e2e --test parity -- --nocapture` prints the
//! per-language table and every difference.

use cxr_e2e::{ix, now, reference_with};
use cxr_host::{Decision, Pipeline};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Languages of the set; English is the reference.
const LANGUAGES: [&str; 6] = ["en", "de", "es", "fr", "it", "pt"];
/// Most messages of one language whose decision may differ from English, as a share.
const MAX_DIFFERENT: f64 = 0.10;
/// Least share of messages whose English queue is the one the set's author expected.
const MIN_ENGLISH_EXPECTED_QUEUE: f64 = 0.80;

/// One row of the set.
struct Row {
    id: String,
    lang: String,
    channel: String,
    customer: Option<Value>,
    queue: String,
    text: String,
}

const COLUMNS: [&str; 10] = ["id", "lang", "channel", "customer", "intent", "sentiment", "cues", "queue", "level", "text"];

fn set_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("parity/messages.tsv")
}

/// Reads the set; a malformed line fails the test naming the file, the line and the field.
fn rows() -> Vec<Row> {
    let path = set_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().expect("a header row");
    assert_eq!(header.split('\t').collect::<Vec<_>>(), COLUMNS, "{}:1: header", path.display());
    lines
        .map(|(i, line)| {
            let at = format!("{}:{}", path.display(), i + 1);
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), COLUMNS.len(), "{at}: {} fields, expected {}", f.len(), COLUMNS.len());
            assert!(LANGUAGES.contains(&f[1]), "{at}: lang: '{}' is not one of {LANGUAGES:?}", f[1]);
            let customer = (!f[3].is_empty())
                .then(|| serde_json::from_str(f[3]).unwrap_or_else(|e| panic!("{at}: customer: {e}")));
            assert!(!f[9].trim().is_empty(), "{at}: text: empty");
            Row { id: f[0].into(), lang: f[1].into(), channel: f[2].into(), customer, queue: f[7].into(), text: f[9].into() }
        })
        .collect()
}

/// The reference pipeline, with a deadline generous enough for a loaded CI
/// machine (780 decisions; this test is about decisions, not time).
fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        reference_with(|t| {
            assert!(t.contains("timeout_ms = 200 "), "the reference pipeline's deadline moved");
            t.replace("timeout_ms = 200 ", "timeout_ms = 2000 ")
        })
    })
}

fn decide(row: &Row, language_given: bool) -> Decision {
    let mut interaction = json!({
        "id": format!("{}-{}", row.id, row.lang),
        "channel": row.channel,
        "body": row.text,
    });
    if language_given {
        interaction["language"] = json!(row.lang);
    }
    if let Some(customer) = &row.customer {
        interaction["customer"] = customer.clone();
    }
    let d = pipeline().decide(&ix(&interaction.to_string()), now());
    assert!(d.error.is_none(), "{}-{}: {:?}", row.id, row.lang, d.error);
    d
}

/// A decision criterion compared across languages.
struct Criterion {
    name: &'static str,
    value: fn(&Decision) -> String,
}

/// The criteria this test asserts.
const CRITERIA: [Criterion; 3] = [
    Criterion { name: "level", value: |d| d.priority.as_ref().map_or("-".into(), |p| p.level.to_string()) },
    Criterion { name: "queue", value: |d| d.route.as_ref().map_or("-".into(), |r| r.queue.clone()) },
    Criterion { name: "sentiment", value: |d| d.sentiment.as_ref().map_or("-".into(), |s| s.label.as_str().to_string()) },
];

/// Decides the whole set; checks the English decisions are not degenerate
/// and every language's parity; prints the figures.
fn check_parity(language_given: bool) {
    let mode = if language_given { "language given" } else { "language detected" };
    let rows = rows();
    let mut decisions: BTreeMap<(String, String), Decision> = BTreeMap::new();
    for row in &rows {
        decisions.insert((row.id.clone(), row.lang.clone()), decide(row, language_given));
    }
    let english: Vec<&Row> = rows.iter().filter(|r| r.lang == "en").collect();
    let messages = english.len();
    assert!(messages >= 40, "the set has {messages} messages, at least 40 are needed");
    for row in &rows {
        assert!(decisions.contains_key(&(row.id.clone(), "en".into())), "{} has no English row", row.id);
    }
    for &lang in &LANGUAGES {
        let n = rows.iter().filter(|r| r.lang == lang).count();
        assert_eq!(n, messages, "{lang} has {n} messages, English {messages}");
    }

    // The English decisions must be the sensible ones, or parity means nothing.
    let expected_queue = english
        .iter()
        .filter(|r| (CRITERIA[1].value)(&decisions[&(r.id.clone(), "en".into())]) == r.queue)
        .count();
    let mut out = String::new();
    let share = expected_queue as f64 / messages as f64;
    out.push_str(&format!("[{mode}] English queue as the set's author expected: {expected_queue}/{messages} ({share:.2})\n"));
    for r in &english {
        let got = (CRITERIA[1].value)(&decisions[&(r.id.clone(), "en".into())]);
        if got != r.queue {
            out.push_str(&format!("  {}: expected {}, decided {got}\n", r.id, r.queue));
        }
    }

    let mut failures = Vec::new();
    let mut table = format!("[{mode}] messages equal to the English decision, per language:\n");
    table.push_str(&format!("  lang  {}\n", CRITERIA.map(|c| format!("{:>12}", c.name)).join("")));
    for &lang in &LANGUAGES[1..] {
        let mut cells = Vec::new();
        for criterion in &CRITERIA {
            let mut differ = Vec::new();
            for r in &english {
                let en = (criterion.value)(&decisions[&(r.id.clone(), "en".into())]);
                let other = (criterion.value)(&decisions[&(r.id.clone(), lang.into())]);
                if en != other {
                    differ.push(format!("{} en {en} / {lang} {other}", r.id));
                }
            }
            let equal = messages - differ.len();
            cells.push(format!("{:>12}", format!("{equal}/{messages}")));
            if differ.len() as f64 > MAX_DIFFERENT * messages as f64 {
                failures.push(format!(
                    "{lang} {}: {} of {messages} messages differ from English (at most {:.0}% may): {}",
                    criterion.name,
                    differ.len(),
                    MAX_DIFFERENT * 100.0,
                    differ.join("; ")
                ));
            }
            for d in &differ {
                out.push_str(&format!("  {} differs: {d}\n", criterion.name));
            }
        }
        table.push_str(&format!("  {lang:<4}  {}\n", cells.join("")));
    }
    // One block per test, so the two tests' output does not interleave.
    println!("{out}{table}");
    assert!(
        share >= MIN_ENGLISH_EXPECTED_QUEUE,
        "[{mode}] English queue as expected in only {expected_queue} of {messages} messages"
    );
    assert!(failures.is_empty(), "[{mode}] parity with English broken:\n{}", failures.join("\n"));
}

#[test]
fn decisions_match_english_with_the_language_given() {
    check_parity(true);
}

#[test]
fn decisions_match_english_with_the_language_detected() {
    check_parity(false);
}
