//! Priority from meaning: the classifiers' signals, and keywords in six
//! languages where no classifier ran.

use cxr_guest::*;
use cxr_priority::PriorityPlugin;

fn plugin() -> PriorityPlugin {
    PriorityPlugin::configure("").expect("default config")
}

fn neutral() -> Sentiment {
    Sentiment::from_score(0.0, 0.6)
}

fn ctx(signals: &[(&str, &str, f64)]) -> Context {
    signals
        .iter()
        .fold(Context::at(0), |c, &(n, v, conf)| c.with_signal(Signal::new(n, v, conf)))
}

fn run(p: &PriorityPlugin, body: &str, ctx: &Context) -> Priority {
    p.prioritize(&Interaction::new("S-1", Channel::Email, body), ctx, &neutral())
        .expect("prioritize")
}

#[test]
fn an_outage_signal_is_urgent_in_any_language_and_named_in_the_reason() {
    let p = plugin();
    let signals = ctx(&[("intent", "outage", 0.86), ("churn-risk", "none", 0.9)]);
    let plain = run(&p, "Bei uns im ganzen Büro geht seit heute Morgen das Internet nicht.", &ctx(&[("intent", "other", 0.3)]));
    let out = run(&p, "Bei uns im ganzen Büro geht seit heute Morgen das Internet nicht.", &signals);
    assert_eq!(out.score, plain.score + 22, "{out:?}");
    assert_eq!(out.reasons[0], "urgent: intent=outage 0.86 (classifier signal)");
}

#[test]
fn risk_signals_are_urgent_and_several_cues_add_up() {
    let p = plugin();
    let one = run(&p, "Mi hanno rubato l'account.", &ctx(&[("intent", "account", 0.7), ("risk", "account-takeover", 0.78)]));
    let two = run(
        &p,
        "Mi hanno rubato l'account.",
        &ctx(&[("intent", "account", 0.7), ("risk", "account-takeover", 0.78), ("risk", "legal-threat", 0.83)]),
    );
    assert_eq!(two.score, one.score + 6, "{one:?} {two:?}");
    assert!(
        two.reasons.contains(&"urgent: risk=account-takeover 0.78, risk=legal-threat 0.83 (classifier signals)".to_string()),
        "{:?}",
        two.reasons
    );
    // A risk the classifier is not sure of does not count.
    let weak = run(&p, "Mi hanno rubato l'account.", &ctx(&[("intent", "account", 0.7), ("risk", "fraud", 0.5)]));
    assert!(!weak.reasons.iter().any(|r| r.starts_with("urgent")), "{:?}", weak.reasons);
}

#[test]
fn with_a_classifier_its_meaning_replaces_the_keywords_it_covers() {
    let p = plugin();
    // "down" and "cancel" are keywords, but the classifier says this is a
    // technical question about an order: no outage, no churn.
    let body = "The download button is down the page; also can I cancel order 7731?";
    let with = run(&p, body, &ctx(&[("intent", "delivery", 0.7), ("churn-risk", "none", 0.9)]));
    let without = run(&p, body, &Context::at(0));
    assert!(!with.reasons.iter().any(|r| r.starts_with("urgent") || r.starts_with("churn")), "{:?}", with.reasons);
    assert!(without.reasons.iter().any(|r| r == "urgent keyword: down"), "{:?}", without.reasons);
    assert!(without.reasons.iter().any(|r| r == "churn risk: cancel"), "{:?}", without.reasons);
    // Cues no classifier covers still come from keywords.
    let twice = run(&p, "Mir wurde der Betrag doppelt abgebucht.", &ctx(&[("intent", "billing", 0.9)]));
    assert!(twice.reasons.iter().any(|r| r == "urgent keyword: doppelt abgebucht"), "{:?}", twice.reasons);
    // A signal and a keyword of another cue are both named.
    let both = run(&p, "Mir wurde der Betrag doppelt abgebucht, das ist Betrug.", &ctx(&[("intent", "billing", 0.9), ("risk", "fraud", 0.8)]));
    assert!(
        both.reasons.iter().any(|r| r == "urgent: risk=fraud 0.80 (classifier signal); urgent keyword: doppelt abgebucht"),
        "{:?}",
        both.reasons
    );
}

