#include "core/jobs/internal/OutOfMemory.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <string>

namespace ost::jobs {

bool isOutOfMemory(const std::exception &e)
{
#if TORCH_VERSION_MAJOR >= 2
    if (dynamic_cast<const c10::OutOfMemoryError *>(&e))
        return true;
#endif
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos || what.find("OutOfMemory") != std::string::npos;
}

void releaseCachedMemory()
{
    // The caching allocator's emptyCache lives in the CUDA headers, which CPU builds lack; torch frees
    // the failed step's tensors when they go out of scope, which is what the retry needs.
}

} // namespace ost::jobs
