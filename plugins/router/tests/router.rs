//! Behaviour of the rules router as an operator relies on it: the built-in
//! rules, operator rules, explanations, language handling and config errors.

use cxr_guest::*;
use cxr_router::RouterPlugin;

fn plugin(config: &str) -> RouterPlugin {
    RouterPlugin::configure(config).unwrap_or_else(|e| panic!("config rejected: {e:?}"))
}

fn outcome(
    p: &RouterPlugin,
    input: &Interaction,
    score: f64,
    priority: &Priority,
) -> RoutingOutcome {
    let sentiment = Sentiment::from_score(score, 0.8);
    p.route(input, &Context::at(1_700_000_000_000), &sentiment, priority)
        .expect("route failed")
}

fn route_with(p: &RouterPlugin, input: &Interaction, score: f64) -> Route {
    match outcome(p, input, score, &Priority::new(3, 40)) {
        RoutingOutcome::Route(r) => r,
        RoutingOutcome::Pass(why) => panic!("expected a route, got a pass: {why}"),
    }
}

fn msg(channel: Channel, body: &str) -> Interaction {
    Interaction::new("T-1", channel, body)
}

fn config_error(config: &str) -> String {
    match RouterPlugin::configure(config) {
        Err(PluginError::InvalidConfig(m)) => m,
        Err(other) => panic!("expected invalid-config, got {other:?}"),
        Ok(_) => panic!("config was accepted: {config}"),
    }
}

fn has_reason(route: &Route, needle: &str) -> bool {
    route.reasons.iter().any(|r| r.contains(needle))
}

// ---- built-in default rules -------------------------------------------------

