#!/usr/bin/env bash
# The Python priority plugin against the Rust one (plugins/priority), for
# docs/performance.md: size, first compile, per-call p50 and the whole
# decision in reuse and isolate modes, each pair timed in one interleaved
# `cxr bench` run (--baseline). Build the component first
# (python -m cxr_plugin build) and the cxr binary (cargo build --release).
#
#   kits/python/examples/priority/bench.sh [ITERATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
cxr=${CXR_BIN:-$repo/target/release/cxr}
wasm=${CXR_PRIORITY_WASM:-$here/build/cxr_priority_py.wasm}
iterations=${1:-20}
input=$repo/examples/interactions.jsonl
now=2026-11-22T10:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$cxr" "$wasm" "$input"; do
    [ -f "$f" ] || { echo "missing: $f" >&2; exit 1; }
done

# One pipeline per language and instance mode: the built-in sentiment,
# classifier and router, and the priority plugin under test.
pipeline() { # NAME PRIORITY_PLUGIN MODE
    cat >"$tmp/$1.toml" <<TOML
name = "$1"
instance_mode = "$3"
[sentiment]
plugin = "builtin:sentiment"
[[classifiers]]
plugin = "builtin:classify"
[priority]
plugin = "$2"
[[routers]]
plugin = "builtin:router"
TOML
}
pipeline python-reuse "$wasm" reuse
pipeline rust-reuse builtin:priority reuse
pipeline python-isolate "$wasm" isolate
pipeline rust-isolate builtin:priority isolate

echo "== size"
echo "python: $(stat -c %s "$wasm") bytes"
echo "rust:   $("$cxr" inspect builtin:priority | awk '/^size:/ {print $2}') bytes"

echo "== first compile (no compile cache; wall and CPU seconds)"
for plugin in "$wasm" builtin:priority; do
    /usr/bin/env time -f "$plugin: %e s wall, %U+%S s CPU" env CXR_CACHE=off "$cxr" inspect "$plugin" >/dev/null
done

# Warm the compile cache (and the isolate snapshots) so the runs below time decisions only.
for p in python-reuse rust-reuse python-isolate rust-isolate; do
    "$cxr" route --quiet --pipeline "$tmp/$p.toml" "$input" >/dev/null
done

echo "== reuse: python vs rust, one interleaved run"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/python-reuse.toml" --baseline "$tmp/rust-reuse.toml" "$input"
echo "== per hook, rust pipeline (the run right after; the table above has python's)"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/rust-reuse.toml" "$input" | grep -E '^(hook|priority) '
echo "== isolate: python vs rust, one interleaved run"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/python-isolate.toml" --baseline "$tmp/rust-isolate.toml" "$input"
echo "== isolate against reuse, python"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/python-isolate.toml" --baseline "$tmp/python-reuse.toml" "$input" | tail -1
