"""Keyword phrases: text normalisation and whole-word-ish phrase matching.

Text and phrases are brought to the same form once (phrases at configure
time, the message once per call): lower case, common Latin accents dropped
(``kündigen`` = ``kundigen``, ``piraté`` = ``pirate``, ``ß`` = ``ss``),
apostrophes dropped (so "can't", "can’t" and "cant" are one word), and runs of whitespace,
hyphens, underscores and slashes folded into one space ("double-charged"
reads as "double charged", "log-in" as "log in"). Other punctuation stays,
so a phrase never matches across a comma or a sentence end.

A port of plugins/priority/src/keywords.rs; "whitespace" is Unicode's
White_Space property, as Rust's ``char::is_whitespace`` (Python's
``str.isspace`` also counts U+001C..U+001F).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from .cues import CUES

#: Words that cancel a keyword when they come right before it ("not urgent", "nicht dringend"): cues.json.
NEGATIONS = CUES.negations

#: The ASCII a lower-case accented Latin letter is written as without its accent (keywords.rs ``fold``).
FOLD: dict[str, str] = {
    letter: plain
    for letters, plain in [
        ("àáâãäåāăą", "a"), ("çćč", "c"), ("èéêëēėęě", "e"), ("ìíîïīį", "i"), ("ñńň", "n"), ("òóôõöøōő", "o"),
        ("ùúûüūůű", "u"), ("ýÿ", "y"), ("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("šś", "s"), ("žźż", "z"), ("ł", "l"),
    ]
    for letter in letters
}

#: Unicode White_Space (what Rust's char::is_whitespace tests).
WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
#: Dropped: apostrophes and the backtick.
APOSTROPHES = frozenset("'\u2018\u2019\u02bc`")
#: Folded into one space with whitespace: hyphen, underscore, slash and the dashes U+2010..U+2015.
JOINERS = frozenset("-_/" + "".join(chr(c) for c in range(0x2010, 0x2016)))

# A run of ASCII kept as it is (only lower-cased): no space, no \t..\r, no
# apostrophe, backtick, hyphen, underscore or slash.
_PLAIN_ASCII = re.compile(r"[^\x80-\U0010ffff \t\n\x0b\x0c\r'`\-_/]+")


class Normalizer:
    """Builds text in matching form, piece after piece (see :func:`normalize`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        # Whether what was written so far is empty, or ends with a space.
        self._empty = True
        self._ends_with_space = False

    def _write(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self._empty = False
            self._ends_with_space = text.endswith(" ")

    def push(self, text: str) -> None:
        """Appends ``text`` verbatim (e.g. the line break between subject and body)."""
        self._write(text)

    def add(self, text: str) -> None:
        """Appends ``text`` in matching form."""
        pending_space = False
        i = 0
        n = len(text)
        while i < n:
            m = _PLAIN_ASCII.match(text, i)
            if m:
                if pending_space:
                    self._space()
                    pending_space = False
                self._write(m.group().lower())
                i = m.end()
                continue
            ch = text[i]
            i += 1
            if ch in APOSTROPHES:
                continue
            if ch in WHITE_SPACE or ch in JOINERS:
                pending_space = True
                continue
            if pending_space:
                self._space()
                pending_space = False
            # Lower case one character at a time (as Rust's char::to_lowercase), then without accents.
            self._write("".join(FOLD.get(c, c) for c in ch.lower()))

    def _space(self) -> None:
        # The single space a run of separators stands for: none at the
        # start or after a space already written.
        if not self._empty and not self._ends_with_space:
            self._write(" ")

    def text(self) -> str:
        """Everything written, as one string."""
        return "".join(self.parts)


def normalize(text: str) -> str:
    """``text`` in matching form (see the module docs)."""
    out = Normalizer()
    out.add(text)
    return out.text()


def strip_white_space(text: str) -> str:
    """``text`` without leading and trailing Unicode White_Space (Rust's ``str::trim``)."""
    start, end = 0, len(text)
    while start < end and text[start] in WHITE_SPACE:
        start += 1
    while end > start and text[end - 1] in WHITE_SPACE:
        end -= 1
    return text[start:end]


def is_alphanumeric(ch: str) -> bool:
    """A letter or a number (Python's ``str.isalnum``, close to Rust's ``char::is_alphanumeric``)."""
    return ch.isalnum()


@dataclass(frozen=True)
class Phrase:
    """A configured keyword phrase, ready to be searched for."""

    #: The phrase as the operator wrote it (trimmed, lower case), used in reasons.
    label: str
    #: The phrase in matching form.
    norm: str
    #: What the phrase is evidence of, for the built-in lists (``None`` for an
    #: operator's keyword: it counts on its own).
    cue: Optional[str] = field(default=None, compare=False)
    #: Whether the phrase starts with a letter or digit (then it needs a word boundary before).
    word_start: bool = field(default=False, compare=False)
    #: Whether the phrase ends with a letter or digit (then it needs a word boundary after).
    word_end: bool = field(default=False, compare=False)

    @staticmethod
    def new(keyword: str, cue: Optional[str] = None) -> Optional["Phrase"]:
        """Prepares a phrase (evidence of ``cue``, for a built-in one); ``None`` when nothing of it is left to match."""
        norm = normalize(keyword)
        if not norm:
            return None
        return Phrase(
            label=strip_white_space(keyword).lower(),
            norm=norm,
            cue=cue,
            word_start=is_alphanumeric(norm[0]),
            word_end=is_alphanumeric(norm[-1]),
        )

    def found_in(self, text: str) -> bool:
        """Whether the phrase occurs in ``text`` (in matching form) as whole words,
        allowing a plural "s" after it, and not right after a negation."""
        at = text.find(self.norm)
        while at >= 0:
            end = at + len(self.norm)
            before = text[:at]
            if self._boundary_before(before) and self._boundary_after(text, end) and not negated(before):
                return True
            # Every occurrence, overlapping ones too, as the Rust plugin's Aho-Corasick search.
            at = text.find(self.norm, at + 1)
        return False

    def _boundary_before(self, before: str) -> bool:
        return not self.word_start or not before or not is_alphanumeric(before[-1])

    def _boundary_after(self, text: str, end: int) -> bool:
        if not self.word_end or end >= len(text):
            return True
        c = text[end]
        if c == "s":
            return end + 1 >= len(text) or not is_alphanumeric(text[end + 1])
        return not is_alphanumeric(c)


def negated(before: str) -> bool:
    """Whether the word right before a match (separated by one space) is a negation."""
    if not before.endswith(" "):
        return False
    head = before[:-1]
    start = len(head)
    while start > 0 and is_alphanumeric(head[start - 1]):
        start -= 1
    return head[start:] in NEGATIONS


class Keywords:
    """A list of phrases, each label once (the first phrase of a label is kept)."""

    def __init__(self, phrases: Iterable[Optional[Phrase]]) -> None:
        unique: list[Phrase] = []
        for phrase in phrases:
            if phrase is not None and all(p.label != phrase.label for p in unique):
                unique.append(phrase)
        self.phrases: list[Phrase] = unique

    def __len__(self) -> int:
        return len(self.phrases)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keywords) and self.phrases == other.phrases

    def found(self, text: str) -> list[Phrase]:
        """The phrases found in ``text`` (in matching form), each once, in configured order."""
        return [p for p in self.phrases if p.found_in(text)]
