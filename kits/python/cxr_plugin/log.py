"""Logging to the host's log (``cxr -v`` shows it, tagged with the plugin's name).

In the component, lines go to the host through ``cxr:plugin/host.log``;
natively (unit tests) they go to stderr as ``[INFO] message``. The host
bounds what one call may log (the pipeline's ``limits.log_kb``).
"""

import sys

from .types import LogLevel

#: Whether this code runs inside a component (componentize-py's CPython for WASI).
IN_COMPONENT = sys.platform == "wasi"

if IN_COMPONENT:
    # Imported when the component is built (componentize-py runs the module
    # then), not on the first log call.
    from cxr_world.imports import host as _host


def log(level: LogLevel, message: str) -> None:
    """Writes one line to the host log at ``level``."""
    if IN_COMPONENT:
        _host.log(level, message)
    else:
        print(f"[{level.name}] {message}", file=sys.stderr)


def debug(message: str) -> None:
    """Logs at debug level."""
    log(LogLevel.DEBUG, message)


def info(message: str) -> None:
    """Logs at info level."""
    log(LogLevel.INFO, message)


def warn(message: str) -> None:
    """Logs at warn level."""
    log(LogLevel.WARN, message)


def error(message: str) -> None:
    """Logs at error level."""
    log(LogLevel.ERROR, message)
