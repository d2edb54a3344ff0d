"""Behaviour a user relies on, through the hook as the host calls it
(as plugins/priority/tests/behaviour.rs)."""

import math
from dataclasses import replace

import pytest

from cxr_plugin import (
    HOUR,
    MINUTE,
    Channel,
    Direction,
    Interaction,
    InvalidConfig,
    Priority,
    Sentiment,
    SentimentLabel,
    context_at,
    new_customer,
    new_interaction,
    new_message,
    sentiment_from_score,
)
from cxr_priority import PriorityPlugin
from cxr_priority.scoring import durations, keyword_points, name_list, round_half_away

#: 2026-11-20T10:00:00Z.
NOW = 1_795_168_800_000
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def plugin(config: str = "{}") -> PriorityPlugin:
    return PriorityPlugin.configure(config)


def run(p: PriorityPlugin, input: Interaction, sentiment: Sentiment, now: int = NOW) -> Priority:
    out = p.prioritize(input, context_at(now), sentiment)
    assert 1 <= out.level <= 4
    assert 0 <= out.score <= 100
    assert len(out.reasons) <= 8
    return out


def neutral() -> Sentiment:
    return sentiment_from_score(0.0, 0.6)


def charged_twice_email() -> Interaction:
    """A gold customer's email about a duplicate card charge, received just now."""
    return new_interaction(
        "T-1",
        Channel.EMAIL,
        "Hello, my card statement shows I was charged twice for order 48213 (EUR 64.00 each). "
        "I only ordered once. Please refund the second payment.",
        subject="Duplicate payment on my card",
        received_at=NOW - 5 * MINUTE,
        customer=new_customer(tier="Gold", lifetime_value=5400.0, tenure_days=812, contacts_last_30d=1, last_csat=4, last_nps=8),
    )


def delivery_chat(tier: str) -> Interaction:
    return new_interaction(
        "T-2",
        Channel.CHAT,
        "Hi, my parcel was meant to arrive on Tuesday and the tracking has not moved since. Could you check where it is?",
        tier=tier,
        received_at=NOW,
    )


def test_gold_customer_charged_twice_email_is_urgent_and_explained() -> None:
    out = run(plugin(), charged_twice_email(), sentiment_from_score(-0.45, 0.7))
    assert out.level <= 2
    for reason in ["urgent keyword: charged twice", "tier gold (+14)", "high-value customer (LTV 5400)", "negative sentiment (-0.45)"]:
        assert reason in out.reasons
    assert out.reasons[0] == "urgent keyword: charged twice", "strongest first"


def test_third_contact_with_bad_history_reaches_level_1() -> None:
    input = charged_twice_email()
    input.customer = replace(input.customer, contacts_last_30d=3, open_interactions=1, last_csat=2, last_nps=4)
    out = run(plugin(), input, sentiment_from_score(-0.62, 0.8))
    assert out.level == 1
    for reason in ["repeat contact: 3 in 30 days", "low last CSAT 2", "open interactions: 1"]:
        assert reason in out.reasons
    assert "long tenure (812 days)" not in out.reasons, "the weakest of nine factors falls off the eight kept"


def test_vip_phone_call_about_an_outage_is_level_1_with_a_tight_due_time() -> None:
    received = NOW - 20_000
    input = new_interaction(
        "T-3",
        Channel.PHONE,
        "Caller: Our whole checkout has been down since nine, customers cannot pay at all. "
        "This outage is costing us thousands, I need an engineer right now.",
        tier="VIP",
        received_at=received,
    )
    input.customer.lifetime_value = 250_000.0
    out = run(plugin(), input, sentiment_from_score(-0.7, 0.8))
    assert out.level == 1
    # 2 min phone SLA x 0.25 VIP factor x 0.5 for level 1 = 15 s.
    assert out.first_response_due == received + 15_000
    assert "urgent keywords: outage, down" in out.reasons
    assert "waited 0.3 min against a 0.5 min SLA" in out.reasons


def test_five_star_review_is_level_4() -> None:
    input = new_interaction("T-4", Channel.REVIEW, "5 stars. The blender arrived a day early, works brilliantly!", received_at=NOW - HOUR)
    praise = sentiment_from_score(0.92, 0.9)
    out = run(plugin(), input, praise)
    assert out.level == 4
    assert "positive sentiment (0.92)" in out.reasons


