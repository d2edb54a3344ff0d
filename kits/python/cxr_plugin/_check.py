"""Checks a hook's result against the contract's types before it leaves Python.

componentize-py converts a result to WIT values after the hook returns; a
field of the wrong type (``level=2.0``, ``score=None``, a ``u8`` of 300)
would fail there, as a trap whose message names neither the hook nor the
field. The glue checks the result first and reports the first problem as a
plugin error instead: ``prioritize returned an invalid Priority: level is
2.0 (float), expected an integer in 0..=255``. Ranges the contract states
in prose (a score in [-1, 1]) are the host's to check.
"""

from enum import Enum
from typing import Callable, Optional

from .types import Cue, Discipline, Priority, Route, Sentiment, SentimentLabel, Signal

#: A check: ``None`` when the value fits, else what it should have been.
Check = Callable[[object], Optional[str]]


def _int(low: int, high: int) -> Check:
    def check(v: object) -> Optional[str]:
        if isinstance(v, int) and low <= v <= high:
            return None
        return f"an integer in {low}..={high}"

    return check


def _float(v: object) -> Optional[str]:
    return None if isinstance(v, (int, float)) else "a number"


def _str(v: object) -> Optional[str]:
    return None if isinstance(v, str) else "a string"


def _enum(cls: type[Enum]) -> Check:
    def check(v: object) -> Optional[str]:
        return None if isinstance(v, cls) else f"a {cls.__name__} (e.g. {cls.__name__}.{next(iter(cls)).name})"

    return check


def _optional(inner: Check) -> Check:
    def check(v: object) -> Optional[str]:
        if v is None:
            return None
        wanted = inner(v)
        return None if wanted is None else f"None or {wanted}"

    return check


def _record(cls: type) -> Check:
    def check(v: object) -> Optional[str]:
        return None if isinstance(v, cls) else f"a {cls.__name__}"

    return check


_U8, _U32 = _int(0, 2**8 - 1), _int(0, 2**32 - 1)
_S64 = _int(-(2**63), 2**63 - 1)

#: The fields of each result record, with their checks (WIT order).
FIELDS: dict[type, list[tuple[str, Check]]] = {
    Sentiment: [("score", _float), ("label", _enum(SentimentLabel)), ("confidence", _float), ("cues", _record(list))],
    Cue: [("text", _str), ("weight", _float)],
    Signal: [("name", _str), ("value", _str), ("confidence", _float), ("cues", _record(list))],
    Priority: [("level", _U8), ("score", _U32), ("first_response_due", _optional(_S64)), ("reasons", _record(list))],
    Route: [
        ("queue", _str),
        ("skills", _record(list)),
        ("language", _optional(_str)),
        ("discipline", _enum(Discipline)),
        ("actions", _record(list)),
        ("tags", _record(list)),
        ("rule", _optional(_str)),
        ("reasons", _record(list)),
    ],
}

#: What each list field holds.
ITEMS: dict[tuple[type, str], Check] = {
    (Sentiment, "cues"): _record(Cue),
    (Signal, "cues"): _str,
    (Priority, "reasons"): _str,
    (Route, "skills"): _str,
    (Route, "actions"): _str,
    (Route, "tags"): _str,
    (Route, "reasons"): _str,
}


def _shown(v: object) -> str:
    text = repr(v)
    if len(text) > 40:
        text = text[:39] + "…"
    return f"{text} ({type(v).__name__})"


def _strings(items: object) -> bool:
    return type(items) is list and all(type(x) is str for x in items)


def _number(x: object) -> bool:
    return type(x) is float or type(x) is int


def _fits(value: object) -> bool:
    """The quick test run on every result; :func:`problem` says what is wrong when it fails."""
    if isinstance(value, Priority):
        due = value.first_response_due
        return (
            type(value.level) is int and 0 <= value.level <= 0xFF
            and type(value.score) is int and 0 <= value.score <= 0xFFFF_FFFF
            and (due is None or (type(due) is int and -(2**63) <= due < 2**63))
            and _strings(value.reasons)
        )
    if isinstance(value, Sentiment):
        return (
            _number(value.score) and _number(value.confidence) and isinstance(value.label, SentimentLabel)
            and type(value.cues) is list
            and all(type(c) is Cue and type(c.text) is str and _number(c.weight) for c in value.cues)
        )
    if isinstance(value, Cue):
        return type(value.text) is str and _number(value.weight)
    if isinstance(value, Signal):
        return type(value.name) is str and type(value.value) is str and _number(value.confidence) and _strings(value.cues)
    if isinstance(value, Route):
        return (
            type(value.queue) is str and isinstance(value.discipline, Discipline)
            and (value.language is None or type(value.language) is str)
            and (value.rule is None or type(value.rule) is str)
            and _strings(value.skills) and _strings(value.actions) and _strings(value.tags) and _strings(value.reasons)
        )
    return True


def problem(value: object) -> Optional[str]:
    """The first field of a result record that does not fit its WIT type, said plainly."""
    if _fits(value):
        return None
    cls = type(value)
    for name, check in FIELDS.get(cls, []):
        field = getattr(value, name, None)
        wanted = check(field)
        if wanted is not None:
            return f"{name} is {_shown(field)}, expected {wanted}"
        item_check = ITEMS.get((cls, name))
        if item_check is not None and isinstance(field, list):
            for i, item in enumerate(field):
                wanted = item_check(item)
                if wanted is not None:
                    return f"{name}[{i}] is {_shown(item)}, expected {wanted}"
                if isinstance(item, Cue):
                    inner = problem(item)
                    if inner is not None:
                        return f"{name}[{i}].{inner}"
    return None
