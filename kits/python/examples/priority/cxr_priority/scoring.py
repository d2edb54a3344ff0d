"""The scoring rules. Every factor adds (or removes) points and, when it
moves the score by at least half a point, a reason; the score is the
clamped sum, the reasons are sorted by how much they moved it.

A port of plugins/priority/src/scoring.rs, decision for decision: the same
constants, the same float arithmetic in the same order, Rust's rounding
(half away from zero) and its saturating 64-bit time arithmetic.
"""

import math
from collections.abc import Callable
from typing import Optional

from cxr_plugin import (
    HOUR,
    MINUTE,
    Channel,
    Context,
    Interaction,
    Priority,
    Sentiment,
    SentimentLabel,
    Timestamp,
    channel_name,
    inbound_history,
    new_priority,
)

from . import keywords, signals
from .config import Config, Tier
from .cues import CLASSIFIER_CUES

#: Reasons kept in the output, strongest first.
MAX_REASONS = 8
#: Extra tightening of the first-response due time for level-1 interactions.
LEVEL1_DUE_FACTOR = 0.5

DAY: Timestamp = 24 * HOUR
#: Window for counting repeat contacts.
REPEAT_WINDOW: Timestamp = 30 * DAY

#: Points for a message the sentiment hook labels negative.
NEGATIVE_SENTIMENT = 15.0
#: Points for a message labelled positive (negative: less urgent).
POSITIVE_SENTIMENT = -4.0

URGENT_FIRST, URGENT_EACH_MORE, URGENT_CAP = 22.0, 6.0, 34.0
CHURN_FIRST, CHURN_EACH_MORE, CHURN_CAP = 12.0, 4.0, 18.0
#: Keywords named in one reason before "+N more".
KEYWORDS_NAMED = 4
# Bytes (UTF-8) of the body and of the subject searched for keywords.
MAX_BODY_BYTES = 32 << 10
MAX_SUBJECT_BYTES = 1 << 10

REPEAT_TWO, REPEAT_THREE, REPEAT_EACH_MORE, REPEAT_CAP = 10.0, 18.0, 4.0, 26.0

OPEN_ONE, OPEN_MANY = 5.0, 8.0
CSAT_1, CSAT_2 = 8.0, 6.0
NPS_0_TO_3, NPS_4_TO_6 = 7.0, 5.0
HIGH_VALUE = 8.0
LONG_TENURE = 4.0
LONG_TENURE_DAYS = 730
MAX_PLAUSIBLE_TENURE_DAYS = 36_500

WAIT_HALF = 8.0
WAIT_BREACH = 20.0
WAIT_BREACH_MAX = 30.0

EMPTY_MESSAGE = -10.0

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U32_MAX = 2**32 - 1

CHANNEL_BASE: dict[Channel, float] = {
    Channel.PHONE: 20.0,
    Channel.CHAT: 16.0,
    Channel.SOCIAL: 12.0,
    Channel.SMS: 10.0,
    Channel.IN_APP: 10.0,
    Channel.EMAIL: 8.0,
    Channel.WEB_FORM: 6.0,
    Channel.REVIEW: 2.0,
    Channel.SURVEY: 0.0,
}


def saturate(value: int) -> int:
    """``value`` clamped to the 64-bit range (Rust's saturating i64 arithmetic)."""
    return min(max(value, I64_MIN), I64_MAX)


def round_half_away(value: float) -> float:
    """Rust's ``f64::round``: halves go away from zero (Python's ``round`` goes to even)."""
    magnitude = abs(value)
    whole = math.floor(magnitude)
    if magnitude - whole >= 0.5:
        whole += 1
    return math.copysign(whole, value)


class Tally:
    """Running total of points and the reasons behind them."""

    def __init__(self) -> None:
        self.points = 0.0
        self.reasons: list[tuple[float, str]] = []

    def add(self, points: float, reason: Callable[[], str]) -> None:
        """Adds ``points``; the reason is only written when they matter."""
        self.points += points
        if abs(points) >= 0.5:
            self.reasons.append((points, reason()))

    def into_reasons(self) -> list[str]:
        ranked = sorted(self.reasons, key=lambda r: -abs(r[0]))  # stable, as Rust's sort_by
        if not ranked:
            return ["no urgency signals"]
        return [text for _, text in ranked[:MAX_REASONS]]


