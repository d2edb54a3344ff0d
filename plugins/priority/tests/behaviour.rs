//! Behaviour a user relies on, checked through the hook as the host calls it.

use cxr_guest::*;
use cxr_priority::PriorityPlugin;

/// 2026-11-20T10:00:00Z.
const NOW: Timestamp = 1_795_168_800_000;

fn plugin() -> PriorityPlugin {
    PriorityPlugin::configure("{}").expect("default config")
}

fn run(p: &PriorityPlugin, input: &Interaction, sentiment: &Sentiment) -> Priority {
    let out = p
        .prioritize(input, &Context::at(NOW), sentiment)
        .expect("prioritize");
    assert!((1..=4).contains(&out.level), "level {}", out.level);
    assert!(out.score <= 100, "score {}", out.score);
    assert!(out.reasons.len() <= 8, "{:?}", out.reasons);
    out
}

fn has(out: &Priority, reason: &str) -> bool {
    out.reasons.iter().any(|r| r == reason)
}

fn neutral() -> Sentiment {
    Sentiment::from_score(0.0, 0.6)
}

/// A gold customer's email about a duplicate card charge, received just now.
fn charged_twice_email() -> Interaction {
    let mut i = Interaction::new(
        "T-1",
        Channel::Email,
        "Hello, my card statement shows I was charged twice for order 48213 (EUR 64.00 each). \
         I only ordered once. Please refund the second payment.",
    )
    .with_subject("Duplicate payment on my card")
    .with_tier("Gold");
    i.received_at = Some(NOW - 5 * MINUTE);
    i.customer.lifetime_value = Some(5400.0);
    i.customer.tenure_days = Some(812);
    i.customer.contacts_last_30d = Some(1);
    i.customer.last_csat = Some(4);
    i.customer.last_nps = Some(8);
    i
}

/// A plain first-contact chat message from a standard customer.
fn delivery_chat(tier: &str) -> Interaction {
    let mut i = Interaction::new(
        "T-2",
        Channel::Chat,
        "Hi, my parcel was meant to arrive on Tuesday and the tracking has not moved since. \
         Could you check where it is?",
    )
    .with_tier(tier);
    i.received_at = Some(NOW);
    i
}

fn inbound(at: Timestamp, body: &str) -> Message {
    Message {
        at: Some(at),
        channel: Some(Channel::Email),
        direction: Direction::Inbound,
        body: body.to_string(),
    }
}

#[test]
fn gold_customer_charged_twice_email_is_urgent_and_explained() {
    let out = run(
        &plugin(),
        &charged_twice_email(),
        &Sentiment::from_score(-0.45, 0.7),
    );
    assert!(out.level <= 2, "{out:?}");
    assert!(
        has(&out, "urgent keyword: charged twice"),
        "{:?}",
        out.reasons
    );
    assert!(has(&out, "tier gold (+14)"), "{:?}", out.reasons);
    assert!(
        has(&out, "high-value customer (LTV 5400)"),
        "{:?}",
        out.reasons
    );
    assert!(has(&out, "negative sentiment (-0.45)"), "{:?}", out.reasons);
    assert_eq!(
        out.reasons[0], "urgent keyword: charged twice",
        "strongest first"
    );
}

#[test]
fn third_contact_with_bad_history_reaches_level_1() {
    let mut input = charged_twice_email();
    input.customer.contacts_last_30d = Some(3);
    input.customer.open_interactions = Some(1);
    input.customer.last_csat = Some(2);
    input.customer.last_nps = Some(4);
    let out = run(&plugin(), &input, &Sentiment::from_score(-0.62, 0.8));
    assert_eq!(out.level, 1, "{out:?}");
    for reason in [
        "repeat contact: 3 in 30 days",
        "low last CSAT 2",
        "open interactions: 1",
    ] {
        assert!(has(&out, reason), "missing {reason}: {:?}", out.reasons);
    }
    // Nine factors fired; the weakest (NPS 5 points, tenure 4 points) fall off the list of eight.
    assert!(!has(&out, "long tenure (812 days)"), "{:?}", out.reasons);
}

