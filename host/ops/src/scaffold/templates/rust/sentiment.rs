@@description word-list sentiment
@@items
/// Words and how much each moves the sentiment score (-1..1).
const WORDS: &[(&str, f64)] = &[
    ("thanks", 0.4),
    ("thank you", 0.5),
    ("great", 0.6),
    ("love", 0.7),
    ("broken", -0.6),
    ("angry", -0.8),
    ("refund", -0.3),
    ("charged twice", -0.7),
    ("unacceptable", -0.9),
];

/// Scores a message by the words it contains: each listed word moves the
/// score and is reported as a cue, so every score can be explained.
impl SentimentHook for {{type}} {
    fn score(&self, input: &Interaction, _ctx: &Context) -> Result<Sentiment, PluginError> {
        let text = input.text().to_lowercase();
        let mut cues: Vec<Cue> = WORDS
            .iter()
            .filter(|(word, _)| text.contains(word))
            .map(|(word, weight)| Cue { text: word.to_string(), weight: *weight })
            .collect();
        if cues.is_empty() {
            return Ok(Sentiment::neutral(0.3));
        }
        let total: f64 = cues.iter().map(|c| c.weight).sum();
        // More cues, more confidence.
        let confidence = (0.4 + 0.15 * cues.len() as f64).min(0.95);
        // Strongest first.
        cues.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        let mut sentiment = Sentiment::from_score(total, confidence);
        sentiment.cues = cues;
        Ok(sentiment)
    }
}
@@tests
    fn score(body: &str) -> Sentiment {
        let plugin = {{type}}::configure("{}").unwrap();
        plugin.score(&Interaction::new("t1", Channel::Email, body), &Context::at(0)).unwrap()
    }

    #[test]
    fn complaints_are_negative_with_their_cues() {
        let s = score("I was charged twice and I am angry");
        assert_eq!(s.label, SentimentLabel::Negative);
        assert_eq!(s.cues[0].text, "angry");
    }

    #[test]
    fn praise_is_positive() {
        assert_eq!(score("Great service, thanks!").label, SentimentLabel::Positive);
    }

    #[test]
    fn plain_questions_are_neutral() {
        let s = score("What are your opening hours?");
        assert_eq!(s.label, SentimentLabel::Neutral);
        assert!(s.cues.is_empty());
    }
