//! Hardening through the real pipeline: plugin text never reaches JSON
//! output raw, `[privacy]` masks personal data before any plugin sees it,
//! and a router naming a queue outside the pipeline's `queues` is out of
//! contract.

use cxr_e2e::{HOSTILE_WASM, LIMITS, ix, load, now, run_batch};
use cxr_host::text::{self, is_unsafe};
use cxr_host::{Decision, PipelineConfig};

/// A pipeline whose three stages are the hostile plugin in `mode`, then the
/// reference router; `top` goes at the top of the file (keys), `tail` at
/// the end (tables). A failing hostile stage falls back (`on_failure =
/// "fallback"`), so the decision's route shows what was refused.
fn hostile_everywhere(mode: &str, top: &str, tail: &str) -> String {
    let stage = format!("plugin = {HOSTILE_WASM:?}\nconfig = {{ mode = {mode:?} }}\non_failure = \"fallback\"\n");
    format!(
        "{top}\nname = \"hardening\"\n[limits]\n{LIMITS}\n[fallback]\nqueue = \"triage\"\n\
         [sentiment]\n{stage}[priority]\n{stage}[[routers]]\n{stage}[[routers]]\nplugin = \"builtin:router\"\n{tail}"
    )
}

fn all_hostile(mode: &str, top: &str) -> String {
    hostile_everywhere(mode, top, "")
}

/// Every built-in kind masked.
pub const PRIVACY: &str = "[privacy]\nmask = [\"card\", \"iban\", \"email\", \"phone\"]\n";

fn pipeline(toml: &str) -> cxr_host::Pipeline {
    load(&PipelineConfig::from_toml(toml).expect("test pipeline parses")).expect("test pipeline loads")
}

fn assert_clean(what: &str, s: &str) {
    if let Some(c) = s.chars().find(|&c| is_unsafe(c) && c != '\n') {
        panic!("{what}: raw {c:?} in {s}");
    }
}

