#!/usr/bin/env bash
# The Python package as users get it, away from the checkout: builds the
# abi3 wheel and the sdist with maturin, checks what each carries, installs
# each with pip in a fresh virtualenv under a temporary directory, and from
# there runs a decision and the Python examples of the documentation
# (scripts/check-docs.py, Python blocks) against the installed package. pip
# builds the sdist from the tarball alone, in an empty cargo target dir, as
# on a user's machine: the checkout is not reachable from it (its cxr-host
# carries the reference plugins prebuilt, see scripts/package.sh).
#
# Usage: scripts/check-python-package.sh [--wheel-only]
#   --wheel-only  build both and check their contents, but install only the
#                 wheel (CI: seconds). Installing the sdist compiles wasmtime
#                 from scratch: 14 min of CPU time, 43 min wall on the shared
#                 2-core machine (host/python/README.md), so it is a release
#                 step. (Sharing the checkout's target dir instead is not a
#                 test: cargo hashes workspace crates by their path inside
#                 the workspace, so the sdist's cxr-host was taken as the
#                 checkout's, already built, and its own sources never
#                 compiled.)
# Environment:
#   PYTHON  the python the virtualenvs are made with (default python3)
# Writes under a temporary directory, target/ (maturin in
# target/python-package-tools, the wheel's build) and host/reference-plugins/
# (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
wheel_only=0
for arg in "$@"; do
    case "$arg" in
        --wheel-only) wheel_only=1 ;;
        *) echo "usage: scripts/check-python-package.sh [--wheel-only]" >&2; exit 2 ;;
    esac
done
maturin_version=1.16.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# maturin, pinned, in a virtualenv of its own (idempotent).
tools="$target_dir/python-package-tools"
if ! "$tools/bin/maturin" --version 2>/dev/null | grep -qx "maturin $maturin_version"; then
    "$python" -m venv --clear "$tools"
    "$tools/bin/pip" install --quiet --disable-pip-version-check "maturin==$maturin_version"
fi

# 1. The components the sdist's cxr-host carries instead of plugin sources.
scripts/package.sh --components-only

# 2. The wheel (abi3: one per platform for CPython 3.9 and later) and the sdist.
"$tools/bin/maturin" build --release --manifest-path host/python/Cargo.toml --out "$work/dist"
"$tools/bin/maturin" sdist --manifest-path host/python/Cargo.toml --out "$work/dist"
wheel=$(ls "$work"/dist/*.whl)
sdist=$(ls "$work"/dist/*.tar.gz)
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB) and $(basename "$sdist") ($(du -k "$sdist" | cut -f1) KiB)"
case "$(basename "$wheel")" in
    *-abi3-*) ;;
    *) echo "the wheel is not abi3: $(basename "$wheel")" >&2; exit 1 ;;
esac
fail=0
tar tzf "$sdist" > "$work/sdist.txt"
for needed in host/reference-plugins/cxr_sentiment.wasm host/reference-plugins/cxr_classify.wasm \
              host/reference-plugins/cxr_priority.wasm host/reference-plugins/cxr_router.wasm \
              host/reference-pipeline.toml host/wit/v0.2.0/types.wit Cargo.lock LICENSE NOTICE; do
    grep -q "/$needed\$" "$work/sdist.txt" || { echo "the sdist lacks $needed" >&2; fail=1; }
done
python3 - "$wheel" <<'PY' || fail=1
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
for want in ("LICENSE", "NOTICE"):
    if not any(n.endswith(".dist-info/licenses/" + want) for n in names):
        sys.exit(f"the wheel lacks {want} (dist-info/licenses)")
PY
[ "$fail" = 0 ]

# 3. Each in a fresh virtualenv, installed and used from outside the checkout.
check() {  # check NAME ARTIFACT: install, decide, run the documentation's Python
    local name=$1 artifact=$2 venv="$work/venv-$1"
    "$python" -m venv "$venv"
    echo "pip install -v $(basename "$artifact") into a fresh virtualenv ..."
    # Wall and CPU time (the CPU time is what an idle machine would spend,
    # divided among its cores).
    if ! (cd "$work" && TIMEFORMAT="  installed in %0R s (CPU: %0U s user, %0S s system; load average before: $(cut -d' ' -f1 /proc/loadavg))" \
            && time "$venv/bin/pip" install --disable-pip-version-check -v "$artifact" >"$work/$name-install.log" 2>&1) 2>"$work/$name-time"; then
        tail -60 "$work/$name-install.log" >&2
        echo "installing the $name failed" >&2
        return 1
    fi
    cat "$work/$name-time"
    (cd "$work" && "$venv/bin/python" - "$venv" <<'PY')
import os, sys
import cxr
venv = os.path.realpath(sys.argv[1])
where = os.path.realpath(cxr.__file__)
assert where.startswith(venv + os.sep), f"cxr imported from {where}, not from the virtualenv {venv}"
d = cxr.Pipeline.reference().decide({"id": "T-1", "channel": "email", "body": "I was charged twice for order A123"})
assert d["route"]["queue"] and d["error"] is None, d
print(f"  {where}: T-1 -> {d['route']['queue']} (intent {d['signals'][0]['value']})")
PY
    DOCS_TEST_PYTHON="$venv/bin/python" scripts/check-docs.py --only blocks --lang python
}

check wheel "$wheel"
if [ "$wheel_only" = 1 ]; then
    echo "the wheel installs and runs outside the checkout (the sdist's contents checked; not installed: --wheel-only)"
    exit 0
fi
# The sdist in an empty target dir of its own: everything is compiled from
# the tarball, and its cxr-host must embed the components it carries.
sdist_target="$work/sdist-target"
(export CARGO_TARGET_DIR="$sdist_target"; check sdist "$sdist")
grep -E "Compiling (wasmtime|cxr-host|cxr-python) " "$work/sdist-install.log" | sed 's/^ */  sdist build: /' || true
unpacked=$(sed -n 's/.*Compiling cxr-host v[^ ]* (\(.*\)\/host)$/\1/p' "$work/sdist-install.log" | head -1)
if [ -z "$unpacked" ] || ! grep -lF "CXR_WASM_SENTIMENT=$unpacked/host/reference-plugins/cxr_sentiment.wasm" \
        "$sdist_target"/release/build/cxr-host-*/output >/dev/null 2>&1; then
    echo "the sdist's cxr-host did not use its prebuilt reference plugins" >&2
    exit 1
fi
echo "the wheel and the sdist install and run outside the checkout"
