//! `cxr run`: decide one interaction and explain the decision.

use super::setup::{PipelineArgs, parse_request_id, read_input};
use anyhow::{Result, bail};
use clap::Args;
use cxr_host::io::{Input, Position};
use cxr_host::model::Decision;
use cxr_host::policy::{self, Now};
use cxr_host::text::Shown;
use std::path::PathBuf;
use std::process::ExitCode;

/// Decide one interaction and explain it: reasons, rule, and what each plugin used.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  cxr run examples/one.json\n  echo '{\"id\":\"T-1\",\"body\":\"I want to cancel\"}' | cxr run -\n  cxr run --plugin my_plugin.wasm examples/one.json --json\n\nExit status:\n  0  decided (a failing stage is listed under `degraded`, or, with\n     on_failure = \"fallback\", gives the fallback decision with `error` set)\n  1  the command failed: unreadable file, invalid interaction (the error names\n     the field), invalid pipeline or plugin\n  2  invalid command-line usage")]
pub struct RunArgs {
    /// A file holding one interaction as JSON (or `-` for stdin).
    pub input: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Print the decision as JSON instead of the explanation.
    #[arg(long)]
    pub json: bool,
    /// A request (correlation) id set on the decision as `request_id`.
    #[arg(long, value_name = "ID", value_parser = parse_request_id)]
    pub request_id: Option<String>,
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let text = read_input(&args.input)?;
    let ix = match Input::text(Position::Single, &text, policy::MAX_INTERACTION_BYTES).parse().1 {
        Ok(ix) => ix,
        Err(problem) => bail!("{}: {}", args.input.display(), problem),
    };
    let pipeline = args.pipeline.load()?;
    let mut decision = pipeline.decide(&ix, Now::from(args.pipeline.now).at());
    decision.request_id = args.request_id;
    if args.json {
        println!("{}", cxr_host::text::to_json_pretty(&decision)?);
    } else {
        print!("{}", explain(&decision));
    }
    Ok(ExitCode::SUCCESS)
}

/// The decision as text for a person. Every string in it that came from a
/// plugin or the input is shown [neutralised](cxr_host::text::neutralise).
pub fn explain(d: &Decision) -> String {
    let mut out = String::new();
    let route = d.route.as_ref();
    let queue = route.map_or("-", |r| r.queue.as_str());
    let disc = d.discipline.map_or("-", |x| x.as_str());
    let level = d.priority.as_ref().map_or("-".to_string(), |p| p.level.to_string());
    out.push_str(&format!("{}  ->  {}  ({disc}, priority {level})\n", Shown(&d.id), Shown(queue)));
    if let Some(s) = &d.sentiment {
        out.push_str(&format!(
            "  sentiment  {} {:+.2} (confidence {:.2})\n",
            s.label.as_str(),
            s.score,
            s.confidence
        ));
        for c in &s.cues {
            out.push_str(&format!("             {:+.2}  \"{}\"\n", c.weight, Shown(&c.text)));
        }
    }
    if !d.signals.is_empty() {
        out.push_str("  signals\n");
        for s in &d.signals {
            let cues: Vec<String> = s.cues.iter().map(|c| format!("\"{}\"", Shown(c))).collect();
            out.push_str(&format!(
                "    {}={} {:.2}  from {}  {}\n",
                Shown(&s.name),
                Shown(&s.value),
                s.confidence,
                Shown(&s.plugin),
                cues.join(", ")
            ));
        }
    }
    if let Some(p) = &d.priority {
        let due = p
            .first_response_due
            .map_or("none".to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        out.push_str(&format!("  priority   level {}, score {}, first response due {due}\n", p.level, p.score));
    }
    if let Some(r) = route {
        out.push_str(&format!(
            "  route      queue {}, skills [{}], language {}, actions [{}]{}{}\n",
            Shown(&r.queue),
            Shown(&r.skills.join(", ")),
            Shown(r.language.as_deref().unwrap_or("-")),
            Shown(&r.actions.join(", ")),
            r.rule.as_ref().map_or(String::new(), |x| format!(", rule {}", Shown(x))),
            if r.fallback { " (fallback)" } else { "" }
        ));
    }
    if !d.reasons.is_empty() {
        out.push_str("  reasons\n");
        for r in &d.reasons {
            out.push_str(&format!("    - {}\n", Shown(r)));
        }
    }
    if !d.trace.is_empty() {
        out.push_str("  plugins\n");
        for t in &d.trace {
            let fuel = t.fuel.map_or(String::new(), |f| format!("  fuel {f}"));
            out.push_str(&format!(
                "    {:<9} {} {} ({})  {:.1} us{fuel}  memory {:.1} MiB  {}\n",
                t.hook.as_str(),
                Shown(&t.plugin),
                Shown(&t.version),
                Shown(t.sha256.get(..12).unwrap_or(&t.sha256)),
                t.micros,
                t.memory_bytes as f64 / (1 << 20) as f64,
                t.outcome.as_str()
            ));
        }
    }
    if !d.masked.is_empty() {
        let kinds: Vec<String> = d.masked.iter().map(|(k, n)| format!("{} {n}", Shown(k))).collect();
        out.push_str(&format!("  masked     {} (before any plugin ran)\n", kinds.join(", ")));
    }
    for g in &d.degraded {
        out.push_str(&format!(
            "  degraded   {} ({}, {}): {}\n",
            Shown(&g.stage),
            Shown(&g.plugin),
            g.error_kind,
            Shown(&g.error)
        ));
    }
    if let Some(e) = &d.error {
        let kind = d.error_kind.map_or(String::new(), |k| format!(" ({k})"));
        out.push_str(&format!("  error      {}{kind}\n", Shown(e)));
    }
    out
}