#[test]
fn vip_phone_call_about_an_outage_is_level_1_with_a_tight_due_time() {
    let mut input = Interaction::new(
        "T-3",
        Channel::Phone,
        "Caller: Our whole checkout has been down since nine, customers cannot pay at all. \
         This outage is costing us thousands, I need an engineer right now.",
    )
    .with_tier("VIP");
    let received = NOW - 20_000;
    input.received_at = Some(received);
    input.customer.lifetime_value = Some(250_000.0);
    let out = run(&plugin(), &input, &Sentiment::from_score(-0.7, 0.8));
    assert_eq!(out.level, 1, "{out:?}");
    // 2 min phone SLA x 0.25 VIP factor x 0.5 for level 1 = 15 s.
    assert_eq!(out.first_response_due, Some(received + 15_000));
    assert!(
        has(&out, "urgent keywords: outage, down"),
        "{:?}",
        out.reasons
    );
    assert!(has(&out, "tier vip (+25)"), "{:?}", out.reasons);
    // 20 s waited against a 30 s SLA: more than half gone.
    assert!(
        has(&out, "waited 0.3 min against a 0.5 min SLA"),
        "{:?}",
        out.reasons
    );
}

#[test]
fn five_star_review_is_level_4() {
    let mut input = Interaction::new(
        "T-4",
        Channel::Review,
        "5 stars. The blender arrived a day early, works brilliantly and the smoothies are great!",
    );
    input.received_at = Some(NOW - HOUR);
    let praise = Sentiment::from_score(0.92, 0.9);
    let out = run(&plugin(), &input, &praise);
    assert_eq!(out.level, 4, "{out:?}");
    assert!(has(&out, "positive sentiment (0.92)"), "{:?}", out.reasons);

    let gold = input.with_tier("gold");
    assert_eq!(run(&plugin(), &gold, &praise).level, 4);
}

#[test]
fn third_contact_this_month_ranks_above_a_first_contact() {
    let p = plugin();
    let sentiment = Sentiment::from_score(-0.3, 0.6);
    let first = delivery_chat("standard");
    let mut third = first.clone();
    third.customer.contacts_last_30d = Some(3);
    let (a, b) = (run(&p, &first, &sentiment), run(&p, &third, &sentiment));
    assert!(b.score > a.score, "{a:?} vs {b:?}");
    assert!(has(&b, "repeat contact: 3 in 30 days"), "{:?}", b.reasons);
    assert!(!a.reasons.iter().any(|r| r.starts_with("repeat contact")));
}

#[test]
fn inbound_history_of_the_last_30_days_counts_as_repeat_contact() {
    let p = plugin();
    let mut input = delivery_chat("standard");
    input.customer.contacts_last_30d = Some(1);
    input.history = vec![
        inbound(
            NOW - 40 * 24 * HOUR,
            "Older question about a different order.",
        ),
        inbound(
            NOW - 6 * 24 * HOUR,
            "Where is my parcel? It is two days late.",
        ),
        inbound(
            NOW - 2 * 24 * HOUR,
            "Still nothing, the tracking page is stuck.",
        ),
        Message {
            direction: Direction::Outbound,
            ..inbound(
                NOW - 24 * HOUR,
                "We have opened an investigation with the courier.",
            )
        },
    ];
    let out = run(&p, &input, &neutral());
    assert!(
        has(&out, "repeat contact: 3 in 30 days"),
        "{:?}",
        out.reasons
    );
}

#[test]
fn waiting_past_the_sla_raises_the_score() {
    let p = plugin();
    let mut input = Interaction::new(
        "T-5",
        Channel::Social,
        "@shop my order still shows as processing after a week, any news?",
    );
    let mut last = None;
    let mut scores = Vec::new();
    for waited_min in [0, 20, 30, 59, 60, 95, 180, 600] {
        input.received_at = Some(NOW - waited_min * MINUTE);
        let out = run(&p, &input, &neutral());
        if let Some(prev) = last {
            assert!(out.score >= prev, "score dropped at {waited_min} min");
        }
        last = Some(out.score);
        scores.push(out);
    }
    assert!(
        scores[4].score > scores[3].score,
        "breach adds more than half-way"
    );
    assert!(scores[3].score > scores[0].score, "half-way adds something");
    assert!(
        has(&scores[5], "waited 95 min against a 60 min SLA (breached)"),
        "{:?}",
        scores[5].reasons
    );
    assert!(
        has(&scores[2], "waited 30 min against a 60 min SLA"),
        "{:?}",
        scores[2].reasons
    );
}

