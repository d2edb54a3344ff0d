#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) and prints
# how many inputs it executed and whether it found a crash.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (installed when missing). Crashes are written to
# tests/fuzz/artifacts/TARGET/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(interaction_json router_config pipeline_config)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seed corpora from the project's own examples.
mkdir -p corpus/interaction_json corpus/router_config corpus/pipeline_config
split -l 1 -d -a 3 ../../examples/interactions.jsonl corpus/interaction_json/example- 2>/dev/null || true
cp ../../examples/pipeline.toml corpus/pipeline_config/reference.toml
cp ../../plugins/router/default-rules.json corpus/router_config/rules-array.json 2>/dev/null || true
printf '{"rules":[{"name":"r","when":{"keywords":["refund*"],"regex":"(?i)inv\\\\d+"},"then":{"queue":"billing"}}]}' > corpus/router_config/one-rule.json

status=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  # -s none: no sanitizer, so the stable toolchain can build the targets.
  if cargo fuzz run --fuzz-dir . -s none -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see artifacts/$t/)"
    status=1
  fi
  runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 | grep -Eo '[0-9]+' || echo "?")
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo "?")
  echo "$t: ${runs} executions in ${secs} s, coverage ${cov} edges, ${result}"
  [ "$result" = "no crash" ] || tail -30 "$log"
  rm -f "$log"
done
exit $status
