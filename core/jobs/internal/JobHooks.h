#pragma once
// Seams for testing the job without the real proxy and for simulating faults. Empty members mean
// "use the real thing" (model::loadProxy, model::collate, no fault).
#include "core/model/internal/VisionLanguageModel.h"

#include <functional>

namespace ost {

struct JobHooks {
    std::function<Result<model::LoadedProxy>(const std::string &spec, const model::ProxyOptions &)> loadProxy;
    std::function<model::ModelBatch(const std::vector<model::EncodedSample> &, int64_t padTokenId,
                                    const torch::Device &)>
        collate;
    // Called before each chunk of candidates is scored with the chunk's size; throwing a
    // std::runtime_error("CUDA out of memory ...") here simulates an OOM.
    std::function<void(int64_t chunkSize)> beforeChunk;
    // Called after each batch is stored with (batches stored by this run() call); lets a test cancel
    // or pause at a chosen point.
    std::function<void(int64_t storedBatches)> afterBatch;
};

} // namespace ost
