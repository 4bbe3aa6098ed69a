#include "core/jobs/internal/OutOfMemory.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <string>

// LibTorch 2.9 added a device-generic caching-allocator interface; before it, emptyCache needs the
// CUDA headers, which CPU builds (Debian's 1.13) lack.
#if (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 9)) &&                 \
    __has_include(<c10/core/CachingDeviceAllocator.h>)
#include <c10/core/CachingDeviceAllocator.h>
#define OST_HAVE_DEVICE_ALLOCATOR 1
#endif

namespace ost::jobs {

bool isOutOfMemory(const std::exception &e)
{
#if TORCH_VERSION_MAJOR >= 2
    if (dynamic_cast<const c10::OutOfMemoryError *>(&e))
        return true;
#endif
    // cuBLAS/cuDNN report a full GPU as CUBLAS_STATUS_ALLOC_FAILED / CUDNN_STATUS_ALLOC_FAILED when
    // they create their handles and workspaces, after the allocator's cache took what was left.
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos || what.find("OutOfMemory") != std::string::npos ||
           what.find("STATUS_ALLOC_FAILED") != std::string::npos;
}

std::string errorMessage(const std::exception &e)
{
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return c10->what_without_backtrace();
    return e.what();
}

void releaseCachedMemory()
{
    // The failed step's tensors are already freed (out of scope) but stay in the caching allocator;
    // handing them back to the driver lets cuBLAS/cuDNN create their handles in what is left.
#ifdef OST_HAVE_DEVICE_ALLOCATOR
    try {
        if (torch::cuda::is_available())
            c10::getDeviceAllocator(c10::DeviceType::CUDA)->emptyCache();
    } catch (const std::exception &) {
        // Best effort: the retry runs either way.
    }
#endif
}

} // namespace ost::jobs
