#!/usr/bin/env bash
# Builds and tests the project against LibTorch 2.x from the PyPI `torch` wheel (what GPU users have),
# instead of Debian's LibTorch 1.13. Usage: tools/build-libtorch2.sh [PYTHON] [BUILD_DIR]
#   PYTHON: an interpreter with `torch` installed (pip install torch); default python3.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}
build=${2:-build-torch2}
site=$("$py" -c 'import torch, os; print(os.path.dirname(os.path.dirname(torch.__file__)))')
torch_dir="$site/torch"
echo "LibTorch $("$py" -c 'import torch; print(torch.__version__)') from $torch_dir"
# The CUDA wheels link against NVIDIA's pip-packaged libraries (NCCL, cuDNN...): let the linker find
# them there rather than in system folders, which may hold other versions.
rpath_links=""
for d in "$site"/nvidia/*/lib "$site"/nvidia/*/*/lib; do
  [ -d "$d" ] && rpath_links="$rpath_links -Wl,-rpath-link,$d"
done
# A CUDA wheel's CMake config enables the CUDA language with the C++ standard (20), which CMake 3.25
# cannot ask of nvcc 13 ("CUDA20 ... not supported"); the project compiles no CUDA code, so 17 is moot.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CUDA_STANDARD=17 \
  -DCMAKE_PREFIX_PATH="$torch_dir;$torch_dir/share/cmake" \
  -DCMAKE_EXE_LINKER_FLAGS="$rpath_links" -DCMAKE_SHARED_LINKER_FLAGS="$rpath_links" \
  -DCMAKE_BUILD_RPATH="$torch_dir/lib" -DCMAKE_CXX_STANDARD=20 "${@:3}"
cmake --build "$build" -j "$(nproc)"
cd "$build" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$(nproc)"
