//! Every reference plugin costs O(n) in the size of its input, whatever the
//! text: fuel (deterministic, so this is no timing test) per byte, measured
//! through the real components for repetitive and keyword-dense messages of
//! 1, 10 and 100 KiB and 1 MiB (the input cap), must not grow with size.
//! And no message up to the cap costs a reference plugin half the default
//! fuel budget: a keyword-dense 1 MiB message still gets its intent and cues.

use cxr_e2e::{load, now};
use cxr_host::model::{Channel, Direction, HistoryMessage, Interaction};
use cxr_host::{Limits, PipelineConfig};
use std::collections::BTreeMap;

const SIZES: [usize; 4] = [1 << 10, 10 << 10, 100 << 10, 1 << 20];
/// How much more a byte may cost in a bigger message than in the next
/// smaller one (a quadratic step would be 10x, a linear one at most 1x plus
/// rounding; fixed costs make small messages dearer per byte, not cheaper).
const MAX_GROWTH: f64 = 1.5;

/// Repetitive and keyword-dense texts, repeated up to a size.
const SHAPES: &[(&str, &str)] = &[
    ("one letter", "a"),
    ("one long word", "x"),
    ("spaces", " "),
    ("line breaks", "\n"),
    ("exclamations", "!"),
    ("cancel my subscription", "cancel my subscription "),
    ("cancel .. subscription pairs", "cancel cancel my subscription subscription "),
    ("negations", "not never no don't "),
    ("contrast", "good but bad but "),
    ("elongated", "sooooo baaaad "),
    ("caps", "TERRIBLE SERVICE "),
    ("emoji", "\u{1F621}\u{1F44D} "),
    ("questions", "why? how? "),
    (
        "keyword-dense en",
        "I was charged twice, refund now! The app crashes, outage, fraud, legal action. Cancel my \
         subscription or I switch to a competitor. Where is my order? Terrible, awful, urgent, thanks. ",
    ),
    (
        "keyword-dense multilingual",
        "Ich will kündigen, Rechnung doppelt abgebucht, Erstattung sofort! Je veux résilier mon \
         abonnement, remboursement. Quiero cancelar mi suscripción, cobro duplicado. Quero cancelar o \
         plano, fatura errada. ",
    ),
];

fn repeat_to(unit: &str, size: usize) -> String {
    let mut s = unit.repeat(size / unit.len() + 1);
    s.truncate(s.floor_char_boundary(size));
    s
}

/// Where the text goes: the body, the subject, or the history.
#[derive(Clone, Copy, Debug)]
enum Field {
    Body,
    Subject,
    History,
    Attributes,
}

fn interaction(field: Field, unit: &str, size: usize) -> Interaction {
    let text = repeat_to(unit, size);
    let mut ix = Interaction::new(format!("{field:?}-{size}"), Channel::Email, "");
    match field {
        Field::Body => ix.body = text,
        Field::Subject => {
            ix.subject = Some(text);
            ix.body = "Please help.".into();
        }
        Field::History => {
            ix.body = "Still waiting, please answer.".into();
            let pieces = (size / 200).max(1);
            ix.history = (0..pieces)
                .map(|i| HistoryMessage {
                    at: None,
                    channel: None,
                    direction: if i % 2 == 0 { Direction::Inbound } else { Direction::Outbound },
                    body: repeat_to(unit, 200),
                })
                .collect();
        }
        Field::Attributes => {
            ix.body = "Please help.".into();
            let pieces = (size / 100).max(1);
            ix.attributes = (0..pieces).map(|i| (format!("k{i}"), repeat_to(unit, 96))).collect::<BTreeMap<_, _>>();
        }
    }
    ix
}

/// The reference pipeline with limits high enough to measure any cost.
fn measuring_pipeline() -> cxr_host::Pipeline {
    let toml = cxr_host::builtin::REFERENCE_PIPELINE
        .replace("fuel = 100_000_000", "fuel = 50_000_000_000")
        .replace("timeout_ms = 200 ", "timeout_ms = 60000 ")
        .replace("memory_mb = 64 ", "memory_mb = 1024 ");
    let config = PipelineConfig::from_toml(&toml).unwrap();
    assert_eq!(config.limits.fuel, 50_000_000_000, "the reference pipeline's limits were edited");
    load(&config).unwrap()
}

