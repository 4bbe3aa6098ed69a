#!/usr/bin/env bash
# `ostc check` as a user runs it: groups and counts in --json, the store written (a second run
# replaces its tags), exit 3 naming a missing image, bad numbers refused with exit 2.
# usage: ostc_check.sh PATH/TO/ostc
set -u
OSTC=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

answer="first we add the two numbers and then we halve the sum to get the mean"
{
    echo "{\"id\": \"p/1\", \"messages\": [{\"role\": \"user\", \"content\": \"What is the mean?\"}, {\"role\": \"assistant\", \"content\": \"$answer\"}]}"
    echo "{\"id\": \"p/2\", \"messages\": [{\"role\": \"user\", \"content\": \"what is  the MEAN?\"}, {\"role\": \"assistant\", \"content\": \"First we add the two numbers and then we halve the sum to get the mean\"}]}"
    echo "{\"id\": \"p/3\", \"messages\": [{\"role\": \"user\", \"content\": \"Another question\"}, {\"role\": \"assistant\", \"content\": \"a wholly different answer that shares nothing with the others at all\"}]}"
} >"$dir/data.jsonl"

out=$("$OSTC" check "$dir/data.jsonl" --json 2>"$dir/err")
rc=$?
[[ $rc -eq 0 ]] || fail "clean dataset: exit $rc ($(cat "$dir/err"))"
grep -q '"kind": "exact"' <<<"$out" || fail "no exact group in: $out"
grep -q '"p/2"' <<<"$out" || fail "p/2 not listed as a member"
[[ -f "$dir/data.jsonl.ostproj" ]] || fail "no project store written"

out=$("$OSTC" check "$dir/data.jsonl" --no-store --cutoff-len 40 --json 2>/dev/null)
grep -q '"over_cutoff": 3' <<<"$out" || fail "--cutoff-len 40: expected 3 samples over, got: $(grep over_cutoff <<<"$out")"

echo "{\"id\": \"p/4\", \"messages\": [{\"role\": \"user\", \"content\": \"<image>\\nLook\"}, {\"role\": \"assistant\", \"content\": \"ok\"}], \"images\": [\"gone.png\"]}" >>"$dir/data.jsonl"
err=$("$OSTC" check "$dir/data.jsonl" --no-store 2>&1 >/dev/null)
rc=$?
out=$("$OSTC" check "$dir/data.jsonl" --no-store 2>/dev/null)
[[ $rc -eq 3 ]] || fail "missing image: exit $rc, expected 3"
grep -q "p/4  image 'gone.png' not found" <<<"$out" || fail "missing image not named: $out"

for bad in "--near-threshold 1.5" "--image-distance 65" "--cutoff-len -1" "--near-threshold abc"; do
    # shellcheck disable=SC2086
    "$OSTC" check "$dir/data.jsonl" --no-store $bad >/dev/null 2>&1
    rc=$?
    [[ $rc -eq 2 ]] || fail "$bad: exit $rc, expected 2"
done

[[ $failures -eq 0 ]] && echo "ostc check: all passed"
[[ $failures -eq 0 ]]
