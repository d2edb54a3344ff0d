#!/usr/bin/env bash
# One build of every dependency. The README's two commands
# (`cargo run --release -- route ...`, i.e. `cargo build --release -p cxr`,
# then `cargo test --release --workspace`) and the Python package's build
# (maturin runs `cargo rustc --release` on host/python alone) must compile
# each crates.io dependency -- wasmtime above all -- with one feature set,
# hence once. Cargo names each compiled crate with a hash of its version,
# features, dependencies and profile; this script asks cargo for the files
# of each of the three builds (`--message-format=json`) and fails when a
# dependency that two of them share was compiled to different files,
# naming it. It builds what is not built yet (in CI everything is, by then,
# and it only checks).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

list() {  # list NAME CARGO-ARGS...: "crate@version side file" for each crates.io artifact
    local name=$1
    shift
    echo "cargo $* ..." >&2
    cargo "$@" --message-format=json-render-diagnostics >"$out/$name.json"
    python3 - "$out/$name.json" "$out/$name.txt" <<'PY'
import json, os, sys
rows = set()
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") != "compiler-artifact" or not m["package_id"].startswith("registry+"):
        continue
    crate = m["package_id"].rsplit("#", 1)[-1]
    # Build scripts and proc macros (and their dependencies) are compiled
    # for the host with the build-override profile: another build of the
    # crate by design, never shared with the target's.
    side = "target" if m["profile"]["opt_level"] == "3" else "host"
    for f in m["filenames"]:
        # A library is deps/lib<crate>-<hash>.rlib, a build script build/<crate>-<hash>/.
        key = os.path.basename(os.path.dirname(f)) if "custom-build" in m["target"]["kind"] else os.path.basename(f)
        rows.add(f"{crate} {side} {key}")
open(sys.argv[2], "w").write("".join(r + "\n" for r in sorted(rows)))
PY
}

list cli build --release -p cxr
list workspace test --release --workspace --no-run
PYO3_BUILD_EXTENSION_MODULE=1 list python build --release -p cxr-python --lib

python3 - "$out" <<'PY'
import collections, sys
built = collections.defaultdict(set)   # (crate, side) -> files built by the runs so far
again = collections.defaultdict(list)
for name in ("cli", "workspace", "python"):
    files = collections.defaultdict(set)
    for row in open(f"{sys.argv[1]}/{name}.txt"):
        crate, side, file = row.split()
        files[(crate, side)].add(file)
    for key, fs in files.items():
        if built[key] and fs - built[key]:
            again[key].append(name)
        built[key] |= fs
for (crate, side), names in sorted(again.items()):
    print(f"compiled again ({side}) by the {' and '.join(names)} build: {crate}")
# A build script or proc macro that only one build has may need a host
# variant of a crate that the earlier builds compiled differently (pyo3's
# build configuration and target-lexicon): a small extra compile, reported
# above but not a failure. What must never happen is compiling a crate
# again for the target: that is what rebuilt wasmtime and everything above it.
target_again = [crate for (crate, side) in again if side == "target"]
wasmtime = sum(1 for (crate, side), fs in built.items() if crate.startswith("wasmtime@") and side == "target"
               for f in fs if f.endswith(".rlib"))
print(f"{len(built)} crates.io dependencies built by the CLI, workspace-test and Python builds; "
      f"{len(target_again)} compiled again for the target; wasmtime compiled {wasmtime} time(s)")
sys.exit(1 if target_again or wasmtime != 1 else 0)
PY