def test_inbound_history_of_the_last_30_days_counts_as_repeat_contact() -> None:
    input = delivery_chat("standard")
    input.customer.contacts_last_30d = 1
    input.history = [
        new_message("Older question about a different order.", at=NOW - 40 * 24 * HOUR),
        new_message("Where is my parcel? It is two days late.", at=NOW - 6 * 24 * HOUR),
        new_message("Still nothing, the tracking page is stuck.", at=NOW - 2 * 24 * HOUR),
        new_message("We have opened an investigation.", at=NOW - 24 * HOUR, direction=Direction.OUTBOUND),
    ]
    assert "repeat contact: 3 in 30 days" in run(plugin(), input, neutral()).reasons


def test_waiting_past_the_sla_raises_the_score() -> None:
    p = plugin()
    outs = []
    for waited_min in [0, 20, 30, 59, 60, 95, 180, 600]:
        input = new_interaction("T-5", Channel.SOCIAL, "@shop my order still shows as processing after a week, any news?", received_at=NOW - waited_min * MINUTE)
        outs.append(run(p, input, neutral()))
    scores = [o.score for o in outs]
    assert scores == sorted(scores)
    assert scores[4] > scores[3] > scores[0]
    assert "waited 95 min against a 60 min SLA (breached)" in outs[5].reasons
    assert "waited 30 min against a 60 min SLA" in outs[2].reasons


def test_tiers_rank_vip_above_gold_above_free() -> None:
    p = plugin()
    s = sentiment_from_score(-0.2, 0.5)
    score = {tier: run(p, delivery_chat(tier), s).score for tier in ["vip", "Gold", "standard", "FREE", "bronze"]}
    assert score["vip"] > score["Gold"] > score["standard"] > score["FREE"]
    assert score["bronze"] == score["standard"], "unknown tier is neutral"


def test_more_negative_sentiment_never_lowers_the_score() -> None:
    p = plugin()
    review = new_interaction("T-6", Channel.REVIEW, "Decent product, slow shipping.", received_at=NOW - 30 * HOUR)
    for input in [charged_twice_email(), delivery_chat("free"), delivery_chat("vip"), review]:
        for c in range(11):
            prev = None
            for s in range(20, -21, -1):
                out = run(p, input, sentiment_from_score(s / 20, c / 10))
                if prev is not None:
                    assert out.score >= prev.score and out.level <= prev.level, (input.id, s, c)
                prev = out


def test_due_time_arithmetic_is_exact() -> None:
    received = NOW - 10 * MINUTE
    input = new_interaction("T-7", Channel.EMAIL, "Can I change the delivery address?", tier="gold", received_at=received)
    out = run(plugin(), input, neutral())
    assert out.level != 1
    assert out.first_response_due == received + 144 * MINUTE  # 240 min x 0.6 gold
    input.received_at = None
    input.customer.tier = None
    assert run(plugin(), input, neutral()).first_response_due == NOW + 240 * MINUTE
    input.channel = Channel.SURVEY
    input.customer.tier = "free"
    assert run(plugin(), input, neutral()).first_response_due == NOW + 2880 * 3 // 2 * MINUTE


def test_configured_slas_and_tiers_merge_over_the_defaults() -> None:
    p = plugin('{"sla_minutes": {"email": 60}, "tier_sla_factor": {"Enterprise": 0.5}, "tier_weight": {"enterprise": 18, "gold": 3}}')
    input = new_interaction("T-8", Channel.EMAIL, "Please send me last month's invoice.", tier="enterprise", received_at=NOW)
    out = run(p, input, neutral())
    assert out.first_response_due == NOW + 30 * MINUTE
    assert "tier enterprise (+18)" in out.reasons
    input.customer.tier = "gold"
    out = run(p, input, neutral())
    assert out.first_response_due == NOW + 36 * MINUTE, "gold factor kept"
    assert "tier gold (+3)" in out.reasons


def test_bad_configs_are_rejected_with_the_field_named() -> None:
    for config, field in [
        ('{"sla_minutes": {"carrier_pigeon": 10}}', "carrier_pigeon"),
        ('{"level_thresholds": [25, 50, 75]}', "level_thresholds"),
        ('{"urgent_keyword": ["outage"]}', "urgent_keyword"),
        ('{"high_value_ltv": -1}', "high_value_ltv"),
    ]:
        with pytest.raises(InvalidConfig, match=field):
            plugin(config)


