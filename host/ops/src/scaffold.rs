//! `cxr new`: a plugin crate for one hook that builds to a component and
//! passes its own tests as generated.

use anyhow::{Context as _, Result, bail};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The hook a new plugin implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    Sentiment,
    Classify,
    Priority,
    Routing,
}

impl HookKind {
    /// Every kind.
    pub const ALL: [HookKind; 4] = [HookKind::Sentiment, HookKind::Classify, HookKind::Priority, HookKind::Routing];

    /// The name in `export!(T: name)` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            HookKind::Sentiment => "sentiment",
            HookKind::Classify => "classify",
            HookKind::Priority => "priority",
            HookKind::Routing => "routing",
        }
    }

    /// Parses `sentiment`, `classify`, `priority` or `routing` (`router`, `classifier` too).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sentiment" => Ok(HookKind::Sentiment),
            "classify" | "classifier" => Ok(HookKind::Classify),
            "priority" => Ok(HookKind::Priority),
            "routing" | "router" => Ok(HookKind::Routing),
            other => bail!("unknown hook {other:?} (expected sentiment, classify, priority or routing)"),
        }
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file to write, relative to the new crate's folder.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: PathBuf,
    pub contents: String,
}

/// Checks a crate name: ASCII letters, digits, `-` and `_`, starting with a
/// letter, at most 64 characters, and not a name Cargo reserves.
pub fn check_name(name: &str) -> Result<()> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if name.is_empty() || name.len() > 64 || !ok_chars || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        bail!(
            "{name:?} is not a usable crate name: use ASCII letters, digits, '-' or '_', starting with a letter (at most 64 characters)"
        );
    }
    const RESERVED: [&str; 8] = ["test", "core", "std", "alloc", "proc_macro", "self", "crate", "cxr-guest"];
    if RESERVED.contains(&name.to_ascii_lowercase().replace('-', "_").as_str()) || name == "cxr-guest" {
        bail!("{name:?} is reserved: pick another name");
    }
    Ok(())
}

/// `my-plugin` → `MyPlugin`, the type the plugin is.
pub fn type_name(crate_name: &str) -> String {
    let mut out = String::new();
    for part in crate_name.split(['-', '_']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// `my-plugin` → `my_plugin`, the name of the `.wasm` file.
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// A path from folder `from` to `to`: relative (`../../guest`) when they
/// share a folder below the root, else `to` made absolute. Uses `/` separators.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (Ok(from), Ok(to)) = (std::path::absolute(from), std::path::absolute(to)) else {
        return to.display().to_string();
    };
    let norm = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (f, t) = (norm(&from), norm(&to));
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    // Sharing only the root (or not even that): a relative path would not
    // survive moving either folder, so keep the absolute one.
    if common <= 1 {
        return t.join("/").replacen("//", "/", 1);
    }
    let mut parts: Vec<&str> = vec![".."; f.len() - common];
    parts.extend(t[common..].iter().map(String::as_str));
    if parts.is_empty() { ".".to_string() } else { parts.join("/") }
}

/// The files of a new plugin crate. `guest_dep` is the `path` of the
/// `cxr-guest` dependency as written into `Cargo.toml`.
pub fn files(name: &str, hook: HookKind, guest_dep: &str) -> Result<Vec<File>> {
    check_name(name)?;
    let ty = type_name(name);
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{type}}", &ty)
            .replace("{{lib}}", &lib_name(name))
            .replace("{{hook}}", hook.as_str())
            .replace("{{guest}}", &guest_dep.replace('\\', "/"))
    };
    let lib = match hook {
        HookKind::Sentiment => SENTIMENT_LIB,
        HookKind::Classify => CLASSIFY_LIB,
        HookKind::Priority => PRIORITY_LIB,
        HookKind::Routing => ROUTING_LIB,
    };
    Ok(vec![
        File {
            path: "Cargo.toml".into(),
            contents: fill(CARGO_TOML),
        },
        File {
            path: "src/lib.rs".into(),
            contents: fill(lib),
        },
        File {
            path: "README.md".into(),
            contents: fill(README),
        },
        File {
            path: ".gitignore".into(),
            contents: "/target\n".to_string(),
        },
    ])
}