#[test]
fn default_trust_safety_takes_fraud_first() {
    let p = plugin("{}");
    let input = msg(
        Channel::Phone,
        "There are two card payments on my statement that I did not make. \
         I think my card was stolen, please block it and refund me.",
    );
    let r = route_with(&p, &input, -0.5);
    assert_eq!(r.queue, "trust-safety");
    assert_eq!(r.discipline, Discipline::Service);
    assert_eq!(r.actions, ["escalate", "human-only"]);
    assert_eq!(r.rule.as_deref(), Some("trust-safety"));
    assert!(
        has_reason(&r, "rule trust-safety: keyword"),
        "{:?}",
        r.reasons
    );
    assert!(
        has_reason(&r, "'that i did not make' in body"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn default_incident_for_outages() {
    let p = plugin("{}");
    let r = route_with(
        &p,
        &msg(
            Channel::Social,
            "Checkout has been down for everyone in our shop since 9am, every request returns 503.",
        ),
        -0.4,
    );
    assert_eq!(
        (r.queue.as_str(), r.discipline),
        ("incident", Discipline::Service)
    );

    let r = route_with(
        &p,
        &msg(
            Channel::Social,
            "Is @ShopPay down? None of my card payments go through",
        ),
        -0.2,
    );
    assert_eq!(r.queue, "incident");
    assert!(
        has_reason(&r, "matched 'Is @ShopPay down' in body"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn default_retention_for_churn_words_in_six_languages() {
    let p = plugin("{}");
    let cases = [
        "Please cancel my subscription at the end of this month.",
        "I'm switching to another carrier next week, their offer is better.",
        "Hiermit möchte ich meinen Vertrag fristgerecht kündigen.",
        "Je souhaite résilier mon abonnement dès que possible.",
        "Si no lo solucionan hoy voy a darme de baja del servicio.",
        "Quero cancelar a minha assinatura, não uso mais o serviço.",
        "Vi invio la disdetta del contratto a partire dal mese prossimo.",
    ];
    for body in cases {
        let r = route_with(&p, &msg(Channel::Email, body), -0.2);
        assert_eq!(r.queue, "retention", "{body}");
        assert_eq!(r.discipline, Discipline::Care, "{body}");
        assert_eq!(r.actions, ["retention-offer", "call-back"], "{body}");
        assert_eq!(r.tags, ["churn-risk"]);
    }
}

#[test]
fn cancelling_an_order_is_not_churn() {
    let p = plugin("{}");
    let r = route_with(
        &p,
        &msg(
            Channel::Chat,
            "Can you cancel my order 4411? I picked the wrong size.",
        ),
        0.0,
    );
    assert_eq!(r.queue, "orders", "{:?}", r.reasons);
    let r = route_with(
        &p,
        &msg(Channel::InApp, "How do I switch to dark mode in the app?"),
        0.0,
    );
    assert_eq!(r.queue, "technical-support", "{:?}", r.reasons);
}

#[test]
fn default_vip_care_for_unhappy_platinum_customer() {
    let p = plugin("{}");
    let input = msg(
        Channel::Email,
        "My last three orders arrived late and nobody seems to care.",
    )
    .with_tier("Platinum");
    let r = route_with(&p, &input, -0.62);
    assert_eq!(r.queue, "vip-care");
    assert_eq!(r.discipline, Discipline::Care);
    assert_eq!(r.actions, ["call-back", "human-only"]);
    assert!(
        has_reason(&r, "rule vip-care: tier Platinum"),
        "{:?}",
        r.reasons
    );
    assert!(
        has_reason(&r, "sentiment negative (-0.62)"),
        "{:?}",
        r.reasons
    );

    // The same customer in a good mood is ordinary service work.
    let r = route_with(&p, &input, 0.3);
    assert_eq!(r.queue, "orders");
}

#[test]
fn default_human_request() {
    let p = plugin("{}");
    let r = route_with(
        &p,
        &msg(
            Channel::Chat,
            "This is going nowhere. Can I speak to a human please, not a bot?",
        ),
        -0.3,
    );
    assert_eq!(r.queue, "customer-care");
    assert_eq!(r.discipline, Discipline::Care);
    assert!(r.actions.contains(&"human-only".to_string()));
}

#[test]
fn default_care_escalations_for_repeat_contact() {
    let p = plugin("{}");
    let mut input = msg(
        Channel::Email,
        "My router still drops the connection every evening.",
    );
    input.customer.contacts_last_30d = Some(3);
    let r = route_with(&p, &input, -0.2);
    assert_eq!(r.queue, "care-escalations");
    assert_eq!(r.discipline, Discipline::Care);
    assert_eq!(r.actions, ["follow-up"]);
    assert!(
        has_reason(&r, "contacts in 30 days 3 >= 3"),
        "{:?}",
        r.reasons
    );

    let r = route_with(
        &p,
        &msg(
            Channel::Email,
            "This is the third time I am writing about the same broken heater.",
        ),
        -0.4,
    );
    assert_eq!(r.queue, "care-escalations");
    assert!(
        has_reason(&r, "keyword 'third time' in body"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn default_care_for_upset_high_value_customer() {
    let p = plugin("{}");
    let mut input = msg(
        Channel::Phone,
        "I am really disappointed with how my visit to your store was handled.",
    );
    input.customer.lifetime_value = Some(7200.0);
    let r = route_with(&p, &input, -0.6);
    assert_eq!(r.queue, "customer-care");
    assert_eq!(r.discipline, Discipline::Care);
    assert_eq!(r.actions, ["call-back"]);
    assert!(
        has_reason(&r, "lifetime value 7200 >= 5000"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn default_experience_rules_for_reviews_surveys_and_suggestions() {
    let p = plugin("{}");

    let praise = route_with(
        &p,
        &msg(
            Channel::Review,
            "Lovely packaging, quick delivery and a friendly note.",
        ),
        0.7,
    );
    assert_eq!(
        (praise.queue.as_str(), praise.discipline),
        ("cx-insights", Discipline::Experience)
    );
    assert_eq!(praise.actions, ["thank-you"]);
    assert!(
        has_reason(&praise, "channel review"),
        "{:?}",
        praise.reasons
    );

    let negative = route_with(
        &p,
        &msg(
            Channel::Review,
            "The blender leaks and the manual is useless.",
        ),
        -0.6,
    );
    assert_eq!(negative.queue, "cx-insights");
    assert_eq!(negative.actions, ["follow-up"]);

    let detractor = route_with(
        &p,
        &msg(
            Channel::Survey,
            "NPS 2: waiting times on the phone are far too long.",
        ),
        0.0,
    );
    assert_eq!(detractor.rule.as_deref(), Some("cx-detractor"));
    assert!(
        has_reason(&detractor, "matched 'NPS 2' in body"),
        "{:?}",
        detractor.reasons
    );

    let idea = route_with(
        &p,
        &msg(
            Channel::WebForm,
            "It would be great if I could pick a delivery slot on Saturdays.",
        )
        .with_subject("Suggestion"),
        0.0,
    );
    assert_eq!(idea.queue, "cx-insights");
    assert_eq!(idea.discipline, Discipline::Experience);
    assert!(idea.actions.is_empty());
    assert!(
        has_reason(&idea, "'suggestion' in subject"),
        "{:?}",
        idea.reasons
    );
}

#[test]
fn default_service_queues_in_several_languages() {
    let p = plugin("{}");
    let cases = [
        (
            "I was charged twice for the same invoice last week.",
            "billing",
        ),
        (
            "Auf meiner Rechnung wurde der Betrag zweimal abgebucht.",
            "billing",
        ),
        (
            "Ma facture de mars est fausse, je demande un remboursement.",
            "billing",
        ),
        (
            "Todavía no he recibido el reembolso de mi factura.",
            "billing",
        ),
        (
            "A minha fatura deste mês veio com um valor errado.",
            "billing",
        ),
        (
            "Aspetto ancora il rimborso della bolletta di maggio.",
            "billing",
        ),
        (
            "The app crashes every time I open it since the update.",
            "technical-support",
        ),
        (
            "I forgot my password and the reset link never arrives.",
            "technical-support",
        ),
        (
            "Where is my parcel? The tracking page has not changed in five days.",
            "orders",
        ),
        ("Meine Lieferung ist immer noch nicht da.", "orders"),
        ("Ma livraison a trois jours de retard.", "orders"),
        (
            "Mi pedido no ha llegado y el envío dice entregado.",
            "orders",
        ),
        ("A entrega da minha encomenda está atrasada.", "orders"),
        (
            "La consegna del mio ordine è in ritardo di una settimana.",
            "orders",
        ),
    ];
    for (body, queue) in cases {
        let r = route_with(&p, &msg(Channel::Email, body), -0.1);
        assert_eq!(r.queue, queue, "{body}: {:?}", r.reasons);
        assert_eq!(r.discipline, Discipline::Service, "{body}");
    }
}

#[test]
fn default_catch_all_routes_everything_else_to_general() {
    let p = plugin("{}");
    let r = route_with(
        &p,
        &msg(Channel::Chat, "Do you have an office in Lisbon?"),
        0.0,
    );
    assert_eq!(r.queue, "general");
    assert_eq!(r.discipline, Discipline::Service);
    assert_eq!(r.reasons[0], "rule general: no conditions (catch-all)");

    let last = p.rules().last().expect("default rules");
    assert_eq!(
        (last.name, last.builtin, last.conditions.as_str()),
        ("general", true, "anything")
    );
    // Even an empty message gets a route with the defaults.
    assert!(matches!(
        outcome(&p, &msg(Channel::Sms, ""), 0.0, &Priority::new(4, 0)),
        RoutingOutcome::Route(_)
    ));
}

// ---- operator rules ----------------------------------------------------------

#[test]
fn operator_rules_come_first_and_first_match_wins() {
    let p = plugin(
        r#"{"rules": [
            {"name": "refunds", "when": {"keywords": ["refund"]}, "then": {"queue": "refund-desk"}},
            {"name": "all-email", "when": {"channel": "email"}, "then": {"queue": "email-team"}}
        ]}"#,
    );
    let r = route_with(
        &p,
        &msg(Channel::Email, "I would like a refund for my order."),
        0.0,
    );
    assert_eq!(r.queue, "refund-desk");
    assert_eq!(r.rule.as_deref(), Some("refunds"));
    let r = route_with(
        &p,
        &msg(Channel::Email, "Hello, a question about my invoice."),
        0.0,
    );
    assert_eq!(
        r.queue, "email-team",
        "operator rule beats the default billing rule"
    );
    let r = route_with(
        &p,
        &msg(Channel::Chat, "Hello, a question about my invoice."),
        0.0,
    );
    assert_eq!(
        r.queue, "billing",
        "defaults still apply after the operator's rules"
    );
}

#[test]
fn any_and_not_combine() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [{
            "name": "social-complaints",
            "when": {
                "any": [{"channel": ["social"]}, {"keywords": ["complaint"]}],
                "not": {"tier": ["internal", "test"]}
            },
            "then": {"queue": "social-care", "discipline": "care"}
        }]}"#,
    );
    let r = route_with(
        &p,
        &msg(
            Channel::Email,
            "I want to file a complaint about your courier.",
        ),
        -0.5,
    );
    assert_eq!(r.queue, "social-care");
    assert!(
        has_reason(&r, "any[2]: keyword 'complaint' in body"),
        "{:?}",
        r.reasons
    );
    assert!(
        has_reason(&r, "not (tier internal or test)"),
        "{:?}",
        r.reasons
    );

    let staff = msg(Channel::Social, "Testing the new handle").with_tier("Test");
    assert_eq!(
        outcome(&p, &staff, 0.0, &Priority::new(4, 0)),
        RoutingOutcome::Pass("no rule matched".into())
    );
    assert!(matches!(
        outcome(&p, &msg(Channel::Phone, "hello"), 0.0, &Priority::new(4, 0)),
        RoutingOutcome::Pass(_)
    ));
}

#[test]
fn regex_condition_explains_what_it_matched() {
    let p = plugin(
        r#"{"rules": [{"name": "invoice-number", "when": {"regex": "(?i)invoice\\s*#?\\d+"},
                       "then": {"queue": "billing-ops", "tags": ["has-invoice"]}}]}"#,
    );
    let input = msg(Channel::Email, "See attachment.").with_subject("Question about Invoice #4411");
    let r = route_with(&p, &input, 0.0);
    assert_eq!(r.queue, "billing-ops");
    assert_eq!(r.tags, ["has-invoice"]);
    assert!(
        has_reason(
            &r,
            "rule invoice-number: regex /(?i)invoice\\s*#?\\d+/ matched 'Invoice #4411' in subject"
        ),
        "{:?}",
        r.reasons
    );
    let r = route_with(&p, &msg(Channel::Email, "Where is my invoice?"), 0.0);
    assert_eq!(r.queue, "billing", "no number, so the default rule decides");
}

#[test]
fn keywords_match_whole_words_and_star_prefixes() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [
            {"name": "exact", "when": {"keywords": ["cancel"]}, "then": {"queue": "exact"}},
            {"name": "prefix", "when": {"keywords": ["cancel*"]}, "then": {"queue": "prefix"}}
        ]}"#,
    );
    let q = |body: &str| route_with(&p, &msg(Channel::Chat, body), 0.0).queue;
    assert_eq!(q("Cancel! Right now."), "exact");
    assert_eq!(q("I want to cancel my plan"), "exact");
    assert_eq!(q("what is the cancellation period?"), "prefix");
    assert_eq!(q("CANCELLING today"), "prefix");
    assert!(matches!(
        outcome(
            &p,
            &msg(Channel::Chat, "uncancelled order"),
            0.0,
            &Priority::new(3, 40)
        ),
        RoutingOutcome::Pass(_)
    ));
}

#[test]
fn keywords_ignore_case_and_accents_and_all_keywords_need_every_phrase() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [
            {"name": "wrong-invoice", "when": {"all_keywords": ["invoice", "wrong amount"]}, "then": {"queue": "a"}},
            {"name": "kuendigung", "when": {"keywords": ["Kündigung"]}, "then": {"queue": "b"}}
        ]}"#,
    );
    let r = route_with(
        &p,
        &msg(Channel::Email, "The WRONG amount is on it.").with_subject("Invoice 7"),
        0.0,
    );
    assert_eq!(r.queue, "a");
    assert!(
        has_reason(
            &r,
            "all keywords 'invoice' in subject, 'wrong amount' in body"
        ),
        "{:?}",
        r.reasons
    );
    assert!(matches!(
        outcome(
            &p,
            &msg(Channel::Email, "Invoice attached."),
            0.0,
            &Priority::new(3, 40)
        ),
        RoutingOutcome::Pass(_)
    ));
    assert_eq!(
        route_with(&p, &msg(Channel::Email, "KUNDIGUNG zum 31.12."), 0.0).queue,
        "b"
    );
}

