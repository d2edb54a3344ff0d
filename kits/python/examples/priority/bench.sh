#!/usr/bin/env bash
# The Python priority plugin against the Rust one (plugins/priority), for
# docs/performance.md; the measuring is scripts/bench-priority-port.sh's.
# Build the component first (python -m cxr_plugin build) and the cxr binary
# (cargo build --release).
#
#   kits/python/examples/priority/bench.sh [ITERATIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../../../scripts/bench-priority-port.sh" -n "${1:-20}" \
    python="${CXR_PRIORITY_WASM:-$here/build/cxr_priority_py.wasm}"
