#!/usr/bin/env bash
# Checks a CUDA build of ostc (tools/device-build.sh makes one): scores the demo set on the CPU and on
# a GPU, exact and fast OST, and compares the two rankings (Spearman, largest utility difference);
# then bf16 on the GPU and `ostc bench model`. Logs and a summary go to OUT_DIR.
# Usage: tools/gpu-check.sh OSTC OUT_DIR [POOL_SIZE] [DEVICE]   (defaults 200, cuda:0)
# Environment: OST_CHECK_QUICK=1 skips bf16, warm-up, step-size and bench runs; OST_CHECK_OOM=0 skips
# the out-of-memory check; OST_CHECK_OOM_LEAVE lists the MiB left free in it.
# Scoring runs with --warmup 0, so both devices score the same freshly seeded proxy and any
# difference comes from the scoring arithmetic alone; one exact run with the default warm-up
# (trained on each device) shows the end-to-end effect.
set -uo pipefail
ostc=$(readlink -f "$1")
out=$2
count=${3:-200}
gpu=${4:-cuda:0}
mkdir -p "$out"
out=$(cd "$out" && pwd)
summary=$out/summary.txt
work=${TMPDIR:-/tmp}/ost-gpu-check
rm -rf "$work" && mkdir -p "$work"
say() { echo "$*" | tee -a "$summary"; }

"$ostc" demo-data "$work/demo" --count "$count" >"$out/demo-data.log" 2>&1 || { say "demo-data failed"; cat "$out/demo-data.log"; exit 1; }
pool=$work/demo/pool.jsonl
ref=$work/demo/reference.jsonl

# score NAME DEVICE MODE [extra options]: one fresh project per run; wall time and ranking kept.
score() {
  local name=$1 dev=$2 mode=$3
  shift 3
  local t0 t1 rc
  t0=$(date +%s.%N)
  "$ostc" score "$pool" --reference "$ref" --mode "$mode" --device "$dev" --project "$work/$name.ostproj" \
    --quiet "$@" >"$out/score-$name.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  local scored
  scored=$(grep -oE 'scored +[0-9]+' "$out/score-$name.log" | grep -oE '[0-9]+' || echo 0)
  # The run's timings blob holds the seconds spent in each method, the OST scorer's alone included.
  local ost
  ost=$(python3 -c 'import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("select bytes from blobs where key = ?", ("run/1/timings",)).fetchone()
m = json.loads(row[0]) if row else {}
print(sum(v for k, v in m.get("methods", {}).items() if k.startswith("ost")))' "$work/$name.ostproj" 2>/dev/null || echo 0)
  say "$(awk -v n="$name" -v d="$dev" -v m="$mode" -v rc="$rc" -v s="${scored:-0}" -v t0="$t0" -v t1="$t1" -v o="$ost" 'BEGIN {
    printf "%-14s %-7s %-5s rc %d  %4d samples  process %6.1f s (%6.1f samples/s)  OST scorer %6.2f s (%6.1f samples/s)",
      n, d, m, rc, s, t1 - t0, s / (t1 - t0), o, (o > 0 ? s / o : 0) }')"
  "$ostc" rank "$pool" --project "$work/$name.ostproj" --all >"$work/rank-$name.txt" 2>>"$out/score-$name.log"
}

compare() { # compare A B: Spearman of the utilities and the largest absolute difference
  python3 - "$work/rank-$1.txt" "$work/rank-$2.txt" "$1 vs $2" <<'EOF' | tee -a "$summary"
import math, sys
def read(p):
    out = {}
    for line in open(p):
        f = line.split()
        if len(f) >= 3 and not line.startswith('#'):
            out[f[1]] = float(f[2])
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
ids = [i for i in a if i in b and math.isfinite(a[i]) and math.isfinite(b[i])]
def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]: j += 1
        for k in range(i, j + 1): r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r
def pearson(x, y):
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sx = math.sqrt(sum((p - mx) ** 2 for p in x)); sy = math.sqrt(sum((q - my) ** 2 for q in y))
    return sum((p - mx) * (q - my) for p, q in zip(x, y)) / (sx * sy) if sx and sy else float('nan')
