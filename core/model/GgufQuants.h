#pragma once
// Dequantisation of ggml block types to fp32, one function per block type (as llama.cpp's
// ggml-quants), chosen from one table by type. Bit-exact against the `gguf` Python package's numpy
// dequantiser (tests/model/tst_gguf.cpp reads committed random blocks of every type, written by
// tools/gen_gguf_fixtures.py). Q8_K too (gguf-py has no decoder for it; the fixture is q * d).
#include "core/common/Result.h"
#include "core/model/Gguf.h"

#include <cstddef>
#include <cstdint>

namespace ost {

// True when ggmlDequantise() handles the type: F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K Q4_K
// Q5_K Q6_K Q8_K.
bool ggmlCanDequantise(uint32_t type);

// Writes `count` values (a whole number of blocks) decoded from `data` (`bytes` long, at least
// count / block elements * block bytes; a tensor's rows can be decoded a block-aligned chunk at a
// time) to `out`. Single-threaded and reentrant: callers may split a tensor across threads.
// Errors name the type and what does not fit; never reads past data + bytes.
Status ggmlDequantise(uint32_t type, const uint8_t *data, size_t bytes, int64_t count, float *out);

} // namespace ost
