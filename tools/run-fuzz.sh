#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan, a build folder of their own) and
# runs each for FUZZ_SECONDS (default 60), one at a time. Regression inputs (tests/fuzz/regress/T/)
# run first and must pass; new corpus entries go to BUILD/corpus/T, seeds are read from
# tests/fuzz/corpus/T; a crash is saved as BUILD/crash-T-* and fails the run.
#
#   tools/run-fuzz.sh [BUILD_DIR]          (make fuzz; FUZZ_TARGETS="dataset store" for a few)
# Exit 77 (CTest: skipped) when clang or libFuzzer is missing.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang++ >/dev/null; then
  echo "clang++ not found: fuzzing skipped (Debian: apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
probe=$(mktemp -d)
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }' > "$probe/p.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
  rm -rf "$probe"
  echo "clang++ cannot link -fsanitize=fuzzer: fuzzing skipped (Debian: apt-get install libclang-rt-14-dev)"
  exit 77
fi
rm -rf "$probe"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DOST_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
        -DCMAKE_CXX_FLAGS_FUZZ="-O1 -g" >/dev/null || exit 1
fi
targets=${FUZZ_TARGETS:-$(cat "$build/fuzz-targets.txt")}
cmake --build "$build" -j "${FUZZ_JOBS:-1}" --target $(printf 'fuzz_%s ' $targets) || exit 1
# Leaks in a parser are findings; libFuzzer reports them. OpenCV's and SQLite's caches are not leaks.
# The harnesses write each input to a scratch file (and the store and export fsync): on tmpfs that
# costs microseconds instead of a disk flush, about 10x more executions.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0
printf '%-12s %12s %8s %8s %10s  %s\n' target executions "exec/s" cov features result
for t in $targets; do
  bin="$build/bin/fuzz/fuzz_$t"
  regress="$src/tests/fuzz/regress/$t"
  if compgen -G "$regress/*" >/dev/null; then
    if ! "$bin" "$regress"/* >"$build/regress-$t.log" 2>&1; then
      echo "fuzz_$t: a regression input fails again; see $build/regress-$t.log"
      status=1
      continue
    fi
  fi
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz-$t.log"
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix="$build/crash-$t-" "$build/corpus/$t" "$src/tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  result=ok
  if [ $rc -ne 0 ]; then
    result="CRASH (rc $rc): $(ls "$build"/crash-"$t"-* 2>/dev/null | head -1); see $log"
    status=1
  fi
  printf '%-12s %12s %8s %8s %10s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
