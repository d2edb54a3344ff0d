@@description billing questions to the billing queue
@@items
/// Words that make a message a billing question.
const BILLING_WORDS: &[&str] = &["invoice", "refund", "charged", "bill", "payment"];

/// Routes billing questions to a billing queue and passes everything else
/// on, so the next router in the pipeline (or its fallback) decides.
impl RoutingHook for {{type}} {
    fn route(
        &self,
        input: &Interaction,
        _ctx: &Context,
        sentiment: &Sentiment,
        priority: &Priority,
    ) -> Result<RoutingOutcome, PluginError> {
        let text = input.text().to_lowercase();
        let Some(word) = BILLING_WORDS.iter().find(|w| text.contains(*w)) else {
            return Ok(RoutingOutcome::Pass("no billing words".to_string()));
        };
        let mut route = Route::to("billing", Discipline::Service);
        route.skills = vec!["billing".to_string()];
        route.language = input.language.clone();
        route.rule = Some("billing-words".to_string());
        route.reasons.push(format!("billing word: {word}"));
        // An upset customer with an urgent issue gets a call back.
        if sentiment.label == SentimentLabel::Negative && priority.level <= 2 {
            route.actions.push("call-back".to_string());
            route.reasons.push(format!("negative sentiment at priority {}: call back", priority.level));
        }
        Ok(route.into())
    }
}
@@tests
    fn route(body: &str, sentiment: f64, level: u8) -> RoutingOutcome {
        let plugin = {{type}}::configure("{}").unwrap();
        let input = Interaction::new("t1", Channel::Email, body);
        plugin
            .route(&input, &Context::at(0), &Sentiment::from_score(sentiment, 0.9), &Priority::new(level, 50))
            .unwrap()
    }

    #[test]
    fn billing_questions_go_to_billing() {
        let RoutingOutcome::Route(r) = route("Where is my invoice?", 0.0, 3) else {
            panic!("expected a route");
        };
        assert_eq!(r.queue, "billing");
        assert_eq!(r.discipline, Discipline::Service);
        assert!(r.actions.is_empty());
    }

    #[test]
    fn upset_urgent_billing_gets_a_call_back() {
        let RoutingOutcome::Route(r) = route("I was charged twice!", -0.7, 1) else {
            panic!("expected a route");
        };
        assert_eq!(r.actions, ["call-back"]);
    }

    #[test]
    fn everything_else_passes() {
        assert!(matches!(route("My parcel is late", -0.5, 2), RoutingOutcome::Pass(_)));
    }