#[test]
fn tiers_rank_vip_above_gold_above_free() {
    let p = plugin();
    let s = Sentiment::from_score(-0.2, 0.5);
    let score = |tier: &str| run(&p, &delivery_chat(tier), &s).score;
    let (vip, gold, standard, free) = (
        score("vip"),
        score("Gold"),
        score("standard"),
        score("FREE"),
    );
    assert!(
        vip > gold && gold > standard && standard > free,
        "{vip} {gold} {standard} {free}"
    );
    assert_eq!(score("bronze"), standard, "unknown tier is neutral");
}

#[test]
fn more_negative_sentiment_never_lowers_the_score() {
    let p = plugin();
    let mut inputs = vec![
        charged_twice_email(),
        delivery_chat("free"),
        delivery_chat("vip"),
    ];
    let mut review = Interaction::new("T-6", Channel::Review, "Decent product, slow shipping.");
    review.received_at = Some(NOW - 30 * HOUR);
    inputs.push(review);
    for input in &inputs {
        for c in 0..=10 {
            let confidence = f64::from(c) / 10.0;
            let mut prev: Option<Priority> = None;
            // From most positive to most negative.
            for s in (-20..=20).rev() {
                let out = run(
                    &p,
                    input,
                    &Sentiment::from_score(f64::from(s) / 20.0, confidence),
                );
                if let Some(prev) = &prev {
                    assert!(
                        out.score >= prev.score,
                        "{} at {s}/20, conf {confidence}",
                        input.id
                    );
                    assert!(
                        out.level <= prev.level,
                        "{} at {s}/20, conf {confidence}",
                        input.id
                    );
                }
                prev = Some(out);
            }
        }
    }
}

#[test]
fn due_time_arithmetic_is_exact() {
    let p = plugin();
    let mut input = Interaction::new("T-7", Channel::Email, "Can I change the delivery address?")
        .with_tier("gold");
    let received = NOW - 10 * MINUTE;
    input.received_at = Some(received);
    let out = run(&p, &input, &neutral());
    assert_ne!(out.level, 1);
    // 240 min email SLA x 0.6 gold = 144 min.
    assert_eq!(out.first_response_due, Some(received + 144 * MINUTE));

    input.received_at = None;
    input.customer.tier = None;
    let out = run(&p, &input, &neutral());
    assert_eq!(
        out.first_response_due,
        Some(NOW + 240 * MINUTE),
        "from ctx.now when not received"
    );

    input.channel = Channel::Survey;
    input.customer.tier = Some("free".into());
    let out = run(&p, &input, &neutral());
    assert_eq!(out.first_response_due, Some(NOW + 2880 * 3 / 2 * MINUTE));
}

#[test]
fn configured_slas_and_tiers_merge_over_the_defaults() {
    let p = PriorityPlugin::configure(
        r#"{"sla_minutes": {"email": 60}, "tier_sla_factor": {"Enterprise": 0.5},
            "tier_weight": {"enterprise": 18, "gold": 3}}"#,
    )
    .expect("valid");
    let mut input = Interaction::new(
        "T-8",
        Channel::Email,
        "Please send me last month's invoice.",
    )
    .with_tier("enterprise");
    input.received_at = Some(NOW);
    let out = run(&p, &input, &neutral());
    assert_eq!(out.first_response_due, Some(NOW + 30 * MINUTE));
    assert!(has(&out, "tier enterprise (+18)"), "{:?}", out.reasons);

    let gold = input.clone().with_tier("gold");
    let out = run(&p, &gold, &neutral());
    assert_eq!(
        out.first_response_due,
        Some(NOW + 36 * MINUTE),
        "gold factor kept"
    );
    assert!(has(&out, "tier gold (+3)"), "{:?}", out.reasons);

    let mut chat = input.with_tier("standard");
    chat.channel = Channel::Chat;
    assert_eq!(
        run(&p, &chat, &neutral()).first_response_due,
        Some(NOW + 5 * MINUTE)
    );
}

