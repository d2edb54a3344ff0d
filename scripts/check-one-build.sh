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

list() {  # list NAME CARGO-ARGS...: "crate@version kind:target file" for each crates.io artifact
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
    kind = ",".join(m["target"]["kind"])
    for f in m["filenames"]:
        # Build scripts live in build/<crate>-<hash>/; libraries are deps/lib<crate>-<hash>.rlib.
        rows.add(f"{crate} {kind}:{m['target']['name']} {os.path.basename(os.path.dirname(f)) if kind == 'custom-build' else os.path.basename(f)}")
open(sys.argv[2], "w").write("".join(r + "\n" for r in sorted(rows)))
PY
}

list cli build --release -p cxr
list workspace test --release --workspace --no-run
PYO3_BUILD_EXTENSION_MODULE=1 list python build --release -p cxr-python --lib

python3 - "$out" <<'PY'
import collections, sys
runs = {}
for name in ("cli", "workspace", "python"):
    by_crate = collections.defaultdict(set)
    for row in open(f"{sys.argv[1]}/{name}.txt"):
        crate, target, file = row.split()
        by_crate[crate].add(file)
    runs[name] = by_crate
shared = bad = 0
crates = set().union(*runs.values())
for crate in sorted(crates):
    seen = {name: files for name, by in runs.items() if (files := by.get(crate))}
    if len(seen) < 2:
        continue
    shared += 1
    if len({frozenset(f) for f in seen.values()}) > 1:
        bad += 1
        print(f"compiled more than once: {crate}")
        for name, files in seen.items():
            print(f"  {name:9} {' '.join(sorted(files))}")
wasmtime = [c for c in crates if c.startswith("wasmtime@")]
builds = {frozenset(r[c]) for c in wasmtime for r in runs.values() if c in r}
print(f"{shared} crates.io dependencies shared by the CLI, workspace-test and Python builds; "
      f"{bad} compiled more than once; wasmtime compiled {len(builds)} time(s)")
sys.exit(1 if bad else 0)
PY