#[test]
fn plugin_text_reaches_json_only_escaped_and_unchanged_in_value() {
    let p = pipeline(&all_hostile("escapes", ""));
    let d = p.decide(&ix(r#"{"id":"E-1","body":"hello"}"#), now());
    assert!(d.error.is_none(), "{:?}", d.error);
    // The values are what the plugin returned...
    let cue = &d.sentiment.as_ref().unwrap().cues[0].text;
    assert!(cue.contains('\u{1b}') && cue.contains('\u{202e}'), "{cue:?}");
    // ...and the JSON the host writes holds none of it raw, yet reads back the same.
    let json = text::to_json(&d).unwrap();
    assert_clean("decision JSON", &json);
    assert!(!json.contains('\n'));
    let back: Decision = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn names_with_controls_or_bidi_are_out_of_contract_and_the_error_is_escaped() {
    let p = pipeline(&all_hostile("escapes-names", ""));
    let d = p.decide(&ix(r#"{"id":"N-1","body":"hello"}"#), now());
    let e = d.error.as_deref().expect("refused");
    assert!(e.contains("routing hook of plugin `cxr-test-hostile`"), "{e}");
    assert!(e.contains("contains control or bidi characters"), "{e}");
    assert_clean("error", e);
    assert_eq!(d.route.unwrap().queue, "triage");
}

#[test]
fn a_router_naming_an_unknown_queue_gets_the_fallback_naming_plugin_and_value() {
    let toml = all_hostile("queue-bogus", "queues = [\"triage\", \"billing\", \"general\"]")
        .replace(&format!("[sentiment]\nplugin = {HOSTILE_WASM:?}\nconfig = {{ mode = \"queue-bogus\" }}\non_failure = \"fallback\"\n"), "[sentiment]\nplugin = \"builtin:sentiment\"\n");
    let p = pipeline(&toml);
    assert_eq!(p.known_queues().unwrap(), ["triage", "billing", "general"]);
    let d = p.decide(&ix(r#"{"id":"Q-1","body":"I was charged twice"}"#), now());
    let e = d.error.as_deref().expect("out of contract");
    assert!(e.contains("plugin `cxr-test-hostile`"), "{e}");
    assert!(e.contains("route.queue \"bogus\" is not in the pipeline's `queues`"), "{e}");
    let route = d.route.unwrap();
    assert!(route.fallback);
    assert_eq!(route.queue, "triage");

    // A listed queue is decided as usual; without the list, any queue is.
    let listed = pipeline(&toml.replace("queue-bogus", "queue-billing"));
    let d = listed.decide(&ix(r#"{"id":"Q-2","body":"x"}"#), now());
    assert_eq!((d.error, d.route.unwrap().queue), (None, "billing".to_string()));
    let open = pipeline(&toml.replace("queues = [\"triage\", \"billing\", \"general\"]", ""));
    let d = open.decide(&ix(r#"{"id":"Q-3","body":"x"}"#), now());
    assert_eq!((d.error, d.route.unwrap().queue), (None, "bogus".to_string()));
}

/// Personal data of every kind, in several notations.
pub const CARDS: [&str; 6] = [
    "4111 1111 1111 1111",
    "5555-5555-5555-4444",
    "378282246310005",
    "6011 0009 9013 9424",
    "3056 9309 0259 04",
    "4012888888881881",
];
pub const IBANS: [&str; 4] = [
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91ABNA0417164300",
];
pub const EMAILS: [&str; 3] = ["jane.doe@example.com", "j.smith+support@mail.example.co.uk", "Ünal@beispiel.de"];
pub const PHONES: [&str; 4] = ["+49 171 1234567", "(555) 123-4567", "0044 20 7946 0958", "030 12345678"];

fn personal_batch() -> (Vec<u8>, Vec<&'static str>) {
    let mut lines = String::new();
    let mut originals = Vec::new();
    for (i, card) in CARDS.iter().enumerate() {
        let iban = IBANS[i % IBANS.len()];
        let email = EMAILS[i % EMAILS.len()];
        let phone = PHONES[i % PHONES.len()];
        let ix = serde_json::json!({
            "id": format!("P-{i}"),
            "subject": format!("refund to {iban}"),
            "body": format!("Please charge my card {card} again or mail {email}.\nCall {phone}!"),
            "history": [{"direction": "inbound", "body": format!("my old card was {card}, my IBAN {iban}")}],
            "account_email": email,
        });
        lines.push_str(&ix.to_string());
        lines.push('\n');
        originals.extend([*card, iban, email, phone]);
    }
    (lines.into_bytes(), originals)
}

#[test]
fn privacy_masks_every_kind_before_any_plugin_sees_it() {
    let p = pipeline(&hostile_everywhere("echo", "", PRIVACY));
    let (input, originals) = personal_batch();
    let decisions = run_batch(&p, &input);
    assert_eq!(decisions.len(), CARDS.len());
    for d in &decisions {
        let json = serde_json::to_string(d).unwrap();
        for o in &originals {
            assert!(!json.contains(o), "{o} leaked into {json}");
            assert!(!json.contains(&o.replace([' ', '-'], "")), "{o} (digits) leaked into {json}");
        }
        // The echoing plugin saw the masks, with kind and hint.
        assert!(json.contains("[card …"), "{json}");
        assert!(json.contains("[iban "), "{json}");
        assert!(json.contains("[email]"), "{json}");
        assert!(json.contains("[phone …"), "{json}");
        // Kinds and counts, never values: card in body and history.
        assert_eq!(d.masked["card"], 2, "{json}");
        assert_eq!(d.masked["iban"], 2, "{json}");
        assert_eq!(d.masked["email"], 2, "{json}");
        assert_eq!(d.masked["phone"], 1, "{json}");
    }
}

#[test]
fn without_privacy_the_decision_json_is_as_before() {
    let p = pipeline(&all_hostile("echo", ""));
    let d = p.decide(&ix(r#"{"id":"X-1","body":"card 4111 1111 1111 1111"}"#), now());
    assert!(d.masked.is_empty());
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("masked"), "{json}");
    assert!(json.contains("4111 1111 1111 1111"), "nothing masked without [privacy]: {json}");
}
