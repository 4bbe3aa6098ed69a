# The two set-up commands of the README: `make demo` and `make test`. Both install what is missing
# (Debian 12 packages), configure and build; nothing else is needed on a fresh machine.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# libopenblas0-pthread: Debian's LibTorch calls the system BLAS; the reference BLAS it gets otherwise makes
# scoring ~15x slower (measured: 0.2 vs 3.1 samples/s on the demo set).
PACKAGES := cmake g++ make pkg-config qt6-base-dev libqt6opengl6-dev qt6-charts-dev libgl1-mesa-dev \
            libtorch-dev libopencv-dev libspdlog-dev nlohmann-json3-dev libsqlite3-dev libssl-dev \
            libopenblas0-pthread libbenchmark-dev xvfb xauth
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build test demo screenshots clean sanitize fuzz

all: build

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS)

# Generates the bundled demo set, scores it with the built-in proxy, then opens it in the app when a
# display is available; otherwise prints the ranking and writes an export.
demo: build
	./tools/run-demo.sh $(BUILD)

screenshots: build
	./tools/take-screenshots.sh $(BUILD)

sanitize:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DOST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan) in build-fuzz, each run for FUZZ_SECONDS
# (default 60), one at a time; the build uses FUZZ_JOBS cores (default 1). See tools/run-fuzz.sh.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./tools/run-fuzz.sh build-fuzz

clean:
	rm -rf $(BUILD)
