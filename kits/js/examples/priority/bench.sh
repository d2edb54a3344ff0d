#!/usr/bin/env bash
# The TypeScript priority plugin, built with each engine, against the Rust
# one (plugins/priority), for docs/performance.md: size, first compile,
# per-call p50 and the whole decision in reuse and isolate modes, each pair
# timed in one interleaved `cxr bench` run (--baseline).
#
# Build the components first: `npm run build` (QuickJS, dist/cxr-priority-ts.wasm)
# and, with componentize-js installed (kits/js/README.md),
# `npx cxr-plugin build --engine starlingmonkey --out dist/cxr-priority-ts-sm.wasm`;
# and the cxr binary (cargo build --release).
#
#   kits/js/examples/priority/bench.sh [ITERATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
cxr=${CXR_BIN:-$repo/target/release/cxr}
iterations=${1:-20}
input=$repo/examples/interactions.jsonl
now=2026-11-22T10:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A wasm=([quickjs]=$here/dist/cxr-priority-ts.wasm [starlingmonkey]=$here/dist/cxr-priority-ts-sm.wasm)

for f in "$cxr" "${wasm[quickjs]}" "${wasm[starlingmonkey]}" "$input"; do
    [ -f "$f" ] || { echo "missing: $f" >&2; exit 1; }
done

# One pipeline per plugin and instance mode: the built-in sentiment,
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
for mode in reuse isolate; do
    pipeline "rust-$mode" builtin:priority "$mode"
    for engine in quickjs starlingmonkey; do pipeline "$engine-$mode" "${wasm[$engine]}" "$mode"; done
done

echo "== size"
for engine in quickjs starlingmonkey; do echo "$engine: $(stat -c %s "${wasm[$engine]}") bytes"; done
echo "rust: $("$cxr" inspect builtin:priority | awk '/^size:/ {print $2}') bytes"

echo "== first compile (no compile cache; wall and CPU seconds)"
for plugin in "${wasm[quickjs]}" "${wasm[starlingmonkey]}" builtin:priority; do
    /usr/bin/env time -f "$(basename "$plugin"): %e s wall, %U+%S s CPU" env CXR_CACHE=off "$cxr" inspect "$plugin" >/dev/null
done

# Warm the compile cache (and the isolate snapshots) so the runs below time decisions only.
for mode in reuse isolate; do
    for p in rust quickjs starlingmonkey; do "$cxr" route --quiet --pipeline "$tmp/$p-$mode.toml" "$input" >/dev/null; done
done

for mode in reuse isolate; do
    for engine in quickjs starlingmonkey; do
        echo "== $mode: $engine vs rust, one interleaved run"
        "$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/$engine-$mode.toml" --baseline "$tmp/rust-$mode.toml" "$input"
    done
done
echo "== per hook, rust pipeline (reuse)"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/rust-reuse.toml" "$input" | grep -E '^(hook|priority) '
for engine in quickjs starlingmonkey; do
    echo "== isolate against reuse, $engine"
    "$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/$engine-isolate.toml" --baseline "$tmp/$engine-reuse.toml" "$input" | tail -1
done
