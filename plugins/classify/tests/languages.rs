//! Behaviour per language and the decisions documented in the README:
//! what "cancel" means depends on its object, negation, subject weight,
//! unknown text, cues, and churn risk from history.

use cxr_classify::{ChurnRisk, Classifier, ClassifyInput, Intent};

fn classifier() -> Classifier {
    Classifier::from_config("").unwrap()
}

fn intent(c: &Classifier, body: &str) -> Intent {
    c.intent(None, body, None).0
}

#[test]
fn english() {
    let c = classifier();
    assert_eq!(intent(&c, "I was charged twice, please refund the duplicate payment"), Intent::Billing);
    assert_eq!(intent(&c, "my parcel never arrived, tracking stuck for a week"), Intent::Delivery);
    assert_eq!(intent(&c, "the app crashes every time I open it"), Intent::Technical);
    assert_eq!(intent(&c, "I forgot my password and cannot log in"), Intent::Account);
}

#[test]
fn german() {
    let c = classifier();
    assert_eq!(intent(&c, "Mir wurde der Betrag doppelt abgebucht, bitte um Erstattung"), Intent::Billing);
    assert_eq!(intent(&c, "Ich möchte meinen Vertrag kündigen"), Intent::Cancellation);
    assert_eq!(intent(&c, "Ich moechte meinen Vertrag kuendigen"), Intent::Cancellation);
    assert_eq!(intent(&c, "Seit heute Morgen Störung, kein Internet im ganzen Ort"), Intent::Outage);
    assert_eq!(intent(&c, "Ich will die Jacke zurückschicken, sie ist zu klein"), Intent::Returns);
}

#[test]
fn spanish() {
    let c = classifier();
    assert_eq!(intent(&c, "quiero darme de baja, no quiero seguir pagando"), Intent::Cancellation);
    assert_eq!(intent(&c, "¿Dónde está mi pedido? No ha llegado todavía"), Intent::Delivery);
    assert_eq!(intent(&c, "olvide mi contrasena y no puedo iniciar sesion"), Intent::Account);
    assert_eq!(intent(&c, "¿Cuánto cuesta el plan para empresas? Necesito un presupuesto"), Intent::Sales);
}

#[test]
fn french() {
    let c = classifier();
    assert_eq!(intent(&c, "Je souhaite résilier mon abonnement"), Intent::Cancellation);
    assert_eq!(intent(&c, "je souhaite resilier mon abonnement"), Intent::Cancellation);
    assert_eq!(intent(&c, "Le site est en panne depuis ce matin"), Intent::Outage);
    assert_eq!(intent(&c, "j'ai été prélevé deux fois ce mois-ci"), Intent::Billing);
    assert_eq!(intent(&c, "L'application ne fonctionne plus depuis la mise à jour"), Intent::Technical);
}

#[test]
fn portuguese() {
    let c = classifier();
    assert_eq!(intent(&c, "Quero cancelar a minha assinatura"), Intent::Cancellation);
    assert_eq!(intent(&c, "meu pedido ainda nao chegou, o rastreio nao atualiza"), Intent::Delivery);
    assert_eq!(intent(&c, "O site está fora do ar desde cedo"), Intent::Outage);
    assert_eq!(intent(&c, "Parabéns pelo atendimento, adorei!"), Intent::Feedback);
}

#[test]
fn cancel_depends_on_its_object() {
    let c = classifier();
    for (text, want) in [
        ("please cancel my order, I ordered the wrong colour", Intent::Delivery),
        ("please cancel my subscription", Intent::Cancellation),
        ("bitte Bestellung stornieren", Intent::Delivery),
        ("cancelar mi pedido por favor", Intent::Delivery),
        ("cancelar mi suscripción por favor", Intent::Cancellation),
        ("annuler ma commande svp", Intent::Delivery),
        ("annuler mon abonnement svp", Intent::Cancellation),
    ] {
        assert_eq!(intent(&c, text), want, "{text}");
    }
}

#[test]
fn negated_cancellation_does_not_count() {
    let c = classifier();
    let text = "I don't want to cancel my subscription, I just want to know why the invoice is higher";
    assert_eq!(intent(&c, text), Intent::Billing);
    assert_eq!(intent(&c, "No quiero cancelar, solo cambiar la forma de pago"), Intent::Billing);
    // "cannot cancel" is still someone who wants to cancel.
    assert_eq!(intent(&c, "I can not cancel my subscription online, the button is missing"), Intent::Cancellation);
}

#[test]
fn subject_counts_more_than_body() {
    let c = classifier();
    let body = "The app shows an error. Also the invoice looks wrong.";
    assert_eq!(c.intent(Some("Invoice wrong"), body, None).0, Intent::Billing);
    assert_eq!(c.intent(Some("App error"), body, None).0, Intent::Technical);
}

#[test]
fn unknown_text_is_other_with_low_confidence() {
    let c = classifier();
    for text in ["hello?", "ok", "Lorem ipsum dolor sit amet", "ありがとう"] {
        let (i, confidence, cues) = c.intent(None, text, None);
        assert_eq!(i, Intent::Other, "{text}");
        assert!(confidence <= 0.3, "{text}: {confidence}");
        assert!(cues.is_empty());
    }
}

