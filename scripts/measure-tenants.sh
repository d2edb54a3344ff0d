#!/usr/bin/env bash
# What a `cxr serve` with many tenants costs, measured in one run
# (docs/performance.md, "Many tenants"):
#  - threads of the process, and how many of them are epoch tickers;
#  - resident memory (VmRSS) after every tenant decided once, and its peak (VmHWM);
#  - CPU time the idle server uses in 10 s (ticker wake-ups);
#  - how long a SIGHUP reload of every tenant takes, and the threads after it.
# Every tenant runs the reference pipeline (examples/pipeline.toml) from
# its own file, so nothing but the tenant count differs between runs.
#   scripts/measure-tenants.sh            (50 tenants)
#   TENANTS=200 scripts/measure-tenants.sh
#   CXR=/path/to/other/cxr scripts/measure-tenants.sh   (compare two builds)
set -euo pipefail
cd "$(dirname "$0")/.."
tenants=${TENANTS:-50}
cxr=${CXR:-target/release/cxr}
if [ -z "${CXR:-}" ]; then
  cargo build --release --quiet -p cxr
fi
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/tenants"
for i in $(seq -w 1 "$tenants"); do
  cp examples/pipeline.toml "$tmp/tenants/t$i.toml"
done
export CXR_CACHE_DIR="$tmp/cache"
# Warm the compile cache first, so that start-up maps compiled code.
"$cxr" run examples/one.json --json > /dev/null

"$cxr" serve --config-dir "$tmp/tenants" --listen 127.0.0.1:0 > "$tmp/out" 2> "$tmp/err" &
pid=$!
addr=
for _ in $(seq 600); do
  addr=$(sed -n 's/^listening on http:\/\///p' "$tmp/out")
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start" >&2; exit 1; }

for i in $(seq -w 1 "$tenants"); do
  curl -sf "http://$addr/v1/decide" -H "X-Tenant: t$i" --data-binary @examples/one.json > /dev/null
done

status() { grep "^$1:" "/proc/$pid/status" | awk '{print $2}'; }
tickers() { cat /proc/"$pid"/task/*/comm 2>/dev/null | grep -c '^cxr-epoch' || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

threads=$(status Threads)
epoch=$(tickers)
rss=$(status VmRSS)
hwm=$(status VmHWM)
c0=$(cpu_ticks); sleep 10; c1=$(cpu_ticks)
idle_cpu=$(python3 -c "print(f'{($c1 - $c0) / $hz * 100 / 10:.1f}')")

reloads_before=$(curl -sf "http://$addr/metrics" | awk '/^cxr_reloads_total\{outcome="ok"\}/ {print $2}')
start=$(date +%s%N)
kill -HUP "$pid"
for _ in $(seq 1200); do
  n=$(curl -sf "http://$addr/metrics" | awk '/^cxr_reloads_total\{outcome="ok"\}/ {print $2}')
  [ "${n:-0}" != "${reloads_before:-0}" ] && break
  sleep 0.05
done
end=$(date +%s%N)
reload_ms=$(( (end - start) / 1000000 ))
threads_after=$(status Threads)
epoch_after=$(tickers)
rss_after=$(status VmRSS)

echo "cxr serve, $tenants tenants (reference pipeline each), $(nproc) cores, binary $cxr"
echo "threads: $threads ($epoch epoch tickers); after a reload: $threads_after ($epoch_after epoch tickers)"
echo "memory: VmRSS $((rss / 1024)) MiB after one decision per tenant, peak VmHWM $((hwm / 1024)) MiB; after a reload VmRSS $((rss_after / 1024)) MiB"
echo "idle CPU: ${idle_cpu}% of one core over 10 s"
echo "reload of every tenant (SIGHUP until cxr_reloads_total moves): ${reload_ms} ms"
