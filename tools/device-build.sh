#!/usr/bin/env bash
# Builds the headless part (core + ostc, no Qt) against the LibTorch 2.x of a Python `torch` wheel,
# CUDA included when the wheel has it, on a GPU machine that lacks the C++ development packages.
# What the machine lacks comes from a dependency folder DEPS (default .device), made on a machine
# that has them:
#   DEPS/opencv/  OpenCV source (only CMakeLists.txt, cmake/, include/, modules/{core,imgproc,imgcodecs},
#                 3rdparty/{zlib,libpng,libjpeg-turbo,include}, doc/ and data/CMakeLists.txt are needed);
#                 built here once, static, into BUILD/opencv-install
#   DEPS/prefix/  headers, CMake configs and libraries of spdlog + fmt, nlohmann_json and SQLite3, in
#                 Debian's layout (include/, lib/x86_64-linux-gnu/{cmake/,*.so*}, share/cmake/)
# Either may be absent: then the system's copy is used. On Debian 12 with the packages of README's
# "Building by hand", prefix/ is a copy of /usr/include/{spdlog,fmt,nlohmann,sqlite3.h},
# /usr/lib/x86_64-linux-gnu/{cmake/spdlog,cmake/fmt,libspdlog.so*,libfmt.so*,libsqlite3.so*} and
# /usr/share/cmake/nlohmann_json (8 MiB), plus OpenSSL's libcrypto where the machine has no libssl-dev
# (/usr/include/openssl and /usr/include/x86_64-linux-gnu/openssl merged into include/openssl,
# lib/x86_64-linux-gnu/libcrypto.so*); the OpenCV subset of 4.10 is 29 MiB. A CUDA wheel's CMake
# config also needs the CUDA toolkit (nvcc) on the machine. tools/gpu-check.sh then compares CPU and GPU.
#
# Usage: tools/device-build.sh [--python PY] [--deps DIR] [--build DIR] [--jobs N] [--src DIR] [--target "T..."]
#   --src: the source tree to build (default: this checkout); --target: what to build (default ostc,
#   "none": configure only).
# Then BUILD/bin/ostc runs with LD_LIBRARY_PATH unset (rpaths point at the wheel and DEPS).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
py=python3
deps=$here/.device
build=$here/build-device
src=$here
jobs=$(nproc)
targets=(ostc)
while [ $# -gt 0 ]; do
  case "$1" in
    --python) py=$2; shift 2 ;;
    --deps) deps=$(cd "$2" && pwd); shift 2 ;;
    --build) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --src) src=$(cd "$2" && pwd); shift 2 ;;
    --target) targets=($2); shift 2 ;;
    *) echo "device-build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$build"
build=$(cd "$build" && pwd)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

site=$("$py" -c 'import torch, os; print(os.path.dirname(os.path.dirname(torch.__file__)))')
torch_dir="$site/torch"
echo "== LibTorch $("$py" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)') from $torch_dir"

prefixes="$torch_dir;$torch_dir/share/cmake"

# 1. OpenCV core + imgproc + imgcodecs (PNG, JPEG), static, every optional dependency off.
if [ -f "$deps/opencv/CMakeLists.txt" ]; then
  ocv_install=$build/opencv-install
  if [ ! -f "$ocv_install/.built" ]; then
    echo "== OpenCV from $deps/opencv"
    cmake -S "$deps/opencv" -B "$build/opencv-build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$ocv_install" -DBUILD_LIST=core,imgproc,imgcodecs \
      -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      -DBUILD_ZLIB=ON -DBUILD_PNG=ON -DBUILD_JPEG=ON -DWITH_JPEG=ON -DWITH_PNG=ON \
      -DENABLE_LIBJPEG_TURBO_SIMD=OFF -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF \
      -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF -DWITH_IMGCODEC_HDR=OFF -DWITH_IMGCODEC_SUNRASTER=OFF \
      -DWITH_IMGCODEC_PXM=OFF -DWITH_IMGCODEC_PFM=OFF -DWITH_SPNG=OFF -DWITH_AVIF=OFF -DWITH_GDAL=OFF \
      -DWITH_GDCM=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_OPENCL=OFF -DWITH_CUDA=OFF -DWITH_TBB=OFF \
      -DWITH_OPENMP=OFF -DWITH_EIGEN=OFF -DWITH_LAPACK=OFF -DWITH_PROTOBUF=OFF -DWITH_FFMPEG=OFF \
      -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF \
      -DWITH_1394=OFF -DWITH_OPENVX=OFF -DWITH_KLEIDICV=OFF -DWITH_CAROTENE=OFF -DWITH_FLATBUFFERS=OFF \
      -DWITH_ADE=OFF -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOCS=OFF \
      -DBUILD_opencv_apps=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_python3=OFF -DBUILD_opencv_python2=OFF \
      -DOPENCV_GENERATE_PKGCONFIG=OFF -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >"$build/opencv-configure.log" \
      || { tail -40 "$build/opencv-configure.log"; exit 1; }
    cmake --build "$build/opencv-build" -j "$jobs" >"$build/opencv-build.log" || { tail -40 "$build/opencv-build.log"; exit 1; }
    cmake --install "$build/opencv-build" >/dev/null
    touch "$ocv_install/.built"
  fi
  prefixes="$prefixes;$ocv_install"
fi
[ -d "$deps/prefix" ] && prefixes="$prefixes;$deps/prefix"

# 2. The project, with the flags of tools/build-libtorch2.sh: the CUDA wheels link against NVIDIA's
# pip-packaged libraries (cuDNN, NCCL...), which the linker must find there.
rpath_links=""
for d in "$site"/nvidia/*/lib "$site"/nvidia/*/*/lib; do
  [ -d "$d" ] && rpath_links="$rpath_links -Wl,-rpath-link,$d"
done
# The binary must find the wheel's LibTorch and DEPS/prefix's spdlog/fmt/SQLite without LD_LIBRARY_PATH
# (a build without the prefix's lib dir in its rpath failed to start: libspdlog.so.1.10 not found).
build_rpath="$torch_dir/lib"
[ -d "$deps/prefix/lib/x86_64-linux-gnu" ] && build_rpath="$build_rpath;$deps/prefix/lib/x86_64-linux-gnu"
echo "== configure $build (sources $src)"
cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOST_WITH_GUI=OFF -DOST_BUILD_TESTS=OFF -DCMAKE_CXX_STANDARD=20 -DCMAKE_CUDA_STANDARD=17 \
  -DCMAKE_PREFIX_PATH="$prefixes" \
  -DCMAKE_EXE_LINKER_FLAGS="$rpath_links" -DCMAKE_SHARED_LINKER_FLAGS="$rpath_links" \
  -DCMAKE_BUILD_RPATH="$build_rpath" >"$build/configure.log" || { cat "$build/configure.log"; exit 1; }
grep -E "LibTorch|CUDA" "$build/configure.log" | head -5 || true
[ "${targets[*]}" = none ] && exit 0
echo "== build ${targets[*]} (-j $jobs)"
cmake --build "$build" --target "${targets[@]}" -j "$jobs"
echo "== built ${targets[*]} in $build"