/// Writes the files into `dir`, which must not exist yet or be empty.
pub fn write(dir: &Path, files: &[File]) -> Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            bail!("{} already exists and is not empty: choose another name or --path", dir.display());
        }
    }
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The command that builds the component.
pub const BUILD_COMMAND: &str = "cargo build --release --target wasm32-wasip2";

/// Where the built component lands, relative to the crate.
pub fn wasm_path(name: &str) -> String {
    format!("target/wasm32-wasip2/release/{}.wasm", lib_name(name))
}

const CARGO_TOML: &str = r#"[package]
name = "{{name}}"
description = "A cxr {{hook}} plugin"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# cdylib: the wasm component; rlib: native `cargo test` of the logic.
crate-type = ["cdylib", "rlib"]

[dependencies]
cxr-guest = { path = "{{guest}}" }

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
strip = true

# A crate of its own, not part of any surrounding workspace.
[workspace]
"#;

const README: &str = r#"# {{name}}

A cxr plugin implementing the **{{hook}}** hook.

```sh
cargo test                                       # the logic, natively
cargo build --release --target wasm32-wasip2     # the component (rustup target add wasm32-wasip2, once)
cxr inspect target/wasm32-wasip2/release/{{lib}}.wasm
cxr run --plugin target/wasm32-wasip2/release/{{lib}}.wasm interaction.json
```

`--plugin` swaps this component into the reference pipeline for the hook it
implements; `cxr diff --base builtin --candidate target/wasm32-wasip2/release/{{lib}}.wasm inbox.jsonl`
shows what it changes on real traffic, and `cxr test` checks case files
against it.

The logic is in `src/lib.rs`: `configure` receives the plugin's `config`
table from the pipeline file as JSON, and the hook method gets the typed
interaction and a context whose `now` is the only clock a plugin sees.
"#;

const SENTIMENT_LIB: &str = r#"//! {{name}}: a cxr sentiment plugin.
//!
//! Scores a message by the words it contains: each listed word moves the
//! score and is reported as a cue, so every score can be explained.
//!
//! Build:  cargo build --release --target wasm32-wasip2
//! Run:    cxr run --plugin target/wasm32-wasip2/release/{{lib}}.wasm interaction.json

use cxr_guest::*;

/// Words and how much each moves the score (-1..1).
const WORDS: &[(&str, f64)] = &[
    ("thanks", 0.4),
    ("thank you", 0.5),
    ("great", 0.6),
    ("love", 0.7),
    ("broken", -0.6),
    ("angry", -0.8),
    ("refund", -0.3),
    ("charged twice", -0.7),
    ("unacceptable", -0.9),
];

/// The plugin: nothing to configure yet.
pub struct {{type}};

impl Plugin for {{type}} {
    const DESCRIPTION: &'static str = "word-list sentiment";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok({{type}})
    }
}

impl SentimentHook for {{type}} {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        let text = input.text().to_lowercase();
        let cues: Vec<Cue> = WORDS
            .iter()
            .filter(|(word, _)| text.contains(word))
            .map(|(word, weight)| Cue { text: word.to_string(), weight: *weight })
            .collect();
        if cues.is_empty() {
            return Ok(Sentiment::neutral(0.3));
        }
        let total: f64 = cues.iter().map(|c| c.weight).sum();
        // More cues, more confidence.
        let confidence = (0.4 + 0.15 * cues.len() as f64).min(0.95);
        let mut sentiment = Sentiment::from_score(total, confidence);
        sentiment.cues = cues;
        sentiment.cues.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        Ok(sentiment)
    }
}

cxr_guest::export!({{type}}: sentiment);

#[cfg(test)]
mod tests {
    use super::*;

    fn score(body: &str) -> Sentiment {
        let plugin = {{type}}::configure("{}").unwrap();
        plugin.score(&Interaction::new("t1", Channel::Email, body), &Context::at(0)).unwrap()
    }

    #[test]
    fn complaints_are_negative_with_their_cues() {
        let s = score("I was charged twice and I am angry");
        assert_eq!(s.label, SentimentLabel::Negative);
        assert_eq!(s.cues[0].text, "angry");
    }

    #[test]
    fn praise_is_positive() {
        assert_eq!(score("Great service, thanks!").label, SentimentLabel::Positive);
    }

