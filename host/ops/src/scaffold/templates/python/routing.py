@@uses Context, Discipline, Interaction, Pass, Priority, RouteResult, RoutingHook, Sentiment, SentimentLabel, route_to, text_of
@@test-uses Channel, Discipline, Pass, Route, RouteResult, context_at, new_interaction, new_priority, sentiment_from_score
@@implements RoutingHook
@@items
#: Words that make a message a billing question.
BILLING_WORDS: list[str] = ["invoice", "refund", "charged", "bill", "payment"]
@@method
    def route(self, input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority) -> RouteResult:
        """Routes billing questions to a billing queue and passes everything
        else on, so the next router in the pipeline (or its fallback) decides."""
        text = text_of(input).lower()
        word = next((w for w in BILLING_WORDS if w in text), None)
        if word is None:
            return Pass("no billing words")
        route = route_to(
            "billing",
            Discipline.SERVICE,
            skills=["billing"],
            language=input.language,
            rule="billing-words",
            reasons=[f"billing word: {word}"],
        )
        # An upset customer with an urgent issue gets a call back.
        if sentiment.label == SentimentLabel.NEGATIVE and priority.level <= 2:
            route.actions.append("call-back")
            route.reasons.append(f"negative sentiment at priority {priority.level}: call back")
        return route
@@tests
def route(body: str, sentiment: float, level: int) -> RouteResult:
    plugin = {{type}}.configure("{}")
    return plugin.route(new_interaction("t1", Channel.EMAIL, body), context_at(0), sentiment_from_score(sentiment, 0.9), new_priority(level, 50))


def test_billing_questions_go_to_billing() -> None:
    r = route("Where is my invoice?", 0.0, 3)
    assert isinstance(r, Route)
    assert r.queue == "billing"
    assert r.discipline == Discipline.SERVICE
    assert r.actions == []


def test_upset_urgent_billing_gets_a_call_back() -> None:
    r = route("I was charged twice!", -0.7, 1)
    assert isinstance(r, Route)
    assert r.actions == ["call-back"]


def test_everything_else_passes() -> None:
    assert isinstance(route("My parcel is late", -0.5, 2), Pass)