#[test]
fn sentiment_priority_customer_and_attribute_conditions_give_reasons() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [{
            "name": "urgent-enterprise",
            "when": {
                "tier": ["gold", "platinum"],
                "sentiment": {"label": ["negative"], "at_most": -0.3},
                "priority": {"level_at_most": 2, "score_at_least": 60},
                "customer": {"contacts_last_30d_at_least": 3, "last_csat_at_most": 2},
                "attributes": {"plan": ["enterprise", "business"]},
                "attributes_present": ["order_id"]
            },
            "then": {"queue": "enterprise-escalations", "discipline": "care", "actions": ["call-back"]}
        }]}"#,
    );
    let mut input = msg(Channel::Email, "Still broken.")
        .with_tier("GOLD")
        .with_attribute("plan", "Enterprise")
        .with_attribute("order_id", "A-1");
    input.customer.contacts_last_30d = Some(4);
    input.customer.last_csat = Some(1);
    let route = match outcome(&p, &input, -0.62, &Priority::new(1, 87)) {
        RoutingOutcome::Route(r) => r,
        other => panic!("{other:?}"),
    };
    for expected in [
        "rule urgent-enterprise: tier GOLD",
        "sentiment negative (-0.62) <= -0.3",
        "priority level 1 <= 2, score 87 >= 60",
        "contacts in 30 days 4 >= 3",
        "last CSAT 1 <= 2",
        "attribute plan = Enterprise",
        "attribute order_id present",
    ] {
        assert!(
            has_reason(&route, expected),
            "missing {expected:?} in {:?}",
            route.reasons
        );
    }
    // Lower priority: the rule no longer matches.
    assert!(matches!(
        outcome(&p, &input, -0.62, &Priority::new(3, 87)),
        RoutingOutcome::Pass(_)
    ));
    // Missing customer data fails the customer test.
    input.customer.last_csat = None;
    assert!(matches!(
        outcome(&p, &input, -0.62, &Priority::new(1, 87)),
        RoutingOutcome::Pass(_)
    ));
}