/// Fuel per hook for one interaction; every call must succeed.
fn fuel(p: &cxr_host::Pipeline, ix: &Interaction) -> Vec<(String, u64)> {
    let d = p.decide(ix, now());
    assert!(d.error.is_none(), "{}: {:?}", ix.id, d.error);
    d.trace
        .iter()
        .map(|t| {
            assert_eq!(t.outcome, "ok", "{}: {t:?}", ix.id);
            (t.hook.to_string(), t.fuel.expect("fuel is metered"))
        })
        .collect()
}

#[test]
fn reference_plugins_cost_linear_fuel_whatever_the_text() {
    let p = measuring_pipeline();
    let budget = Limits::default().fuel;
    let mut worst_growth: (f64, String) = (0.0, String::new());
    let mut failures = Vec::new();
    let mut cases: Vec<(Field, &str, &str)> = SHAPES.iter().map(|(name, unit)| (Field::Body, *name, *unit)).collect();
    for field in [Field::Subject, Field::History, Field::Attributes] {
        for name in ["one letter", "keyword-dense en", "cancel .. subscription pairs"] {
            let unit = SHAPES.iter().find(|(n, _)| *n == name).unwrap().1;
            cases.push((field, name, unit));
        }
    }
    eprintln!("fuel per byte by hook (1 KiB / 10 KiB / 100 KiB / 1 MiB):");
    for (field, name, unit) in cases {
        let runs: Vec<Vec<(String, u64)>> = SIZES.iter().map(|&n| fuel(&p, &interaction(field, unit, n))).collect();
        for (h, (hook, _)) in runs[0].iter().enumerate() {
            let per_byte: Vec<f64> = runs.iter().zip(SIZES).map(|(r, n)| r[h].1 as f64 / n as f64).collect();
            eprintln!(
                "  {:<10} {:<30} {:<9} {}",
                format!("{field:?}"),
                name,
                hook,
                per_byte.iter().map(|f| format!("{f:9.1}")).collect::<Vec<_>>().join(" ")
            );
            let mut steps: Vec<(usize, usize)> = (1..SIZES.len()).map(|i| (i - 1, i)).collect();
            steps.push((1, SIZES.len() - 1));
            for (a, b) in steps {
                let growth = per_byte[b] / per_byte[a];
                let what = format!("{field:?} {name:?} {hook}: {} -> {} bytes", SIZES[a], SIZES[b]);
                if growth > worst_growth.0 {
                    worst_growth = (growth, what.clone());
                }
                if growth > MAX_GROWTH {
                    failures.push(format!("{what}: fuel per byte grew {growth:.2}x ({:.1} -> {:.1})", per_byte[a], per_byte[b]));
                }
            }
            let at_cap = runs[SIZES.len() - 1][h].1;
            if at_cap >= budget / 2 {
                failures.push(format!("{field:?} {name:?} {hook}: {at_cap} fuel at 1 MiB, over half the default budget of {budget}"));
            }
        }
    }
    eprintln!("largest growth of fuel per byte: {:.2}x ({})", worst_growth.0, worst_growth.1);
    assert!(failures.is_empty(), "not linear:\n{}", failures.join("\n"));
}

#[test]
fn keyword_dense_messages_keep_their_intent_and_bounded_cues() {
    let p = measuring_pipeline();
    let unit = SHAPES.iter().find(|(n, _)| *n == "cancel my subscription").unwrap().1;
    for size in SIZES {
        let d = p.decide(&interaction(Field::Body, unit, size), now());
        assert!(d.error.is_none(), "{size}: {:?}", d.error);
        let intent = d.signals.iter().find(|s| s.name == "intent").expect("an intent signal");
        assert_eq!(intent.value, "cancellation", "{size} bytes");
        assert!(!intent.cues.is_empty() && intent.cues.len() <= 5, "{size}: {:?}", intent.cues);
        let sentiment = d.sentiment.as_ref().unwrap();
        assert!(sentiment.cues.len() <= 5, "{size}: {} sentiment cues", sentiment.cues.len());
        assert_eq!(d.route.as_ref().unwrap().queue, "retention", "{size} bytes");
    }
}
