//! What operators rely on: help-desk messages scored the way a person
//! reading them would, with cues that explain the score.

use cxr_guest::{
    Channel, Context, Direction, Interaction, Message, Plugin, PluginError, Sentiment,
    SentimentHook, SentimentLabel,
};
use cxr_sentiment::SentimentPlugin;

fn plugin() -> SentimentPlugin {
    SentimentPlugin::configure("{}").expect("default config")
}

fn score_with(p: &SentimentPlugin, input: &Interaction) -> Sentiment {
    let s = p
        .score(input, &Context::at(1_764_000_000_000))
        .expect("score");
    assert!((-1.0..=1.0).contains(&s.score), "score out of range: {s:?}");
    assert!(
        (0.0..=1.0).contains(&s.confidence),
        "confidence out of range: {s:?}"
    );
    assert!(s.cues.len() <= 5);
    assert_eq!(
        s.label,
        SentimentLabel::from_score(s.score),
        "label must follow the score: {s:?}"
    );
    s
}

fn score(body: &str) -> Sentiment {
    score_with(&plugin(), &Interaction::new("t", Channel::Email, body))
}

fn cue<'a>(s: &'a Sentiment, text: &str) -> Option<&'a cxr_guest::Cue> {
    s.cues.iter().find(|c| c.text == text)
}

#[test]
fn billing_complaint_is_negative_with_phrase_cues() {
    let s = score("I was charged twice and still no refund!!");
    assert_eq!(s.label, SentimentLabel::Negative);
    assert!(s.score < -0.6, "{s:?}");
    assert!(s.confidence > 0.6, "{s:?}");
    let charged = cue(&s, "charged twice").expect("charged twice cue");
    assert!(charged.weight < -0.2);
    assert!(cue(&s, "still no refund").is_some(), "{:?}", s.cues);
}

#[test]
fn typical_complaints_are_negative() {
    for body in [
        "My parcel never arrived and nobody answers the phone.",
        "This is the third time I'm writing about the same broken router.",
        "I've been on hold for 45 minutes and then they hung up on me.",
        "The app keeps crashing since the update and I can't log in.",
        "You locked me out of my account. Unacceptable.",
        "I want a refund, this is a rip off.",
        "Thinking of switching to another provider, your service is the worst.",
        "Still waiting for the callback you promised last week.",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Negative, "{body}: {s:?}");
        assert!(!s.cues.is_empty(), "{body}");
    }
}

#[test]
fn praise_is_positive() {
    for body in [
        "Thank you so much, the agent was wonderful and fixed everything in one call.",
        "Problem solved, works now. Really appreciate the quick response!",
        "Great service, Maria went above and beyond. Well done!",
        "5/5 fast delivery and lovely packaging, will order again :)",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Positive, "{body}: {s:?}");
        assert!(s.score > 0.5, "{body}: {s:?}");
    }
}

#[test]
fn information_requests_stay_neutral() {
    for body in [
        "How do I change my address?",
        "How do I change my address? Thanks!",
        "Hi, do you ship to Iceland, and how long does delivery usually take?",
        "Can you tell me the best way to update my card details? Kind regards, Sam",
        "Please send me a copy of my November invoice. Thanks in advance.",
        "Good morning, is there an easy way to export my statements as CSV?",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Neutral, "{body}: {s:?}");
        assert!(s.score.abs() < 0.05, "{body}: {s:?}");
    }
}

#[test]
fn neutral_question_has_moderate_confidence() {
    let s = score(
        "Hi, I'd like to move from the Basic plan to the Family plan next month. How do I do that?",
    );
    assert_eq!(s.label, SentimentLabel::Neutral);
    assert!(s.cues.is_empty(), "{:?}", s.cues);
    assert!((0.35..=0.7).contains(&s.confidence), "{s:?}");
}

