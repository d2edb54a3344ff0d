//! A classify plugin that reports what the host's text analysis (contract
//! 0.3.0, `cxr_guest::text`) gives it, as signals, and misuses the
//! interface on request, for tests/tests/text.rs.
//!
//! Config: `{"phrases": ["..."], "mode": "report" | "register-in-hook" | "bad-handle"}`.
//! `configure` registers the phrases (normalised) as a lexicon. In a hook:
//! `report` returns the signals `normalized-subject` (in brackets), `language`,
//! `body-tokens` and `body-matches` (the indexes of the phrases found, in
//! order); `register-in-hook` registers a lexicon in the hook;
//! `bad-handle` asks for the matches of a lexicon it never registered.

use cxr_guest::text::{self, Field, Lexicon};
use cxr_guest::*;

/// The test plugin.
pub struct TextProbe {
    mode: String,
    lexicon: Lexicon,
}

/// A tiny JSON reader for the two keys this plugin takes (no serde in test plugins).
mod serde_like {
    /// The config, as the list of phrases and the mode.
    pub struct Value {
        pub phrases: Vec<String>,
        pub mode: String,
    }

    /// Reads `{"phrases": ["a", "b"], "mode": "m"}` (strings without escapes).
    pub fn parse(json: &str) -> Value {
        let strings = |key: &str| -> Vec<String> {
            let Some(at) = json.find(&format!("\"{key}\"")) else { return Vec::new() };
            let rest = &json[at + key.len() + 2..];
            let rest = rest.trim_start().trim_start_matches(':').trim_start();
            let end = if rest.starts_with('[') { rest.find(']').unwrap_or(rest.len()) } else { rest[1..].find('"').map_or(rest.len(), |e| e + 2) };
            rest[..end].split('"').skip(1).step_by(2).map(str::to_string).collect()
        };
        Value { phrases: strings("phrases"), mode: strings("mode").into_iter().next().unwrap_or_else(|| "report".into()) }
    }
}

impl Plugin for TextProbe {
    const DESCRIPTION: &'static str = "reports the host's text analysis (test plugin)";

    fn configure(config: &str) -> Result<Self, PluginError> {
        let c = serde_like::parse(config);
        let phrases: Vec<String> = c.phrases.iter().map(|p| text::normalize(p)).collect();
        let lexicon = Lexicon::register(&phrases)?;
        Ok(TextProbe { mode: c.mode, lexicon })
    }
}

impl ClassifyHook for TextProbe {
    fn classify(&self, input: &Interaction, _ctx: &Context, _s: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        let t = text::of(input);
        match self.mode.as_str() {
            "register-in-hook" => {
                Lexicon::register(&[" late "])?;
            }
            "bad-handle" => {
                #[cfg(target_arch = "wasm32")]
                {
                    use cxr_guest::bindings::cxr::plugin::text as host;
                    if let Err(e) = host::find(7, host::Field::Body) {
                        return Err(PluginError::Internal(format!("find: {e:?}")));
                    }
                }
            }
            _ => {}
        }
        let matches = self.lexicon.find(&t, Field::Body)?;
        let language = t.language().map_or("none".to_string(), |l| l.code);
        Ok(vec![
            Signal::new("normalized-subject", format!("[{}]", t.normalized(Field::Subject)), 1.0),
            Signal::new("language", language, 1.0),
            Signal::new("body-tokens", t.tokens(Field::Body).len().to_string(), 1.0),
            Signal::new("body-matches", if matches.is_empty() { "none".to_string() } else { matches.iter().map(|m| m.phrase.to_string()).collect::<Vec<_>>().join(",") }, 1.0),
        ])
    }
}

export!(TextProbe: classify);
