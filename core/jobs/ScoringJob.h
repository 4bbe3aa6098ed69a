#pragma once
// The background scoring job behind torch-free headers. run() works in the calling thread (the CLI's
// main thread, a UI worker thread); it writes scores to the store batch by batch, so a kill loses at
// most the batch in flight and a later run(resume) continues where it stopped.
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/data/Dataset.h"
#include "core/ost/RunSettings.h"
#include "core/store/ProjectStore.h"

#include <memory>
#include <optional>

namespace ost {

class ScoringJob {
public:
    ScoringJob(const Dataset &dataset, ProjectStore &store, RunSettings settings);
    ~ScoringJob();

    // Scores every sample not yet scored in the run (a new run, or `resumeRunId`). Returns the run id.
    // Pauses while cancel.isPaused(); stops between batches when cancelled (status "cancelled").
    Result<int64_t> run(const ProgressCallback &progress, CancelToken &cancel,
                        std::optional<int64_t> resumeRunId = std::nullopt);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ost