    #[test]
    fn plain_questions_are_neutral() {
        let s = score("What are your opening hours?");
        assert_eq!(s.label, SentimentLabel::Neutral);
        assert!(s.cues.is_empty());
    }
}
"#;

const CLASSIFY_LIB: &str = r#"//! {{name}}: a cxr classify plugin.
//!
//! Emits an `intent` signal from the phrases a message contains, with the
//! phrases that decided it as cues. Priority and routing plugins see the
//! signal in `ctx.signals`; a router rule can match it with
//! `when = { signal = { name = "intent", value = "billing", min_confidence = 0.5 } }`.
//!
//! Build:  cargo build --release --target wasm32-wasip2
//! Run:    cxr run --plugin target/wasm32-wasip2/release/{{lib}}.wasm interaction.json

use cxr_guest::*;

/// Intents and the phrases that suggest them.
const INTENTS: &[(&str, &[&str])] = &[
    ("billing", &["invoice", "charged", "refund", "payment", "bill"]),
    ("delivery", &["parcel", "package", "shipping", "tracking", "not arrived"]),
    ("account", &["password", "log in", "login", "locked out"]),
    ("cancellation", &["cancel my", "close my account", "switch to"]),
];

/// The plugin: nothing to configure yet.
pub struct {{type}};

impl Plugin for {{type}} {
    const DESCRIPTION: &'static str = "phrase-list intent classifier";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok({{type}})
    }
}

impl ClassifyHook for {{type}} {
    fn classify(&self, input: &Interaction, _ctx: &Context, _sentiment: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        let text = input.text().to_lowercase();
        // The intent with the most matching phrases wins.
        let best = INTENTS
            .iter()
            .map(|(intent, phrases)| {
                let found: Vec<&str> = phrases.iter().copied().filter(|p| text.contains(p)).collect();
                (*intent, found)
            })
            .max_by_key(|(_, found)| found.len());
        let signal = match best {
            Some((intent, found)) if !found.is_empty() => {
                let confidence = (0.5 + 0.15 * found.len() as f64).min(0.95);
                found.iter().fold(Signal::new("intent", intent, confidence), |s, cue| s.with_cue(*cue))
            }
            _ => Signal::new("intent", "other", 0.2),
        };
        Ok(vec![signal])
    }
}

cxr_guest::export!({{type}}: classify);

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(body: &str) -> Signal {
        let plugin = {{type}}::configure("{}").unwrap();
        let input = Interaction::new("t1", Channel::Email, body);
        plugin.classify(&input, &Context::at(0), &Sentiment::neutral(0.0)).unwrap().remove(0)
    }

    #[test]
    fn billing_questions_are_billing_with_their_cues() {
        let s = intent("I was charged twice, where is my refund?");
        assert_eq!((s.name.as_str(), s.value.as_str()), ("intent", "billing"));
        assert!(s.cues.contains(&"refund".to_string()));
        assert!(s.confidence > 0.5);
    }

    #[test]
    fn unknown_topics_are_other_with_low_confidence() {
        let s = intent("What are your opening hours?");
        assert_eq!(s.value, "other");
        assert!(s.confidence < 0.5);
    }

    #[test]
    fn more_matching_phrases_mean_more_confidence() {
        let one = intent("Where is my parcel?");
        let two = intent("Where is my parcel? The tracking page shows nothing.");
        assert_eq!((one.value.as_str(), two.value.as_str()), ("delivery", "delivery"));
        assert!(two.confidence > one.confidence);
    }
}
"#;

const PRIORITY_LIB: &str = r#"//! {{name}}: a cxr priority plugin.
//!
//! Adds points for a few urgency signals (urgent words, negative sentiment,
//! the customer's tier, repeat contacts), turns the score into a level
//! 1 (most urgent) to 4, and sets the first-response deadline from `ctx.now`.
//!
//! Build:  cargo build --release --target wasm32-wasip2
//! Run:    cxr run --plugin target/wasm32-wasip2/release/{{lib}}.wasm interaction.json

use cxr_guest::*;

const URGENT_WORDS: &[&str] = &["urgent", "asap", "outage", "charged twice", "fraud", "locked out"];