def prioritize(cfg: Config, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
    """Computes the priority of an interaction."""
    tally = Tally()
    channel = input.channel
    tally.add(CHANNEL_BASE[channel], lambda: f"channel {channel_name(channel)}")

    text_factors(cfg, input, ctx, tally)
    sentiment_factor(sentiment, tally)
    contact_factors(input, ctx, tally)

    tier: Optional[Tier] = cfg.tier(input.customer.tier) if input.customer.tier is not None else None
    if tier is not None:
        found = tier
        tally.add(float(found.weight), lambda: f"tier {found.name} ({found.weight:+d})")
    value_factors(cfg, input, tally)

    sla_factor = tier.sla_factor if tier is not None else 1.0
    sla_ms = cfg.sla_minutes(channel) * sla_factor * float(MINUTE)
    wait_factor(input, ctx, sla_ms, tally)

    score = int(min(max(round_half_away(tally.points), 0.0), 100.0))
    level = cfg.level(score)
    due_in = sla_ms * LEVEL1_DUE_FACTOR if level == 1 else sla_ms
    base = input.received_at if input.received_at is not None else ctx.now
    return new_priority(
        level,
        score,
        first_response_due=saturate(base + saturate(int(round_half_away(due_in)))),
        reasons=tally.into_reasons(),
    )


def utf8_prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 form fits in ``limit`` bytes."""
    if len(text) * 4 <= limit:
        return text
    return text.encode("utf-8", "surrogatepass")[:limit].decode("utf-8", "ignore")


def text_factors(cfg: Config, input: Interaction, ctx: Context, tally: Tally) -> None:
    """Empty message, urgency and churn: from the classifiers' signals and from keywords."""
    subject = input.subject or ""
    if not keywords.strip_white_space(subject) and not keywords.strip_white_space(input.body):
        tally.add(EMPTY_MESSAGE, lambda: "empty message (no subject or body)")
        return
    # Only the first bytes are searched, as in the Rust plugin: a call's
    # cost stays bounded whatever the message.
    out = keywords.Normalizer()
    out.add(utf8_prefix(subject, MAX_SUBJECT_BYTES))
    # A line break keeps phrases from spanning subject and body.
    out.push("\n")
    out.add(utf8_prefix(input.body, MAX_BODY_BYTES))
    text = out.text()

    classifier = signals.classifier_present(ctx)
    urgent = Evidence(signals.urgent(ctx), cfg.urgent.found(text), classifier)
    tally.add(
        keyword_points(urgent.count(), URGENT_FIRST, URGENT_EACH_MORE, URGENT_CAP),
        lambda: urgent.reason("urgent", "urgent keyword", "urgent keywords"),
    )
    churn = Evidence(signals.churn(ctx), cfg.churn.found(text), classifier)
    tally.add(
        keyword_points(churn.count(), CHURN_FIRST, CHURN_EACH_MORE, CHURN_CAP),
        lambda: churn.reason("churn risk", "churn risk", "churn risk"),
    )


class Evidence:
    """What a factor found: signals and the keywords that still count beside them."""

    def __init__(self, found_signals: list[signals.SignalCue], found: list[keywords.Phrase], classifier: bool) -> None:
        self.signals = found_signals
        # A built-in phrase of a cue a classifier covers counts only when no classifier ran.
        self.keywords = [p for p in found if not (classifier and p.cue is not None and p.cue in CLASSIFIER_CUES)]

    def count(self) -> int:
        """Distinct pieces of evidence: each signal's cue, each further cue of the built-in phrases, each operator keyword."""
        cues: set[str] = set()
        own = 0
        for cue in [*(s.cue for s in self.signals), *(p.cue for p in self.keywords)]:
            if cue is None:
                own += 1
            else:
                cues.add(cue)
        return len(cues) + own

    def reason(self, signal_label: str, one_keyword: str, many_keywords: str) -> str:
        """``urgent: intent=outage 0.86 (classifier signal)``, ``urgent keyword: charged twice``, or both joined with "; "."""
        parts = []
        if self.signals:
            plural = "signal" if len(self.signals) == 1 else "signals"
            parts.append(f"{signal_label}: {', '.join(s.name for s in self.signals)} (classifier {plural})")
        if self.keywords:
            labels = [p.label for p in self.keywords]
            parts.append(f"{one_keyword if len(labels) == 1 else many_keywords}: {name_list(labels)}")
        return "; ".join(parts)


def keyword_points(found: int, first: float, each_more: float, cap: float) -> float:
    if found == 0:
        return 0.0
    return min(first + each_more * float(found - 1), cap)


def name_list(names: list[str]) -> str:
    out = ", ".join(names[:KEYWORDS_NAMED])
    if len(names) > KEYWORDS_NAMED:
        out += f" (+{len(names) - KEYWORDS_NAMED} more)"
    return out


def finite_or(value: float, fallback: float) -> float:
    return value if math.isfinite(value) else fallback


def sentiment_factor(sentiment: Sentiment, tally: Tally) -> None:
    """A negative label raises the score, a positive one lowers it a little.
    The label, not the score, decides (the same message must get the same
    priority in every language)."""
    score = min(max(finite_or(sentiment.score, 0.0), -1.0), 1.0)
    if sentiment.label == SentimentLabel.NEGATIVE:
        tally.add(NEGATIVE_SENTIMENT, lambda: f"negative sentiment ({score:.2f})")
    elif sentiment.label == SentimentLabel.POSITIVE:
        tally.add(POSITIVE_SENTIMENT, lambda: f"positive sentiment ({score:.2f})")


def contact_factors(input: Interaction, ctx: Context, tally: Tally) -> None:
    """Repeat contact, open interactions, last CSAT and last NPS."""
    customer = input.customer
    window_start = saturate(ctx.now - REPEAT_WINDOW)
    recent_inbound = sum(1 for m in inbound_history(input) if m.at is not None and window_start <= m.at <= ctx.now)
    # History holds earlier messages; this interaction is one more contact.
    from_history = min(min(recent_inbound, U32_MAX) + 1, U32_MAX)
    contacts = max(customer.contacts_last_30d or 0, from_history)
    if contacts <= 1:
        points = 0.0
    elif contacts == 2:
        points = REPEAT_TWO
    else:
        points = min(REPEAT_THREE + REPEAT_EACH_MORE * float(contacts - 3), REPEAT_CAP)
    tally.add(points, lambda: f"repeat contact: {contacts} in 30 days")

    open_count = customer.open_interactions
    if open_count is not None and open_count > 0:
        tally.add(OPEN_ONE if open_count == 1 else OPEN_MANY, lambda: f"open interactions: {open_count}")
    csat = customer.last_csat
    if csat is not None and 1 <= csat <= 2:
        tally.add(CSAT_1 if csat == 1 else CSAT_2, lambda: f"low last CSAT {csat}")
    nps = customer.last_nps
    if nps is not None and nps <= 6:
        tally.add(NPS_0_TO_3 if nps <= 3 else NPS_4_TO_6, lambda: f"detractor: last NPS {nps}")


def value_factors(cfg: Config, input: Interaction, tally: Tally) -> None:
    """High lifetime value and long tenure (implausible values are ignored)."""
    customer = input.customer
    ltv = customer.lifetime_value
    if ltv is not None and math.isfinite(ltv) and ltv >= cfg.high_value_ltv:
        tally.add(HIGH_VALUE, lambda: f"high-value customer (LTV {ltv:.0f})")
    days = customer.tenure_days
    if days is not None and LONG_TENURE_DAYS <= days <= MAX_PLAUSIBLE_TENURE_DAYS:
        tally.add(LONG_TENURE, lambda: f"long tenure ({days} days)")


def wait_factor(input: Interaction, ctx: Context, sla_ms: float, tally: Tally) -> None:
    """Time already waited against the (tier-adjusted) SLA."""
    received = input.received_at
    if received is None:
        return
    waited = float(max(saturate(ctx.now - received), 0))
    ratio = waited / sla_ms
    if ratio >= 1.0:
        over = min((ratio - 1.0) / 2.0, 1.0)
        points = WAIT_BREACH + over * (WAIT_BREACH_MAX - WAIT_BREACH)
    elif ratio >= 0.5:
        points = WAIT_HALF
    else:
        points = 0.0

    def reason() -> str:
        shown_wait, shown_sla = durations(waited, sla_ms)
        breached = " (breached)" if ratio >= 1.0 else ""
        return f"waited {shown_wait} against a {shown_sla} SLA{breached}"

    tally.add(points, reason)


def durations(waited_ms: float, sla_ms: float) -> tuple[str, str]:
    """Formats a wait and an SLA (both in ms) in the unit that suits the SLA."""
    minute = float(MINUTE)
    if sla_ms < 120.0 * minute:
        unit, name = minute, "min"
    elif sla_ms < 48.0 * float(HOUR):
        unit, name = float(HOUR), "h"
    else:
        unit, name = float(DAY), "d"

    def show(ms: float) -> str:
        v = ms / unit
        if v < 10.0:
            return f"{v:.1f}".removesuffix(".0") + f" {name}"
        return f"{v:.0f} {name}"

    return show(waited_ms), show(sla_ms)
