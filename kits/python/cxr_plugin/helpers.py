"""Conveniences on the contract's types: builders for results and test
inputs, text access, signal look-up, names as in the JSON edges.

They mirror the Rust kit's helpers (``Sentiment::from_score``,
``Signal::new(..).with_cue(..)``, ``Route::to``, ``Interaction::new``,
``Context::at``, ``ctx.signal(..)``, ``Channel::parse``, ...).
"""

import math
from collections.abc import Iterable, Iterator
from typing import Optional

from .types import (
    Channel,
    Context,
    Cue,
    Customer,
    Direction,
    Discipline,
    Interaction,
    Message,
    Priority,
    Route,
    Sentiment,
    SentimentLabel,
    Signal,
    Timestamp,
)

#: Milliseconds in one minute, for :data:`~cxr_plugin.types.Timestamp` arithmetic.
MINUTE: Timestamp = 60_000
#: Milliseconds in one hour.
HOUR: Timestamp = 60 * MINUTE

#: Every channel, in WIT order.
CHANNELS: tuple[Channel, ...] = tuple(Channel)

_CHANNEL_NAMES = {
    Channel.EMAIL: "email",
    Channel.CHAT: "chat",
    Channel.PHONE: "phone",
    Channel.SOCIAL: "social",
    Channel.SMS: "sms",
    Channel.WEB_FORM: "web_form",
    Channel.IN_APP: "in_app",
    Channel.REVIEW: "review",
    Channel.SURVEY: "survey",
}


def _clamp(value: float, low: float, high: float, nan: float) -> float:
    if math.isnan(value):
        return nan
    return min(max(value, low), high)


# --- results ---------------------------------------------------------------


def label_for_score(score: float) -> SentimentLabel:
    """The label for a compound score, with the usual ±0.05 thresholds."""
    if score >= 0.05:
        return SentimentLabel.POSITIVE
    if score <= -0.05:
        return SentimentLabel.NEGATIVE
    return SentimentLabel.NEUTRAL


def sentiment_from_score(score: float, confidence: float, cues: Iterable[Cue] = ()) -> Sentiment:
    """A sentiment result, its label derived from the score (clamped to [-1, 1])."""
    score = _clamp(score, -1.0, 1.0, 0.0)
    return Sentiment(
        score=score,
        label=label_for_score(score),
        confidence=_clamp(confidence, 0.0, 1.0, 0.0),
        cues=list(cues),
    )


def neutral_sentiment(confidence: float) -> Sentiment:
    """A neutral result with the given confidence and no cues."""
    return sentiment_from_score(0.0, confidence)


def new_cue(text: str, weight: float) -> Cue:
    """A piece of text that moved the sentiment score, with its contribution."""
    return Cue(text=text, weight=weight)


def new_signal(name: str, value: str, confidence: float, cues: Iterable[str] = ()) -> Signal:
    """A signal ``name=value`` with a confidence (clamped to [0, 1]) and its cues, strongest first."""
    return Signal(name=name, value=value, confidence=_clamp(confidence, 0.0, 1.0, 0.0), cues=list(cues))


def new_priority(
    level: int,
    score: int,
    first_response_due: Optional[Timestamp] = None,
    reasons: Iterable[str] = (),
) -> Priority:
    """A priority: ``level`` 1 (most urgent) to 4, ``score`` 0 to 100."""
    return Priority(level=level, score=score, first_response_due=first_response_due, reasons=list(reasons))


def route_to(
    queue: str,
    discipline: Discipline,
    *,
    skills: Iterable[str] = (),
    language: Optional[str] = None,
    actions: Iterable[str] = (),
    tags: Iterable[str] = (),
    rule: Optional[str] = None,
    reasons: Iterable[str] = (),
) -> Route:
    """A route to ``queue`` for a discipline; everything else optional."""
    return Route(
        queue=queue,
        skills=list(skills),
        language=language,
        discipline=discipline,
        actions=list(actions),
        tags=list(tags),
        rule=rule,
        reasons=list(reasons),
    )


# --- inputs ----------------------------------------------------------------