/// The plugin: nothing to configure yet.
pub struct {{type}};

impl Plugin for {{type}} {
    const DESCRIPTION: &'static str = "points for urgency signals";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok({{type}})
    }
}

impl PriorityHook for {{type}} {
    fn prioritize(&self, input: &Interaction, ctx: &Context, sentiment: &Sentiment) -> Result<Priority, PluginError> {
        let mut score = 0i64;
        let mut reasons = Vec::new();
        let text = input.text().to_lowercase();
        if let Some(word) = URGENT_WORDS.iter().find(|w| text.contains(*w)) {
            score += 40;
            reasons.push(format!("urgent word: {word}"));
        }
        if sentiment.score < 0.0 {
            let points = (-sentiment.score * 30.0).round() as i64;
            score += points;
            reasons.push(format!("negative sentiment ({:.2}): +{points}", sentiment.score));
        }
        match input.customer.tier.as_deref() {
            Some("vip" | "platinum") => {
                score += 20;
                reasons.push("top-tier customer".to_string());
            }
            Some("gold") => {
                score += 10;
                reasons.push("gold customer".to_string());
            }
            _ => {}
        }
        if let Some(n) = input.customer.contacts_last_30d.filter(|n| *n >= 3) {
            score += 15;
            reasons.push(format!("repeat contact: {n} in 30 days"));
        }
        let score = score.clamp(0, 100) as u32;
        let level = match score {
            70.. => 1,
            45..=69 => 2,
            20..=44 => 3,
            _ => 4,
        };
        let minutes: i64 = match level {
            1 => 15,
            2 => 60,
            3 => 240,
            _ => 1440,
        };
        if reasons.is_empty() {
            reasons.push("no urgency signals".to_string());
        }
        Ok(Priority {
            level,
            score,
            first_response_due: Some(ctx.now + minutes * MINUTE),
            reasons,
        })
    }
}

cxr_guest::export!({{type}}: priority);

#[cfg(test)]
mod tests {
    use super::*;

    fn prioritize(input: &Interaction, sentiment: f64) -> Priority {
        let plugin = {{type}}::configure("{}").unwrap();
        plugin.prioritize(input, &Context::at(0), &Sentiment::from_score(sentiment, 0.9)).unwrap()
    }

    #[test]
    fn an_angry_vip_with_an_outage_is_most_urgent() {
        let input = Interaction::new("t1", Channel::Phone, "Your service is down, outage since 9am!").with_tier("vip");
        let p = prioritize(&input, -0.8);
        assert_eq!(p.level, 1, "{:?}", p.reasons);
        assert_eq!(p.first_response_due, Some(15 * MINUTE));
        assert!(p.reasons.iter().any(|r| r.contains("outage")));
    }

    #[test]
    fn a_calm_question_can_wait() {
        let p = prioritize(&Interaction::new("t2", Channel::Email, "How do I change my address?"), 0.1);
        assert_eq!(p.level, 4);
        assert_eq!(p.reasons, ["no urgency signals"]);
    }

    #[test]
    fn worse_sentiment_never_lowers_urgency() {
        let input = Interaction::new("t3", Channel::Chat, "My parcel is late");
        let calm = prioritize(&input, 0.0);
        let upset = prioritize(&input, -0.9);
        assert!(upset.level <= calm.level && upset.score > calm.score);
    }
}
"#;

const ROUTING_LIB: &str = r#"//! {{name}}: a cxr routing plugin.
//!
//! Routes billing questions to a billing queue and passes everything else
//! on, so the next router in the pipeline (or its fallback) decides.
//!
//! Build:  cargo build --release --target wasm32-wasip2
//! Run:    cxr run --plugin target/wasm32-wasip2/release/{{lib}}.wasm interaction.json

use cxr_guest::*;

const BILLING_WORDS: &[&str] = &["invoice", "refund", "charged", "bill", "payment"];

/// The plugin: nothing to configure yet.
pub struct {{type}};

impl Plugin for {{type}} {
    const DESCRIPTION: &'static str = "billing questions to the billing queue";

    fn configure(_config: &str) -> Result<Self, PluginError> {
        Ok({{type}})
    }
}