#[test]
fn confidence_and_cues_explain_the_decision() {
    let c = classifier();
    let (i, confidence, cues) = c.intent(Some("Charged twice"), "You charged me twice, refund please", None);
    assert_eq!(i, Intent::Billing);
    assert!(confidence > 0.8, "{confidence}");
    assert!(cues.contains(&"charged twice".to_string()), "{cues:?}");
    let signals = c.classify(&ClassifyInput::new("You charged me twice, refund please"));
    assert_eq!(signals.len(), 2);
    assert!(signals.iter().all(|s| (0.0..=1.0).contains(&s.confidence)));
}

#[test]
fn given_language_prefers_its_lexicon() {
    let c = classifier();
    let mixed = "factura";
    let en = c.classify_typed(&ClassifyInput { body: mixed, language: Some("en"), ..Default::default() });
    let es = c.classify_typed(&ClassifyInput { body: mixed, language: Some("es"), ..Default::default() });
    assert_eq!(es.intent, Intent::Billing);
    assert!(es.scores[Intent::Billing.index()] > en.scores[Intent::Billing.index()]);
    assert_eq!(es.language, Some("es"));
    let guessed = c.classify_typed(&ClassifyInput::new("Je n'ai pas reçu ma commande et le colis est perdu"));
    assert_eq!(guessed.language, Some("fr"));
}

#[test]
fn review_channel_leans_to_feedback() {
    let c = classifier();
    let body = "Nice headphones, a bit pricey for what they are.";
    let review = c.classify_typed(&ClassifyInput { body, channel: "review", ..Default::default() });
    assert_eq!(review.intent, Intent::Feedback);
    assert!(review.intent_cues.iter().any(|c| c == "channel review"), "{:?}", review.intent_cues);
}

#[test]
fn extra_phrases_from_config() {
    let c = Classifier::from_config(
        r#"{"phrases": [{"language": "*", "intent": "technical", "phrase": "flux capacitor*", "weight": 3}]}"#,
    )
    .unwrap();
    assert_eq!(intent(&c, "The flux capacitors are glowing red"), Intent::Technical);
    let err = Classifier::from_config(r#"{"phrases": [{"language": "xx", "intent": "technical", "phrase": "a", "weight": 1}]}"#)
        .unwrap_err();
    assert!(err.contains("phrases[0].language"), "{err}");
}

#[test]
fn churn_risk_from_message_and_history() {
    let c = classifier();
    let calm = ClassifyInput {
        body: "How do I change my delivery address?",
        sentiment_score: 0.1,
        contacts_last_30d: Some(1),
        last_nps: Some(9),
        last_csat: Some(5),
        ..Default::default()
    };
    assert_eq!(c.classify_typed(&calm).churn, ChurnRisk::None);

    let leaving = ClassifyInput { body: "Cancel my subscription now.", ..calm.clone() };
    let r = c.classify_typed(&leaving);
    assert_eq!((r.intent, r.churn), (Intent::Cancellation, ChurnRisk::High));

    let threat = ClassifyInput {
        body: "Third wrong invoice this year. Fix it or I will switch to another provider.",
        sentiment_score: -0.4,
        ..calm.clone()
    };
    let r = c.classify_typed(&threat);
    assert_ne!(r.intent, Intent::Cancellation);
    assert_eq!(r.churn, ChurnRisk::High, "{:?}", r.churn_cues);

    let history = ["Ich überlege, meinen Vertrag zu kündigen.", "Noch keine Antwort."];
    let unhappy_history = ClassifyInput {
        body: "Die Rechnung ist wieder falsch.",
        contacts_last_30d: Some(4),
        last_nps: Some(2),
        history_inbound: &history,
        ..calm.clone()
    };
    let r = c.classify_typed(&unhappy_history);
    assert_eq!(r.churn, ChurnRisk::High);
    assert!(r.churn_cues.iter().any(|c| c.contains("earlier message")), "{:?}", r.churn_cues);

    // A negated mention in the history is not a cue.
    let history = ["I don't want to cancel, I love the product."];
    let r = c.classify_typed(&ClassifyInput { history_inbound: &history, ..calm });
    assert_eq!(r.churn, ChurnRisk::None, "{:?}", r.churn_cues);
}

#[test]
fn mail_signatures_are_not_evidence() {
    let c = classifier();
    let (i, _, cues) = c.intent(None, "Where is my parcel? It is a week late.\n\nSent from my iPhone", None);
    assert_eq!(i, Intent::Delivery);
    assert!(cues.iter().all(|c| !c.contains("iphone")), "{cues:?}");
    let (i, _, _) = c.intent(None, "Sent from my iPhone", None);
    assert_eq!(i, Intent::Other);
}

#[test]
fn long_messages_are_bounded_and_still_classified() {
    let c = classifier();
    let mut body = String::from("Please cancel my subscription. ");
    while body.len() < 1 << 20 {
        body.push_str("Agent: let me check that for you, one moment please. ");
    }
    let signals = c.classify(&ClassifyInput::new(&body));
    assert_eq!(signals.len(), 2);
    assert_eq!(signals[0].value, "cancellation");
}

#[test]
fn every_input_yields_both_signals() {
    let c = classifier();
    for body in ["", " ", "!!!", "🙂🙂🙂", "\u{0}\u{1}", "ü", "a .. b", "*"] {
        let signals = c.classify(&ClassifyInput { subject: Some(body), body, ..Default::default() });
        assert_eq!(signals.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["intent", "churn-risk"], "{body:?}");
        assert!(signals.iter().all(|s| (0.0..=1.0).contains(&s.confidence)), "{body:?}");
    }
}
