"""The contract's data types, as componentize-py generates them.

These are the classes of the generated bindings themselves (``cxr_world``,
for ``cxr:plugin/types@0.2.0``), re-exported under the kit's names: a
plugin receives instances of them from the host and returns instances of
them, natively in tests and in the component alike.

WIT ``option<T>`` is ``Optional[T]``, ``list<T>`` a ``list``, enums are
``enum.Enum`` classes with upper-case members (``Channel.WEB_FORM``),
records are dataclasses with snake_case fields (``received_at``), and a
``timestamp`` is an ``int`` of milliseconds since the Unix epoch (UTC).
"""

from typing import Union

from cxr_world.imports.host import LogLevel
from cxr_world.imports.types import (
    Channel,
    Context,
    Cue,
    Customer,
    Direction,
    Discipline,
    Interaction,
    Message,
    PluginInfo,
    Priority,
    Route,
    RoutingOutcome,
    RoutingOutcome_Pass,
    RoutingOutcome_Route,
    Sentiment,
    SentimentLabel,
    Signal,
)

#: Milliseconds since 1970-01-01T00:00:00Z (WIT ``timestamp``, an ``s64``).
Timestamp = int

#: "Decline to decide": ``return Pass("no rule matched")`` lets the next
#: router in the chain (then the pipeline's fallback) decide.
Pass = RoutingOutcome_Pass

#: What a routing hook may return: a :class:`Route` (the kit wraps it), or a
#: :data:`Pass`, or a ready ``RoutingOutcome``.
RouteResult = Union[Route, RoutingOutcome_Route, RoutingOutcome_Pass]

__all__ = [
    "Channel",
    "Context",
    "Cue",
    "Customer",
    "Direction",
    "Discipline",
    "Interaction",
    "LogLevel",
    "Message",
    "Pass",
    "PluginInfo",
    "Priority",
    "Route",
    "RouteResult",
    "RoutingOutcome",
    "RoutingOutcome_Pass",
    "RoutingOutcome_Route",
    "Sentiment",
    "SentimentLabel",
    "Signal",
    "Timestamp",
]
