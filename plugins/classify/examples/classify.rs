//! Classifies interaction JSON lines (the CLI's input format) and prints one
//! line per interaction: id, intent, confidence, churn risk, language, the
//! cues, and the risks found (if any).
//! `cargo run --release -p cxr-classify --example classify -- examples/interactions.jsonl`

use cxr_classify::{Classifier, ClassifyInput};
use serde_json::Value;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: classify FILE.jsonl");
        std::process::exit(2);
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let classifier = Classifier::from_config("").expect("default config");
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                println!("{path}:{}: not JSON: {e}", n + 1);
                continue;
            }
        };
        let s = |k: &str| v.get(k).and_then(Value::as_str);
        let customer = v.get("customer");
        let num = |k: &str| customer.and_then(|c| c.get(k)).and_then(Value::as_u64);
        let history: Vec<&str> = v
            .get("history")
            .and_then(Value::as_array)
            .map(|h| {
                h.iter()
                    .filter(|m| m.get("direction").and_then(Value::as_str) != Some("outbound"))
                    .filter_map(|m| m.get("body").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        let c = classifier.classify_typed(&ClassifyInput {
            subject: s("subject"),
            body: s("body").unwrap_or_default(),
            language: s("language"),
            channel: s("channel").unwrap_or_default(),
            sentiment_score: 0.0,
            contacts_last_30d: num("contacts_last_30d").map(|n| n as u32),
            last_nps: num("last_nps").map(|n| n.min(10) as u8),
            last_csat: num("last_csat").map(|n| n.min(5) as u8),
            history_inbound: &history,
        });
        let risks: Vec<String> = c.risks.iter().map(|r| format!("{}={:.2} {:?}", r.risk, r.confidence, r.cues)).collect();
        println!(
            "{}\t{}\t{:.2}\t{}\t{}\t{:?}\t{:?}\t{}",
            s("id").unwrap_or("?"),
            c.intent,
            c.intent_confidence,
            c.churn,
            c.language.unwrap_or("-"),
            c.intent_cues,
            c.churn_cues,
            risks.join(" ")
        );
        if std::env::var_os("CXR_CLASSIFY_SCORES").is_some() {
            let scores: Vec<String> = cxr_classify::Intent::ALL
                .iter()
                .zip(c.scores)
                .filter(|(_, s)| *s != 0.0)
                .map(|(i, s)| format!("{i} {s:.1}"))
                .collect();
            println!("\tscores: {}", scores.join(", "));
        }
    }
}
