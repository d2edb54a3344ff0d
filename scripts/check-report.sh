#!/usr/bin/env bash
# Renders the HTML reports of `cxr route --report` and `cxr diff --report` in
# headless Chromium, takes a screenshot of each, and fails when a page logs
# a console error or asks for anything outside itself.
#
#   scripts/check-report.sh [OUT_DIR]      (default: target/report-check)
#
# Installs Debian's `chromium` package when it is missing (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-target/report-check}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

fail() {
    echo "check-report: $*" >&2
    exit 1
}

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "check-report: installing chromium"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    browser="$(command -v chromium)" || fail "chromium did not install"
fi

cargo build --release --quiet -p cxr
cxr=target/release/cxr

# The route report over the sample interactions.
"$cxr" route examples/interactions.jsonl --now 2026-11-22T10:00:00Z --quiet \
    -o "$out/decisions.jsonl" --report "$out/route-report.html"

# The diff report: the reference pipeline against one with an extra rule.
{
    cat examples/pipeline.toml
    cat <<'EOF'

[[routers.config.rules]]
name = "parcel-desk"
when = { keywords = ["parcel", "delivery", "package", "colis", "paquete", "paket"] }
then = { queue = "parcel-desk", discipline = "service", actions = ["survey"] }
EOF
} >"$out/candidate.toml"
"$cxr" diff --base builtin --candidate "$out/candidate.toml" examples/interactions.jsonl \
    --quiet --report "$out/diff-report.html" >/dev/null

# Renders PAGE into PNG; fails on console errors, failed loads or a missing screenshot.
render() {
    local page="$1" png="$2" height="$3"
    local profile log
    profile="$(mktemp -d)"
    log="$out/$(basename "$png" .png).log"
    rm -f "$png"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        --hide-scrollbars --window-size="1280,$height" \
        --screenshot="$png" "file://$page" >"$log" 2>&1 || {
        cat "$log" >&2
        rm -rf "$profile"
        return 1
    }
    rm -rf "$profile"
    if grep -E "Uncaught|ERROR:CONSOLE|CONSOLE.*[Ee]rror|net::ERR_|Refused to" "$log" >&2; then
        return 1
    fi
    [ -s "$png" ] || { echo "no screenshot written for $page" >&2; return 1; }
}

# The check must be able to fail: a page with a script error has to be caught.
cat >"$out/broken.html" <<'EOF'
<!DOCTYPE html><html><body><p>broken on purpose</p><script>undefinedFunction();</script></body></html>
EOF
if render "$out/broken.html" "$out/broken.png" 300 2>/dev/null; then
    fail "a page with a script error passed: console errors are not being detected"
fi

for name in route-report diff-report; do
    page="$out/$name.html"
    if grep -Eiq '<(script|link|iframe|img)\b|url\(|https?://' "$page"; then
        fail "$page refers to something outside itself (script, link, image or URL)"
    fi
    height=2900
    [ "$name" = diff-report ] && height=2300
    render "$page" "$out/$name.png" "$height" || fail "$page: console errors or failed loads (see $out/$name.log)"
    echo "check-report: $page ok, screenshot $out/$name.png"
done