def new_customer(
    *,
    id: Optional[str] = None,
    tier: Optional[str] = None,
    lifetime_value: Optional[float] = None,
    tenure_days: Optional[int] = None,
    contacts_last_30d: Optional[int] = None,
    open_interactions: Optional[int] = None,
    last_csat: Optional[int] = None,
    last_nps: Optional[int] = None,
) -> Customer:
    """A customer profile; every field optional (nothing known by default)."""
    return Customer(
        id=id,
        tier=tier,
        lifetime_value=lifetime_value,
        tenure_days=tenure_days,
        contacts_last_30d=contacts_last_30d,
        open_interactions=open_interactions,
        last_csat=last_csat,
        last_nps=last_nps,
    )


def new_message(
    body: str,
    *,
    at: Optional[Timestamp] = None,
    channel: Optional[Channel] = None,
    direction: Direction = Direction.INBOUND,
) -> Message:
    """An earlier message of the customer's history (inbound by default)."""
    return Message(at=at, channel=channel, direction=direction, body=body)


def new_interaction(
    id: str,
    channel: Channel,
    body: str,
    *,
    subject: Optional[str] = None,
    received_at: Optional[Timestamp] = None,
    language: Optional[str] = None,
    tier: Optional[str] = None,
    customer: Optional[Customer] = None,
    history: Iterable[Message] = (),
    attributes: Iterable[tuple[str, str]] = (),
) -> Interaction:
    """An interaction, for tests: the channel and body, and what else is named.

    ``tier`` sets ``customer.tier`` (on ``customer`` when given, else on an
    empty profile).
    """
    profile = customer if customer is not None else new_customer()
    if tier is not None:
        profile.tier = tier
    return Interaction(
        id=id,
        channel=channel,
        received_at=received_at,
        subject=subject,
        body=body,
        language=language,
        customer=profile,
        history=list(history),
        attributes=list(attributes),
    )


def context_at(now: Timestamp, signals: Iterable[Signal] = (), pipeline: str = "test") -> Context:
    """A context, for tests: the host's "now" and the signals so far."""
    return Context(now=now, pipeline=pipeline, signals=list(signals))


def text_of(input: Interaction) -> str:
    """Subject and body joined by a newline (the body alone when there is no subject)."""
    if input.subject:
        return f"{input.subject}\n{input.body}"
    return input.body


def attribute(input: Interaction, key: str) -> Optional[str]:
    """The value of an attribute (the first with that key), if present."""
    for k, v in input.attributes:
        if k == key:
            return v
    return None


def inbound_history(input: Interaction) -> Iterator[Message]:
    """Earlier inbound messages from the customer, oldest first."""
    return (m for m in input.history if m.direction == Direction.INBOUND)


def signal_of(ctx: Context, name: str) -> Optional[Signal]:
    """The most confident signal named ``name`` (e.g. ``"intent"``), if any.

    Among equally confident signals, the last one emitted wins (as in the Rust kit).
    """
    best: Optional[Signal] = None
    for s in ctx.signals:
        if s.name == name and (best is None or s.confidence >= best.confidence):
            best = s
    return best


def has_signal(ctx: Context, name: str, value: str, min_confidence: float) -> bool:
    """Whether a signal ``name=value`` is present with at least ``min_confidence``."""
    return any(s.name == name and s.value == value and s.confidence >= min_confidence for s in ctx.signals)


# --- names, as in the JSON edges --------------------------------------------


def channel_name(channel: Channel) -> str:
    """snake_case name, as in interaction JSON (``web_form``, ``in_app``)."""
    return _CHANNEL_NAMES[channel]


def parse_channel(name: str) -> Optional[Channel]:
    """A channel from its name (``web_form``, ``web-form`` and ``webform`` all work)."""
    n = name.strip().lower().replace("-", "_").replace(" ", "_")
    for channel, text in _CHANNEL_NAMES.items():
        if text == n or text.replace("_", "") == n:
            return channel
    return None


def discipline_name(discipline: Discipline) -> str:
    """Lower-case name, as in decision JSON."""
    return discipline.name.lower()


def parse_discipline(name: str) -> Optional[Discipline]:
    """``service``, ``care`` or ``experience`` (any case, spaces around ignored)."""
    n = name.strip().lower()
    for d in Discipline:
        if d.name.lower() == n:
            return d
    return None


def label_name(label: SentimentLabel) -> str:
    """Lower-case name, as in decision JSON."""
    return label.name.lower()

