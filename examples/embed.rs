//! Embedding cxr in a Rust service: load a pipeline once, decide from many
//! threads. Run: cargo run --release --example embed -- [PIPELINE]
//! (a pipeline file, a plugin .wasm swapped into the reference pipeline,
//! or `builtin`; the reference pipeline by default).
use cxr_host::{PipelineLoader, PipelineSource, input::parse_interaction};
use std::{sync::Arc, thread};

fn main() -> anyhow::Result<()> {
    // One loader for every pipeline: the process's one engine, the compile
    // cache (so the next start maps compiled plugins instead of compiling).
    let loader = PipelineLoader::new();
    // One pipeline per tenant: compiled once, Send + Sync, shared by threads.
    let source = std::env::args().nth(1).map_or(PipelineSource::Reference, |s| PipelineSource::parse(&s));
    let pipeline = Arc::new(loader.source(&source)?);

    let inbox = [
        r#"{"id":"T-1","channel":"email","body":"I was charged twice for order A123!",
            "customer":{"tier":"gold","contacts_last_30d":3}}"#,
        r#"{"id":"T-2","channel":"review","body":"5 stars, delivery was quick. Thanks!"}"#,
        r#"{"id":"T-3","channel":"chat","body":"Ich möchte meinen Vertrag kündigen."}"#,
    ];

    let handles: Vec<_> = inbox
        .into_iter()
        .map(|json| {
            let pipeline = Arc::clone(&pipeline);
            thread::spawn(move || {
                // Bad input is an error value, never a panic.
                let ix = parse_interaction(json).result?;
                // A failing plugin yields the fallback with `error` set.
                let decision = pipeline.decide(&ix, chrono::Utc::now());
                anyhow::Ok(decision)
            })
        })
        .collect();

    for handle in handles {
        let d = handle.join().expect("decide never panics")?;
        let route = d.route.as_ref().expect("every decision has a route");
        println!(
            "{} -> {} [{}] level {} because {}",
            d.id,
            route.queue,
            d.discipline.map_or("-", |x| x.as_str()),
            d.priority.as_ref().map_or(0, |p| p.level),
            d.reasons.join("; ")
        );
    }
    Ok(())
}