#[test]
fn pass_when_nothing_matches_without_defaults() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [{"name": "r", "when": {"channel": ["phone"]}, "then": {"queue": "voice"}}]}"#,
    );
    assert_eq!(
        outcome(
            &p,
            &msg(Channel::Email, "I was charged twice"),
            -0.5,
            &Priority::new(1, 90)
        ),
        RoutingOutcome::Pass("no rule matched".to_string())
    );
    let empty = plugin(r#"{"use_default_rules": false}"#);
    assert!(empty.rules().next().is_none());
    assert!(matches!(
        outcome(&empty, &msg(Channel::Chat, "hi"), 0.0, &Priority::new(4, 0)),
        RoutingOutcome::Pass(_)
    ));
}

// ---- language ------------------------------------------------------------------

#[test]
fn german_message_gets_skill_de() {
    let p = plugin("{}");
    let input = msg(
        Channel::Email,
        "Guten Tag, meine Rechnung für Oktober ist zu hoch. Bitte prüfen Sie die Abbuchung noch einmal.",
    );
    let r = route_with(&p, &input, -0.2);
    assert_eq!(r.queue, "billing");
    assert_eq!(r.language.as_deref(), Some("de"));
    assert_eq!(r.skills, ["billing", "de"]);
    assert!(
        r.reasons
            .last()
            .is_some_and(|l| l.starts_with("language de (detected")),
        "{:?}",
        r.reasons
    );
}

