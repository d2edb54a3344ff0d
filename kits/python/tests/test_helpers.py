"""The kit's helpers (as the Rust kit's helpers.rs)."""

import math

from cxr_plugin import (
    CHANNELS,
    Channel,
    Discipline,
    SentimentLabel,
    channel_name,
    context_at,
    discipline_name,
    has_signal,
    inbound_history,
    label_for_score,
    new_interaction,
    new_message,
    new_signal,
    attribute,
    parse_channel,
    parse_config,
    parse_discipline,
    route_to,
    sentiment_from_score,
    signal_of,
    text_of,
    InvalidConfig,
    Direction,
)
import pytest


def test_sentiment_from_score_clamps_and_labels() -> None:
    s = sentiment_from_score(-3.0, 2.0)
    assert (s.score, s.label, s.confidence, s.cues) == (-1.0, SentimentLabel.NEGATIVE, 1.0, [])
    assert sentiment_from_score(math.nan, math.nan).score == 0.0
    assert [label_for_score(v) for v in (0.05, 0.049, -0.049, -0.05)] == [
        SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL, SentimentLabel.NEUTRAL, SentimentLabel.NEGATIVE]


def test_signals_are_clamped_and_looked_up_by_confidence() -> None:
    assert new_signal("intent", "billing", 1.7).confidence == 1.0
    assert new_signal("intent", "billing", math.nan).confidence == 0.0
    ctx = context_at(0, [new_signal("intent", "billing", 0.6, ["charged twice"]), new_signal("intent", "orders", 0.8), new_signal("churn-risk", "high", 0.9)])
    best = signal_of(ctx, "intent")
    assert best is not None and best.value == "orders"
    assert signal_of(ctx, "topic") is None
    assert has_signal(ctx, "intent", "billing", 0.6)
    assert not has_signal(ctx, "intent", "billing", 0.61)


def test_routes_and_interactions() -> None:
    r = route_to("billing", Discipline.SERVICE, skills=["billing", "en"], rule="billing-intent")
    assert (r.queue, r.skills, r.language, r.actions, r.rule) == ("billing", ["billing", "en"], None, [], "billing-intent")
    i = new_interaction("T-1", Channel.CHAT, "body", subject="Subject", tier="gold", attributes=[("order_id", "A1")],
                        history=[new_message("old"), new_message("reply", direction=Direction.OUTBOUND)])
    assert text_of(i) == "Subject\nbody"
    assert text_of(new_interaction("T-2", Channel.EMAIL, "only")) == "only"
    assert i.customer.tier == "gold"
    assert attribute(i, "order_id") == "A1" and attribute(i, "nope") is None
    assert [m.body for m in inbound_history(i)] == ["old"]


def test_names_as_in_json() -> None:
    assert [channel_name(c) for c in CHANNELS] == ["email", "chat", "phone", "social", "sms", "web_form", "in_app", "review", "survey"]
    for name in ["web_form", "web-form", "webform", " Web Form "]:
        assert parse_channel(name) == Channel.WEB_FORM, name
    assert parse_channel("fax") is None
    assert parse_discipline(" Care ") == Discipline.CARE and parse_discipline("sales") is None
    assert discipline_name(Discipline.EXPERIENCE) == "experience"


def test_parse_config() -> None:
    assert parse_config("") == {} and parse_config(" null ") == {}
    assert parse_config('{"a": 1}') == {"a": 1}
    with pytest.raises(InvalidConfig, match="line 1, column 2"):
        parse_config("{oops")
    with pytest.raises(InvalidConfig, match="JSON object, got list"):
        parse_config("[1]")
