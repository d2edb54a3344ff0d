#!/usr/bin/env python3
"""Writes plugins/sentiment/data/vader_lexicon.tsv from VADER's lexicon.

VADER (Hutto & Gilbert 2014, https://github.com/cjhutto/vaderSentiment) ships
`vader_lexicon.txt` inside the `vaderSentiment` package on PyPI under the MIT
licence (Copyright (c) 2016 C.J. Hutto; the full text is in
plugins/sentiment/data/LICENSE-VADER). Each of its lines is: term, mean
valence (-4..4), standard deviation, the ten raters' scores. We keep term and
mean valence, lower-cased (a later duplicate wins, as in VADER's own loader),
in VADER's order; then VADER's idioms (`SPECIAL_CASES` and
`SENTIMENT_LADEN_IDIOMS` of vaderSentiment.py, same licence) as phrases,
except "the shit" (as often "scared the shit out of me") and the neutral
"bus stop"; then the emoji of VADER's `emoji_utf8_lexicon.txt` (same
package and licence), which VADER replaces by their names before scoring:
here each single-code-point emoji gets the sum of the lexicon valences of
the words of its name (clamped to -4..4; 0 left out).

  scripts/import-vader-lexicon.py [PATH/TO/vader_lexicon.txt]

Without an argument the files are taken from the installed `vaderSentiment`
package (the idioms always are) (scripts/measure-sentiment.sh installs it into target/vader-venv:
target/vader-venv/bin/python scripts/import-vader-lexicon.py).
"""

import os
import sys

HEADER = """\
# VADER sentiment lexicon, term<TAB>mean valence (-4..4).
# From vader_lexicon.txt of vaderSentiment 3.3.2 (https://github.com/cjhutto/vaderSentiment),
# Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for
# Sentiment Analysis of Social Media Text. ICWSM-14.
# Copyright (c) 2016 C.J. Hutto. MIT License: see LICENSE-VADER beside this file.
# Changed for cxr: only term and mean valence kept, terms lower-cased.
# Regenerate with scripts/import-vader-lexicon.py; do not edit by hand (the
# plugin's own judgements go in src/lexicon.tsv, which overrides this file).
"""


def source_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import vaderSentiment  # noqa: PLC0415

    return os.path.join(os.path.dirname(vaderSentiment.__file__), "vader_lexicon.txt")


# VADER idioms left out, see above.
SKIP_IDIOMS = {"the shit", "bus stop"}


def idioms():
    from vaderSentiment import vaderSentiment as v  # noqa: PLC0415

    out = dict(v.SENTIMENT_LADEN_IDIOMS)
    out.update(v.SPECIAL_CASES)
    return {k.lower(): float(x) for k, x in out.items() if k.lower() not in SKIP_IDIOMS}


def emoji(lexicon, path):
    """Single-code-point emoji with the summed valence of their name's words."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            key = parts[0].replace("\ufe0f", "")
            if len(key) != 1 or ord(key) < 0x2000:
                continue
            words = parts[1].lower().replace("-", " ").replace(":", " ").split()
            valence = sum(lexicon.get(w, 0.0) for w in words)
            if valence:
                out[key] = max(-4.0, min(4.0, round(valence, 2)))
    return out


def main():
    entries = {}
    with open(source_path(), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].strip():
                continue
            try:
                valence = float(parts[1])
            except ValueError:
                sys.exit(f"vader_lexicon.txt line {n}: bad valence {parts[1]!r}")
            term = parts[0].strip().lower()
            entries.pop(term, None)
            entries[term] = valence
    extra = idioms()
    for term, valence in extra.items():
        entries.pop(term, None)
        entries[term] = valence
    lexicon_terms = len(entries) - len(extra)
    emoji_path = os.path.join(os.path.dirname(source_path()), "emoji_utf8_lexicon.txt")
    faces = emoji(dict(entries), emoji_path)
    idiom_terms = len(entries)
    for term, valence in faces.items():
        entries.setdefault(term, valence)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "sentiment", "data", "vader_lexicon.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for n, (term, valence) in enumerate(entries.items()):
            if n == lexicon_terms:
                f.write("# VADER's idioms (SPECIAL_CASES, SENTIMENT_LADEN_IDIOMS)\n")
            if n == idiom_terms:
                f.write("# emoji: the summed valence of the words of their names in emoji_utf8_lexicon.txt\n")
            f.write(f"{term}\t{valence:g}\n")
    print(f"{len(entries)} terms written to {os.path.normpath(out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
