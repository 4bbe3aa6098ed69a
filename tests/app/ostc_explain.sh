#!/usr/bin/env bash
# `ostc explain` and `ostc rank --hurts` as a user runs them, on a tiny text set scored by the
# built-in proxy: an exact run's stored attribution (its mean equals the utility; the reference-set
# view; --hurts ordering), a fast run's computed on demand (equal to the exact run's utility), and the
# errors: unknown id, unknown group value, a proxy that is gone, --reference on a fast run.
# usage: ostc_explain.sh PATH/TO/ostc
set -u
OSTC=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cd "$dir" || exit 1

for i in 0 1 2 3 4 5; do
    subject=$([[ $((i % 2)) -eq 0 ]] && echo geometry || echo algebra)
    echo "{\"id\": \"ref/$i\", \"subject\": \"$subject\", \"messages\": [{\"role\": \"user\", \"content\": \"What is $i+$i?\"}, {\"role\": \"assistant\", \"content\": \"$i+$i = $((2 * i)). The answer is $((2 * i)).\"}]}"
done >ref.jsonl
for i in 0 1 2 3 4 5 6 7; do
    answer="$i+3 = $((i + 3)). The answer is $((i + 3))."
    [[ $((i % 3)) -eq 0 ]] && answer="zzzz qqqq no idea"
    echo "{\"id\": \"p/$i\", \"messages\": [{\"role\": \"user\", \"content\": \"What is $i+3?\"}, {\"role\": \"assistant\", \"content\": \"$answer\"}]}"
done >pool.jsonl

"$OSTC" score pool.jsonl --reference ref.jsonl --warmup 0 --quiet >/dev/null 2>"$dir/err" || fail "exact score: $(cat err)"
out=$("$OSTC" explain pool.jsonl p/1 --json 2>err)
[[ $? -eq 0 ]] || fail "explain p/1: $(cat err)"
python3 - "$out" <<'PY' || fail "stored attribution of p/1 is wrong: $out"
import json, sys
j = json.loads(sys.argv[1])
assert j["source"] == "stored-exact-run", j["source"]
assert len(j["deltas"]) == 6
mean = sum(d["delta"] for d in j["deltas"]) / 6
# float32 storage: the mean matches the stored double utility to float32 rounding
assert abs(mean - j["utility"]) <= 1e-6 * abs(j["utility"]) + 1e-9, (mean, j["utility"])
assert j["lowered"] + j["raised"] <= 6
PY
text=$("$OSTC" explain pool.jsonl p/1 --group-by subject 2>/dev/null)
grep -q "reference problems" <<<"$text" || fail "no sentence in: $text"
grep -qE "^  (geometry|algebra) " <<<"$text" || fail "no subject groups in: $text"

out=$("$OSTC" explain pool.jsonl --reference --json 2>err)
[[ $? -eq 0 ]] || fail "explain --reference: $(cat err)"
python3 - "$out" <<'PY' || fail "reference view is wrong: $out"
import json, sys
j = json.loads(sys.argv[1])
assert j["samples"] == 8, j["samples"]
assert [r["id"] for r in j["references"]] == ["ref/%d" % i for i in range(6)]
assert all(r["helped"] + r["hurt"] <= 8 for r in j["references"])
PY

# --hurts: ascending ΣΔL_v over the geometry references (ref/0, 2, 4), each equal to explain's sum.
ranked=$("$OSTC" rank pool.jsonl --hurts subject=geometry --all 2>err)
[[ $? -eq 0 ]] || fail "rank --hurts: $(cat err)"
first=$(awk '!/^#/ { print $2; exit }' <<<"$ranked")
firstSum=$(awk '!/^#/ { print $3; exit }' <<<"$ranked")
explained=$("$OSTC" explain pool.jsonl "$first" --json 2>/dev/null)
python3 - "$ranked" "$explained" "$firstSum" <<'PY' || fail "rank --hurts order or sums wrong: $ranked"
import json, sys
rows = [l.split() for l in sys.argv[1].splitlines() if l and not l.startswith("#")]
sums = [float(r[2]) for r in rows]
assert len(rows) == 8 and sums == sorted(sums), sums
j = json.loads(sys.argv[2])
geo = sum(d["delta"] for d in j["deltas"] if d["reference"] in ("ref/0", "ref/2", "ref/4"))
assert abs(geo - float(sys.argv[3])) <= 1e-5 * abs(geo) + 1e-9, (geo, sys.argv[3])
PY
err=$("$OSTC" rank pool.jsonl --hurts subject=topology 2>&1 >/dev/null)
[[ $? -eq 3 && $err == *"subject=topology"*"algebra, geometry"* ]] || fail "unknown group value: $err"
err=$("$OSTC" rank pool.jsonl --hurts subject 2>&1 >/dev/null)
[[ $? -eq 2 ]] || fail "--hurts without =: $err"

err=$("$OSTC" explain pool.jsonl p/99 2>&1 >/dev/null)
[[ $? -eq 3 && $err == *"no sample 'p/99'"* ]] || fail "unknown id: $err"

# A fast run: nothing stored, computed on demand with the exact step; equals the exact run's utility.
"$OSTC" score pool.jsonl --reference ref.jsonl --warmup 0 --mode fast --quiet >/dev/null 2>err || fail "fast score: $(cat err)"
out=$("$OSTC" explain pool.jsonl p/1 --json 2>err)
[[ $? -eq 0 ]] || fail "explain on a fast run: $(cat err)"
grep -q "computing it with the exact step" err || fail "on-demand not announced: $(cat err)"
python3 - "$out" "$("$OSTC" explain pool.jsonl p/1 --run 1 --json 2>/dev/null)" <<'PY' || fail "on demand differs from the exact run: $out"
import json, sys
j, exact = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert j["source"] == "computed-on-demand" and j["run"] == 2
mean = sum(d["delta"] for d in j["deltas"]) / len(j["deltas"])
assert abs(mean - j["utility"]) <= 1e-9, (mean, j["utility"])
assert abs(j["utility"] - exact["utility"]) <= 1e-6 * abs(exact["utility"]), (j["utility"], exact["utility"])
assert j["run_utility"] is not None
PY
err=$("$OSTC" explain pool.jsonl p/1 --group-by subjet 2>&1 >/dev/null)
[[ $? -eq 3 && $err == *"'subjet'"* && $err != *"computing"* ]] || fail "misspelt --group-by not refused first: $err"
err=$("$OSTC" explain pool.jsonl --reference 2>&1 >/dev/null)
[[ $? -eq 3 && $err == *"stored no per-reference attribution"* ]] || fail "--reference on a fast run: $err"

# The proxy of a run is gone: said so, naming it.
mkdir proxy && "$OSTC" demo-proxy proxy --steps 1 --every 1 >/dev/null 2>&1 || fail "demo-proxy"
"$OSTC" score pool.jsonl --reference ref.jsonl --warmup 0 --mode fast --proxy "$dir/proxy" --quiet >/dev/null 2>err ||
    fail "score with a proxy folder: $(cat err)"
rm -rf proxy
err=$("$OSTC" explain pool.jsonl p/2 2>&1 >/dev/null)
[[ $? -eq 3 && $err == *"proxy $dir/proxy is gone"* ]] || fail "gone proxy: $err"

[[ $failures -eq 0 ]] && echo "ostc explain: all passed"
[[ $failures -eq 0 ]]