#[test]
fn negation_flips_and_damps() {
    let happy = score("I am happy with the service");
    let not_happy = score("I am not happy with the service");
    assert_eq!(not_happy.label, SentimentLabel::Negative);
    assert!(
        not_happy.score.abs() < happy.score.abs(),
        "negation damps: {happy:?} {not_happy:?}"
    );
    assert_eq!(
        cue(&not_happy, "not happy").map(|c| c.weight < 0.0),
        Some(true)
    );

    let s = score("Not bad at all!");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");

    let s = score("The update doesn't seem helpful");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");

    let s = score("It works without any problems");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");
}

#[test]
fn never_so_emphasises_instead_of_flipping() {
    let s = score("I've never felt so ignored by a company");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
}

#[test]
fn contrast_weighs_the_clause_after_but() {
    let s = score("The app is nice but support is useless");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    let useless = cue(&s, "useless").expect("useless cue").weight;
    let nice = cue(&s, "nice").expect("nice cue").weight;
    assert!(useless.abs() > 3.0 * nice.abs(), "{:?}", s.cues);

    let s = score("Support was slow, but the agent sorted it out and was lovely");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");

    let s = score("Although the delivery was late, the product is excellent");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");
}

#[test]
fn caps_and_exclamations_amplify() {
    let plain = score("The service is terrible");
    let caps = score("The service is TERRIBLE");
    let bang = score("The service is terrible!!!");
    assert!(caps.score < plain.score, "{plain:?} {caps:?}");
    assert!(bang.score < plain.score, "{plain:?} {bang:?}");
    assert!(bang.cues.iter().any(|c| c.text == "!!!"), "{:?}", bang.cues);

    let good = score("Great job");
    let very = score("Great job!!");
    assert!(very.score > good.score);
}

#[test]
fn shouting_message_is_strongly_negative() {
    let s = score("YOUR SITE IS DOWN AGAIN!!! I CAN'T LOG IN AND MY RENT IS DUE TODAY!!!");
    assert_eq!(s.label, SentimentLabel::Negative);
    assert!(s.score < -0.7, "{s:?}");
}

#[test]
fn boosters_dampeners_and_elongation() {
    let slow = score("The app is slow").score;
    let very = score("The app is very slow").score;
    let bit = score("The app is a bit slow").score;
    let sooo = score("The app is sooo slow").score;
    assert!(very < slow && sooo < slow, "{slow} {very} {sooo}");
    assert!(bit > slow && bit < 0.0, "{slow} {bit}");
}

#[test]
fn emoji_and_emoticons_carry_sentiment() {
    assert_eq!(score("😡😡").label, SentimentLabel::Negative);
    assert_eq!(
        score("My order arrived today 👍").label,
        SentimentLabel::Positive
    );
    assert_eq!(score("still nothing :(").label, SentimentLabel::Negative);
    assert_eq!(score("thanks guys :-)").label, SentimentLabel::Positive);
    let s = score("My heart 💔 my package is lost");
    assert!(s.cues.iter().any(|c| c.text == "💔"), "{:?}", s.cues);
}

#[test]
fn sarcasm_reads_as_negative() {
    let s = score("Great, another delay. Just perfect.");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    assert!(s.score < -0.5, "{s:?}");
    assert!(
        s.cues
            .iter()
            .any(|c| c.text.contains("sarcasm") || c.text == "great, another"),
        "{:?}",
        s.cues
    );

    assert_eq!(score("Thanks for nothing.").label, SentimentLabel::Negative);
    assert_eq!(
        score("Yeah right, it will be fixed tomorrow.").label,
        SentimentLabel::Negative
    );
    assert_eq!(
        score("Oh great, the app crashed again").label,
        SentimentLabel::Negative
    );
    // without negative context "great" stays great
    assert_eq!(
        score("Great! Thanks for sorting it out.").label,
        SentimentLabel::Positive
    );
}

