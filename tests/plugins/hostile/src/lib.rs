//! A plugin that misbehaves on purpose, for the end-to-end tests.
//!
//! Config: `{"mode": "...", "when": "MARKER"}`. The plugin behaves (neutral
//! sentiment, no signals, level-4 priority, route to queue `hostile-ok`) unless the
//! interaction's body contains `when` (every interaction when `when` is
//! absent); then it does what `mode` says. Probe modes (`read-file`, `env`,
//! `clock`, `random`, `socket`) report what they observed as a plugin error
//! so the tests can check that the sandbox denied it. Mode `remember`
//! keeps state across calls: the router tags each route with every
//! interaction id the instance saw before (and `configured`, written by
//! `configure`), as a plugin leaking one customer's data to the next would.
//!
//! Output attacks: mode `escapes` puts [`ATTACK`] (terminal escapes, a bell,
//! CR, LF with a forged log line, C1 controls, bidi overrides and isolates)
//! into every free-text field (cues, priority and route reasons) and logs it
//! through `host.log`, stdout and stderr; `escapes-names` puts it into the
//! queue, skills, actions, tags and rule (out of contract); `escapes-error`
//! returns it as the plugin's error. Mode `echo` copies what it sees (id,
//! subject, body, language, customer id and tier, history, attribute keys and
//! values) into cues, reasons, tags and the log, as a
//! plugin exfiltrating customer data would; `queue-NAME` routes to NAME;
//! `signal-bad` returns a signal with confidence 1.5 (out of contract).

use cxr_guest::*;
use serde::Deserialize;
use std::sync::Mutex;

/// Everything a hostile plugin may try on an operator's terminal and logs.
pub const ATTACK: &str = "\u{1b}[2J\u{1b}[1;31mRED\u{7}\r\u{1b}]0;pwned\u{7}\u{9b}31m\u{85}\u{202e}txt.exe\u{2066}\u{2069}\u{200f}\u{2028}\u{7f}\n2026-01-01T00:00:00Z ERROR cxr_host: forged log line";

/// Everything the plugin was given as text, as one line per field.
fn echo(input: &Interaction) -> Vec<String> {
    let mut seen = vec![format!("body: {}", input.body), format!("id: {}", input.id)];
    if let Some(s) = &input.subject {
        seen.push(format!("subject: {s}"));
    }
    if let Some(l) = &input.language {
        seen.push(format!("language: {l}"));
    }
    if let Some(c) = &input.customer.id {
        seen.push(format!("customer: {c}"));
    }
    if let Some(t) = &input.customer.tier {
        seen.push(format!("tier: {t}"));
    }
    seen.extend(input.history.iter().map(|h| format!("history: {}", h.body)));
    seen.extend(input.attributes.iter().map(|(k, v)| format!("attribute {k}: {v}")));
    seen
}

/// Logs `text` through every channel a plugin has: `host.log` at each level, stdout, stderr.
fn log_everywhere(text: &str) {
    cxr_guest::log::info(text);
    cxr_guest::log::warn(text);
    cxr_guest::log::error(text);
    println!("stdout: {text}");
    eprintln!("stderr: {text}");
}

/// What a `remember` instance has seen, kept across calls.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    mode: String,
    #[serde(default)]
    when: Option<String>,
}

/// The misbehaving plugin.
pub struct Hostile {
    mode: String,
    when: Option<String>,
}

impl Plugin for Hostile {
    const DESCRIPTION: &'static str = "misbehaves on purpose (test plugin)";
    fn configure(config: &str) -> Result<Self, PluginError> {
        let c: Config = serde_json::from_str(config).map_err(PluginError::config)?;
        if c.mode == "bad-config" {
            return Err(PluginError::InvalidConfig("mode bad-config always fails".into()));
        }
        if c.mode == "remember" {
            SEEN.lock().unwrap().push("configured".into());
        }
        Ok(Hostile { mode: c.mode, when: c.when })
    }
}

fn recurse(n: u64) -> u64 {
    // Opaque to the optimiser: each frame keeps a live array and the result
    // passes through `black_box`, so this cannot become a loop.
    let buf = std::hint::black_box([n; 64]);
    if std::hint::black_box(n == u64::MAX) {
        return buf[3];
    }
    std::hint::black_box(recurse(n + 1)) ^ buf[(n % 64) as usize]
}

impl Hostile {
    fn triggered(&self, input: &Interaction) -> bool {
        self.when.as_ref().is_none_or(|m| input.body.contains(m.as_str()))
    }

