#!/usr/bin/env python3
"""VADER (Hutto & Gilbert 2014) on exactly the rows `cxr eval` scored.

Reads the per-row predictions that `cxr eval --predictions FILE` writes
(text, gold, gold_label, score, label, confidence), scores every text with
the `vaderSentiment` package, and prints the two side by side, computed the
same way: Pearson r of the score against numeric gold, accuracy and 3-class
macro-F1 (mean F1 over the classes present in gold or predictions), VADER's
label from its compound score (>= 0.05 positive, <= -0.05 negative).

  vader_scores.py compare SET OURS.json PREDICTIONS.jsonl
      one table row: SET, rows, ours r/F1/acc, VADER r/F1/acc
  vader_scores.py languages PREDICTIONS.jsonl DATA.tsv
      per language of DATA.tsv (column `lang`): the share of rows our plugin
      labels neutral with confidence <= 0.3, the share VADER labels neutral,
      and both macro-F1 against the `sentiment` column
Used by measure-sentiment.sh.
"""

import csv
import json
import math
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

CLASSES = ("negative", "neutral", "positive")
LOW_CONFIDENCE = 0.3


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def label(score, t=0.05):
    if score >= t:
        return "positive"
    if score <= -t:
        return "negative"
    return "neutral"


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys))
    sxx = sum((a - mx) ** 2 for a in xs)
    syy = sum((b - my) ** 2 for b in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def macro_f1(gold, pred):
    f1s = []
    for c in CLASSES:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        support = sum(1 for g in gold if g == c)
        predicted = sum(1 for p in pred if p == c)
        if support + predicted == 0:
            continue
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1s.append(0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    return sum(f1s) / len(f1s) if f1s else 0.0


def accuracy(gold, pred):
    return sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0


def vader_scores(rows):
    """VADER's compound score per row, and the mean time per message in µs."""
    analyzer = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    scores = [analyzer.polarity_scores(r["text"])["compound"] for r in rows]
    micros = (time.perf_counter() - start) * 1e6 / max(len(rows), 1)
    return scores, micros


def figures(rows, scores):
    gold = [r["gold_label"] for r in rows]
    pred = [label(s) for s in scores]
    numeric = [(s, r["gold"]) for r, s in zip(rows, scores) if r.get("gold") is not None]
    r = pearson([a for a, _ in numeric], [b for _, b in numeric]) if numeric else None
    return r, macro_f1(gold, pred), accuracy(gold, pred)


def fmt(x):
    return "   -" if x is None else f"{x:.3f}"


def compare(name, ours_path, predictions_path):
    with open(ours_path, encoding="utf-8") as f:
        ours = json.load(f)
    rows = [r for r in load(predictions_path) if r.get("score") is not None]
    scores, micros = vader_scores(rows)
    r, f1, acc = figures(rows, scores)
    ours_us = ours.get("median_micros")
    print(
        f"{name:<28} {len(rows):>6}   {fmt(ours.get('pearson_r'))} {fmt(ours['macro_f1'])} {fmt(ours['accuracy'])}"
        f"   {fmt(r)} {fmt(f1)} {fmt(acc)}   {ours_us or 0:>6.1f} {micros:>7.1f}"
    )


def languages(predictions_path, data_path):
    rows = load(predictions_path)
    with open(data_path, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    lang_col = table[0].index("lang")
    lang_of_line = {i + 1: rec[lang_col] for i, rec in enumerate(table) if i > 0 and len(rec) > lang_col}
    scores, _ = vader_scores(rows)
    by_lang = {}
    for r, v in zip(rows, scores):
        by_lang.setdefault(lang_of_line.get(r["line"], "?"), []).append((r, v))
    print(f"{'language':<9} {'rows':>5}   {'ours: neutral, conf <= 0.3':>27} {'ours F1':>8}   {'VADER: neutral':>14} {'VADER F1':>9}")
    for lang in sorted(by_lang, key=lambda x: (x != "en", x)):
        items = by_lang[lang]
        n = len(items)
        quiet = sum(
            1 for r, _ in items if r.get("label") == "neutral" and r.get("confidence") is not None and r["confidence"] <= LOW_CONFIDENCE
        )
        vader_neutral = sum(1 for _, v in items if label(v) == "neutral")
        gold = [r["gold_label"] for r, _ in items]
        ours_f1 = macro_f1(gold, [r.get("label") for r, _ in items])
        vader_f1 = macro_f1(gold, [label(v) for _, v in items])
        print(f"{lang:<9} {n:>5}   {quiet / n:>27.3f} {ours_f1:>8.3f}   {vader_neutral / n:>14.3f} {vader_f1:>9.3f}")


def main(argv):
    if len(argv) == 4 and argv[0] == "compare":
        compare(*argv[1:])
    elif len(argv) == 3 and argv[0] == "languages":
        languages(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
