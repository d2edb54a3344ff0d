@@description phrase-list intent classifier
@@items
/// Intents and the phrases that suggest them.
const INTENTS: &[(&str, &[&str])] = &[
    ("billing", &["invoice", "charged", "refund", "payment", "bill"]),
    ("delivery", &["parcel", "package", "shipping", "tracking", "not arrived"]),
    ("account", &["password", "log in", "login", "locked out"]),
    ("cancellation", &["cancel my", "close my account", "switch to"]),
];

/// Emits an `intent` signal from the phrases a message contains, with the
/// phrases that decided it as cues. Priority and routing plugins see it in
/// `ctx.signals`; a router rule matches it with
/// `when = { signal = { name = "intent", value = "billing", min_confidence = 0.5 } }`.
impl ClassifyHook for {{type}} {
    fn classify(&self, input: &Interaction, _ctx: &Context, _sentiment: &Sentiment) -> Result<Vec<Signal>, PluginError> {
        let text = input.text().to_lowercase();
        // The intent with the most matching phrases wins (the first listed on a tie).
        let mut best: Option<(&str, Vec<&str>)> = None;
        for (intent, phrases) in INTENTS {
            let found: Vec<&str> = phrases.iter().copied().filter(|p| text.contains(p)).collect();
            if !found.is_empty() && best.as_ref().is_none_or(|(_, b)| found.len() > b.len()) {
                best = Some((intent, found));
            }
        }
        let signal = match best {
            Some((intent, found)) => {
                let confidence = (0.5 + 0.15 * found.len() as f64).min(0.95);
                found.iter().fold(Signal::new("intent", intent, confidence), |s, cue| s.with_cue(*cue))
            }
            None => Signal::new("intent", "other", 0.2),
        };
        Ok(vec![signal])
    }
}
@@tests
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
