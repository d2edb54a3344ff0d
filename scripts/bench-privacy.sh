#!/usr/bin/env bash
# The cost of [privacy] per decision, measured with `cxr bench --baseline`:
# the reference pipeline with [privacy] (every built-in kind) against the
# reference pipeline itself, decision by decision in alternating order in
# one run, on two inputs:
#   - examples/interactions.jsonl (72 samples, little personal data);
#   - PII-dense messages: each holds a card number, an IBAN, an e-mail
#     address, a phone number and a number that is not personal data, in
#     the formats of tests/privacy/tuning.jsonl (made here from it).
# Prints the ratio of the per-decision p50 and mean (private / reference).
# Usage: scripts/bench-privacy.sh [ITERATIONS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
cargo build --release --quiet -p cxr
cxr="$PWD/target/release/cxr"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The reference pipeline (built-in plugins only) with [privacy].
sed 's/^name = "reference"/name = "reference-private"/' examples/pipeline.toml >"$work/private.toml"
printf '\n[privacy]\nmask = ["card", "iban", "email", "phone"]\n' >>"$work/private.toml"

python3 - "$work/dense.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open("tests/privacy/tuning.jsonl", encoding="utf-8")]
by = {}
for r in rows:
    by.setdefault(r["labels"][0]["kind"], []).append(r["text"])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(200):
        parts = [by[k][i % len(by[k])] for k in ("card", "iban", "email", "phone", "none")]
        out.write(json.dumps({"id": f"D-{i}", "channel": "chat", "body": " ".join(parts)}, ensure_ascii=False) + "\n")
PY

for input in examples/interactions.jsonl "$work/dense.jsonl"; do
    echo "== $(basename "$input"): private vs reference, $n rounds, one thread"
    "$cxr" bench --pipeline "$work/private.toml" --baseline examples/pipeline.toml -n "$n" --quiet "$input" | grep -iE "baseline|ratio|p50|decisions per second" || true
done
