//! Sentiment in six languages: the same message gets the same sentiment
//! label in en, de, es, fr, it and pt.
//!
//! Two parallel sets: the repository's parity set `tests/parity/messages.tsv`
//! (support messages, each in the six languages) and this crate's own
//! `tests/languages.tsv` (150 labelled messages, written before the
//! multilingual lexicons and not tuned on). For each language the label must
//! equal the English label in at least 90% of the messages, with the
//! language given and detected; and each language must agree with the
//! written label on its own set. `cargo test --release -p cxr-sentiment
//! --test languages -- --nocapture` prints the figures.

use cxr_guest::{Channel, Context, Interaction, Plugin, SentimentHook, SentimentLabel};
use cxr_sentiment::{Language, SentimentPlugin};
use std::path::PathBuf;
use std::sync::OnceLock;

const LANGUAGES: [&str; 6] = ["en", "de", "es", "fr", "it", "pt"];
/// Least share of messages whose label equals the English one, per language.
const MIN_PARITY: f64 = 0.90;
/// Least share of messages labelled as written, per language, on the own set.
const MIN_AGREEMENT: f64 = 0.85;

fn plugin() -> &'static SentimentPlugin {
    static P: OnceLock<SentimentPlugin> = OnceLock::new();
    P.get_or_init(|| SentimentPlugin::configure("").expect("default config"))
}

fn label(text: &str, lang: Option<&str>) -> SentimentLabel {
    let mut ix = Interaction::new("t", Channel::Email, text);
    ix.language = lang.map(str::to_string);
    plugin().score(&ix, &Context::at(0)).expect("score").label
}

fn parse(s: &str, at: &str) -> SentimentLabel {
    match s {
        "negative" => SentimentLabel::Negative,
        "neutral" => SentimentLabel::Neutral,
        "positive" => SentimentLabel::Positive,
        other => panic!("{at}: bad label `{other}`"),
    }
}

/// Messages as (written label, text per language in [`LANGUAGES`] order).
type Parallel = Vec<(SentimentLabel, Vec<String>)>;

fn repo_file(rel: &str) -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path, text)
}

/// `tests/languages.tsv`: `label` and one column per language.
fn own_set() -> Parallel {
    let (path, text) = repo_file("tests/languages.tsv");
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines.next().expect("header").1.split('\t').collect();
    assert_eq!(header[1..], LANGUAGES, "{}: header", path.display());
    lines
        .map(|(i, line)| {
            let at = format!("{}:{}", path.display(), i + 1);
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "{at}: {} fields", f.len());
            (parse(f[0], &at), f[1..].iter().map(|s| s.to_string()).collect())
        })
        .collect()
}

/// `tests/parity/messages.tsv` (columns `id lang ... sentiment ... text`):
/// the six rows of each message, in [`LANGUAGES`] order.
fn parity_set() -> Parallel {
    let (path, text) = repo_file("../../tests/parity/messages.tsv");
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines.next().expect("header").1.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (id, lang, sentiment, body) = (col("id"), col("lang"), col("sentiment"), col("text"));
    let mut messages: Vec<(String, SentimentLabel, Vec<String>)> = Vec::new();
    for (i, line) in lines {
        let at = format!("{}:{}", path.display(), i + 1);
        let f: Vec<&str> = line.split('\t').collect();
        let k = LANGUAGES
            .iter()
            .position(|l| *l == f[lang])
            .unwrap_or_else(|| panic!("{at}: language {}", f[lang]));
        if !messages.last().is_some_and(|m| m.0 == f[id]) {
            messages.push((f[id].to_string(), parse(f[sentiment], &at), vec![String::new(); 6]));
        }
        messages.last_mut().unwrap().2[k] = f[body].to_string();
    }
    for m in &messages {
        assert!(m.2.iter().all(|t| !t.is_empty()), "{}: {} lacks a language", path.display(), m.0);
    }
    messages.into_iter().map(|(_, l, t)| (l, t)).collect()
}

