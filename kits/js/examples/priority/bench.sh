#!/usr/bin/env bash
# The TypeScript priority plugin, built with each engine, against the Rust
# one (plugins/priority), for docs/performance.md; the measuring is
# scripts/bench-priority-port.sh's.
#
# Build the components first: `npm run build` (QuickJS, dist/cxr-priority-ts.wasm)
# and, with componentize-js installed (kits/js/README.md),
# `npx cxr-plugin build --engine starlingmonkey --out dist/cxr-priority-ts-sm.wasm`;
# and the cxr binary (cargo build --release).
#
#   kits/js/examples/priority/bench.sh [ITERATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../../../scripts/bench-priority-port.sh" -n "${1:-20}" \
    quickjs="$here/dist/cxr-priority-ts.wasm" \
    starlingmonkey="$here/dist/cxr-priority-ts-sm.wasm"
