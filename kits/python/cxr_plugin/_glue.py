"""The export glue: what the component's exported functions call.

``python -m cxr_plugin build`` writes a small entry module that calls
:func:`export` with the plugin class; componentize-py then finds the
classes named after the world's exports (``Lifecycle``, ``Sentiment``,
``Classify``, ``Priority``, ``Routing``) in it. Each exported function:

* runs the plugin's method on the object ``configure`` built;
* checks what it returned against the contract's types, field by field
  (:mod:`cxr_plugin._check`: a wrong type would otherwise fail deep in
  the bindings with an obscure trap);
* turns an exception into the contract's ``plugin-error`` with a short
  message (:func:`cxr_plugin.errors.describe`), so the host records
  ``ValueError: ... (at plugin.py:12 in route)`` in the decision; only a
  fatal exception (:func:`cxr_plugin.errors.is_fatal`) traps: the glue
  writes its traceback to stderr, ending with that same one-line message,
  and aborts the instance (the host's trap error quotes a traceback's last
  line, and replaces the instance).

The same classes run natively, which is how the kit's tests check them.
"""

import os
import sys
import traceback
from typing import Callable, NoReturn, Optional, TypeVar

from componentize_py_types import Err

from . import _check, errors
from .log import IN_COMPONENT
from .errors import ErrorKind
from .hooks import ClassifyHook, Plugin, PriorityHook, RoutingHook, SentimentHook, hooks_of
from .types import (
    Context,
    Interaction,
    PluginInfo,
    Priority,
    RoutingOutcome,
    RoutingOutcome_Pass,
    RoutingOutcome_Route,
    Route,
    Sentiment,
    Signal,
)
from cxr_world.imports.types import (
    PluginError,
    PluginError_Internal,
    PluginError_InvalidConfig,
    PluginError_InvalidInput,
)

T = TypeVar("T")


def wit_error(kind: ErrorKind, message: str) -> PluginError:
    """The WIT ``plugin-error`` value of a kind and message."""
    if kind == "invalid-config":
        return PluginError_InvalidConfig(message)
    if kind == "invalid-input":
        return PluginError_InvalidInput(message)
    return PluginError_Internal(message)


def _fail(exc: BaseException, default: ErrorKind) -> NoReturn:
    """Raises ``exc`` as the plugin error the host receives, or traps if fatal."""
    if isinstance(exc, Err):
        raise exc  # already a WIT error (raised through the raw bindings)
    if errors.is_fatal(exc):
        report_fatal(exc)
        if IN_COMPONENT:
            # A trap the host reports with the last line written above
            # (componentize-py's own report would end with its panic message).
            os.abort()
        raise exc
    raise Err(wit_error(errors.kind_of(exc, default), errors.describe(exc))) from None


def report_fatal(exc: BaseException) -> None:
    """Writes ``exc``'s traceback to stderr, its last line :func:`errors.describe`'s."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    sys.stderr.write(f"Traceback (most recent call last):\n{frames}{errors.describe(exc)}\n")
    sys.stderr.flush()


def _expect(value: object, kind: type, what: str) -> None:
    """Refuses a result of the wrong type, or with a field that does not fit its WIT type."""
    if not isinstance(value, kind):
        raise errors.PluginError(f"{what} returned {type(value).__name__}, expected {kind.__name__}")
    wrong = _check.problem(value)
    if wrong is not None:
        raise errors.PluginError(f"{what} returned an invalid {kind.__name__}: {wrong}")


class _Slot:
    """The plugin object of this instance (one per component instance)."""

    plugin: Optional[Plugin] = None


def export(plugin_class: type[Plugin], info: PluginInfo) -> dict[str, type]:
    """The export classes for ``plugin_class``, by the names componentize-py looks up.

    ``info`` is what ``lifecycle.info`` returns (name and version from the
    project, description from the class or the project).
    """
    hooks = hooks_of(plugin_class)
    if not hooks:
        raise TypeError(f"{plugin_class!r} implements no hook: derive from SentimentHook, ClassifyHook, PriorityHook or RoutingHook")
    slot = _Slot()

    def run(what: str, call: Callable[[Plugin], T]) -> T:
        plugin = slot.plugin
        if plugin is None:
            raise Err(PluginError_Internal(f"{what} called before configure"))
        try:
            return call(plugin)
        except BaseException as e:
            _fail(e, "internal")

    class Lifecycle:
        def info(self) -> PluginInfo:
            return info

        def configure(self, config: str) -> None:
            try:
                plugin = plugin_class.configure(config)
                _expect(plugin, plugin_class, "configure")
            except BaseException as e:
                _fail(e, "invalid-config")
            slot.plugin = plugin

    classes: dict[str, type] = {"Lifecycle": Lifecycle}

    if "sentiment" in hooks:

        class SentimentExport:
            def score(self, input: Interaction, ctx: Context) -> Sentiment:
                def call(p: Plugin) -> Sentiment:
                    assert isinstance(p, SentimentHook)
                    result = p.score(input, ctx)
                    _expect(result, Sentiment, "score")
                    return result

                return run("score", call)

        classes["Sentiment"] = SentimentExport

    if "classify" in hooks:

        class ClassifyExport:
            def classify(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> list[Signal]:
                def call(p: Plugin) -> list[Signal]:
                    assert isinstance(p, ClassifyHook)
                    result = p.classify(input, ctx, sentiment)
                    _expect(result, list, "classify")
                    for s in result:
                        _expect(s, Signal, "classify (an item of the list)")
                    return result

                return run("classify", call)

        classes["Classify"] = ClassifyExport

    if "priority" in hooks:

        class PriorityExport:
            def prioritize(self, input: Interaction, ctx: Context, sentiment: Sentiment) -> Priority:
                def call(p: Plugin) -> Priority:
                    assert isinstance(p, PriorityHook)
                    result = p.prioritize(input, ctx, sentiment)
                    _expect(result, Priority, "prioritize")
                    return result

                return run("prioritize", call)

        classes["Priority"] = PriorityExport

    if "routing" in hooks:

        class RoutingExport:
            def route(self, input: Interaction, ctx: Context, sentiment: Sentiment, priority: Priority) -> RoutingOutcome:
                def call(p: Plugin) -> RoutingOutcome:
                    assert isinstance(p, RoutingHook)
                    result = p.route(input, ctx, sentiment, priority)
                    if isinstance(result, Route):
                        _expect(result, Route, "route")
                        return RoutingOutcome_Route(result)
                    if isinstance(result, RoutingOutcome_Route):
                        _expect(result.value, Route, "route")
                        return result
                    if isinstance(result, RoutingOutcome_Pass):
                        if not isinstance(result.value, str):
                            raise errors.PluginError(f"route returned Pass({type(result.value).__name__}), expected Pass(str)")
                        return result
                    raise errors.PluginError(
                        f"route returned {type(result).__name__}, expected Route or Pass"
                    )

                return run("route", call)

        classes["Routing"] = RoutingExport

    return classes
