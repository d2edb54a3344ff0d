#!/usr/bin/env bash
# Measures the sentiment plugin in its six languages with `cxr eval`, in one
# run, and prints one table (macro-F1 over negative/neutral/positive):
#
#   - the labelled tweets of ../shared/data/language/tweets_by_language.tsv
#     beside the repository (or $CXR_DATA/language/...), per language split in two halves by a hash of
#     the text (scripts/split-tweets.py): `dev`, the half the lexicons were
#     tuned on, and `held`, only measured; each with no language given (the
#     plugin detects it) and with the language given (`--language-column`);
#   - the crate's own parallel set, plugins/sentiment/tests/languages.tsv
#     (150 messages, each in the six languages, written before the lexicons
#     and not tuned on), language detected and given.
#
#   scripts/measure-sentiment-languages.sh [-- EXTRA CXR EVAL OPTIONS, e.g. --plugin old.wasm]
#
# Says so and measures only the own set when the shared data is absent.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))"
cd "$root"
if [ "${1:-}" = "--" ]; then shift; fi
extra=("$@")
data="${CXR_DATA:-$root/../shared/data}"
tweets="$data/language/tweets_by_language.tsv"
own="plugins/sentiment/tests/languages.tsv"

cargo build --release --quiet -p cxr
cxr="$root/target/release/cxr"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# f1 FILE TEXT_COLUMN GOLD_COLUMN [cxr eval options]: macro-F1, 3 decimals.
f1() {
    local file="$1" text="$2" gold="$3"
    shift 3
    "$cxr" eval "$file" --text-column "$text" --gold-column "$gold" --threshold 0.05 --json "${extra[@]}" "$@" \
        | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["macro_f1"])'
}

have_tweets=0
if [ -f "$tweets" ]; then
    have_tweets=1
    python3 scripts/split-tweets.py "$tweets" "$work"
else
    echo "measure-sentiment-languages: no $tweets (CXR_DATA or ../shared/data beside the repository); tweets skipped, own set only."
fi

printf '%-5s  %-23s  %-23s  %-23s\n' "" "tweets dev (tuned on)" "tweets held-out" "own set (150)"
printf '%-5s  %-11s %-11s  %-11s %-11s  %-11s %-11s\n' lang detected given detected given detected given
for lang in en de es fr it pt; do
    row=("$lang")
    for half in dev held; do
        if [ "$have_tweets" = 1 ]; then
            file="$work/tweets-$lang-$half.tsv"
            row+=("$(f1 "$file" text sentiment)" "$(f1 "$file" text sentiment --language-column lang)")
        else
            row+=("-" "-")
        fi
    done
    # the own set has no language column: a copy with one
    awk -F'\t' -v l="$lang" 'BEGIN{OFS="\t"} NR==1{print $0, "lang"; next} {print $0, l}' "$own" > "$work/own.tsv"
    row+=("$(f1 "$work/own.tsv" "$lang" label)" "$(f1 "$work/own.tsv" "$lang" label --language-column lang)")
    printf '%-5s  %-11s %-11s  %-11s %-11s  %-11s %-11s\n' "${row[@]}"
done
