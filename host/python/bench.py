#!/usr/bin/env python3
"""Python `Pipeline.decide()` against the Rust call, same pipeline, same inputs.

One process, one pipeline (the reference pipeline), one thread, the same
interactions (examples/interactions.jsonl) and `now`. Each round times, one
right after the other:

- Rust: `Pipeline::decide(&interaction, now)` called from Rust on this very
  pipeline, interactions parsed beforehand (what `cxr bench` times), through
  the extension's private `_time_rust_decide`;
- Python, `decide(dict)`: the interaction as an application holds it;
- Python, `decide(str)`: the interaction as its JSON line.

Both sides decide every interaction once to warm up. Rounds alternate, so
the load of a shared machine weighs on both alike; the ratio of each round
and their median are printed as a Markdown table (docs/performance.md,
"Python package").

    python host/python/bench.py [--passes 3] [--rounds 9]

Needs the package installed (`pip install ./host/python`).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cxr

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-22T10:00:00Z"


def python_round(pipeline: "cxr.Pipeline", inputs: list, passes: int) -> float:
    """Mean µs per decision of `pipeline.decide(x, now=NOW)` over `inputs`."""
    decide = pipeline.decide
    started = time.perf_counter()
    for _ in range(passes):
        for x in inputs:
            decide(x, now=NOW)
    return (time.perf_counter() - started) * 1e6 / (passes * len(inputs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passes", type=int, default=3, help="passes over the inputs per round and side (default 3)")
    ap.add_argument("--rounds", type=int, default=9, help="alternating rounds (default 9)")
    ap.add_argument("--input", type=Path, default=ROOT / "examples" / "interactions.jsonl")
    args = ap.parse_args()

    lines = [line for line in args.input.read_text().splitlines() if line.strip()]
    dicts = [json.loads(line) for line in lines]
    pipeline = cxr.Pipeline.reference()
    for d in dicts:  # warm-up, as `cxr bench` does
        pipeline.decide(d, now=NOW)
    pipeline._time_rust_decide(lines, 1, NOW)

    rows = []
    for r in range(args.rounds):
        rust = pipeline._time_rust_decide(lines, args.passes, NOW)
        py_dict = python_round(pipeline, dicts, args.passes)
        py_text = python_round(pipeline, lines, args.passes)
        rows.append((rust, py_dict, py_text))
        print(f"round {r + 1}: rust {rust:.1f} µs, python dict {py_dict:.1f} µs, python str {py_text:.1f} µs", file=sys.stderr)

    print(f"{len(lines)} interactions × {args.passes} passes per round and side, {args.rounds} rounds, "
          f"one thread, reference pipeline, now = {NOW}, Python {sys.version.split()[0]}\n")
    print("| round | Rust `Pipeline::decide` (µs) | Python `decide(dict)` (µs) | Python `decide(str)` (µs) | dict / Rust | str / Rust |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, (rust, py_dict, py_text) in enumerate(rows, 1):
        print(f"| {i} | {rust:.1f} | {py_dict:.1f} | {py_text:.1f} | {py_dict / rust:.2f} | {py_text / rust:.2f} |")
    med = lambda k: statistics.median(row[k] for row in rows)  # noqa: E731
    ratio = lambda k: statistics.median(row[k] / row[0] for row in rows)  # noqa: E731
    print(f"| **median** | {med(0):.1f} | {med(1):.1f} | {med(2):.1f} | **{ratio(1):.2f}** | **{ratio(2):.2f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
