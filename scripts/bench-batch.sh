#!/usr/bin/env bash
# Batch figures for docs/performance.md, each measured in this one run:
#  1. `cxr route` throughput on a generated input (JSON in and out included),
#     on 1 thread and on all cores, as interactions per second per core;
#  2. cold start to first decision with and without the compile cache;
#  3. peak RSS streaming 100k vs 1M interactions.
#   scripts/bench-batch.sh            (1M takes a few minutes on 2 cores)
#   SMALL=1 scripts/bench-batch.sh    (10k / 100k instead of 100k / 1M)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --workspace
cxr=target/release/cxr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${SMALL:-}" ]; then small=10000; large=100000; else small=100000; large=1000000; fi
now=2026-11-22T10:00:00Z
cores=$(nproc)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores"

python3 scripts/gen-interactions.py "$small" > "$tmp/small.jsonl"
python3 scripts/gen-interactions.py "$large" > "$tmp/large.jsonl"
one_k="$tmp/one_k.jsonl"
head -1000 "$tmp/small.jsonl" > "$one_k"
export CXR_CACHE_DIR="$tmp/cache"
"$cxr" route --quiet "$tmp/small.jsonl" --now $now > /dev/null   # warm the compile cache

rate() { # threads file -> interactions/s
  local start end
  start=$(date +%s.%N)
  "$cxr" route --quiet -j "$1" "$2" --now $now > /dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$3 / ($end - $start):.0f}')"
}
r1=$(rate 1 "$tmp/small.jsonl" "$small")
rn=$(rate "$cores" "$tmp/small.jsonl" "$small")
echo "route throughput, $small interactions: 1 thread ${r1}/s; $cores threads ${rn}/s = $(python3 -c "print(f'{$rn/$cores:.0f}')")/s per core (scaling $(python3 -c "print(f'{$rn/$r1:.2f}')")x)"

# The same pipeline in isolate mode (a fresh instance per interaction).
sed 's/^instance_mode = "reuse"/instance_mode = "isolate"/' examples/pipeline.toml > "$tmp/isolate.toml"
grep -q '^instance_mode = "isolate"' "$tmp/isolate.toml"
"$cxr" route --quiet --pipeline "$tmp/isolate.toml" "$one_k" --now $now > /dev/null   # warm the cache for it too
start=$(date +%s.%N)
"$cxr" route --quiet -j 1 --pipeline "$tmp/isolate.toml" "$tmp/small.jsonl" --now $now > /dev/null
end=$(date +%s.%N)
ri=$(python3 -c "print(f'{$small / ($end - $start):.0f}')")
echo "route throughput, isolate mode, 1 thread: ${ri}/s ($(python3 -c "print(f'{$r1/$ri:.2f}')")x slower than reuse)"

one="$tmp/one.jsonl"
head -1 examples/interactions.jsonl > "$one"
cold() { # repeat the first-decision run 10 times; median ms
  for _ in $(seq 10); do
    local s e
    s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | sort -n | sed -n 5p
}
with=$(cold "$cxr" route --quiet "$one" --now $now)
without=$(CXR_CACHE=off cold "$cxr" route --quiet "$one" --now $now)
echo "cold start to first decision: ${with} ms with the cache, ${without} ms without (ratio $(python3 -c "print(f'{$without/max($with,1):.1f}')")x)"
iso=$(cold "$cxr" route --quiet --pipeline "$tmp/isolate.toml" "$one" --now $now)
echo "cold start to first decision, isolate mode (snapshots built at load), with the cache: ${iso} ms"

rss() { /usr/bin/time -f '%M' "$cxr" route --quiet "$1" --now $now 2>&1 >/dev/null | tail -1; }
rs=$(rss "$tmp/small.jsonl")
rl=$(rss "$tmp/large.jsonl")
echo "peak RSS streaming: $small -> $((rs/1024)) MiB, $large -> $((rl/1024)) MiB (ratio $(python3 -c "print(f'{$rl/$rs:.3f}')"))"