impl RoutingHook for {{type}} {
    fn route(
        &self,
        input: &Interaction,
        _ctx: &Context,
        sentiment: &Sentiment,
        priority: &Priority,
    ) -> Result<RoutingOutcome, PluginError> {
        let text = input.text().to_lowercase();
        let Some(word) = BILLING_WORDS.iter().find(|w| text.contains(*w)) else {
            return Ok(RoutingOutcome::Pass("no billing words".to_string()));
        };
        let mut route = Route::to("billing", Discipline::Service);
        route.skills = vec!["billing".to_string()];
        route.language = input.language.clone();
        route.rule = Some("billing-words".to_string());
        route.reasons.push(format!("billing word: {word}"));
        // An upset customer with an urgent issue gets a call back.
        if sentiment.label == SentimentLabel::Negative && priority.level <= 2 {
            route.actions.push("call-back".to_string());
            route.reasons.push(format!("negative sentiment at priority {}: call back", priority.level));
        }
        Ok(route.into())
    }
}

cxr_guest::export!({{type}}: routing);

#[cfg(test)]
mod tests {
    use super::*;

    fn route(body: &str, sentiment: f64, level: u8) -> RoutingOutcome {
        let plugin = {{type}}::configure("{}").unwrap();
        let input = Interaction::new("t1", Channel::Email, body);
        plugin
            .route(&input, &Context::at(0), &Sentiment::from_score(sentiment, 0.9), &Priority::new(level, 50))
            .unwrap()
    }

    #[test]
    fn billing_questions_go_to_billing() {
        let RoutingOutcome::Route(r) = route("Where is my invoice?", 0.0, 3) else {
            panic!("expected a route");
        };
        assert_eq!(r.queue, "billing");
        assert_eq!(r.discipline, Discipline::Service);
        assert!(r.actions.is_empty());
    }

    #[test]
    fn upset_urgent_billing_gets_a_call_back() {
        let RoutingOutcome::Route(r) = route("I was charged twice!", -0.7, 1) else {
            panic!("expected a route");
        };
        assert_eq!(r.actions, ["call-back"]);
    }

    #[test]
    fn everything_else_passes() {
        assert!(matches!(route("My parcel is late", -0.5, 2), RoutingOutcome::Pass(_)));
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_converted() {
        assert!(check_name("acme-vip-router").is_ok());
        for bad in ["", "9lives", "has space", "ünicode", "test", "cxr-guest"] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(type_name("acme-vip_router"), "AcmeVipRouter");
        assert_eq!(lib_name("acme-vip"), "acme_vip");
        assert_eq!(wasm_path("acme-vip"), "target/wasm32-wasip2/release/acme_vip.wasm");
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(relative_path(Path::new("/a/b/c"), Path::new("/a/guest")), "../../guest");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a/guest")), "guest");
        assert_eq!(relative_path(Path::new("/a/x/../b"), Path::new("/a/guest")), "../guest");
        assert_eq!(relative_path(Path::new("/tmp/p"), Path::new("/opt/guest")), "/opt/guest");
    }

    #[test]
    fn every_hook_gets_its_export_and_the_guest_path() {
        for hook in HookKind::ALL {
            let files = files("my-plugin", hook, "../cxr/guest").unwrap();
            let cargo = &files[0].contents;
            assert!(cargo.contains("name = \"my-plugin\"") && cargo.contains("path = \"../cxr/guest\""), "{cargo}");
            assert!(cargo.contains("\n[workspace]\n"));
            let lib = &files[1].contents;
            assert!(lib.contains(&format!("cxr_guest::export!(MyPlugin: {hook});")), "{lib}");
            assert!(!lib.contains("{{"), "unfilled placeholder in {lib}");
            assert!(lib.contains("#[test]"));
        }
        assert!(HookKind::parse("router").is_ok());
        assert!(HookKind::parse("mood").is_err());
    }

    #[test]
    fn writing_refuses_a_folder_with_files() {
        let dir = std::env::temp_dir().join(format!("cxr-scaffold-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let f = files("x-plugin", HookKind::Routing, "../guest").unwrap();
        write(&dir, &f).unwrap();
        assert!(dir.join("src/lib.rs").is_file());
        let e = write(&dir, &f).unwrap_err().to_string();
        assert!(e.contains("not empty"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
