"""cxr-plugin: write cxr plugins in Python.

A plugin is a class deriving from the hook classes it implements
(:class:`SentimentHook`, :class:`ClassifyHook`, :class:`PriorityHook`,
:class:`RoutingHook`, any non-empty set); ``python -m cxr_plugin build``
turns its project into a wasm component the ``cxr`` host loads. The same
code runs natively, so its logic is tested with plain pytest.

    from cxr_plugin import Context, Interaction, Sentiment, SentimentHook, sentiment_from_score

    class Shouty(SentimentHook):
        def score(self, input: Interaction, ctx: Context) -> Sentiment:
            return sentiment_from_score(-0.8 if "!!" in input.body else 0.0, 0.5)

The kit targets contract ``cxr:plugin@0.2.0``; its types are those of the
bindings componentize-py generates (:mod:`cxr_plugin.types`).
"""

from . import log
from .errors import InvalidConfig, InvalidInput, PluginError
from .helpers import (
    CHANNELS,
    HOUR,
    MINUTE,
    attribute,
    channel_name,
    context_at,
    discipline_name,
    has_signal,
    inbound_history,
    label_for_score,
    label_name,
    neutral_sentiment,
    new_cue,
    new_customer,
    new_interaction,
    new_message,
    new_priority,
    new_signal,
    parse_channel,
    parse_discipline,
    route_to,
    sentiment_from_score,
    signal_of,
    text_of,
)
from .hooks import HOOKS, ClassifyHook, Plugin, PriorityHook, RoutingHook, SentimentHook, parse_config
from .types import (
    Channel,
    Context,
    Cue,
    Customer,
    Direction,
    Discipline,
    Interaction,
    LogLevel,
    Message,
    Pass,
    PluginInfo,
    Priority,
    Route,
    RouteResult,
    RoutingOutcome,
    Sentiment,
    SentimentLabel,
    Signal,
    Timestamp,
)

#: The contract version this kit implements.
WIT_VERSION = "0.2.0"
#: The kit's own version.
__version__ = "0.2.0"

__all__ = [
    "CHANNELS",
    "HOOKS",
    "HOUR",
    "MINUTE",
    "WIT_VERSION",
    "Channel",
    "ClassifyHook",
    "Context",
    "Cue",
    "Customer",
    "Direction",
    "Discipline",
    "Interaction",
    "InvalidConfig",
    "InvalidInput",
    "LogLevel",
    "Message",
    "Pass",
    "Plugin",
    "PluginError",
    "PluginInfo",
    "Priority",
    "PriorityHook",
    "Route",
    "RouteResult",
    "RoutingHook",
    "RoutingOutcome",
    "Sentiment",
    "SentimentHook",
    "SentimentLabel",
    "Signal",
    "Timestamp",
    "attribute",
    "channel_name",
    "context_at",
    "discipline_name",
    "has_signal",
    "inbound_history",
    "label_for_score",
    "label_name",
    "log",
    "neutral_sentiment",
    "new_cue",
    "new_customer",
    "new_interaction",
    "new_message",
    "new_priority",
    "new_signal",
    "parse_channel",
    "parse_config",
    "parse_discipline",
    "route_to",
    "sentiment_from_score",
    "signal_of",
    "text_of",
]
