"""Urgency and churn from the classifiers' signals (``ctx.signals``), as
plugins/priority/src/signals.rs: the signal table is cues.json's."""

import math
from dataclasses import dataclass
from typing import Optional

from cxr_plugin import Context, Signal

from .cues import CUES, SignalRule

#: The signal whose presence means the pipeline has a classifier.
INTENT = "intent"


@dataclass(frozen=True)
class SignalCue:
    """A signal that counted, and how the reason names it (``intent=outage 0.86``)."""

    cue: str
    name: str


def classifier_present(ctx: Context) -> bool:
    """Whether the pipeline has a classifier: some signal says what the message is about."""
    return any(s.name == INTENT for s in ctx.signals)


def urgent(ctx: Context) -> list[SignalCue]:
    """The urgency cues the signals show, each once, in the order of the table."""
    return _read(ctx, CUES.urgent_signals)


def churn(ctx: Context) -> list[SignalCue]:
    """The churn cues the signals show."""
    return _read(ctx, CUES.churn_signals)


def _read(ctx: Context, table: tuple[SignalRule, ...]) -> list[SignalCue]:
    out = []
    for rule in table:
        s = _best(ctx.signals, rule.name, rule.value)
        if s is not None and s.confidence >= rule.min_confidence:
            out.append(SignalCue(rule.cue, f"{rule.name}={rule.value} {s.confidence:.2f}"))
    return out


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """Lower case of ASCII letters only (Rust's ``eq_ignore_ascii_case``)."""
    return text.translate(_ASCII_LOWER)


def _best(signals: list[Signal], name: str, value: str) -> Optional[Signal]:
    """The most confident signal ``name=value``; the last of equals, as Rust's ``max_by``."""
    found: Optional[Signal] = None
    for s in signals:
        if s.name != name or _ascii_lower(s.value) != _ascii_lower(value) or not math.isfinite(s.confidence):
            continue
        if found is None or s.confidence >= found.confidence:
            found = s
    return found