#[test]
fn two_sentence_messages_are_detected_in_six_languages() {
    let p = plugin("{}");
    let cases = [
        (
            "en",
            "My parcel was supposed to arrive on Monday. Could you please tell me where it is now?",
        ),
        (
            "de",
            "Mein Paket sollte am Montag ankommen. Können Sie mir bitte sagen, wo es gerade ist?",
        ),
        (
            "fr",
            "Mon colis devait arriver lundi. Pourriez-vous me dire où il se trouve maintenant ?",
        ),
        (
            "es",
            "Mi paquete tenía que llegar el lunes. ¿Podrían decirme dónde está ahora mismo?",
        ),
        (
            "pt",
            "A minha encomenda devia ter chegado na segunda-feira. Podem dizer-me onde ela está agora?",
        ),
        (
            "it",
            "Il mio pacco doveva arrivare lunedì. Potreste dirmi dove si trova adesso?",
        ),
    ];
    for (lang, body) in cases {
        let r = route_with(&p, &msg(Channel::Email, body), 0.0);
        assert_eq!(r.language.as_deref(), Some(lang), "{body}");
        assert_eq!(r.queue, "orders", "{body}");
        assert!(r.skills.contains(&lang.to_string()));
    }
}

#[test]
fn given_language_overrides_detection() {
    let p = plugin("{}");
    let input = msg(
        Channel::Email,
        "My parcel is late again and nobody answers the phone at the depot.",
    )
    .with_language("FR-ca");
    let r = route_with(&p, &input, 0.0);
    assert_eq!(r.language.as_deref(), Some("fr"));
    assert!(r.skills.contains(&"fr".to_string()));
    assert!(has_reason(&r, "language fr (given)"), "{:?}", r.reasons);
}

#[test]
fn language_condition_uses_the_effective_language() {
    let p = plugin(
        r#"{"rules": [{"name": "dach", "when": {"language": ["de", "de-AT"]},
                       "then": {"queue": "dach-team", "skills": ["de", "german"]}}]}"#,
    );
    let german = msg(
        Channel::Chat,
        "Hallo, ich komme seit gestern nicht mehr in mein Kundenkonto. Was kann ich tun?",
    );
    let r = route_with(&p, &german, 0.0);
    assert_eq!(r.queue, "dach-team");
    assert_eq!(
        r.skills,
        ["de", "german"],
        "the language skill is not added twice"
    );
    assert!(
        has_reason(&r, "rule dach: language de (detected"),
        "{:?}",
        r.reasons
    );
    assert_eq!(
        r.reasons
            .iter()
            .filter(|x| x.contains("language de"))
            .count(),
        1
    );

    let english = msg(
        Channel::Chat,
        "Hello, since yesterday I cannot get into my customer account. What can I do?",
    );
    assert_ne!(route_with(&p, &english, 0.0).queue, "dach-team");
}

