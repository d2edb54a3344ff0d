@@description points for urgency signals
@@items
/// Words that make a message urgent.
const URGENT_WORDS: &[&str] = &["urgent", "asap", "outage", "charged twice", "fraud", "locked out"];

/// Adds points for a few urgency signals (an urgent word, negative
/// sentiment, the customer's tier, repeat contacts), turns the score into a
/// level 1 (most urgent) to 4, and sets the first-response deadline from
/// `ctx.now`, the only clock a plugin sees.
impl PriorityHook for {{type}} {
    fn prioritize(&self, input: &Interaction, ctx: &Context, sentiment: &Sentiment) -> Result<Priority, PluginError> {
        let mut score = 0i64;
        let mut reasons = Vec::new();
        let text = input.text().to_lowercase();
        if let Some(word) = URGENT_WORDS.iter().find(|w| text.contains(*w)) {
            score += 40;
            reasons.push(format!("urgent word: {word}"));
        }
        if sentiment.score < 0.0 {
            let points = (-sentiment.score * 30.0).round() as i64;
            score += points;
            reasons.push(format!("negative sentiment ({:.2}): +{points}", sentiment.score));
        }
        match input.customer.tier.as_deref() {
            Some("vip" | "platinum") => {
                score += 20;
                reasons.push("top-tier customer".to_string());
            }
            Some("gold") => {
                score += 10;
                reasons.push("gold customer".to_string());
            }
            _ => {}
        }
        if let Some(n) = input.customer.contacts_last_30d.filter(|n| *n >= 3) {
            score += 15;
            reasons.push(format!("repeat contact: {n} in 30 days"));
        }
        let score = score.clamp(0, 100) as u32;
        let level = match score {
            70.. => 1,
            45..=69 => 2,
            20..=44 => 3,
            _ => 4,
        };
        let minutes: i64 = match level {
            1 => 15,
            2 => 60,
            3 => 240,
            _ => 1440,
        };
        if reasons.is_empty() {
            reasons.push("no urgency signals".to_string());
        }
        Ok(Priority {
            level,
            score,
            first_response_due: Some(ctx.now + minutes * MINUTE),
            reasons,
        })
    }
}
@@tests
    fn prioritize(input: &Interaction, sentiment: f64) -> Priority {
        let plugin = {{type}}::configure("{}").unwrap();
        plugin.prioritize(input, &Context::at(0), &Sentiment::from_score(sentiment, 0.9)).unwrap()
    }

    #[test]
    fn an_angry_vip_with_an_outage_is_most_urgent() {
        let input = Interaction::new("t1", Channel::Phone, "Your service is down, outage since 9am!").with_tier("vip");
        let p = prioritize(&input, -0.8);
        assert_eq!(p.level, 1, "{:?}", p.reasons);
        assert_eq!(p.first_response_due, Some(15 * MINUTE));
        assert!(p.reasons.iter().any(|r| r.contains("outage")));
    }

    #[test]
    fn a_calm_question_can_wait() {
        let p = prioritize(&Interaction::new("t2", Channel::Email, "How do I change my address?"), 0.1);
        assert_eq!(p.level, 4);
        assert_eq!(p.reasons, ["no urgency signals"]);
    }

    #[test]
    fn worse_sentiment_never_lowers_urgency() {
        let input = Interaction::new("t3", Channel::Chat, "My parcel is late");
        let calm = prioritize(&input, 0.0);
        let upset = prioritize(&input, -0.9);
        assert!(upset.level <= calm.level && upset.score > calm.score);
    }