#[test]
fn politeness_in_a_complaint_does_not_make_it_positive() {
    let s = score(
        "You took EUR 59.90 twice for order 48213. Please refund the duplicate charge. Thanks, Dana",
    );
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    if let Some(thanks) = cue(&s, "thanks") {
        assert!(thanks.weight < 0.1, "{thanks:?}");
    }
}

#[test]
fn agent_lines_in_transcripts_barely_count() {
    let s = score(
        "Caller: My internet has been down for three days. Agent: I'm so sorry, that's wonderful \
         that you called, lovely to hear from you. Caller: It is still down.",
    );
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
}

#[test]
fn covered_languages_are_scored_with_their_own_lexicon() {
    for body in [
        "Ich bin mit dem Service überhaupt nicht zufrieden und warte immer noch auf die Erstattung.",
        "Le colis est arrivé avec dix jours de retard, c'est inadmissible.",
        "Llevo tres semanas esperando el reembolso y nadie me da una respuesta.",
        "Ainda não recebi o reembolso e ninguém responde.",
        "Il prodotto non funziona e il servizio clienti non risponde.",
        "Der Service ist eine Katastrophe 😡😡",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Negative, "{body}: {s:?}");
        assert!(!s.cues.is_empty(), "{body}: {s:?}");
    }
    let s = score("Vielen Dank, das Problem ist gelöst und alles funktioniert wieder!");
    assert_eq!(s.label, SentimentLabel::Positive, "{s:?}");
}

#[test]
fn languages_not_covered_stay_neutral_even_with_emoji() {
    // the plugin does not guess in a language it does not cover, not even
    // from emoji (😭 may be tears of laughter)
    for body in ["Сервис просто ужасный 😡😡", "サービスは最悪です😭"] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Neutral, "{body}: {s:?}");
        assert!(s.confidence <= 0.2, "{body}: {s:?}");
        assert!(s.cues.is_empty(), "{body}: {s:?}");
    }
}

#[test]
fn platform_language_code_is_respected() {
    let p = plugin();
    let input = Interaction::new("t", Channel::Chat, "terrible service").with_language("nl");
    let s = score_with(&p, &input);
    assert_eq!(s.label, SentimentLabel::Neutral);
    assert!(s.confidence <= 0.2);
    let input = Interaction::new("t", Channel::Chat, "terrible service").with_language("en-GB");
    assert_eq!(score_with(&p, &input).label, SentimentLabel::Negative);
}

#[test]
fn odd_inputs_stay_in_range() {
    let long = "This is terrible!!! ".repeat(500);
    let mixed = "good bad ".repeat(1200);
    let emoji = "😡🙏".repeat(300);
    for body in [
        "",
        "   ",
        "??",
        "!!!!!!!!",
        "...",
        ":(",
        "\u{200D}\u{FE0F}",
        long.as_str(),
        mixed.as_str(),
        emoji.as_str(),
        "ǅ ǈ İstanbul ß ﬃ",
    ] {
        let s = score(body);
        assert!(
            s.score.is_finite() && s.confidence.is_finite(),
            "{body:.20}"
        );
    }
    let s = score("");
    assert_eq!(s.label, SentimentLabel::Neutral);
    assert!(s.confidence <= 0.2);
    let s = score(&long);
    assert_eq!(s.label, SentimentLabel::Negative);
    assert!(s.score >= -1.0);
}

#[test]
fn cues_are_sorted_by_strength_and_explain_the_score() {
    let s = score(
        "Your app is nice but I was double charged, nobody answered my emails and I'm still waiting. \
         Thanks for the quick reply though.",
    );
    assert!(!s.cues.is_empty());
    assert!(
        s.cues
            .windows(2)
            .all(|w| w[0].weight.abs() >= w[1].weight.abs()),
        "{:?}",
        s.cues
    );
    for c in &s.cues {
        assert_eq!(c.text, c.text.to_lowercase());
        assert!(c.weight.abs() <= 1.0);
    }
    // the strongest cue pulls the way of the score
    assert_eq!(s.cues[0].weight < 0.0, s.score < 0.0);
}

