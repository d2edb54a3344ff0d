//! The `risk` signal: account takeover, fraud and legal threats in every
//! language, beside the intent and without changing it.

use cxr_classify::{Classifier, ClassifyInput, Intent, Risk};

fn risks(c: &Classifier, body: &str) -> Vec<Risk> {
    c.classify_typed(&ClassifyInput::new(body)).risks.iter().map(|r| r.risk).collect()
}

/// (language, risk, message): each must be found, whatever else the message is about.
const FOUND: &[(&str, Risk, &str)] = &[
    ("en", Risk::AccountTakeover, "My account got hacked, the email address was changed overnight."),
    ("en", Risk::AccountTakeover, "Someone logged into my profile from Brazil yesterday, that was not me."),
    ("en", Risk::Fraud, "There is a charge of 300 pounds on my card that I did not make."),
    ("en", Risk::Fraud, "A fake shop is impersonating your brand on Facebook, it's a scam."),
    ("en", Risk::LegalThreat, "Fix the invoice by Monday or I'll pass this to my solicitor."),
    ("de", Risk::AccountTakeover, "Mein Konto wurde gehackt, ich komme nicht mehr rein."),
    ("de", Risk::AccountTakeover, "Jemand hat sich heute Nacht in mein Kundenkonto eingeloggt, das war ich nicht."),
    ("de", Risk::Fraud, "Auf meiner Kreditkarte sind zwei Abbuchungen, die ich nie getätigt habe."),
    ("de", Risk::LegalThreat, "Wenn Sie nicht zahlen, schalte ich meinen Anwalt ein."),
    ("es", Risk::AccountTakeover, "Me han hackeado la cuenta y han cambiado el correo."),
    ("es", Risk::Fraud, "Tengo un cargo en la tarjeta que no reconozco, creo que es una estafa."),
    ("es", Risk::LegalThreat, "Si no me devolvéis el dinero iré a la oficina de consumo y pondré una denuncia."),
    ("fr", Risk::AccountTakeover, "Mon compte a été piraté, quelqu'un s'est connecté depuis l'étranger."),
    ("fr", Risk::Fraud, "Il y a des prélèvements que je n'ai jamais faits sur mon compte, c'est une fraude."),
    ("fr", Risk::LegalThreat, "Sans réponse sous huit jours, je vous enverrai une mise en demeure."),
    ("it", Risk::AccountTakeover, "Il mio account è stato hackerato, non riesco più a entrare."),
    ("it", Risk::AccountTakeover, "Qualcuno ha fatto l'accesso al mio profilo di notte, non ero io."),
    ("it", Risk::Fraud, "Sulla carta ci sono due pagamenti che non ho mai fatto, è una truffa."),
    ("it", Risk::LegalThreat, "Se non risolvete entro venerdì mi rivolgo a un avvocato."),
    ("pt", Risk::AccountTakeover, "Minha conta foi invadida e trocaram a senha."),
    ("pt", Risk::Fraud, "Apareceu uma compra no cartão que eu nunca fiz, acho que é golpe."),
    ("pt", Risk::LegalThreat, "Se não resolverem vou abrir reclamação no Procon e entrar na justiça."),
];

#[test]
fn risks_are_found_in_every_language() {
    let c = Classifier::from_config("").unwrap();
    let mut missed = Vec::new();
    for (lang, risk, body) in FOUND {
        if !risks(&c, body).contains(risk) {
            missed.push(format!("{lang} {risk}: {body}"));
        }
    }
    assert!(missed.is_empty(), "risks not found:\n{}", missed.join("\n"));
}

#[test]
fn ordinary_messages_carry_no_risk() {
    let c = Classifier::from_config("").unwrap();
    for body in [
        "Where is my parcel? It was due on Tuesday.",
        "I'd like to change the email address on my account.",
        "Wie kann ich meine Rechnung herunterladen?",
        "¿Cuánto cuesta el plan anual?",
        "L'application plante quand j'ouvre les paramètres.",
        "Vorrei disdire l'abbonamento a fine mese.",
        "Meu pedido chegou com a caixa amassada.",
        "Please cancel my order, I bought the wrong size.",
    ] {
        assert_eq!(risks(&c, body), [], "{body}");
    }
}

#[test]
fn a_risk_is_a_signal_beside_the_intent() {
    let c = Classifier::from_config("").unwrap();
    let signals = c.classify(&ClassifyInput::new("I think my account has been hacked, I can't log in any more."));
    let names: Vec<&str> = signals.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["intent", "churn-risk", "risk"]);
    assert_eq!(signals[0].value, "account");
    let risk = &signals[2];
    assert_eq!(risk.value, "account-takeover");
    assert!(risk.confidence >= 0.6 && risk.confidence <= 0.99, "{risk:?}");
    assert!(risk.cues.iter().any(|c| c.contains("hacked")), "{risk:?}");

    // The intent is decided as without the risk phrases.
    let (intent, _, _) = c.intent(None, "Two payments on my card that I never made, please refund them.", Some("en"));
    assert_eq!(intent, Intent::Billing);
}

#[test]
fn weak_evidence_alone_is_no_risk() {
    let c = Classifier::from_config("").unwrap();
    // One weak cue (weight 1) is not enough; with a second one it is.
    assert_eq!(risks(&c, "I logged in from another country while on holiday."), []);
    assert_eq!(
        risks(&c, "Someone logged in from another country, it wasn't me."),
        [Risk::AccountTakeover]
    );
}

#[test]
fn negated_legal_threats_do_not_count() {
    let c = Classifier::from_config("").unwrap();
    assert_eq!(risks(&c, "No lawyer needed, just fix the bill please."), []);
    assert_eq!(risks(&c, "Ich will keinen Anwalt einschalten, aber bitte korrigieren Sie das."), []);
}

#[test]
fn operators_add_risk_phrases() {
    let c = Classifier::from_config(
        r#"{"phrases": [{"language": "de", "intent": "fraud", "phrase": "enkeltrick", "weight": 3}]}"#,
    )
    .unwrap();
    assert_eq!(risks(&c, "Das war der Enkeltrick, bitte helfen Sie mir."), [Risk::Fraud]);
}