x, y = [a[i] for i in ids], [b[i] for i in ids]
if not ids:
    print(f"{sys.argv[3]}: no common finite scores ({len(a)} vs {len(b)} rows)"); sys.exit()
diff = max(abs(p - q) for p, q in zip(x, y)); scale = max(abs(p) for p in x) or 1.0
k = max(1, len(ids) // 10)
top = lambda d: set(sorted(ids, key=lambda i: -d[i])[:k])
print(f"{sys.argv[3]}: {len(ids)} samples (rows {len(a)}/{len(b)}), Spearman {pearson(ranks(x), ranks(y)):.6f}, "
      f"Pearson {pearson(x, y):.6f}, max |du| {diff:.3g} (max |u| {scale:.3g}, rel {diff / scale:.3g}), "
      f"top-{k} overlap {len(top(a) & top(b))}/{k}")
EOF
}

say "== $(date -u +%FT%TZ) ostc $("$ostc" --version 2>/dev/null | head -1), pool $count, gpu $gpu"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/   /' | tee -a "$summary"
score fast-cuda "$gpu" fast --warmup 0
score fast-cpu cpu fast --warmup 0
compare fast-cpu fast-cuda
score exact-cuda "$gpu" exact --warmup 0
score exact-cpu cpu exact --warmup 0
compare exact-cpu exact-cuda
compare exact-cuda fast-cuda
if [ "${OST_CHECK_QUICK:-0}" != 1 ]; then # OST_CHECK_QUICK=1: the device comparison and the OOM check only
score fast-bf16 "$gpu" fast --warmup 0 --precision bf16
compare fast-cuda fast-bf16
score warm-cuda "$gpu" exact
score warm-cpu cpu exact
compare warm-cpu warm-cuda
score warm-fast-cuda "$gpu" fast
compare warm-cuda warm-fast-cuda
# Fast is the first-order expansion of exact: they should agree more as the step shrinks.
for lr in 1e-4 1e-5; do
  score "exact-lr$lr" "$gpu" exact --warmup 0 --lr "$lr" --baselines none
  score "fast-lr$lr" "$gpu" fast --warmup 0 --lr "$lr" --baselines none
  compare "exact-lr$lr" "fast-lr$lr"
done
say "== bench model"
"$ostc" bench model --json >"$out/bench-model.json" 2>"$out/bench-model.log" || say "bench model failed: $(tail -3 "$out/bench-model.log")"
cat "$out/bench-model.json" >>"$summary" 2>/dev/null
fi

# Out-of-memory back-off: another process (PyTorch) holds all but LEAVE MiB of the GPU while a fast
# run scores the pool in one batch; the job should halve its batch and go on, or fail cleanly.
if [ "${OST_CHECK_OOM:-1}" = 1 ] && python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  say "== out-of-memory back-off (fast, one batch of the whole pool, GPU filled by another process)"
  for leave in ${OST_CHECK_OOM_LEAVE:-2048 1024 768 640 576 512}; do
    rm -f "$work/hog.ready"
    python3 - "$leave" "$work/hog.ready" "${gpu#cuda:}" <<'PY' &
import sys, time, torch
dev = int(sys.argv[3]) if sys.argv[3].isdigit() else 0
torch.cuda.set_device(dev)
free, total = torch.cuda.mem_get_info()
hold = torch.empty(max(0, free - (int(sys.argv[1]) << 20)), dtype=torch.uint8, device="cuda")
open(sys.argv[2], "w").write(f"{torch.cuda.mem_get_info()[0] >> 20}")
time.sleep(300)
PY
    hog=$!
    for _ in $(seq 120); do [ -f "$work/hog.ready" ] && break; sleep 0.5; done
    score "oom-$leave" "$gpu" fast --warmup 0 --batch "$count" --baselines none
    say "   left free $(cat "$work/hog.ready" 2>/dev/null) MiB; $(grep -c 'out of memory' "$out/score-oom-$leave.log") out-of-memory lines: $(grep -m2 -i 'memory' "$out/score-oom-$leave.log" | cut -c1-200 | tr '\n' '|')"
    kill "$hog" 2>/dev/null
    wait "$hog" 2>/dev/null
  done
fi
say "== done $(date -u +%FT%TZ)"
