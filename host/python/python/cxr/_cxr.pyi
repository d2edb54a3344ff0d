"""Type stub of the compiled part of cxr (``cxr._cxr``)."""

import os
from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

__version__: str

#: A decision, a summary or plugin metadata: the JSON the ``cxr`` CLI prints.
JsonDict = Dict[str, Any]
#: An interaction: a dict (only ``id`` and ``body`` are required) or its JSON text.
Interaction = Union[Mapping[str, Any], str]
#: When a decision is made: a timezone-aware datetime, an RFC 3339 string,
#: or milliseconds since the Unix epoch. ``None`` means the clock.
Now = Union[datetime, str, int, None]
StrPath = Union[str, "os.PathLike[str]"]

class CxrError(Exception):
    """cxr could not load something: a pipeline file, a plugin component, or its configuration."""

class InputError(ValueError):
    """An interaction (or a ``now``) could not be read."""

    #: The field at fault (``"customer.last_csat"``, ``"history[0].at"``, ``"now"``,
    #: ``"request_id"``), or None.
    field: Optional[str]

class Pipeline:
    """A loaded cxr pipeline of sandboxed WebAssembly plugins.

    Load it once and share it: every method may be called from many threads
    at once, and the GIL is released while plugins run. A pipeline made
    before ``os.fork()`` keeps enforcing its plugins' deadlines in the child.
    """

    @staticmethod
    def reference() -> "Pipeline":
        """The reference pipeline built into cxr (built-in sentiment, priority and router plugins)."""

    @staticmethod
    def from_file(path: StrPath) -> "Pipeline":
        """Loads a pipeline file (TOML). Raises ``CxrError`` saying what failed and why."""

    @staticmethod
    def load(source: str = "builtin", plugins: Iterable[str] = ()) -> "Pipeline":
        """Any pipeline ``cxr --pipeline`` names: a pipeline file, a ``.wasm`` (or ``builtin:NAME``)
        swapped into the reference pipeline, or ``"builtin"``; ``plugins`` are swapped in as ``--plugin``.

        Raises ``CxrError`` when something cannot be loaded, saying which and why.
        """

    @staticmethod
    def from_toml(text: str, base: Optional[StrPath] = None) -> "Pipeline":
        """A pipeline from its TOML text; plugin paths in it are relative to ``base`` (default: the working directory)."""

    @property
    def name(self) -> str:
        """The pipeline's name."""

    def decide(self, interaction: Interaction, now: Now = None, request_id: Optional[str] = None) -> JsonDict:
        """Decides one interaction; the decision as ``cxr run --json`` prints it.

        ``request_id`` (1-128 of ``A-Z a-z 0-9 . _ : / + = @ -``) is set on the
        decision. Raises ``InputError`` (a ``ValueError``) naming the field for
        bad input (or ``request_id``), ``TypeError`` when ``interaction`` is
        neither a mapping nor a string. A failing plugin gives the fallback
        decision with ``error`` and ``error_kind`` set.
        """

    def decide_many(
        self,
        interactions: Iterable[Interaction],
        jobs: Optional[int] = None,
        now: Now = None,
        request_id: Optional[str] = None,
    ) -> List[JsonDict]:
        """Decides many interactions in parallel (``jobs`` threads, default one per core), in order.

        An element that cannot be read, or repeats an earlier element's ``id``,
        gets an error record in its place (``id`` or ``"[i]"``, ``error``
        starting with ``"[i]: "``, ``error_kind`` ``input`` or ``duplicate``),
        as in ``cxr serve``'s batch.
        """

    def route_jsonl(
        self,
        src: StrPath,
        dst: StrPath,
        jobs: Optional[int] = None,
        now: Now = None,
        request_id: Optional[str] = None,
    ) -> JsonDict:
        """Routes a JSON Lines file to a JSON Lines file of decisions, as ``cxr route SRC -o DST``.

        Returns the summary ``cxr route --json-summary`` prints (lines, routed,
        fallbacks, input_errors, plugin_errors, by_queue, by_discipline, elapsed).
        Raises ``OSError`` (``FileNotFoundError``...) when a file cannot be opened.
        """

    def stats(self) -> JsonDict:
        """``{"name", "instance_mode", "stages": [{"hook", "plugin", "version", "calls", "failures", "quarantines", "quarantined"}]}``."""

    def plugins(self) -> List[JsonDict]:
        """The plugins in stage order, as ``inspect`` describes them, each with its ``role``."""

def inspect(plugin: StrPath) -> JsonDict:
    """What a plugin component is, as ``cxr inspect --json`` prints it.

    ``plugin`` is a ``.wasm`` path or ``builtin:sentiment|priority|router``.
    Raises ``CxrError`` when it cannot be read or is not a cxr plugin.
    """
