#!/usr/bin/env bash
# `make screenshots`: takes the README's screenshots of the desktop app into docs/screenshots/.
# Uses the real MATH-V pool (../shared/data/mathv/pool-small.jsonl) when present, else the bundled
# demo set (ostc demo-data); scores it with the built-in tiny proxy unless its latest run is done
# (an unfinished run is resumed); then runs `ost-curator DATASET --screenshot FILE --view V` under
# xvfb-run for each view.
#
# usage: tools/take-screenshots.sh [BUILD_DIR]      (default: build)
# env:   OST_SHOTS_DATA=path/to/dataset.jsonl (use this one), OST_SHOTS_LIMIT=N (score only N samples),
#        OST_SHOTS_MODE=exact|fast (default exact), OST_SHOTS_MINUTES=M (stop scoring after M minutes,
#        like Ctrl-C, and take the pictures of the partly scored project; rerunning resumes),
#        OST_SHOTS_SIZE=1280x800, OST_SHOTS_OUT=docs/screenshots, OSTC=path/to/ostc (default BUILD_DIR/bin/ostc)
set -euo pipefail

BUILD_DIR=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OSTC=${OSTC:-$BUILD_DIR/bin/ostc}
CURATOR="$BUILD_DIR/bin/ost-curator"
WORK="$BUILD_DIR/screenshots"
OUT=${OST_SHOTS_OUT:-$ROOT/docs/screenshots}
SIZE=${OST_SHOTS_SIZE:-1280x800}
MAX_BYTES=300000

die() { printf 'take-screenshots: %s\n' "$*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

[[ -x "$CURATOR" ]] || die "$CURATOR not found: build first (cmake --build $BUILD_DIR --target ost-curator)"
[[ -x "$OSTC" ]] || die "$OSTC not found: build first (cmake --build $BUILD_DIR --target ostc)"
command -v xvfb-run >/dev/null || die "xvfb-run is missing (Debian package xvfb)"
mkdir -p "$WORK" "$OUT"

# The project store is written beside the dataset, so the real data (read-only) is linked into the
# build folder instead of being used in place.
MATHV="$ROOT/../shared/data/mathv"
if [[ -n "${OST_SHOTS_DATA:-}" ]]; then
    DATA="$OST_SHOTS_DATA"
    REFERENCE=""
elif [[ -f "$MATHV/pool-small.jsonl" ]]; then
    mkdir -p "$WORK/mathv"
    ln -sfn "$(cd "$MATHV" && pwd)/images" "$WORK/mathv/images"
    cp -f "$MATHV/pool-small.jsonl" "$WORK/mathv/pool-small.jsonl.tmp"
    cmp -s "$WORK/mathv/pool-small.jsonl.tmp" "$WORK/mathv/pool-small.jsonl" 2>/dev/null \
        && rm "$WORK/mathv/pool-small.jsonl.tmp" || mv "$WORK/mathv/pool-small.jsonl.tmp" "$WORK/mathv/pool-small.jsonl"
    cp -f "$MATHV/reference.jsonl" "$WORK/mathv/reference.jsonl"
    DATA="$WORK/mathv/pool-small.jsonl"
    REFERENCE="$WORK/mathv/reference.jsonl"
    say "using the MATH-V pool ($DATA)"
else
    if [[ ! -f "$WORK/demo/pool.jsonl" ]]; then
        say "generating the demo set into $WORK/demo"
        "$OSTC" demo-data "$WORK/demo" --count 400 || die "ostc demo-data failed"
    fi
    DATA="$WORK/demo/pool.jsonl"
    REFERENCE="$WORK/demo/reference.jsonl"
    say "using the demo set ($DATA)"
fi

# `ostc rank` prints '# run N "name" (status), ...' first.
if "$OSTC" rank "$DATA" --top 1 --bottom 0 2>/dev/null | head -n 1 | grep -q '(done)'; then
    say "already scored"
else
    say "scoring $DATA with the built-in tiny proxy (${OST_SHOTS_MODE:-exact} mode)"
    args=("$DATA" --proxy builtin-tiny --quiet --mode "${OST_SHOTS_MODE:-exact}")
    [[ -n "$REFERENCE" ]] && args+=(--reference "$REFERENCE")
    [[ -n "${OST_SHOTS_LIMIT:-}" ]] && args+=(--limit "$OST_SHOTS_LIMIT")
    rc=0
    if [[ -n "${OST_SHOTS_MINUTES:-}" ]]; then
        timeout -s INT "${OST_SHOTS_MINUTES}m" "$OSTC" score "${args[@]}" || rc=$?
        # 124: the time ran out and ostc stopped between batches (what it scored is stored)
        [[ $rc -eq 124 || $rc -eq 130 ]] && { say "scoring stopped after $OST_SHOTS_MINUTES min (partly scored)"; rc=0; }
    else
        "$OSTC" score "${args[@]}" || rc=$?
    fi
    [[ $rc -eq 0 ]] || die "ostc score failed (exit $rc); screenshots would show an unscored project"
fi
"$OSTC" rank "$DATA" --top 0 --bottom 0 2>/dev/null | head -n 1 || true

shoot() { # VIEW FILE
    local view=$1 file=$2
    xvfb-run -a -s "-screen 0 1600x1000x24" \
        "$CURATOR" "$DATA" --screenshot "$file" --view "$view" --size "$SIZE" \
        || die "ost-curator --screenshot --view $view failed"
    # Keep the repository light: photos in the thumbnails can push a PNG past the limit.
    if [[ $(stat -c %s "$file") -gt $MAX_BYTES ]] && command -v convert >/dev/null; then
        convert "$file" -colors 256 "PNG8:$file.tmp" && mv "$file.tmp" "$file"
    fi
    printf '%s  %s bytes\n' "$file" "$(stat -c %s "$file")"
}

say "taking screenshots into $OUT"
export QT_QPA_PLATFORM=xcb
shoot main "$OUT/main.png"
shoot review "$OUT/review.png"
shoot export "$OUT/export.png"
shoot scoring "$OUT/scoring.png"
shoot gallery "$OUT/gallery.png"
