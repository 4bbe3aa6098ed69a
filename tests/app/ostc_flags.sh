#!/usr/bin/env bash
# Every option that `ostc CMD --help` documents (a line starting with --flag) is one the command
# accepts, and a flag it does not know is refused with a hint. Each command declares its flags at
# registration, apart from its usage text: this keeps the two from drifting apart.
# usage: ostc_flags.sh PATH/TO/ostc
set -u
OSTC=$1
failures=0 checked=0 commands=0

check_command() { # words of the command, e.g. "export" or "bench synthetic"
    local usage flag out
    local -a given=()
    usage=$("$OSTC" "$@" --help) || { echo "FAIL: ostc $* --help exited non-zero"; failures=$((failures + 1)); return; }
    commands=$((commands + 1))
    for flag in $(grep -oE '^[[:space:]]+--[a-z][a-z0-9-]*' <<<"$usage"); do
        given+=("$flag" 1) # a switch leaves its "1" as a positional argument, which --help ignores
        checked=$((checked + 1))
    done
    # All documented flags at once, then --help: the flag check runs first, then the usage is printed;
    # nothing is run. (One process per command: ostc starts in about half a second.)
    if ! out=$("$OSTC" "$@" "${given[@]}" --help 2>&1 >/dev/null); then
        echo "FAIL: ostc $* refuses an option its --help documents: $out"
        failures=$((failures + 1))
    fi
    out=$("$OSTC" "$@" --no-such-option 1 --help 2>&1 >/dev/null)
    if [[ $? -ne 2 || $out != *"unknown option --no-such-option"* ]]; then
        echo "FAIL: ostc $* accepted --no-such-option (or said: $out)"
        failures=$((failures + 1))
    fi
}

for c in $("$OSTC" --help | awk '/^commands:/ { on = 1; next } on && NF { print $1 }'); do
    if [[ $c == bench ]]; then
        for b in $("$OSTC" bench 2>&1 | awk 'NR > 1 && NF { print $1 }'); do
            check_command bench "$b"
        done
    else
        check_command "$c"
    fi
done

hint=$("$OSTC" export --top-procent 20 --help 2>&1 >/dev/null)
if [[ $hint != *"did you mean --top-percent?"* ]]; then
    echo "FAIL: no did-you-mean hint for --top-procent: $hint"
    failures=$((failures + 1))
fi

echo "$commands commands, $checked documented options checked, $failures failures"
# Guard against a vacuous pass (e.g. the help layout changed and nothing was found).
if [[ $commands -lt 15 || $checked -lt 80 ]]; then
    echo "FAIL: expected at least 15 commands and 80 documented options"
    exit 1
fi
[[ $failures -eq 0 ]]
