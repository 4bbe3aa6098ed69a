// libFuzzer harness for the GGUF reader: any bytes must either open or fail with an error, never
// crash, read out of bounds or allocate without bound; a file that opens must decode every tensor
// it can (into a bounded buffer, a block-aligned chunk at a time, so a large tensor costs no
// more memory than a small one).
//
//   clang++ -g -O1 -fsanitize=fuzzer,address,undefined -std=c++17 -I. tests/fuzz/fuzz_gguf.cpp \
//       core/model/Gguf.cpp core/model/GgufQuants.cpp -o /tmp/fuzz_gguf
//   /tmp/fuzz_gguf -max_total_time=600 tests/fuzz/corpus/gguf
//
// A crash input goes to tests/fixtures/gguf/regress/ (tst_gguf opens each of them).
#include "core/model/Gguf.h"
#include "core/model/GgufQuants.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto opened = ost::GgufFile::openMemory(std::vector<uint8_t>(data, data + size), "fuzz.gguf");
    if (!opened) {
        // Errors are one line that names the file.
        const std::string &m = opened.error().message;
        if (m.rfind("fuzz.gguf: ", 0) != 0 || m.find('\n') != std::string::npos) {
            std::fprintf(stderr, "bad error message: %s\n", m.c_str());
            std::abort();
        }
        return 0;
    }
    constexpr int64_t kChunk = 1 << 16;
    static std::vector<float> out(kChunk);
    for (const ost::GgufTensorInfo &t : (*opened)->tensors()) {
        if (!ost::ggmlCanDequantise(t.type))
            continue;
        const ost::GgmlBlockLayout layout = ost::ggmlBlockLayout(t.type);
        const int64_t chunk = std::max<int64_t>(kChunk / layout.elements, 1) * layout.elements;
        for (int64_t at = 0; at < t.numel(); at += chunk) {
            const int64_t n = std::min(chunk, t.numel() - at);
            const size_t offset = static_cast<size_t>(at / layout.elements * layout.bytes);
            if (!ost::ggmlDequantise(t.type, t.data + offset, t.bytes - offset, n, out.data()))
                std::abort(); // a tensor the reader accepted must decode
        }
    }
    return 0;
}
