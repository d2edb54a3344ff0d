#!/usr/bin/env python3
"""Writes N interactions as JSON Lines to stdout by cycling the examples
(examples/interactions.jsonl) with fresh ids: the mix of channels,
languages and lengths stays that of the examples.
    scripts/gen-interactions.py 100000 > /tmp/100k.jsonl"""
import json
import pathlib
import sys

n = int(sys.argv[1])
src = pathlib.Path(__file__).resolve().parent.parent / "examples" / "interactions.jsonl"
base = [json.loads(line) for line in src.read_text().splitlines() if line.strip()]
out = sys.stdout
for i in range(n):
    record = dict(base[i % len(base)])
    record["id"] = f"G-{i:08d}"
    out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n")
