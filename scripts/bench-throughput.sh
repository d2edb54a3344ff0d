#!/usr/bin/env bash
# Issue 27's measure: decisions per CPU-second of `cxr route` (reference
# pipeline: all four hooks, default limits, fuel on; one thread) and of the
# Python peer (scripts/peer/) on the same input, in this one run, and their
# ratio. CPU seconds are user + sys from /usr/bin/time, not wall time.
#   scripts/bench-throughput.sh [N]     (default N = 50000)
#   CXR_BASELINE=/path/to/older/cxr scripts/bench-throughput.sh [N]
# With CXR_BASELINE, the older binary (e.g. the previous release's) runs on
# the same input in the same run, interleaved with this one (old, new, old,
# new), and the script checks that both wrote the same decisions apart from
# the trace (plugin hashes, fuel, memory and timings change between builds).
# Two floors run on the same input too: a pipeline with no plugin (reading
# and writing JSON, the fallback decision) and one with the four hooks done
# by a plugin that does no work (tests/plugins/floor: four component calls
# on top). What the reference pipeline costs above the second is what its
# plugins' own work costs.
# The input is N interactions cycled from examples/interactions.jsonl with
# unique ids (scripts/gen-interactions.py). Inputs and outputs go to a mktemp
# directory, removed at the end; the peer's venv is kept in
# target/bench-peer-venv (rebuilt when scripts/peer/requirements.txt changes).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
now=2026-11-22T10:00:00Z
[ -x /usr/bin/time ] || { echo "bench-throughput: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet -p cxr
cargo build --release --quiet -p cxr-e2e   # builds the test plugins, the floor plugin among them
cxr=target/release/cxr
floor_wasm=$PWD/target/wasm-plugins/wasm32-wasip2/release/cxr_bench_floor.wasm
[ -f "$floor_wasm" ] || { echo "bench-throughput: $floor_wasm was not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

venv=target/bench-peer-venv
stamp=$(sha256sum scripts/peer/requirements.txt | cut -c1-16)
if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/peer/requirements.txt
  echo "$stamp" > "$venv/.stamp"
fi

python3 scripts/gen-interactions.py "$n" > "$tmp/in.jsonl"
export CXR_CACHE_DIR="$tmp/cache"
head -100 "$tmp/in.jsonl" > "$tmp/warm.jsonl"
"$cxr" route --quiet --jobs 1 --now $now "$tmp/warm.jsonl" > /dev/null   # fill the compile cache

cpu() { # OUT command... -> runs command > OUT; prints its user+sys seconds
  local out=$1; shift
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" > "$out"
  awk '{printf "%.2f", $1 + $2}' "$tmp/time"
}
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${CXR_BASELINE:-}" ]; then
  [ -x "$CXR_BASELINE" ] || { echo "bench-throughput: CXR_BASELINE=$CXR_BASELINE is not an executable" >&2; exit 1; }
  "$CXR_BASELINE" route --quiet --jobs 1 --now $now "$tmp/warm.jsonl" > /dev/null   # its compile cache
  base1=$(cpu "$tmp/base.jsonl" "$CXR_BASELINE" route --quiet --jobs 1 --now $now "$tmp/in.jsonl")
  new1=$(cpu "$tmp/cxr.jsonl" "$cxr" route --quiet --jobs 1 --now $now "$tmp/in.jsonl")
  base2=$(cpu "$tmp/base.jsonl" "$CXR_BASELINE" route --quiet --jobs 1 --now $now "$tmp/in.jsonl")
  python3 - "$tmp/base.jsonl" "$tmp/cxr.jsonl" <<'PY'
import json, sys
a, b = (open(p, encoding="utf-8") for p in sys.argv[1:3])
from collections import Counter
differ, fields = 0, Counter()
for x, y in zip(a, b):
    x, y = json.loads(x), json.loads(y)
    for d in (x, y):
        d.pop("trace", None)
    differ += x != y
    fields.update(k for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k))
print(f"baseline and this build: {differ} decisions differ apart from the trace")
if differ:
    print("  in: " + ", ".join(f"{k} {v}" for k, v in fields.most_common()))
PY
fi
cxr_cpu=$(cpu "$tmp/cxr.jsonl" "$cxr" route --quiet --jobs 1 --now $now "$tmp/in.jsonl")
printf 'name = "no-plugin"\ninstance_mode = "reuse"\n' > "$tmp/empty.toml"
{ echo 'name = "floor"'; echo 'instance_mode = "reuse"'
  for t in '[sentiment]' '[[classifiers]]' '[priority]' '[[routers]]'; do echo "$t"; echo "plugin = \"$floor_wasm\""; done; } > "$tmp/floor.toml"
"$cxr" route --quiet --jobs 1 --now $now --pipeline "$tmp/floor.toml" "$tmp/warm.jsonl" > /dev/null   # its compile cache
empty_cpu=$(cpu "$tmp/empty.jsonl" "$cxr" route --quiet --jobs 1 --now $now --pipeline "$tmp/empty.toml" "$tmp/in.jsonl")
floor_cpu=$(cpu "$tmp/floor.jsonl" "$cxr" route --quiet --jobs 1 --now $now --pipeline "$tmp/floor.toml" "$tmp/in.jsonl")
peer_cpu=$(cpu "$tmp/peer.jsonl" "$venv/bin/python" scripts/peer/peer.py "$tmp/in.jsonl" $now)
# Both must have written exactly one decision per interaction.
cxr_n=$(wc -l < "$tmp/cxr.jsonl"); peer_n=$(wc -l < "$tmp/peer.jsonl")
[ "$cxr_n" -eq "$n" ] && [ "$peer_n" -eq "$n" ] || { echo "decisions: cxr $cxr_n, peer $peer_n, expected $n" >&2; exit 1; }
for f in empty floor; do
  [ "$(wc -l < "$tmp/$f.jsonl")" -eq "$n" ] || { echo "decisions: the $f pipeline wrote $(wc -l < "$tmp/$f.jsonl"), expected $n" >&2; exit 1; }
done
# The floor plugin must really have decided (no fallback, no error).
fell=$(grep -c -e '"fallback":true' -e '"error":"' "$tmp/floor.jsonl" || true)
[ "$fell" -eq 0 ] || { echo "bench-throughput: the floor pipeline fell back or failed on $fell interactions" >&2; exit 1; }
same=$(python3 - "$tmp/cxr.jsonl" "$tmp/peer.jsonl" <<'PY'
import json, sys
a, b = (open(p, encoding="utf-8") for p in sys.argv[1:3])
same = sum(json.loads(x)["route"]["queue"] == json.loads(y)["route"]["queue"] for x, y in zip(a, b))
print(same)
PY
)
python3 - "$n" "$cxr_cpu" "$peer_cpu" "$same" <<'PY'
import sys
n, c, p, same = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rc, rp = n / c, n / p
print(f"cxr route --jobs 1: {n} decisions in {c:.2f} CPU s = {rc:,.0f} decisions per CPU-second ({1e6 / rc:.0f} us each)")
print(f"Python peer:        {n} decisions in {p:.2f} CPU s = {rp:,.0f} decisions per CPU-second ({1e6 / rp:.0f} us each)")
print(f"ratio cxr / peer: {rc / rp:.2f}x per CPU-second (same queue as cxr: {100 * same / n:.0f}% of decisions)")
PY
python3 - "$n" "$empty_cpu" "$floor_cpu" "$cxr_cpu" <<'PY'
import sys
n = int(sys.argv[1]); e, f, c = map(float, sys.argv[2:5])
us = lambda s: 1e6 * s / n
print(f"floor, no plugin (JSON in and out, fallback):  {n / e:,.0f} decisions per CPU-second ({us(e):.1f} us each)")
print(f"floor, four hooks doing nothing (+ 4 calls):   {n / f:,.0f} decisions per CPU-second ({us(f):.1f} us each; {us(f - e) / 4:.1f} us per call)")
print(f"reference pipeline above that floor (the plugins' own work): {us(c - f):.1f} us per decision")
PY
if [ -n "${CXR_BASELINE:-}" ]; then
  python3 - "$n" "$base1" "$base2" "$new1" "$cxr_cpu" <<'PY'
import sys
n = int(sys.argv[1]); b1, b2, c1, c2 = map(float, sys.argv[2:6])
print(f"baseline: {n / b1:,.0f} and {n / b2:,.0f} decisions per CPU-second; this build: {n / c1:,.0f} and {n / c2:,.0f}")
print(f"this build / baseline: {(b1 + b2) / (c1 + c2):.2f}x decisions per CPU-second (old, new, old, new in this run)")
PY
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
