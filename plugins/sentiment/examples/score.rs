//! Scores messages natively, one per input line, with the default
//! configuration (or the JSON config given as the first argument):
//!
//! ```sh
//! printf 'charged twice!\nthanks, all sorted\n' | cargo run --release -p cxr-sentiment --example score
//! ```
//!
//! Prints one JSON line per message (score, label, confidence, cues) and, on
//! stderr, the mean native time per message over `CXR_SCORE_REPEAT` passes
//! (default 1): the native baseline to compare with the wasm time that
//! `cxr eval` reports from the decision trace.

use cxr_guest::{Channel, Context, Interaction, Plugin, SentimentHook};
use cxr_sentiment::SentimentPlugin;
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = std::env::args().nth(1).unwrap_or_default();
    let plugin = SentimentPlugin::configure(&config).map_err(|e| format!("config: {e:?}"))?;
    let repeat: usize = std::env::var("CXR_SCORE_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let inputs: Vec<Interaction> = std::io::stdin()
        .lock()
        .lines()
        .enumerate()
        .map(|(i, line)| line.map(|l| Interaction::new((i + 1).to_string(), Channel::Social, l)))
        .collect::<Result<_, _>>()?;
    let ctx = Context::at(0);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for input in &inputs {
        let s = plugin
            .score(input, &ctx)
            .map_err(|e| format!("line {}: {e:?}", input.id))?;
        let cues: Vec<_> = s
            .cues
            .iter()
            .map(|c| serde_json::json!({"text": c.text, "weight": c.weight}))
            .collect();
        let line = serde_json::json!({
            "score": s.score, "label": s.label.as_str(), "confidence": s.confidence, "cues": cues,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let start = Instant::now();
    for _ in 0..repeat {
        for input in &inputs {
            std::hint::black_box(plugin.score(std::hint::black_box(input), &ctx).ok());
        }
    }
    let n = (inputs.len() * repeat).max(1);
    let chars: usize = inputs.iter().map(|i| i.body.chars().count()).sum();
    eprintln!(
        "{} messages, mean {:.0} characters, {:.2} µs per message natively ({repeat} passes)",
        inputs.len(),
        chars as f64 / inputs.len().max(1) as f64,
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}
