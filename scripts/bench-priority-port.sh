#!/usr/bin/env bash
# A port of the reference priority plugin (plugins/priority) against the
# Rust one, for docs/performance.md: size, first compile, per-call p50 and
# the whole decision in reuse and isolate modes, each pair timed in one
# interleaved `cxr bench` run (--baseline). The kits' bench.sh scripts
# (kits/js, kits/python) call this with their built components.
#
#   scripts/bench-priority-port.sh [-n ITERATIONS] NAME=COMPONENT.wasm...
#
# CXR_BIN names the cxr binary (default: target/release/cxr of this checkout).
# Writes only under a temporary directory, removed on exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cxr=${CXR_BIN:-$repo/target/release/cxr}
iterations=20
if [ "${1:-}" = "-n" ]; then iterations=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [-n ITERATIONS] NAME=COMPONENT.wasm..." >&2; exit 2; }
input=$repo/examples/interactions.jsonl
now=2026-11-22T10:00:00Z
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A wasm=()
names=()
for pair in "$@"; do
    name=${pair%%=*} path=${pair#*=}
    [ "$name" != "$pair" ] && [ "$name" != rust ] || { echo "not NAME=COMPONENT.wasm (NAME not 'rust'): $pair" >&2; exit 2; }
    wasm[$name]=$path
    names+=("$name")
done
for f in "$cxr" "${wasm[@]}" "$input"; do
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
    for name in "${names[@]}"; do pipeline "$name-$mode" "${wasm[$name]}" "$mode"; done
done

echo "== size"
for name in "${names[@]}"; do echo "$name: $(stat -c %s "${wasm[$name]}") bytes"; done
echo "rust: $("$cxr" inspect builtin:priority | awk '/^size:/ {print $2}') bytes"

echo "== first compile (no compile cache; wall and CPU seconds)"
for plugin in "${wasm[@]}" builtin:priority; do
    /usr/bin/env time -f "$(basename "$plugin"): %e s wall, %U+%S s CPU" env CXR_CACHE=off "$cxr" inspect "$plugin" >/dev/null
done

# Warm the compile cache (and the isolate snapshots) so the runs below time decisions only.
for mode in reuse isolate; do
    for p in rust "${names[@]}"; do "$cxr" route --quiet --pipeline "$tmp/$p-$mode.toml" "$input" >/dev/null; done
done

for mode in reuse isolate; do
    for name in "${names[@]}"; do
        echo "== $mode: $name vs rust, one interleaved run"
        "$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/$name-$mode.toml" --baseline "$tmp/rust-$mode.toml" "$input"
    done
done
echo "== per hook, rust pipeline (reuse)"
"$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/rust-reuse.toml" "$input" | grep -E '^(hook|priority) '
for name in "${names[@]}"; do
    echo "== isolate against reuse, $name"
    "$cxr" bench --quiet --now "$now" -n "$iterations" --pipeline "$tmp/$name-isolate.toml" --baseline "$tmp/$name-reuse.toml" "$input" | tail -1
done
