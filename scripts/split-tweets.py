#!/usr/bin/env python3
"""Splits the labelled tweets of ../shared/data/language/tweets_by_language.tsv
(lang, sentiment, text; one header row) into two halves per language by a
hash of the text: FNV-1a 64 even is the development half (`dev`, the half
the sentiment lexicons were tuned on), odd the held-out half (`held`, only
measured). The same split as plugins/sentiment/examples/measure.rs.

  scripts/split-tweets.py TWEETS.tsv OUT_DIR

Writes OUT_DIR/tweets-LANG-dev.tsv and OUT_DIR/tweets-LANG-held.tsv, each
with the header `lang<TAB>sentiment<TAB>text`. The output is for measuring
only: never commit it (the data is not the project's).
"""

import os
import sys


def fnv1a(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    files = {}
    with open(src, encoding="utf-8") as f:
        header = f.readline()
        for n, line in enumerate(f, start=2):
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                sys.exit(f"{src} line {n}: expected lang<TAB>sentiment<TAB>text")
            lang, _, text = parts
            half = "dev" if fnv1a(text) % 2 == 0 else "held"
            key = (lang, half)
            if key not in files:
                files[key] = open(os.path.join(out, f"tweets-{lang}-{half}.tsv"), "w", encoding="utf-8")
                files[key].write(header)
            files[key].write(line if line.endswith("\n") else line + "\n")
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