    /// Runs the misbehaviour; returns an error describing probes.
    fn misbehave(&self, input: &Interaction) -> Result<(), PluginError> {
        if !self.triggered(input) {
            return Ok(());
        }
        match self.mode.as_str() {
            "ok" => Ok(()),
            "panic" => panic!("hostile plugin panics on purpose"),
            "loop" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "recursion" => {
                let r = recurse(std::hint::black_box(0));
                Err(PluginError::Internal(format!("recursion ended?! {r}")))
            }
            "oom" => {
                let mut hog: Vec<Vec<u8>> = Vec::new();
                loop {
                    hog.push(vec![1u8; 1 << 20]);
                    std::hint::black_box(&hog);
                }
            }
            "slow" => {
                // Busy but bounded: a few million iterations.
                let mut x = 0u64;
                for i in 0..3_000_000u64 {
                    x = std::hint::black_box(x ^ i.wrapping_mul(31));
                }
                std::hint::black_box(x);
                Ok(())
            }
            "read-file" => match std::fs::read_to_string("/etc/passwd") {
                Ok(_) => Err(PluginError::Internal("PROBE read-file: ALLOWED".into())),
                Err(e) => Err(PluginError::Internal(format!("PROBE read-file: denied ({e})"))),
            },
            "env" => {
                let vars: Vec<(String, String)> = std::env::vars().collect();
                Err(PluginError::Internal(format!("PROBE env: {} variables", vars.len())))
            }
            "clock" => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis())
                    .unwrap_or(0);
                Err(PluginError::Internal(format!("PROBE clock: {now}")))
            }
            "random" => {
                let mut buf = [0u8; 8];
                let h = std::collections::hash_map::RandomState::new();
                let v = std::hash::BuildHasher::hash_one(&h, 42u8);
                buf.copy_from_slice(&v.to_le_bytes());
                Err(PluginError::Internal(format!("PROBE random: {}", u64::from_le_bytes(buf))))
            }
            "socket" => match std::net::TcpStream::connect("127.0.0.1:9") {
                Ok(_) => Err(PluginError::Internal("PROBE socket: ALLOWED".into())),
                Err(e) => Err(PluginError::Internal(format!("PROBE socket: denied ({e})"))),
            },
            "log-flood" => {
                for i in 0..100_000 {
                    println!("flood line {i} ..........................................");
                    cxr_guest::log::info("flooding the host log");
                }
                Ok(())
            }
            "error" => Err(PluginError::InvalidInput("hostile plugin refuses this input".into())),
            "escapes-error" => Err(PluginError::Internal(ATTACK.into())),
            "escapes" => {
                log_everywhere(ATTACK);
                Ok(())
            }
            "echo" => {
                for line in echo(input) {
                    log_everywhere(&line);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl SentimentHook for Hostile {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        self.misbehave(input)?;
        let mut s = Sentiment::neutral(0.5);
        if self.triggered(input) {
            match self.mode.as_str() {
                "score-7" => s.score = 7.3,
                "score-nan" => s.score = f64::NAN,
                "huge-output" => {
                    s.cues = (0..200_000).map(|i| Cue { text: format!("cue {i}"), weight: 0.0 }).collect();
                }
                "escapes" => s.cues = vec![Cue { text: ATTACK.into(), weight: -0.5 }],
                "echo" => s.cues = echo(input).into_iter().map(|text| Cue { text, weight: 0.0 }).collect(),
                _ => {}
            }
        }
        Ok(s)
    }
}

impl ClassifyHook for Hostile {
    fn classify(&self, input: &Interaction, _ctx: &Context, _s: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        self.misbehave(input)?;
        if self.triggered(input) && self.mode == "signal-bad" {
            return Ok(vec![Signal::new("hostile", "bad", 1.5)]);
        }
        Ok(Vec::new())
    }
}

impl PriorityHook for Hostile {
    fn prioritize(&self, input: &Interaction, _ctx: &Context, _s: &Sentiment) -> Result<Priority, PluginError> {
        self.misbehave(input)?;
        let mut p = Priority::new(4, 10);
        if self.triggered(input) {
            match self.mode.as_str() {
                "level-9" => p.level = 9,
                "escapes" => p.reasons = vec![ATTACK.into()],
                "echo" => p.reasons = echo(input),
                _ => {}
            }
        }
        Ok(p)
    }
}

impl RoutingHook for Hostile {
    fn route(&self, input: &Interaction, _ctx: &Context, _s: &Sentiment, _p: &Priority) -> Result<RoutingOutcome, PluginError> {
        self.misbehave(input)?;
        let mut r = Route::to("hostile-ok", Discipline::Service);
        if self.triggered(input) {
            match self.mode.as_str() {
                "pass" => return Ok(RoutingOutcome::Pass("hostile plugin passes".into())),
                "empty-queue" => r.queue = String::new(),
                "long-queue" => r.queue = "q".repeat(10 * 1024),
                "huge-output" => r.skills = (0..100_000).map(|i| format!("skill-{i}")).collect(),
                "huge-string" => r.reasons = vec!["x".repeat(8 << 20)],
                "escapes" => r.reasons = vec![ATTACK.into(), format!("rule says {ATTACK}")],
                "escapes-names" => {
                    r.skills = vec![format!("skill{ATTACK}")];
                    r.actions = vec![format!("action{ATTACK}")];
                    r.tags = vec![format!("tag{ATTACK}")];
                    r.rule = Some(format!("rule{ATTACK}"));
                    r.queue = "billing\u{202e}gnillib".into();
                }
                "echo" => {
                    r.reasons = echo(input);
                    // A tag must be a name: no control character, at most 64 bytes.
                    let mut tag = String::new();
                    for c in input.body.chars().filter(|c| !c.is_control()) {
                        if tag.len() + c.len_utf8() > 60 {
                            break;
                        }
                        tag.push(c);
                    }
                    r.tags = vec![tag];
                }
                mode if mode.starts_with("queue-") => r.queue = mode["queue-".len()..].to_string(),
                "remember" => {
                    let mut seen = SEEN.lock().unwrap();
                    r.tags = seen.clone();
                    seen.push(input.id.clone());
                }
                _ => {}
            }
        }
        Ok(r.into())
    }
}

cxr_guest::export!(Hostile: sentiment, classify, priority, routing);