/// Per language: labels equal to English, and labels equal to the written one.
fn check(name: &str, set: &Parallel, given: bool) -> Vec<String> {
    let n = set.len();
    assert!(n >= 40, "{name}: {n} messages");
    let labels: Vec<Vec<SentimentLabel>> = set
        .iter()
        .map(|(_, texts)| {
            texts
                .iter()
                .zip(LANGUAGES)
                .map(|(t, l)| label(t, given.then_some(l)))
                .collect()
        })
        .collect();
    let mode = if given { "given" } else { "detected" };
    let mut failures = Vec::new();
    let mut line = format!("{name:<8} language {mode:<8}");
    for (k, lang) in LANGUAGES.iter().enumerate() {
        let same = labels.iter().filter(|l| l[k] == l[0]).count();
        let written = labels.iter().zip(set).filter(|(l, m)| l[k] == m.0).count();
        line.push_str(&format!("  {lang} {same:>3}/{n} ({written:>3} as written)"));
        if (same as f64) < MIN_PARITY * n as f64 {
            let differ: Vec<String> = set
                .iter()
                .zip(&labels)
                .filter(|(_, l)| l[k] != l[0])
                .map(|((_, t), l)| format!("{:?}/{:?} {:?}", l[0], l[k], t[k]))
                .collect();
            failures.push(format!("{name} {lang} ({mode}): {same}/{n} equal to English; {}", differ.join("; ")));
        }
    }
    println!("{line}");
    failures
}

#[test]
fn labels_match_english_on_the_parity_set() {
    let set = parity_set();
    let failures: Vec<String> = [true, false].into_iter().flat_map(|g| check("parity", &set, g)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn labels_match_english_and_the_writer_on_the_own_set() {
    let set = own_set();
    let mut failures: Vec<String> = [true, false].into_iter().flat_map(|g| check("own", &set, g)).collect();
    for (k, lang) in LANGUAGES.iter().enumerate() {
        let agree = set.iter().filter(|(l, t)| label(&t[k], Some(lang)) == *l).count();
        if (agree as f64) < MIN_AGREEMENT * set.len() as f64 {
            failures.push(format!("own {lang}: {agree}/{} labelled as written", set.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_language_is_detected_from_the_text_or_taken_from_the_tag() {
    let p = plugin();
    let cases = [
        ("Mein Paket ist immer noch nicht da und niemand antwortet.", Language::De),
        ("Mi pedido no ha llegado y nadie me contesta.", Language::Es),
        ("Ma commande n'est toujours pas arrivée et personne ne répond.", Language::Fr),
        ("Il mio ordine non è ancora arrivato e nessuno risponde.", Language::It),
        ("Meu pedido ainda não chegou e ninguém responde.", Language::Pt),
        ("My order still has not arrived and nobody answers.", Language::En),
    ];
    for (text, want) in cases {
        assert_eq!(p.language_of(text, None), Some(want), "{text}");
        assert_eq!(p.language_of(text, Some(want.code())), Some(want), "{text}");
    }
    // a tag of a language not covered: no guess
    assert_eq!(p.language_of("Mijn pakket is nog steeds niet aangekomen.", Some("nl")), None);
    // an English reply from a customer whose profile says German
    assert_eq!(
        p.language_of("Hi, my order has not arrived and I have been waiting for a week now.", Some("de")),
        Some(Language::En)
    );
}

#[test]
fn negation_contrast_and_intensity_in_each_language() {
    use SentimentLabel::{Negative, Positive};
    let cases = [
        ("de", "Das Essen war nicht gut.", Negative),
        ("de", "Das gefällt mir nicht.", Negative),
        ("de", "Gar nicht schlecht!", Positive),
        ("de", "Der Preis ist hoch, aber der Service ist hervorragend.", Positive),
        ("es", "La comida no estaba buena.", Negative),
        ("es", "No está nada mal.", Positive),
        ("es", "Es caro, pero la calidad es excelente.", Positive),
        ("fr", "Je n'aime pas du tout ce produit.", Negative),
        ("fr", "Ce n'est pas mauvais.", Positive),
        ("fr", "C'était cher, mais le service était parfait.", Positive),
        ("it", "Il servizio non è stato buono.", Negative),
        ("it", "Non è affatto male.", Positive),
        ("it", "Costa tanto, ma la qualità è ottima.", Positive),
        ("pt", "O atendimento não foi bom.", Negative),
        ("pt", "Não está nada ruim.", Positive),
        ("pt", "É caro, mas a qualidade é excelente.", Positive),
    ];
    for (lang, text, want) in cases {
        assert_eq!(label(text, Some(lang)), want, "{lang}: {text}");
        assert_eq!(label(text, None), want, "{lang} detected: {text}");
    }
    // boosters raise the magnitude
    let score = |t: &str| {
        let mut ix = Interaction::new("t", Channel::Email, t);
        ix.language = Some("es".into());
        plugin().score(&ix, &Context::at(0)).unwrap().score
    };
    assert!(score("El servicio es muy malo.") < score("El servicio es malo."));
}
