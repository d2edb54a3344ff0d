"""Errors a plugin reports, and how any exception becomes one.

Raise :class:`InvalidConfig` from ``configure`` and :class:`InvalidInput`
(or :class:`PluginError`, meaning "internal") from a hook: the host records
the message in the decision's error and decides by its fallback.

Any other exception a hook raises (a ``KeyError``, a ``ZeroDivisionError``)
is reported the same way, as the last line of its traceback with where it
was raised: ``KeyError: 'tier' (at router.py:41 in route)``. Only failures
that leave the interpreter unusable (``MemoryError``, ``SystemExit``, ...)
stop the instance (a trap), so the host replaces it.
"""

import os
import traceback
from typing import Literal

#: Longest message a plugin error carries, in characters (the host bounds it too).
MAX_MESSAGE_CHARS = 300

#: The WIT ``plugin-error`` case an error maps to.
ErrorKind = Literal["invalid-config", "invalid-input", "internal"]


class PluginError(Exception):
    """An error the plugin reports on purpose: WIT ``plugin-error.internal``.

    The message reaches the decision's ``error`` as written (bounded to
    :data:`MAX_MESSAGE_CHARS`).
    """

    kind: ErrorKind = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidConfig(PluginError):
    """The configuration cannot be used: WIT ``plugin-error.invalid-config``."""

    kind: ErrorKind = "invalid-config"


class InvalidInput(PluginError):
    """The interaction cannot be handled: WIT ``plugin-error.invalid-input``."""

    kind: ErrorKind = "invalid-input"


def is_fatal(exc: BaseException) -> bool:
    """Whether an exception must stop the instance instead of becoming an error.

    ``MemoryError`` (the instance is at its memory limit and its state is
    suspect) and exceptions outside ``Exception`` (``SystemExit``,
    ``KeyboardInterrupt``, ``GeneratorExit``) trap; the host then discards
    the instance and decides by its fallback.
    """
    return isinstance(exc, MemoryError) or not isinstance(exc, Exception)


def describe(exc: BaseException) -> str:
    """The one-line message for an exception.

    A :class:`PluginError` gives its own message. Anything else gives the
    last line of its traceback, ``Type: message``, and where it was raised
    (``at FILE:LINE in FUNCTION``, file name only). Whitespace runs
    (newlines included) become one space; the result is cut to
    :data:`MAX_MESSAGE_CHARS`.
    """
    if isinstance(exc, PluginError):
        text = exc.message
    else:
        # The traceback module's own rendering of the last line (it knows
        # SyntaxError's and exception groups' formats).
        last = traceback.format_exception_only(type(exc), exc)
        text = "".join(last).strip()
        where = _origin(exc)
        if where:
            text = f"{text} ({where})"
    return bound(text)


def bound(text: str) -> str:
    """``text`` on one line, at most :data:`MAX_MESSAGE_CHARS` characters."""
    one_line = " ".join(text.split())
    if len(one_line) <= MAX_MESSAGE_CHARS:
        return one_line
    return one_line[: MAX_MESSAGE_CHARS - 1] + "…"


def kind_of(exc: BaseException, default: ErrorKind) -> ErrorKind:
    """The WIT error case for ``exc``: a :class:`PluginError`'s own; else ``default``.

    ``default`` is ``invalid-config`` for ``configure`` and ``internal`` for hooks.
    """
    if isinstance(exc, PluginError):
        return exc.kind
    return default


def _origin(exc: BaseException) -> str:
    """``at FILE:LINE in FUNCTION`` of the innermost frame, or ``""``."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"at {os.path.basename(last.filename)}:{last.lineno} in {last.name}"
