#!/usr/bin/env bash
# Measures a sentiment plugin against VADER (Hutto & Gilbert 2014) on the
# same rows, in one run:
#
#   - the VADER ground-truth sets, ../shared/data/sentiment/*_GroundTruth.txt
#     beside the repository (id, mean rating -4..4, text; gold: mean > 0.5
#     positive, < -0.5 negative, else neutral; predicted: score >= 0.05
#     positive, <= -0.05 negative): Pearson r, macro-F1, accuracy;
#   - the help-desk messages written for the plugin's tests,
#     plugins/sentiment/tests/social_support_*.tsv (label, text);
#   - the English rows of ../shared/data/language/tweets_by_language.tsv;
#   - per language of that file, ours and VADER's macro-F1 (and the share
#     labelled neutral with low confidence), then the six-language table of
#     scripts/measure-sentiment-languages.sh (dev and held-out halves, the
#     crate's own set; language detected and given).
#
# The data is read from $CXR_DATA when set, else ../shared/data beside the
# repository.
#
#   scripts/measure-sentiment.sh [-- EXTRA CXR EVAL OPTIONS, e.g. --plugin my.wasm]
#
# Installs the `vaderSentiment` package from PyPI into a virtual environment
# under target/. Stops cleanly (exit 0) when the data is absent.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))"
cd "$root"
data="${CXR_DATA:-$root/../shared/data}"
if [ "${1:-}" = "--" ]; then shift; fi
extra=("$@")

shopt -s nullglob
sets=("$data"/sentiment/*_GroundTruth.txt)
if [ ${#sets[@]} -eq 0 ]; then
    echo "measure-sentiment: no $data/sentiment/*_GroundTruth.txt; nothing to measure."
    exit 0
fi

venv="$root/target/vader-venv"
if [ ! -x "$venv/bin/python" ]; then
    echo "measure-sentiment: creating $venv with vaderSentiment" >&2
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import vaderSentiment" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check vaderSentiment
fi
py="$venv/bin/python"

cargo build --release --quiet -p cxr
cxr="$root/target/release/cxr"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# eval NAME FILE [cxr eval options]: ours and VADER on the same rows.
eval_set() {
    local name="$1" file="$2"
    shift 2
    "$cxr" eval "$file" --threshold 0.05 --json --predictions "$work/$name.jsonl" "${extra[@]}" "$@" >"$work/$name.json"
    "$py" scripts/vader_scores.py compare "$name" "$work/$name.json" "$work/$name.jsonl"
}

printf '%-28s %6s   %-17s   %-17s   %s\n' "" "" "ours" "VADER" "µs/message"
printf '%-28s %6s   %5s %5s %5s   %5s %5s %5s   %6s %7s\n' set rows r F1 acc r F1 acc ours VADER
for file in "${sets[@]}"; do
    name="$(basename "$file" _GroundTruth.txt)"
    eval_set "$name" "$file" --no-header --text-column 3 --gold-column 2
done
for file in plugins/sentiment/tests/social_support_*.tsv; do
    eval_set "$(basename "$file" .tsv)" "$file" --text-column text --gold-column label
done
tweets="$data/language/tweets_by_language.tsv"
if [ -f "$tweets" ]; then
    awk -F'\t' 'NR==1 || $1=="en"' "$tweets" > "$work/tweets-en.tsv"
    eval_set tweets-en "$work/tweets-en.tsv" --text-column text --gold-column sentiment
fi
echo "(µs per message: ours the median in wasm, from the decision trace; VADER in Python, for scale only)"

if [ -f "$tweets" ]; then
    echo
    echo "languages: $(basename "$tweets"), no language code given"
    "$cxr" eval "$tweets" --text-column text --gold-column sentiment --threshold 0.05 --json \
        --predictions "$work/languages.jsonl" "${extra[@]}" >/dev/null
    "$py" scripts/vader_scores.py languages "$work/languages.jsonl" "$tweets"
else
    echo "measure-sentiment: no $tweets; the tweets are skipped."
fi
echo
CXR_DATA="$data" scripts/measure-sentiment-languages.sh -- "${extra[@]}"
