#!/usr/bin/env bash
# `ost-curator --help` and `--version` print and exit 0 without a display (they used to abort in
# QApplication's constructor: "could not connect to display"). The check runs with the xcb platform
# and no DISPLAY; opening a window in that environment must fail, which shows the test has no display.
# usage: ost_curator_cli.sh PATH/TO/ost-curator
set -u
BIN=$1
nodisplay() { env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb "$@"; }
failures=0
out=$(nodisplay "$BIN" --help 2>&1) || { echo "FAIL: --help exited $? without a display: $out"; failures=$((failures + 1)); }
[[ $out == *"Usage:"* && $out == *"--screenshot"* ]] || { echo "FAIL: --help printed: $out"; failures=$((failures + 1)); }
out=$(nodisplay "$BIN" --version 2>&1) || { echo "FAIL: --version exited $? without a display: $out"; failures=$((failures + 1)); }
[[ $out == *"OST Curator "[0-9]* ]] || { echo "FAIL: --version printed: $out"; failures=$((failures + 1)); }
if nodisplay timeout 20 "$BIN" >/dev/null 2>&1; then
    echo "FAIL: the window opened, so this environment has a display and proves nothing"
    failures=$((failures + 1))
fi
[[ $failures -eq 0 ]] && echo "ost-curator --help and --version work without a display"
exit $((failures > 0))
