#!/usr/bin/env python3
"""Python `Pipeline.decide()` against the Rust call, same pipeline, same inputs.

The Rust side is `cxr bench` (the `cxr` binary of this checkout): it parses
the interactions once, then times `Pipeline::decide(&interaction, now)` on one
thread. The Python side times `cxr.Pipeline.decide(...)` on one thread for
the same reference pipeline, interactions and `now`, given a dict (as an
application has it) and given the JSON line. The two alternate, round after
round, in one run; the ratio of each round and their median are printed as a
Markdown table (docs/performance.md, "Python package").

    python host/python/bench.py [--iterations 20] [--rounds 3]

Needs the package installed (`pip install ./host/python`) and
`cargo build --release -p cxr`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cxr

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
NOW = "2026-11-22T10:00:00Z"


def rust_round(cxr_bin: Path, examples: Path, iterations: int) -> float:
    """Mean µs per decision of the Rust call, from `cxr bench --json`."""
    out = subprocess.run(
        [str(cxr_bin), "bench", "--json", "--quiet", "-n", str(iterations), "--now", NOW, str(examples)],
        check=True, capture_output=True, text=True,
    ).stdout
    report = json.loads(out)
    assert report["decision_errors"] == 0, report
    return 1e6 / report["decisions_per_second"]


def python_round(pipeline: "cxr.Pipeline", inputs: list, iterations: int) -> float:
    """Mean µs per decision of `pipeline.decide(x, now=NOW)` over `inputs`."""
    for x in inputs:  # warm-up pass, as `cxr bench` does
        pipeline.decide(x, now=NOW)
    decide = pipeline.decide
    started = time.perf_counter()
    for _ in range(iterations):
        for x in inputs:
            decide(x, now=NOW)
    return (time.perf_counter() - started) * 1e6 / (iterations * len(inputs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iterations", type=int, default=20, help="passes over the inputs per round (default 20)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating Rust/Python rounds (default 3)")
    ap.add_argument("--input", type=Path, default=ROOT / "examples" / "interactions.jsonl")
    args = ap.parse_args()

    cxr_bin = TARGET / "release" / "cxr"
    if not cxr_bin.exists():
        print(f"{cxr_bin} is missing: run `cargo build --release -p cxr` first", file=sys.stderr)
        return 1
    lines = [line for line in args.input.read_text().splitlines() if line.strip()]
    dicts = [json.loads(line) for line in lines]
    pipeline = cxr.Pipeline.reference()

    rows = []
    for r in range(args.rounds):
        rust = rust_round(cxr_bin, args.input, args.iterations)
        py_dict = python_round(pipeline, dicts, args.iterations)
        py_text = python_round(pipeline, lines, args.iterations)
        rows.append((rust, py_dict, py_text))
        print(f"round {r + 1}: rust {rust:.1f} µs, python dict {py_dict:.1f} µs, python str {py_text:.1f} µs", file=sys.stderr)

    print(f"{len(dicts)} interactions × {args.iterations} passes per round, one thread, reference pipeline, now = {NOW}\n")
    print("| round | Rust `Pipeline::decide` (µs) | Python `decide(dict)` (µs) | Python `decide(str)` (µs) | dict / Rust | str / Rust |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, (rust, py_dict, py_text) in enumerate(rows, 1):
        print(f"| {i} | {rust:.1f} | {py_dict:.1f} | {py_text:.1f} | {py_dict / rust:.2f} | {py_text / rust:.2f} |")
    med = lambda k: statistics.median(row[k] for row in rows)  # noqa: E731
    ratio = lambda k: statistics.median(row[k] / row[0] for row in rows)  # noqa: E731
    print(f"| median | {med(0):.1f} | {med(1):.1f} | {med(2):.1f} | {ratio(1):.2f} | {ratio(2):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
