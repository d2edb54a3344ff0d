@@uses ClassifyHook, Context, Interaction, Sentiment, Signal, new_signal, text_of
@@test-uses Channel, Signal, context_at, neutral_sentiment, new_interaction
@@implements ClassifyHook
@@items
#: Intents and the phrases that suggest them.
INTENTS: list[tuple[str, list[str]]] = [
    ("billing", ["invoice", "charged", "refund", "payment", "bill"]),
    ("delivery", ["parcel", "package", "shipping", "tracking", "not arrived"]),
    ("account", ["password", "log in", "login", "locked out"]),
    ("cancellation", ["cancel my", "close my account", "switch to"]),
]
@@method
    def classify(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> list[Signal]:
        """Emits an `intent` signal from the phrases a message contains, with
        the phrases that decided it as cues. Priority and routing plugins see
        it in `ctx.signals`; a router rule matches it with
        `when = { signal = { name = "intent", value = "billing", min_confidence = 0.5 } }`."""
        text = text_of(input).lower()
        # The intent with the most matching phrases wins (the first listed on a tie).
        best: tuple[str, list[str]] | None = None
        for intent, phrases in INTENTS:
            found = [p for p in phrases if p in text]
            if found and (best is None or len(found) > len(best[1])):
                best = (intent, found)
        if best is None:
            return [new_signal("intent", "other", 0.2)]
        confidence = min(0.5 + 0.15 * len(best[1]), 0.95)
        return [new_signal("intent", best[0], confidence, best[1])]
@@tests
def intent(body: str) -> Signal:
    signals = {{type}}.configure("{}").classify(new_interaction("t1", Channel.EMAIL, body), context_at(0), neutral_sentiment(0.0))
    assert len(signals) == 1
    return signals[0]


def test_billing_questions_are_billing_with_their_cues() -> None:
    s = intent("I was charged twice, where is my refund?")
    assert (s.name, s.value) == ("intent", "billing")
    assert "refund" in s.cues
    assert s.confidence > 0.5


def test_unknown_topics_are_other_with_low_confidence() -> None:
    s = intent("What are your opening hours?")
    assert s.value == "other"
    assert s.confidence < 0.5


def test_more_matching_phrases_mean_more_confidence() -> None:
    one = intent("Where is my parcel?")
    two = intent("Where is my parcel? The tracking page shows nothing.")
    assert (one.value, two.value) == ("delivery", "delivery")
    assert two.confidence > one.confidence
