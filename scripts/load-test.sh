#!/usr/bin/env bash
# Load figures for `cxr serve` on loopback: requests/s and p50/p99 latency of
# POST /v1/decide at several concurrencies (wrk, closed loop, one fixed
# interaction), checked for zero errors (no 503: requests beyond the decision
# slots wait in the queue) and for p99 within the deadline, with the mean
# wait for a slot (from /metrics), beside the in-process figure of
# Pipeline::decide on the same interaction and the ratio between them.
#
# Usage: scripts/load-test.sh
# Environment: RUN_SECONDS (per run, default 10), CONCURRENCY (default "1 16 64"),
#              PORT (default 18080), BODY (default examples/one.json),
#              SERVE_ARGS (extra `cxr serve` options; default none: the defaults).
# Traffic goes to 127.0.0.1 only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_SECONDS=${RUN_SECONDS:-10}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
PORT=${PORT:-18080}
BODY=${BODY:-examples/one.json}
CORES=$(nproc)

if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --quiet -p cxr
cargo build --release --quiet -p cxr-serve --example inprocess

load_before=$(cut -d' ' -f1 /proc/loadavg)
work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# wrk posts the interaction and prints one machine-readable line at the end.
cat > "$work/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("CXR_BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT requests=%d duration_us=%d socket_errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
        summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
        latency:percentile(50), latency:percentile(99)))
end
LUA
export CXR_BODY_FILE="$PWD/$BODY"

# Default settings: 4 decision slots per core, 64 queue places per core, a
# 2000 ms deadline; requests beyond the slots wait for one.
DEADLINE_MS=2000
# shellcheck disable=SC2086
target/release/cxr serve --listen "127.0.0.1:$PORT" ${SERVE_ARGS:-} >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 600); do
    grep -q "listening on" "$work/serve.out" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; echo "cxr serve did not start" >&2; exit 1; }
    sleep 0.1
done
grep -q "listening on" "$work/serve.out" || { echo "cxr serve did not listen within 60 s" >&2; exit 1; }
url="http://127.0.0.1:$PORT/v1/decide"

# Warm up the instance pools.
wrk -t1 -c4 -d2s -s "$work/post.lua" "$url" >/dev/null

field() { sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" <<<"$2"; }
# A series of /metrics (0 when absent).
scrape() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v s="$1" '$1 == s { print $2; found=1 } END { if (!found) print 0 }'; }

declare -A rps p50 p99 errs wait_ms
failed=0
for c in $CONCURRENCY; do
    threads=$(( c < CORES ? c : CORES ))
    wait_sum=$(scrape cxr_decide_queue_wait_seconds_sum)
    wait_count=$(scrape cxr_decide_queue_wait_seconds_count)
    out=$(wrk -t"$threads" -c"$c" -d"${RUN_SECONDS}s" --timeout 5s -s "$work/post.lua" "$url")
    line=$(grep '^RESULT' <<<"$out")
    requests=$(field requests "$line")
    duration=$(field duration_us "$line")
    errors=$(( $(field socket_errors "$line") + $(field non2xx "$line") ))
    rps[$c]=$(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    p50[$c]=$(awk -v v="$(field p50_us "$line")" 'BEGIN { printf "%.2f", v / 1000 }')
    p99[$c]=$(awk -v v="$(field p99_us "$line")" 'BEGIN { printf "%.2f", v / 1000 }')
    errs[$c]=$errors
    wait_ms[$c]=$(awk -v s0="$wait_sum" -v n0="$wait_count" -v s1="$(scrape cxr_decide_queue_wait_seconds_sum)" \
        -v n1="$(scrape cxr_decide_queue_wait_seconds_count)" 'BEGIN { n = n1 - n0; printf "%.2f", (n > 0 ? (s1 - s0) / n * 1000 : 0) }')
    echo "concurrency $c: $requests requests, ${rps[$c]}/s, p50 ${p50[$c]} ms, p99 ${p99[$c]} ms, mean wait for a slot ${wait_ms[$c]} ms, $errors errors" >&2
    if [ "$errors" -ne 0 ]; then
        echo "$out" >&2
        failed=1
    fi
    if awk -v p="${p99[$c]}" -v d="$DEADLINE_MS" 'BEGIN { exit !(p > d) }'; then
        echo "p99 ${p99[$c]} ms is over the ${DEADLINE_MS} ms deadline" >&2
        failed=1
    fi
done

kill -TERM "$server"
wait "$server" || { echo "cxr serve did not exit cleanly on SIGTERM" >&2; failed=1; }
server=""

# In process: one thread (the baseline for concurrency 1), then every core.
one=$(target/release/examples/inprocess --threads 1 --seconds "$RUN_SECONDS" "$BODY")
all=$(target/release/examples/inprocess --threads "$CORES" --seconds "$RUN_SECONDS" "$BODY")
one_rate=$(field per_sec " $one")
all_rate=$(field per_sec " $all")

echo
echo "Machine: $CORES cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "Command: scripts/load-test.sh (wrk, ${RUN_SECONDS} s per run, body $BODY)"
echo "1-minute load average before the runs: $load_before (other processes competing for the cores)"
echo
echo "Server: cxr serve ${SERVE_ARGS:-(default settings)}"
echo
echo "| concurrency | requests/s | p50 (ms) | p99 (ms) | mean wait for a slot (ms) | errors (503 included) | in-process decisions/s | HTTP / in-process |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in $CONCURRENCY; do
    base=$([ "$c" -eq 1 ] && echo "$one_rate" || echo "$all_rate")
    label=$([ "$c" -eq 1 ] && echo "$base (1 thread)" || echo "$base ($CORES threads)")
    ratio=$(awk -v h="${rps[$c]}" -v b="$base" 'BEGIN { printf "%.2f", h / b }')
    echo "| $c | ${rps[$c]} | ${p50[$c]} | ${p99[$c]} | ${wait_ms[$c]} | ${errs[$c]} | $label | $ratio |"
done
echo
echo "In process: 1 thread: $one"
echo "In process: $CORES threads: $all"
exit "$failed"
