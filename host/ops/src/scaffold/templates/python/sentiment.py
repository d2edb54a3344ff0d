@@uses Context, Interaction, Sentiment, SentimentHook, new_cue, neutral_sentiment, sentiment_from_score, text_of
@@test-uses Channel, Sentiment, SentimentLabel, context_at, new_interaction
@@implements SentimentHook
@@items
#: Words and how much each moves the sentiment score (-1..1).
WORDS: list[tuple[str, float]] = [
    ("thanks", 0.4),
    ("thank you", 0.5),
    ("great", 0.6),
    ("love", 0.7),
    ("broken", -0.6),
    ("angry", -0.8),
    ("refund", -0.3),
    ("charged twice", -0.7),
    ("unacceptable", -0.9),
]
@@method
    def score(self, input: Interaction, ctx: Context) -> Sentiment:
        """Scores a message by the words it contains: each listed word moves
        the score and is reported as a cue, so every score can be explained."""
        text = text_of(input).lower()
        cues = [new_cue(word, weight) for word, weight in WORDS if word in text]
        if not cues:
            return neutral_sentiment(0.3)
        total = 0.0
        for cue in cues:
            total += cue.weight
        # More cues, more confidence.
        confidence = min(0.4 + 0.15 * len(cues), 0.95)
        # Strongest first.
        cues.sort(key=lambda c: -abs(c.weight))
        return sentiment_from_score(total, confidence, cues)
@@tests
def score(body: str) -> Sentiment:
    return {{type}}.configure("{}").score(new_interaction("t1", Channel.EMAIL, body), context_at(0))


def test_complaints_are_negative_with_their_cues() -> None:
    s = score("I was charged twice and I am angry")
    assert s.label == SentimentLabel.NEGATIVE
    assert s.cues[0].text == "angry"


def test_praise_is_positive() -> None:
    assert score("Great service, thanks!").label == SentimentLabel.POSITIVE


def test_plain_questions_are_neutral() -> None:
    s = score("What are your opening hours?")
    assert s.label == SentimentLabel.NEUTRAL
    assert s.cues == []
