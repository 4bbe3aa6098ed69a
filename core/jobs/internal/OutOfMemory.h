#pragma once
// Recognises an accelerator out-of-memory error so the job can halve its batch and go on.
#include <exception>
#include <string>

namespace ost::jobs {

// c10::OutOfMemoryError on LibTorch 2.x; on 1.13 a c10::Error whose message says "out of memory".
// Any exception whose message says so counts (this is also how tests simulate one), and a cuBLAS or
// cuDNN STATUS_ALLOC_FAILED.
bool isOutOfMemory(const std::exception &e);

// The exception's message without the C++ backtrace that LibTorch appends to c10::Error::what()
// (a CUDA error carries twenty-odd frames): what the user reads and the store keeps.
std::string errorMessage(const std::exception &e);

// Returns cached blocks to the driver after an OOM (LibTorch >= 2.9 with CUDA; else a no-op).
void releaseCachedMemory();

} // namespace ost::jobs
