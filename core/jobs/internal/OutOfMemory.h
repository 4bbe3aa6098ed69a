#pragma once
// Recognises an accelerator out-of-memory error so the job can halve its batch and go on.
#include <exception>

namespace ost::jobs {

// c10::OutOfMemoryError on LibTorch 2.x; on 1.13 a c10::Error whose message says "out of memory".
// Any exception whose message says so counts (this is also how tests simulate one).
bool isOutOfMemory(const std::exception &e);

// Returns cached blocks to the driver after an OOM (no-op without CUDA).
void releaseCachedMemory();

} // namespace ost::jobs
