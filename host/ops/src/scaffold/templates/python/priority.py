@@header import math
@@uses MINUTE, Context, Interaction, Priority, PriorityHook, Sentiment, new_priority, text_of
@@test-uses MINUTE, Channel, Interaction, Priority, context_at, new_interaction, sentiment_from_score
@@implements PriorityHook
@@items
#: Words that make a message urgent.
URGENT_WORDS: list[str] = ["urgent", "asap", "outage", "charged twice", "fraud", "locked out"]
@@method
    def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
        """Adds points for a few urgency signals (an urgent word, negative
        sentiment, the customer's tier, repeat contacts), turns the score into
        a level 1 (most urgent) to 4, and sets the first-response deadline
        from `ctx.now`, the only clock a plugin sees."""
        score = 0
        reasons: list[str] = []
        text = text_of(input).lower()
        word = next((w for w in URGENT_WORDS if w in text), None)
        if word is not None:
            score += 40
            reasons.append(f"urgent word: {word}")
        if sentiment.score < 0:
            # Half away from zero, as Rust's f64::round (Python's round() rounds half to even).
            points = math.floor(-sentiment.score * 30 + 0.5)
            score += points
            reasons.append(f"negative sentiment ({sentiment.score:.2f}): +{points}")
        tier = input.customer.tier
        if tier in ("vip", "platinum"):
            score += 20
            reasons.append("top-tier customer")
        elif tier == "gold":
            score += 10
            reasons.append("gold customer")
        contacts = input.customer.contacts_last_30d
        if contacts is not None and contacts >= 3:
            score += 15
            reasons.append(f"repeat contact: {contacts} in 30 days")
        score = min(100, max(0, score))
        level = 1 if score >= 70 else 2 if score >= 45 else 3 if score >= 20 else 4
        minutes = [15, 60, 240, 1440][level - 1]
        if not reasons:
            reasons.append("no urgency signals")
        return new_priority(level, score, ctx.now + minutes * MINUTE, reasons)
@@tests
def prioritize(input: Interaction, sentiment: float) -> Priority:
    return {{type}}.configure("{}").prioritize(input, context_at(0), sentiment_from_score(sentiment, 0.9))


def test_an_angry_vip_with_an_outage_is_most_urgent() -> None:
    p = prioritize(new_interaction("t1", Channel.PHONE, "Your service is down, outage since 9am!", tier="vip"), -0.8)
    assert p.level == 1, p.reasons
    assert p.first_response_due == 15 * MINUTE
    assert any("outage" in r for r in p.reasons)


def test_a_calm_question_can_wait() -> None:
    p = prioritize(new_interaction("t2", Channel.EMAIL, "How do I change my address?"), 0.1)
    assert p.level == 4
    assert p.reasons == ["no urgency signals"]


def test_worse_sentiment_never_lowers_urgency() -> None:
    input = new_interaction("t3", Channel.CHAT, "My parcel is late")
    calm = prioritize(input, 0.0)
    upset = prioritize(input, -0.9)
    assert upset.level <= calm.level and upset.score > calm.score