#[test]
fn churn_from_signals() {
    let p = plugin();
    let signals = ctx(&[("intent", "cancellation", 0.8), ("churn-risk", "high", 0.68)]);
    let out = run(&p, "Bitte kündigen Sie mein Abo zum Monatsende.", &signals);
    let base = run(&p, "Bitte kündigen Sie mein Abo zum Monatsende.", &ctx(&[("intent", "cancellation", 0.4)]));
    // The intent and the churn risk it implies are one piece of evidence.
    assert_eq!(out.score, base.score + 12, "{out:?}");
    assert!(
        out.reasons
            .contains(&"churn risk: intent=cancellation 0.80, churn-risk=high 0.68 (classifier signals)".to_string()),
        "{:?}",
        out.reasons
    );
}

#[test]
fn operator_keywords_count_beside_signals() {
    let p = PriorityPlugin::configure(r#"{"urgent_keywords": ["outage", "recall"]}"#).expect("valid");
    let out = run(&p, "Product recall: outage of the cooling unit", &ctx(&[("intent", "outage", 0.9)]));
    // The signal and two keywords of the operator's own: three pieces of evidence.
    assert!(
        out.reasons.iter().any(|r| r == "urgent: intent=outage 0.90 (classifier signal); urgent keywords: outage, recall"),
        "{:?}",
        out.reasons
    );
}

/// Without a classifier, the built-in keywords give the same score in all
/// six languages, and synonyms of one cue count once.
#[test]
fn keywords_alone_give_the_same_score_in_six_languages() {
    let p = plugin();
    let none = Context::at(0);
    for set in [
        [
            "My account was hacked and I was charged twice. Urgent!",
            "Mein Konto wurde gehackt und mir wurde doppelt abgebucht. Dringend!",
            "Me han hackeado la cuenta y me han cobrado dos veces. ¡Urgente!",
            "Mon compte a été piraté et j'ai été prélevé deux fois. Urgent !",
            "Il mio account è stato hackerato e mi avete addebitato due volte. Urgente!",
            "Minha conta foi hackeada e fui cobrado duas vezes. Urgente!",
        ],
        [
            "Outage: your site is down.",
            "Ausfall: Ihre Seite hat eine Störung.",
            "Avería: vuestra web está caída.",
            "Panne : votre site est hors service.",
            "Guasto: il vostro sito è fuori servizio.",
            "Queda: o site de vocês está fora do ar.",
        ],
        [
            "I want to cancel my contract.",
            "Ich möchte meinen Vertrag kündigen.",
            "Quiero darme de baja del contrato.",
            "Je veux résilier mon contrat.",
            "Voglio disdire il contratto.",
            "Quero cancelar meu contrato.",
        ],
    ] {
        let scores: Vec<u32> = set.iter().map(|b| run(&p, b, &none).score).collect();
        assert!(scores.iter().all(|&s| s == scores[0]), "{scores:?} for {set:?}");
        assert!(scores[0] > run(&p, "Hello.", &none).score, "{set:?}");
    }
}

/// Sentiment lexicons of different languages agree on the label far more
/// often than on the score: the label decides.
#[test]
fn the_sentiment_label_not_its_exact_score_decides() {
    let p = plugin();
    let input = Interaction::new("S-2", Channel::Chat, "Die App stürzt ab.");
    let at = |score: f64, confidence: f64| {
        p.prioritize(&input, &Context::at(0), &Sentiment::from_score(score, confidence)).expect("prioritize")
    };
    assert_eq!(at(-0.2, 0.5).score, at(-0.9, 0.95).score);
    assert_eq!(at(0.0, 0.9).score + 15, at(-0.3, 0.6).score);
    assert_eq!(at(0.0, 0.9).score, at(0.7, 0.9).score + 4);
    assert!(at(-0.9, 0.9).reasons.contains(&"negative sentiment (-0.90)".to_string()));
}