def test_churn_keywords_and_negations() -> None:
    p = plugin()
    plain = new_interaction("T-9", Channel.EMAIL, "My router drops the connection every evening.")
    churn = new_interaction("T-9", Channel.EMAIL, "My router drops the connection every evening. If this goes on I will cancel and switch to another provider.")
    a, b = run(p, plain, neutral()), run(p, churn, neutral())
    assert b.score > a.score
    assert "churn risk: cancel, switch to" in b.reasons
    calm = new_interaction("T-11", Channel.EMAIL, "Not urgent at all, but could you update my billing address?")
    assert not any(r.startswith("urgent") for r in run(p, calm, neutral()).reasons)


def test_empty_message_is_low_priority_and_says_so() -> None:
    input = new_interaction("T-12", Channel.EMAIL, "   ", subject="")
    out = run(plugin(), input, neutral())
    assert out.level == 4
    assert "empty message (no subject or body)" in out.reasons


def test_absurd_numbers_are_ignored_without_failing() -> None:
    p = plugin()
    input = charged_twice_email()
    input.customer = replace(input.customer, lifetime_value=math.nan, last_csat=9, last_nps=200, tenure_days=2**32 - 1, contacts_last_30d=2**32 - 1, open_interactions=2**32 - 1)
    input.received_at = I64_MIN
    weird = Sentiment(score=math.nan, label=SentimentLabel.NEUTRAL, confidence=math.inf, cues=[])
    out = run(p, input, weird)
    assert not any(k in r for r in out.reasons for k in ["LTV", "CSAT", "NPS", "tenure"])
    assert out.first_response_due is not None and I64_MIN <= out.first_response_due <= I64_MAX
    input.customer.lifetime_value = -7000.0
    input.received_at = I64_MAX
    out = run(p, input, weird, now=I64_MIN)
    assert out.first_response_due == I64_MAX
    assert not any("LTV" in r or r.startswith("waited") for r in out.reasons)


def test_reasons_are_sorted_strongest_first_and_capped() -> None:
    input = new_interaction(
        "T-13",
        Channel.PHONE,
        "My account was hacked, there is fraud on it, I am locked out and I will call my lawyer "
        "and cancel everything if this is not fixed. Urgent!",
        received_at=NOW - 10 * MINUTE,
        customer=new_customer(tier="platinum", lifetime_value=12_000.0, tenure_days=2000, contacts_last_30d=5, open_interactions=2, last_csat=1, last_nps=2),
    )
    out = run(plugin(), input, sentiment_from_score(-0.9, 0.9))
    assert (out.level, out.score) == (1, 100)
    assert len(out.reasons) == 8
    assert out.reasons[0].startswith("urgent keywords: ") and out.reasons[0].endswith("(+1 more)")
    assert out.reasons[1].startswith("waited")


def test_a_message_with_no_signals_still_has_a_reason() -> None:
    out = run(plugin(), new_interaction("T-14", Channel.SURVEY, "The new menu layout is fine."), neutral())
    assert out.level == 4
    assert out.reasons == ["no urgency signals"]


def test_helpers_match_the_rust_formatting() -> None:
    m = float(MINUTE)
    assert durations(95 * m, 60 * m) == ("95 min", "60 min")
    assert durations(0.75 * m, 0.5 * m) == ("0.8 min", "0.5 min")
    assert durations(150 * m, 144 * m) == ("2.5 h", "2.4 h")
    assert durations(4320 * m, 2880 * m) == ("3 d", "2 d")
    assert [keyword_points(n, 22.0, 6.0, 34.0) for n in (0, 1, 3, 9)] == [0.0, 22.0, 34.0, 34.0]
    assert name_list(["a", "b", "c", "d", "e", "f"]) == "a, b, c, d (+2 more)"
    # Rust's f64::round: halves away from zero (Python's round() would give 2 and -2).
    assert [round_half_away(v) for v in (2.5, -2.5, 0.49999999999999994, 3.4)] == [3.0, -3.0, 0.0, 3.0]


def test_keywords_are_searched_in_the_first_32_kib_of_the_body() -> None:
    """As plugins/priority/tests/behaviour.rs: "outage" ending at byte 32 KiB is found, one byte later it is not."""
    at_cap = "x" * ((32 << 10) - 7) + " outage"
    out = run(plugin(), new_interaction("T-15", Channel.EMAIL, at_cap), neutral())
    assert any(r.startswith("urgent keyword: outage") for r in out.reasons), out.reasons
    out = run(plugin(), new_interaction("T-16", Channel.EMAIL, "x" + at_cap), neutral())
    assert not any("outage" in r for r in out.reasons), out.reasons
    wide = "é" * 20_000 + " outage"
    out = run(plugin(), new_interaction("T-17", Channel.EMAIL, wide), neutral())
    assert not any("outage" in r for r in out.reasons), out.reasons