#[test]
fn cue_weights_sum_to_the_score_when_few_cues() {
    let s = score("I was charged twice, this is unacceptable");
    let sum: f64 = s.cues.iter().map(|c| c.weight).sum();
    assert!((sum - s.score).abs() < 0.01, "{s:?}");
}

#[test]
fn confidence_tracks_evidence_and_agreement() {
    let strong =
        score("Terrible service, rude agent, charged twice and still no refund. Unacceptable!");
    let short = score("meh");
    let mixed = score("Great product, terrible delivery.");
    assert!(strong.confidence > 0.75, "{strong:?}");
    assert!(short.confidence < strong.confidence);
    assert!(mixed.confidence < strong.confidence, "{mixed:?}");
}

#[test]
fn subject_counts_and_history_is_a_light_factor() {
    let p = plugin();
    let plain = Interaction::new("t", Channel::Email, "Order 48213, see attached.");
    assert_eq!(score_with(&p, &plain).label, SentimentLabel::Neutral);

    let with_subject = plain.clone().with_subject("Charged twice - unacceptable");
    assert_eq!(
        score_with(&p, &with_subject).label,
        SentimentLabel::Negative
    );

    let mut follow_up = Interaction::new("t", Channel::Chat, "Any update?");
    follow_up.history.push(Message {
        at: None,
        channel: Some(Channel::Chat),
        direction: Direction::Inbound,
        body: "Still no refund, this is ridiculous. Third time I'm asking.".to_string(),
    });
    let s = score_with(&p, &follow_up);
    assert!(s.score < 0.0, "{s:?}");
    assert!(s.score > -0.4, "history is only a light factor: {s:?}");
    assert!(cue(&s, "earlier message").is_some());

    // outbound history is ignored
    follow_up.history[0].direction = Direction::Outbound;
    assert_eq!(score_with(&p, &follow_up).score, 0.0);
}

