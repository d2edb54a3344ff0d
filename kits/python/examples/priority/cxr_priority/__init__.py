"""cxr-priority, in Python: explainable prioritization for cxr.

Scores how urgent an interaction is from 0 to 100 by adding up simple,
named factors: the channel, the sentiment computed earlier, urgency and
churn (from the classifiers' signals, and from keywords in six languages),
repeat contact, open issues, last CSAT / NPS, the
customer's tier, lifetime value and tenure, and the time already waited
against the SLA. The score maps to a level (1 most urgent .. 4), and every
factor that moved the score leaves a reason, strongest first.

A port of the reference plugin plugins/priority (Rust) that decides
exactly as it does (tests/test_parity.py checks it through the real
``cxr`` binary); the configuration is the same.
"""

from typing import Self

from cxr_plugin import Context, Interaction, Priority, PriorityHook, Sentiment

from .config import Config
from .scoring import prioritize


class PriorityPlugin(PriorityHook):
    """The priority plugin: a validated :class:`Config` applied by :func:`prioritize`."""

    DESCRIPTION = (
        "explainable priority from channel, sentiment, classifier signals and keywords "
        "(en, de, es, fr, it, pt), repeat contact, customer value and time waited against the SLA"
    )

    def __init__(self, config: Config) -> None:
        self.config = config

    @classmethod
    def configure(cls, config: str) -> Self:
        return cls(Config.parse(config))

    def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
        return prioritize(self.config, input, ctx, sentiment)