#[test]
fn language_settings_can_be_switched_off() {
    let p =
        plugin(r#"{"detect_language": false, "default_language": "nl", "language_skill": false}"#);
    let r = route_with(
        &p,
        &msg(
            Channel::Email,
            "Meine Bestellung ist nicht angekommen, bitte helfen Sie mir schnell.",
        ),
        0.0,
    );
    assert_eq!(r.language.as_deref(), Some("nl"));
    assert_eq!(r.skills, ["orders"]);
    assert!(has_reason(&r, "language nl (default)"), "{:?}", r.reasons);

    // Too little text to trust a detection: the default language is used.
    let p = plugin("{}");
    let r = route_with(&p, &msg(Channel::Sms, "ok?"), 0.0);
    assert_eq!(r.language.as_deref(), Some("en"));
    assert!(has_reason(&r, "language en (default)"), "{:?}", r.reasons);
}

// ---- configuration ---------------------------------------------------------------

#[test]
fn empty_config_means_defaults_and_lists_accept_single_strings() {
    let p = plugin("");
    assert_eq!(p.rules().count(), plugin("{}").rules().count());
    let p = plugin(
        r#"{"rules": [{"name": "r", "when": {"channel": "web-form", "tier": "Gold"}, "then": {"queue": "q", "skills": "forms"}}]}"#,
    );
    let r = route_with(
        &p,
        &msg(Channel::WebForm, "hello there").with_tier("gold"),
        0.0,
    );
    assert_eq!(
        (r.queue.as_str(), r.skills.as_slice()),
        ("q", ["forms".to_string(), "en".to_string()].as_slice())
    );
}

#[test]
fn config_errors_name_the_rule_and_the_field() {
    let cases = [
        (
            r#"{"rules": [{"name": "bad-re", "when": {"regex": "(unclosed"}, "then": {"queue": "q"}}]}"#,
            &["rule 'bad-re' (rules[0])", "when.regex", "invalid regex"][..],
        ),
        (
            r#"{"rules": [{"name": "fax", "when": {"channel": ["email", "fax"]}, "then": {"queue": "q"}}]}"#,
            &["rule 'fax'", "when.channel", "unknown channel 'fax'"][..],
        ),
        (
            r#"{"rules": [{"name": "typo", "when": {"chanel": ["email"]}, "then": {"queue": "q"}}]}"#,
            &["rule 'typo'", "unknown field `chanel`"][..],
        ),
        (
            r#"{"rules": [{"name": "nested", "when": {"any": [{"sentiment": {"lable": ["negative"]}}]}, "then": {"queue": "q"}}]}"#,
            &["rule 'nested'", "unknown field `lable`"][..],
        ),
        (
            r#"{"rules": [{"name": "twice", "then": {"queue": "a"}}, {"name": "twice", "then": {"queue": "b"}}]}"#,
            &[
                "rule 'twice' (rules[1])",
                "duplicate rule name 'twice'",
                "rules[0]",
            ][..],
        ),
        (
            r#"{"rules": [{"name": "billing", "then": {"queue": "my-billing"}}]}"#,
            &[
                "rule 'billing' (rules[0])",
                "built-in default rule",
                "use_default_rules",
            ][..],
        ),
        (
            r#"{"rules": [{"name": "no-queue", "then": {"queue": "  "}}]}"#,
            &["rule 'no-queue'", "then.queue", "must not be empty"][..],
        ),
        (
            r#"{"rules": [{"name": "long", "then": {"queue": "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"}}]}"#,
            &["rule 'long'", "then.queue", "longer than 64"][..],
        ),
        (
            r#"{"rules": [{"name": "disc", "then": {"queue": "q", "discipline": "support"}}]}"#,
            &["rule 'disc'", "then.discipline", "'support'"][..],
        ),
        (
            r#"{"rules": [{"name": "", "then": {"queue": "q"}}]}"#,
            &["rules[0]", "name: must not be empty"][..],
        ),
        (
            r#"{"rules": [{"name": "kw", "when": {"keywords": ["refund", "!!"]}, "then": {"queue": "q"}}]}"#,
            &["rule 'kw'", "when.keywords", "'!!'"][..],
        ),
        (
            r#"{"rules": [{"name": "range", "when": {"sentiment": {"at_most": -2}}, "then": {"queue": "q"}}]}"#,
            &["rule 'range'", "when.sentiment.at_most"][..],
        ),
        (
            r#"{"rules": [{"name": "lang", "when": {"language": ["german"]}, "then": {"queue": "q"}}]}"#,
            &["rule 'lang'", "when.language", "'german'"][..],
        ),
        (
            r#"{"rules": [{"when": {}, "then": {"queue": "q"}}]}"#,
            &["rules[0]", "missing field `name`"][..],
        ),
        (
            r#"{"use_defaults": false}"#,
            &["unknown field `use_defaults`"][..],
        ),
        (
            r#"{"default_language": "english"}"#,
            &["default_language", "'english'"][..],
        ),
        (
            r#"{"language_allowlist": ["en", "klingon"]}"#,
            &["language_allowlist", "'klingon'"][..],
        ),
        ("not json", &["router config"][..]),
    ];
    for (config, needles) in cases {
        let message = config_error(config);
        for needle in needles {
            assert!(
                message.contains(needle),
                "{config}\n  -> {message}\n  should mention {needle:?}"
            );
        }
    }
}

#[test]
fn regex_size_is_capped() {
    let message = config_error(
        r#"{"rules": [{"name": "huge", "when": {"regex": "(?:\\w{50}){50}"}, "then": {"queue": "q"}}]}"#,
    );
    assert!(
        message.contains("rule 'huge'") && message.contains("size limit"),
        "{message}"
    );
}

// ---- signals (contract 0.2.0) ------------------------------------------------

fn route_with_signals(p: &RouterPlugin, input: &Interaction, signals: &[Signal]) -> RoutingOutcome {
    let ctx = signals
        .iter()
        .cloned()
        .fold(Context::at(1_700_000_000_000), Context::with_signal);
    p.route(input, &ctx, &Sentiment::from_score(-0.2, 0.8), &Priority::new(3, 40))
        .expect("route failed")
}

#[test]
fn signal_conditions_match_name_value_and_confidence_and_explain_themselves() {
    let p = plugin(
        r#"{"use_default_rules": false, "rules": [
            {"name": "confident-billing",
             "when": {"signal": {"name": "intent", "value": ["billing", "refunds"], "min_confidence": 0.6}},
             "then": {"queue": "billing"}},
            {"name": "billing-and-churn",
             "when": {"signal": [{"name": "intent", "value": "cancellation"}, {"name": "churn-risk", "value": "high"}]},
             "then": {"queue": "retention", "discipline": "care"}},
            {"name": "any-topic", "when": {"signal": {"name": "topic"}}, "then": {"queue": "topics"}}
        ]}"#,
    );
    let input = msg(Channel::Email, "Hello");
    let billing = Signal::new("intent", "Billing", 0.82).with_cue("charged twice");
    match route_with_signals(&p, &input, &[billing.clone()]) {
        RoutingOutcome::Route(r) => {
            assert_eq!(r.queue, "billing");
            assert!(has_reason(&r, "signal intent=Billing 0.82 ('charged twice')"), "{:?}", r.reasons);
        }
        other => panic!("{other:?}"),
    }
    // Below the minimum confidence: no match.
    let weak = Signal::new("intent", "billing", 0.4);
    assert!(matches!(route_with_signals(&p, &input, &[weak]), RoutingOutcome::Pass(_)));
    // A list of signal conditions must all hold.
    let cancel = Signal::new("intent", "cancellation", 0.9);
    assert!(matches!(route_with_signals(&p, &input, &[cancel.clone()]), RoutingOutcome::Pass(_)));
    match route_with_signals(&p, &input, &[cancel, Signal::new("churn-risk", "high", 0.7)]) {
        RoutingOutcome::Route(r) => assert_eq!(r.queue, "retention"),
        other => panic!("{other:?}"),
    }
    // Without a value, any value of the named signal matches.
    match route_with_signals(&p, &input, &[Signal::new("topic", "delivery", 0.1)]) {
        RoutingOutcome::Route(r) => assert_eq!(r.queue, "topics"),
        other => panic!("{other:?}"),
    }
    // No signals at all (a 0.1.0 host, or no classifier): nothing matches.
    assert!(matches!(route_with_signals(&p, &input, &[]), RoutingOutcome::Pass(_)));
}

