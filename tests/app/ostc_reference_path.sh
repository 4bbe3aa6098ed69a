#!/usr/bin/env bash
# A run's reference file is stored relative to the project file (absolute when it lies outside the
# project's folder), so the run continues from any folder (issue 13 item 5): `ostc score --reference
# data/reference.jsonl` typed in one folder stored "data/reference.jsonl", which the app or a resume
# started in another folder could not open.
# usage: ostc_reference_path.sh PATH/TO/ostc
set -u
OSTC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: the cases run in other folders
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$OSTC" demo-data "$tmp/work/data" >/dev/null 2>&1 || { echo "FAIL: ostc demo-data"; exit 1; }
mkdir -p "$tmp/elsewhere" "$tmp/outside"
head -n 4 "$tmp/work/data/reference.jsonl" >"$tmp/work/data/ref4.jsonl"
cp "$tmp/work/data/ref4.jsonl" "$tmp/outside/ref4.jsonl"
ln -s "$tmp/work/data/images" "$tmp/outside/images"
score=(--mode fast --warmup 0 --limit 3 --batch 4 --baselines none --quiet)

stored_reference() { # project -> referencePath of run 1, as stored
    python3 -c 'import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(json.loads(db.execute("SELECT settings_json FROM runs WHERE id = 1").fetchone()[0])["referencePath"])' "$1"
}

# 1. Typed relative to the working folder, inside the project's folder: stored relative to the project.
proj=$tmp/work/data/pool.jsonl.ostproj
(cd "$tmp/work" && "$OSTC" score data/pool.jsonl --reference data/ref4.jsonl "${score[@]}" >"$tmp/1.out" 2>&1) ||
    fail "first score: $(tail -3 "$tmp/1.out")"
got=$(stored_reference "$proj")
[[ $got == ref4.jsonl ]] || fail "stored reference is '$got', want 'ref4.jsonl' (relative to the project file)"

# 2. Continued from another folder: the reference is found beside the project.
(cd "$tmp/elsewhere" && "$OSTC" score ../work/data/pool.jsonl --resume 1 "${score[@]}" >"$tmp/2.out" 2>&1) ||
    fail "resume from another folder: $(tail -3 "$tmp/2.out")"

# 3. The same command in the first folder is the same run (nothing to do), not a new one.
(cd "$tmp/work" && "$OSTC" score data/pool.jsonl --reference data/ref4.jsonl "${score[@]}" >"$tmp/3.out" 2>&1) ||
    fail "same command again: $(tail -3 "$tmp/3.out")"
grep -q "nothing to do" "$tmp/3.out" || fail "same command again did not reuse run 1: $(tail -3 "$tmp/3.out")"

# 4. A reference outside the project's folder is stored absolute (a '..' path breaks when either moves).
proj2=$tmp/work/data/other.ostproj
(cd "$tmp/work" && "$OSTC" score data/pool.jsonl --project data/other.ostproj --reference ../outside/ref4.jsonl \
    "${score[@]}" >"$tmp/4.out" 2>&1) || fail "outside reference: $(tail -3 "$tmp/4.out")"
got=$(stored_reference "$proj2")
[[ $got == "$tmp/outside/ref4.jsonl" ]] || fail "outside reference stored as '$got', want '$tmp/outside/ref4.jsonl'"

# 5. Export from another folder protects the stored reference (resolved beside the project) from --out.
(cd "$tmp/elsewhere" && "$OSTC" export ../work/data/pool.jsonl --method ost-fast --top 1 --out ../work/data/ref4.jsonl \
    >"$tmp/5.out" 2>&1) && fail "export over the run's reference file was not refused"
grep -q "refusing to write" "$tmp/5.out" || fail "export refused, but not for the reference: $(tail -2 "$tmp/5.out")"
cmp -s "$tmp/work/data/ref4.jsonl" "$tmp/outside/ref4.jsonl" || fail "export overwrote the reference file"

if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok"
