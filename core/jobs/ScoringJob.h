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

struct JobHooks; // core/jobs/internal/JobHooks.h: test seams (proxy factory, fault injection)

// Where failures go: a sample that cannot be read or encoded (missing image, too many tokens) gets a
// score row with method "error" (value 0) in the run, the tag "scoring-error", and its message in
// the run's blob errorsBlobKey(runId) (JSON id -> message); it is logged with its id and the job goes
// on. A resume does not retry it (delete the run, or fix the sample: an edited sample has a new
// content hash and is scored again).
class ScoringJob {
public:
    ScoringJob(const Dataset &dataset, ProjectStore &store, RunSettings settings);
    ~ScoringJob();

    // Scores every sample not yet scored in the run (a new run, or `resumeRunId`). Returns the run id.
    // Pauses while cancel.isPaused(); stops between batches when cancelled (status "cancelled").
    Result<int64_t> run(const ProgressCallback &progress, CancelToken &cancel,
                        std::optional<int64_t> resumeRunId = std::nullopt);

    // Test seams; production code never calls this.
    void setHooks(std::shared_ptr<JobHooks> hooks);

    // Store blob keys a run writes beside its scores:
    //  timings: JSON {"methods": {method: seconds}, "samples": n, "batchSize": b} for the samples
    //           scored by this process (what `ostc bench` turns into samples/s);
    //  errors:  JSON {id: message} of the samples that could not be scored.
    //  reference loss: L_V(θ) as text ("%.17g"), written once; a resume reads it back, so every
    //           utility of a run subtracts from the same L_V(θ) even when the resume runs elsewhere.
    static std::string timingsBlobKey(int64_t runId);
    static std::string errorsBlobKey(int64_t runId);
    static std::string referenceLossBlobKey(int64_t runId);
    // Present when the run's proxy is a text-only language model: how many scored samples have
    // images it did not see (so image-text mismatches cannot be found), as decimal text.
    static std::string textOnlyBlobKey(int64_t runId);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// `settings` as a run in the store at `storePath` keeps them: the reference file relative to the
// project file when it lies in its folder (core/store/StoredPaths.h), so the app started elsewhere, a
// resume from another folder, or the project folder moved still find it. Every run stores this form.
RunSettings storedSettings(RunSettings settings, const std::string &storePath);

// The newest run in `store` started with `settings` (the reference file compared where it resolves
// to, whichever form either holds): the one a rerun of the same command continues (resumes, or reuses
// when done). Nothing when there is none.
std::optional<RunInfo> latestRunWithSettings(const ProjectStore &store, const RunSettings &settings);

} // namespace ost