#[test]
fn custom_thresholds_and_keywords_change_the_decision() {
    let input = delivery_chat("standard");
    let default_level = run(&plugin(), &input, &neutral()).level;
    let strict = PriorityPlugin::configure(r#"{"level_thresholds": [15, 10, 5]}"#).expect("valid");
    let out = run(&strict, &input, &neutral());
    assert!(out.level < default_level, "{out:?}");
    assert_eq!(out.level, 1);

    let p = PriorityPlugin::configure(r#"{"urgent_keywords": ["tracking"]}"#).expect("valid");
    let out = run(&p, &input, &neutral());
    assert!(has(&out, "urgent keyword: tracking"), "{:?}", out.reasons);
}

#[test]
fn bad_configs_are_rejected_with_the_field_named() {
    for (json, field) in [
        (
            r#"{"sla_minutes": {"carrier_pigeon": 10}}"#,
            "carrier_pigeon",
        ),
        (r#"{"level_thresholds": [25, 50, 75]}"#, "level_thresholds"),
        (r#"{"level_thresholds": [100, 50, 50]}"#, "level_thresholds"),
        (r#"{"urgent_keyword": ["outage"]}"#, "urgent_keyword"),
        (r#"{"high_value_ltv": -1}"#, "high_value_ltv"),
    ] {
        match PriorityPlugin::configure(json) {
            Err(PluginError::InvalidConfig(m)) => assert!(m.contains(field), "{json}: {m}"),
            other => panic!("{json}: expected InvalidConfig, got {other:?}"),
        }
    }
}

#[test]
fn churn_keywords_add_urgency() {
    let p = plugin();
    let plain = Interaction::new(
        "T-9",
        Channel::Email,
        "My router drops the connection every evening.",
    );
    let churn = Interaction::new(
        "T-9",
        Channel::Email,
        "My router drops the connection every evening. If this goes on I will cancel and switch to another provider.",
    );
    let (a, b) = (run(&p, &plain, &neutral()), run(&p, &churn, &neutral()));
    assert!(b.score > a.score);
    assert!(has(&b, "churn risk: cancel, switch to"), "{:?}", b.reasons);
}

#[test]
fn keywords_count_once_and_negations_are_respected() {
    let p = plugin();
    let once = Interaction::new("T-10", Channel::Email, "Urgent: please reset my password.");
    let repeated = Interaction::new(
        "T-10",
        Channel::Email,
        "URGENT urgent urgent!!! please reset my password.",
    );
    assert_eq!(
        run(&p, &once, &neutral()).score,
        run(&p, &repeated, &neutral()).score
    );

    let calm = Interaction::new(
        "T-11",
        Channel::Email,
        "Not urgent at all, but could you update my billing address?",
    );
    let out = run(&p, &calm, &neutral());
    assert!(
        !out.reasons.iter().any(|r| r.starts_with("urgent")),
        "{:?}",
        out.reasons
    );
}

#[test]
fn empty_message_is_low_priority_and_says_so() {
    let mut input = Interaction::new("T-12", Channel::Email, "   ");
    input.subject = Some(String::new());
    let out = run(&plugin(), &input, &neutral());
    assert_eq!(out.level, 4);
    assert!(
        has(&out, "empty message (no subject or body)"),
        "{:?}",
        out.reasons
    );
}

#[test]
fn absurd_numbers_are_ignored_without_panicking() {
    let p = plugin();
    let mut input = charged_twice_email();
    input.customer.lifetime_value = Some(f64::NAN);
    input.customer.last_csat = Some(9);
    input.customer.last_nps = Some(200);
    input.customer.tenure_days = Some(u32::MAX);
    input.customer.contacts_last_30d = Some(u32::MAX);
    input.customer.open_interactions = Some(u32::MAX);
    input.received_at = Some(Timestamp::MIN);
    let weird = Sentiment {
        score: f64::NAN,
        label: SentimentLabel::Neutral,
        confidence: f64::INFINITY,
        cues: Vec::new(),
    };
    let out = run(&p, &input, &weird);
    assert!(!out.reasons.iter().any(|r| r.contains("LTV")
        || r.contains("CSAT")
        || r.contains("NPS")
        || r.contains("tenure")));
    assert!(out.first_response_due.is_some());

    input.customer.lifetime_value = Some(-7000.0);
    input.received_at = Some(Timestamp::MAX);
    let out = p
        .prioritize(&input, &Context::at(Timestamp::MIN), &weird)
        .expect("prioritize");
    assert!(out.score <= 100 && (1..=4).contains(&out.level));
    assert_eq!(out.first_response_due, Some(Timestamp::MAX));
    assert!(
        !out.reasons
            .iter()
            .any(|r| r.contains("LTV") || r.starts_with("waited"))
    );

    input.customer.lifetime_value = Some(f64::INFINITY);
    let out = run(&p, &input, &Sentiment::from_score(-1.0, 1.0));
    assert!(!out.reasons.iter().any(|r| r.contains("LTV")));
}

#[test]
fn reasons_are_sorted_strongest_first_and_capped() {
    let mut input = Interaction::new(
        "T-13",
        Channel::Phone,
        "My account was hacked, there is fraud on it, I am locked out and I will call my lawyer \
         and cancel everything if this is not fixed. Urgent!",
    )
    .with_tier("platinum");
    input.received_at = Some(NOW - 10 * MINUTE);
    input.customer.lifetime_value = Some(12_000.0);
    input.customer.tenure_days = Some(2000);
    input.customer.contacts_last_30d = Some(5);
    input.customer.open_interactions = Some(2);
    input.customer.last_csat = Some(1);
    input.customer.last_nps = Some(2);
    let out = run(&plugin(), &input, &Sentiment::from_score(-0.9, 0.9));
    assert_eq!((out.level, out.score), (1, 100));
    assert_eq!(out.reasons.len(), 8);
    assert!(
        out.reasons[0].starts_with("urgent keywords: "),
        "{:?}",
        out.reasons
    );
    assert!(out.reasons[0].ends_with("(+1 more)"), "{:?}", out.reasons);
    assert!(out.reasons[1].starts_with("waited"), "{:?}", out.reasons);
}

#[test]
fn a_message_with_no_signals_still_has_a_reason() {
    let input = Interaction::new("T-14", Channel::Survey, "The new menu layout is fine.");
    let out = run(&plugin(), &input, &neutral());
    assert_eq!(out.level, 4);
    assert_eq!(out.reasons, ["no urgency signals"]);
}

#[test]
fn keywords_are_searched_in_the_first_32_kib_of_the_body() {
    // "outage" ends exactly at byte 32 KiB: found; one byte later: not.
    let at_cap = format!("{} outage", "x".repeat((32 << 10) - 7));
    let out = run(&plugin(), &Interaction::new("T-15", Channel::Email, &at_cap), &neutral());
    assert!(out.reasons.iter().any(|r| r.starts_with("urgent keyword: outage")), "{:?}", out.reasons);
    let past_cap = format!("x{at_cap}");
    let out = run(&plugin(), &Interaction::new("T-16", Channel::Email, &past_cap), &neutral());
    assert!(!out.reasons.iter().any(|r| r.contains("outage")), "{:?}", out.reasons);
    // A cut inside a multi-byte character falls back to its start.
    let wide = format!("{} outage", "é".repeat(20_000));
    let out = run(&plugin(), &Interaction::new("T-17", Channel::Email, &wide), &neutral());
    assert!(!out.reasons.iter().any(|r| r.contains("outage")), "{:?}", out.reasons);
}
