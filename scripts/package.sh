#!/usr/bin/env bash
# Packages the crates users depend on, in dependency order, and verifies
# each (cargo builds every packaged crate on its own, against the packages
# made before it, as if they came from crates.io).
#
# Usage: scripts/package.sh [--no-verify | --components-only] [--offline]
#   --components-only  only put the prebuilt components in host/reference-plugins/
#                      (what the Python sdist needs too)
# Output: the .crate files, listed at the end (cargo writes them to
# TARGET/package/, TARGET being the verification's target dir).
# Environment: CXR_PACKAGE_TARGET_DIR, the target dir of the verification
#              builds (default target/package-verify; they use cargo's dev
#              profile, a build of their own).
#
# cxr-host embeds the reference plugins as wasm components. In this
# repository its build script compiles them from plugins/*; a packaged
# cxr-host has no plugin sources, so it carries the components prebuilt in
# host/reference-plugins/. This script first builds them from source (the
# same build `cargo build --release` does) and copies them there, with
# their sha256, so the package always holds the components of these sources.
# It writes only under target/ and host/reference-plugins/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
verify=1
components_only=0
offline=()
for arg in "$@"; do
    case "$arg" in
        --no-verify) verify=0 ;;
        --components-only) components_only=1 ;;
        --offline) offline=(--offline) ;;
        *) echo "usage: scripts/package.sh [--no-verify | --components-only] [--offline]" >&2; exit 2 ;;
    esac
done

# The crates a user depends on, and the ones they need (cargo packages them
# in dependency order). Test-only crates and the Python bindings (PyPI) are
# publish = false.
packages=(cxr-text cxr-guest cxr-model cxr-wasm-build cxr-workspace-hack cxr-host cxr-ops cxr-fleet cxr-serve cxr-worker cxr
          cxr-sentiment cxr-classify cxr-priority cxr-router)

# 1. The reference components, from source.
# The workspace's metadata, read once: the target dir here, each package's
# version at the end.
metadata=$(cargo metadata --format-version 1 --no-deps "${offline[@]}")
target_dir=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' <<<"$metadata")
echo "building the reference plugins from source (cargo build --release -p cxr-host)" >&2
cargo build --release --quiet "${offline[@]}" -p cxr-host
built="$target_dir/wasm-plugins/wasm32-wasip2/release"
dest=host/reference-plugins
for p in sentiment classify priority router; do
    cp "$built/cxr_$p.wasm" "$dest/cxr_$p.wasm"
done
(cd "$dest" && sha256sum cxr_*.wasm > SHA256SUMS)
echo "host/reference-plugins/:" >&2
sed 's/^/  /' "$dest/SHA256SUMS" >&2
[ "$components_only" = 1 ] && exit 0

# 2. Package (and verify) in dependency order. --allow-dirty: the prebuilt
# components are not tracked by git (they are build outputs).
args=(package --allow-dirty "${offline[@]}")
for p in "${packages[@]}"; do args+=(-p "$p"); done
if [ "$verify" = 1 ]; then
    # Verification builds use the dev profile; without debug info they are
    # much faster and smaller, and nothing reads it.
    export CARGO_PROFILE_DEV_DEBUG=false
    args+=(--target-dir "${CXR_PACKAGE_TARGET_DIR:-$target_dir/package-verify}")
else
    args+=(--no-verify)
fi
cargo "${args[@]}"

# cargo writes the .crate files under the target dir it was given. List
# each package's current version only: the directory keeps the packages of
# earlier versions (cxr-guest has a version of its own, ahead of the rest).
crates_dir="${CXR_PACKAGE_TARGET_DIR:-$target_dir/package-verify}/package"
[ "$verify" = 1 ] || crates_dir="$target_dir/package"
echo "packages:" >&2
python3 -c '
import json, sys
versions = {p["name"]: p["version"] for p in json.load(sys.stdin)["packages"]}
crates_dir, names = sys.argv[1], sys.argv[2:]
for name in names:
    print(f"{crates_dir}/{name}-{versions[name]}.crate")
' "$crates_dir" "${packages[@]}" <<<"$metadata" | while read -r f; do
    [ -f "$f" ] || { echo "scripts/package.sh: cargo made no $f" >&2; exit 1; }
    echo "$f"
done