#[test]
fn bad_signal_conditions_are_config_errors_naming_the_field() {
    let err = config_error(
        r#"{"rules": [{"name": "x", "when": {"signal": {"name": "intent", "min_confidence": 1.5}}, "then": {"queue": "q"}}]}"#,
    );
    assert!(err.contains("when.signal.min_confidence: 1.5 is outside 0..=1"), "{err}");
    let err = config_error(
        r#"{"rules": [{"name": "x", "when": {"signal": [{"name": "intent"}, {"name": " "}]}, "then": {"queue": "q"}}]}"#,
    );
    assert!(err.contains("when.signal[1].name: must not be empty"), "{err}");
}

// ---- built-in rules route by intent, keywords as the fallback -----------------

fn route_default_with(input: &Interaction, score: f64, signals: &[Signal]) -> Route {
    let p = plugin("{}");
    let ctx = signals
        .iter()
        .cloned()
        .fold(Context::at(1_700_000_000_000), Context::with_signal);
    match p
        .route(input, &ctx, &Sentiment::from_score(score, 0.8), &Priority::new(3, 40))
        .expect("route failed")
    {
        RoutingOutcome::Route(r) => r,
        RoutingOutcome::Pass(why) => panic!("expected a route, got a pass: {why}"),
    }
}

#[test]
fn default_rules_route_each_confident_intent_to_its_queue() {
    // No keyword of any rule in this text: only the intent can decide.
    let input = msg(Channel::Chat, "Hello, a question about the thing from last week.");
    for (intent, queue, rule, discipline) in [
        ("billing", "billing", "billing-intent", Discipline::Service),
        ("delivery", "orders", "orders-intent", Discipline::Service),
        ("returns", "orders", "orders-intent", Discipline::Service),
        ("technical", "technical-support", "technical-intent", Discipline::Service),
        ("account", "technical-support", "account-intent", Discipline::Service),
        ("sales", "sales", "sales-intent", Discipline::Service),
        ("feedback", "cx-insights", "feedback-intent", Discipline::Experience),
        ("outage", "incident", "incident-intent", Discipline::Service),
        ("cancellation", "retention", "retention-intent", Discipline::Care),
    ] {
        let r = route_default_with(&input, 0.0, &[Signal::new("intent", intent, 0.8).with_cue("a cue")]);
        assert_eq!((r.queue.as_str(), r.rule.as_deref(), r.discipline), (queue, Some(rule), discipline), "{intent}");
        assert!(has_reason(&r, &format!("intent={intent}")), "{intent}: {:?}", r.reasons);
    }
    // without signals (a 0.1.0 pipeline, or no classifier) the catch-all decides
    let r = route_default_with(&input, 0.0, &[]);
    assert_eq!(r.rule.as_deref(), Some("general"));
}

