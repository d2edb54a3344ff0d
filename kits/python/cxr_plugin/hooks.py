"""The plugin base class and one base class per hook.

A plugin is a class deriving from the hook classes it implements, in any
combination; ``python -m cxr_plugin build`` finds the hooks from them:

    class Shouty(SentimentHook, RoutingHook):
        def score(self, input, ctx): ...
        def route(self, input, ctx, sentiment, priority): ...

The host builds one plugin object per instance by calling ``configure``
with the pipeline's config (a JSON document), then calls the hook methods
on it for many interactions. Hook methods return results or raise a
:class:`~cxr_plugin.errors.PluginError`.
"""

import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

from .errors import InvalidConfig
from .types import Context, Interaction, Priority, RouteResult, Sentiment, Signal

#: The hooks, in pipeline order (and in the order of the world names).
HOOKS = ("sentiment", "classify", "priority", "routing")


class Plugin(ABC):  # noqa: B024 (no abstract method: every hook class adds one)
    """A plugin, built once per instance from the pipeline's configuration."""

    #: One line saying what the plugin does (shown by ``cxr inspect``).
    #: Empty: the ``description`` of the project's pyproject.toml is used.
    DESCRIPTION: ClassVar[str] = ""

    @classmethod
    def configure(cls, config: str) -> Self:
        """Builds the plugin from its configuration (JSON; ``{}`` when none is given).

        Parse the config once here and keep what the hooks need on the
        object. The default accepts only an empty configuration and calls
        ``cls()``; raise :class:`~cxr_plugin.errors.InvalidConfig` for a
        configuration that cannot be used.
        """
        if parse_config(config):
            raise InvalidConfig(f"{cls.__name__} takes no configuration")
        return cls()


class SentimentHook(Plugin):
    """The sentiment hook: how does the customer feel?"""

    @abstractmethod
    def score(self, input: Interaction, ctx: Context) -> Sentiment:
        """Scores the interaction: ``score`` in [-1, 1], ``confidence`` in [0, 1]."""


class ClassifyHook(Plugin):
    """The classify hook: what is the interaction about?

    Runs after sentiment and before priority. The signals returned
    (``new_signal("intent", "billing", 0.82, ["charged twice"])``) reach
    priority and routing plugins in ``ctx.signals`` and the decision.
    """

    @abstractmethod
    def classify(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> list[Signal]:
        """Classifies the interaction; each confidence in [0, 1]."""


class PriorityHook(Plugin):
    """The priority hook: how urgent is it? Sees the sentiment and the signals."""

    @abstractmethod
    def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
        """Computes the priority: ``level`` 1 (most urgent) to 4, ``score`` 0 to 100."""


class RoutingHook(Plugin):
    """The routing hook: where does it go?

    Sees sentiment, priority and the classifiers' signals. Return a
    :class:`~cxr_plugin.types.Route` (``route_to(...)``), or
    ``Pass("why")`` to let the next router (then the fallback) decide.
    """

    @abstractmethod
    def route(self, input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority) -> RouteResult:
        """Decides the route, or passes."""


_HOOK_CLASSES: dict[str, type[Plugin]] = {
    "sentiment": SentimentHook,
    "classify": ClassifyHook,
    "priority": PriorityHook,
    "routing": RoutingHook,
}


def hooks_of(cls: type) -> list[str]:
    """The hooks a plugin class implements, in pipeline order."""
    if not isinstance(cls, type):
        return []
    return [hook for hook in HOOKS if issubclass(cls, _HOOK_CLASSES[hook])]


def parse_config(config: str) -> dict[str, Any]:
    """The configuration as a JSON object; ``{}`` for an empty string or ``null``.

    Raises :class:`~cxr_plugin.errors.InvalidConfig` naming the problem for
    anything else (text that is not JSON, a list, a number, ...).
    """
    text = config.strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidConfig(f"config is not JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidConfig(f"config must be a JSON object, got {type(value).__name__}")
    return value