#[test]
fn extra_lexicon_adds_domain_words_and_phrases() {
    let body = "The firmware bricked my router, total doorstop now";
    assert_eq!(score(body).label, SentimentLabel::Neutral);
    let p =
        SentimentPlugin::configure(r#"{"extra_lexicon": {"bricked": -3, "total doorstop": -2.5}}"#)
            .unwrap();
    let s = score_with(&p, &Interaction::new("t", Channel::Email, body));
    assert_eq!(s.label, SentimentLabel::Negative);
    assert!(
        cue(&s, "bricked").is_some() && cue(&s, "total doorstop").is_some(),
        "{:?}",
        s.cues
    );

    // overriding a shipped word
    let p = SentimentPlugin::configure(r#"{"extra_lexicon": {"refund": 0, "hate": 0}}"#).unwrap();
    let s = score_with(&p, &Interaction::new("t", Channel::Email, "I hate Mondays"));
    assert_eq!(s.label, SentimentLabel::Neutral);
}

#[test]
fn neutral_band_widens_the_neutral_label() {
    let p = SentimentPlugin::configure(r#"{"neutral_band": 0.5}"#).unwrap();
    let s = p
        .score(
            &Interaction::new("t", Channel::Email, "The app is a bit slow"),
            &Context::at(0),
        )
        .unwrap();
    assert!(s.score < -0.05 && s.score > -0.5, "{s:?}");
    assert_eq!(s.label, SentimentLabel::Neutral);
}

#[test]
fn bad_config_is_invalid_config() {
    for config in [
        r#"{"extra_lexicon": {"meh": 5}}"#,
        r#"{"extra_lexicon": {"meh": -4.5}}"#,
        r#"{"extra_lexicon": {"meh": "bad"}}"#,
        r#"{"extra_lexicon": {"@handle": 1}}"#,
        r#"{"neutral_band": -0.1}"#,
        r#"{"neutral_bnd": 0.1}"#,
        r#"{"extra_lexicon": []}"#,
        "[1, 2]",
        "{",
    ] {
        match SentimentPlugin::configure(config) {
            Err(PluginError::InvalidConfig(msg)) => {
                assert!(msg.starts_with("sentiment config"), "{msg}")
            }
            Err(other) => panic!("{config}: expected InvalidConfig, got {other:?}"),
            Ok(_) => panic!("{config}: expected an error"),
        }
    }
    assert!(SentimentPlugin::configure("").is_ok());
    assert!(SentimentPlugin::configure("{}").is_ok());
}

#[test]
fn failure_negation_and_waiting_time_read_as_complaints() {
    let s = score("The return label doesn't print.");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    assert!(cue(&s, "doesn't print").is_some(), "{:?}", s.cues);
    // no failure: neutral verb, hedged clause, "yet"
    for body in [
        "I don't know my account number.",
        "If the parcel doesn't arrive by Friday, what happens?",
        "I haven't used the service yet.",
    ] {
        assert_eq!(score(body).label, SentimentLabel::Neutral, "{body}");
    }

    let s = score("It took five days to get a reply from your team.");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
    assert!(cue(&s, "took five days").is_some(), "{:?}", s.cues);
    assert_eq!(
        score("Refunds usually take 5 days.").label,
        SentimentLabel::Neutral
    );
    assert_eq!(
        score("We have been customers for 10 years.").label,
        SentimentLabel::Neutral
    );
}

#[test]
fn labelled_messages_regression() {
    let p = plugin();
    let mut wrong = Vec::new();
    let mut total = 0;
    for line in include_str!("messages.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (gold, text) = line.split_once('\t').expect("label<TAB>text");
        let expected = match gold {
            "neg" => SentimentLabel::Negative,
            "neu" => SentimentLabel::Neutral,
            "pos" => SentimentLabel::Positive,
            other => panic!("bad label {other}"),
        };
        total += 1;
        let s = score_with(&p, &Interaction::new("t", Channel::Chat, text));
        if s.label != expected {
            wrong.push(format!("{gold}: {text} -> {:?} {:.3}", s.label, s.score));
        }
    }
    assert!(total >= 100);
    let accuracy = 1.0 - wrong.len() as f64 / total as f64;
    assert!(
        accuracy >= 0.9,
        "accuracy {accuracy:.3}:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn implicit_help_desk_complaints_are_negative() {
    for (body, cue_text) in [
        ("Sent three emails and no reply.", "no reply"),
        (
            "Been without any signal at home all week",
            "without any signal",
        ),
        (
            "Internet down since 6am and the status page says all fine",
            "since 6am",
        ),
        (
            "Router keeps restarting, it has been like this for three days",
            "been like this for three days",
        ),
        (
            "The router light has blinked red for three days",
            "for three days",
        ),
        ("Why is my bill $40 higher this month", "why"),
        (
            "I will never set foot in your store again",
            "never set foot in your store again",
        ),
        (
            "No one at the counter and the phone line is closed",
            "no one at",
        ),
        (
            "The tracking hasn't updated in 6 days, is my parcel lost?",
            "hasn't updated",
        ),
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Negative, "{body}: {s:?}");
        let c = cue(&s, cue_text)
            .unwrap_or_else(|| panic!("{body}: no cue {cue_text:?} in {:?}", s.cues));
        assert!(c.weight < 0.0, "{body}: {c:?}");
    }
}

#[test]
fn help_desk_rules_leave_neutral_and_happy_messages_alone() {
    for body in [
        "We have been customers for 10 years.",
        "We will be away for two weeks, please hold the parcel.",
        "Why not try the new plan?",
        "There is no fee for the second card, right?",
        "I don't know my account number.",
    ] {
        assert_eq!(
            score(body).label,
            SentimentLabel::Neutral,
            "{body}: {:?}",
            score(body)
        );
    }
    for body in [
        "The app has been working great since the update!",
        "Refund came through and the router is back online, thanks",
        "Never been happier with a phone company",
    ] {
        assert_eq!(
            score(body).label,
            SentimentLabel::Positive,
            "{body}: {:?}",
            score(body)
        );
    }
}

#[test]
fn questions_without_a_question_mark_stay_neutral() {
    for body in [
        "how do I transfer my service to the new address",
        "is there an outage in the 60614 area",
        "can you check the status of order 88231",
        "what are your opening hours on Sunday",
        "Is there an outage in my area? Thanks",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Neutral, "{body}: {s:?}");
    }
    // exclamations that start like questions are not questions
    assert_eq!(score("What a joke").label, SentimentLabel::Negative);
    assert_eq!(score("How rude!").label, SentimentLabel::Negative);
}

#[test]
fn sarcastic_thanks_and_praise_in_a_complaint_read_as_negative() {
    for body in [
        "Cancelled my flight with no notice. Thanks a lot",
        "Love how the app logs me out every five minutes",
        "Thanks for the delay, now I will miss my connection",
        "Nice of you to change my seat without asking",
    ] {
        let s = score(body);
        assert_eq!(s.label, SentimentLabel::Negative, "{body}: {s:?}");
    }
    // without a complaint the same words are praise
    for body in [
        "Thanks a lot, that fixed it!",
        "Love how easy the new app is",
    ] {
        assert_eq!(score(body).label, SentimentLabel::Positive, "{body}");
    }
}

#[test]
fn thanks_around_a_direct_message_is_politeness() {
    for body in [
        "My account number is in the DM, thanks",
        "Sent you a DM with the details. Thanks!",
    ] {
        assert_eq!(
            score(body).label,
            SentimentLabel::Neutral,
            "{body}: {:?}",
            score(body)
        );
    }
}

#[test]
fn a_negated_cancellation_is_still_a_complaint() {
    let s = score("I can't cancel my subscription on the website");
    assert_eq!(s.label, SentimentLabel::Negative, "{s:?}");
}

#[test]
fn confidence_separates_plain_questions_from_unexplained_statements() {
    let question = score("How do I update the billing address on my account?");
    let statement = score("The courier came by on Tuesday afternoon with the second box.");
    assert_eq!(question.label, SentimentLabel::Neutral);
    assert_eq!(statement.label, SentimentLabel::Neutral);
    assert!(
        question.confidence > statement.confidence + 0.1,
        "a question without cues is a surer neutral: {question:?} {statement:?}"
    );
}

#[test]
fn social_support_messages_regression() {
    // messages to companies' support accounts, written for this crate with
    // a header `label<TAB>text`; label is negative, neutral or positive
    let p = plugin();
    for (name, file) in [
        ("social_support_a.tsv", include_str!("social_support_a.tsv")),
        ("social_support_b.tsv", include_str!("social_support_b.tsv")),
        ("social_support_c.tsv", include_str!("social_support_c.tsv")),
    ] {
        let mut wrong = Vec::new();
        let mut total = 0;
        for line in file.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let (gold, text) = line.split_once('\t').expect("label<TAB>text");
            let expected = match gold {
                "negative" => SentimentLabel::Negative,
                "neutral" => SentimentLabel::Neutral,
                "positive" => SentimentLabel::Positive,
                other => panic!("{name}: bad label {other}"),
            };
            total += 1;
            let s = score_with(&p, &Interaction::new("t", Channel::Social, text));
            if s.label != expected {
                wrong.push(format!("{gold}: {text} -> {:?} {:.3}", s.label, s.score));
            }
        }
        assert!(total >= 100, "{name}");
        let accuracy = 1.0 - wrong.len() as f64 / total as f64;
        assert!(
            accuracy >= 0.9,
            "{name}: accuracy {accuracy:.3}:\n{}",
            wrong.join("\n")
        );
    }
}