#[test]
fn default_rules_fall_back_to_keywords_below_the_confidence_threshold() {
    let input = msg(Channel::Email, "Please refund the duplicate charge on my invoice.");
    // a weak technical intent does not beat the billing keywords
    let r = route_default_with(&input, -0.2, &[Signal::new("intent", "technical", 0.45)]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("billing", Some("billing")));
    // `other` as the classifier says it when it found nothing (0.2, 0.3): keywords decide
    let r = route_default_with(&input, -0.2, &[Signal::new("intent", "other", 0.3)]);
    assert_eq!(r.rule.as_deref(), Some("billing"));
    // a confident `other` (a job application, a press request): general, not a
    // guess from a stray keyword (Spanish "¿Dónde envío el currículum?" is no order)
    let r = route_default_with(&input, -0.2, &[Signal::new("intent", "other", 0.9)]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("general", Some("general-intent")));
    // a confident intent wins over another queue's keywords
    let r = route_default_with(&input, -0.2, &[Signal::new("intent", "delivery", 0.7)]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("orders", Some("orders-intent")));
}

#[test]
fn care_and_experience_rules_still_win_over_intent() {
    let intent = |v: &str| Signal::new("intent", v, 0.9);
    // fraud keywords: trust & safety, whatever the intent
    let fraud = msg(Channel::Email, "Someone hacked my account and paid with my card.");
    let r = route_default_with(&fraud, -0.5, &[intent("billing")]);
    assert_eq!(r.queue, "trust-safety");
    // an unhappy platinum customer: vip-care before billing intent
    let vip = msg(Channel::Email, "Your invoice is wrong again, this is terrible.").with_tier("platinum");
    let r = route_default_with(&vip, -0.6, &[intent("billing")]);
    assert_eq!(r.queue, "vip-care");
    // asking for a person
    let human = msg(Channel::Chat, "I want to speak to a human about my bill");
    assert_eq!(route_default_with(&human, -0.2, &[intent("billing")]).queue, "customer-care");
    // a suggestion stays feedback even when it is about delivery
    let idea = msg(Channel::WebForm, "It would be great if you offered Saturday delivery slots.");
    let r = route_default_with(&idea, 0.3, &[intent("delivery")]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("cx-insights", Some("cx-feedback")));
    // cancellation keywords are care even when the intent is billing
    let churn = msg(Channel::Email, "Your prices went up again, I will cancel my subscription.");
    let r = route_default_with(&churn, -0.4, &[intent("billing")]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("retention", Some("retention")));
}

#[test]
fn high_churn_risk_with_strong_cues_goes_to_retention() {
    let input = msg(Channel::Email, "Hello, a question about the thing from last week.");
    let r = route_default_with(&input, -0.3, &[Signal::new("churn-risk", "high", 0.95)]);
    assert_eq!((r.queue.as_str(), r.rule.as_deref()), ("retention", Some("retention-intent")));
    assert!(r.actions.iter().any(|a| a == "retention-offer"), "{:?}", r.actions);
    // a high churn risk read mostly from sentiment is not enough
    let r = route_default_with(&input, -0.3, &[Signal::new("churn-risk", "high", 0.6)]);
    assert_eq!(r.rule.as_deref(), Some("general"));
}
