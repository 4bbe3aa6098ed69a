#!/usr/bin/env bash
# Bad input on ostc's command line and in its files, as a user meets it (issue 11): every case must
# be refused with its exit code and a message that names the problem, never read another way.
# usage: ostc_input_errors.sh PATH/TO/ostc
set -u
OSTC=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() { # expected-exit-code expected-text -- command...
    local code=$1 text=$2 out rc
    shift 3
    out=$("$@" 2>&1)
    rc=$?
    if [[ $rc -ne $code || $out != *"$text"* ]]; then
        echo "FAIL: $* -> exit $rc (want $code), said: ${out:0:300} (want: $text)"
        failures=$((failures + 1))
    fi
}

printf '%s\n' '{"id": "a", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}' >"$tmp/p.jsonl"

# One strict number reader for every flag: no NaN, no hex, no trailing garbage, no overflow.
expect 2 "finite decimal number" -- "$OSTC" export "$tmp/p.jsonl" --out "$tmp/o.jsonl" --top-percent nan
expect 2 "finite decimal number" -- "$OSTC" export "$tmp/p.jsonl" --out "$tmp/o.jsonl" --min-utility nan
expect 2 "finite decimal number" -- "$OSTC" score "$tmp/p.jsonl" --lr 0x10
expect 2 "finite decimal number" -- "$OSTC" score "$tmp/p.jsonl" --warmup nan
expect 2 "whole number" -- "$OSTC" rank "$tmp/p.jsonl" --top 99999999999999999999
expect 2 "--shard expects I/N" -- "$OSTC" score "$tmp/p.jsonl" --shard 1/3/5
expect 2 "--limit must be >= 0" -- "$OSTC" score "$tmp/p.jsonl" --limit -1
expect 2 "unknown baseline 'lossy'" -- "$OSTC" score "$tmp/p.jsonl" --baselines loss,lossy
expect 2 "--max-image-pixels must be at least 1" -- "$OSTC" inspect "$tmp/p.jsonl" --max-image-pixels 0

# inspect --json prints its error as JSON on standard output.
echo "not a dataset" >"$tmp/junk.txt"
out=$("$OSTC" inspect "$tmp/junk.txt" --json 2>/dev/null)
if ! python3 -c 'import json, sys; j = json.loads(sys.argv[1]); assert j["error"]' "$out" 2>/dev/null; then
    echo "FAIL: inspect --json on a non-dataset printed: ${out:0:200}"
    failures=$((failures + 1))
fi

# UTF-16 is named as such.
python3 -c 'import sys; open(sys.argv[1], "wb").write(open(sys.argv[2], "rb").read().decode().encode("utf-16"))' \
    "$tmp/u16.jsonl" "$tmp/p.jsonl"
expect 3 "UTF-16" -- "$OSTC" inspect "$tmp/u16.jsonl"

# merge: a mistyped shard path is an error, and no store appears there.
expect 3 "does not exist" -- "$OSTC" merge "$tmp/out.ostproj" "$tmp/p.jsonl.shard-0-of-2.ostprj"
if [[ -e "$tmp/p.jsonl.shard-0-of-2.ostprj" ]]; then
    echo "FAIL: ostc merge created a store at the mistyped shard path"
    failures=$((failures + 1))
fi
# merge into one of its own shards (under another name) is refused before anything is written.
touch "$tmp/s.ostproj" && ln -s "$tmp/s.ostproj" "$tmp/link.ostproj"
expect 2 "refusing" -- "$OSTC" merge "$tmp/link.ostproj" "$tmp/s.ostproj"

# export onto the project store, the dataset or through a link to either is refused.
expect 2 "refusing" -- "$OSTC" export "$tmp/p.jsonl" --out "$tmp/p.jsonl"
ln -s "$tmp/p.jsonl" "$tmp/alias.jsonl"
expect 2 "refusing" -- "$OSTC" export "$tmp/p.jsonl" --out "$tmp/alias.jsonl"

# Ids with a tab, a newline or a leading '#' stay one escaped field in rank's output (a store written
# directly, with the schema of core/store/ProjectSchema.cpp, so no scoring is needed).
python3 - "$tmp/ids.jsonl.ostproj" "$(dirname "$0")/../../core/store/ProjectSchema.cpp" <<'PY'
import re, sqlite3, sys
schema = re.search(r'kSchemaV1 = R"SQL\((.*?)\)SQL"', open(sys.argv[2]).read(), re.S).group(1)
db = sqlite3.connect(sys.argv[1])
db.executescript(schema)
db.execute("PRAGMA application_id=%d" % 0x4F535443)
db.execute("INSERT INTO schema_version(version, applied_at) VALUES (1, '')")
db.execute("INSERT INTO runs(name, status, settings_json) VALUES ('r', 'done', '{}')")
for i, sid in enumerate(["tab\there", "#hash", "new\nline", "back\\slash"]):
    db.execute("INSERT INTO scores(run_id, method, sample_id, content_hash, value) VALUES (1, 'ost', ?, 'h', ?)", (sid, i))
db.commit()
PY
out=$("$OSTC" rank "$tmp/ids.jsonl" --all 2>&1)
rows=$(grep -cv '^#' <<<"$out")
if [[ $rows -ne 4 || $out != *'tab\there'* || $out != *'\#hash'* || $out != *'new\nline'* || $out != *'back\\slash'* ]]; then
    echo "FAIL: rank --all with odd ids printed $rows rows: $out"
    failures=$((failures + 1))
fi

# SIGTERM (Slurm's time limit) stops ostc score between batches like Ctrl-C (exit 130, resumable), and
# while one scorer holds a store a second one is refused and told who holds it.
"$OSTC" demo-data "$tmp/demo" >/dev/null 2>&1
"$OSTC" score "$tmp/demo/pool.jsonl" --reference "$tmp/demo/reference.jsonl" --warmup 0 --limit 60 --batch 2 \
    --quiet >"$tmp/score.out" 2>"$tmp/score.err" &
scorer=$!
for _ in $(seq 100); do [[ -s "$tmp/demo/pool.jsonl.ostproj.lock" ]] && break; sleep 0.2; done
expect 1 "is being scored by scoring" -- "$OSTC" score "$tmp/demo/pool.jsonl" --reference "$tmp/demo/reference.jsonl" \
    --warmup 0 --limit 60 --batch 2 --quiet
sleep 2
kill -TERM $scorer
wait $scorer
rc=$?
if [[ $rc -ne 130 ]] || ! grep -q "cancelled" "$tmp/score.out"; then
    echo "FAIL: ostc score after SIGTERM: exit $rc, said: $(cat "$tmp/score.out" "$tmp/score.err" | tail -3)"
    failures=$((failures + 1))
fi

if [[ $failures -gt 0 ]]; then
    echo "$failures case(s) failed"
    exit 1
fi
echo "all input-error cases refused as expected"
