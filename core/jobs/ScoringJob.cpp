#include "core/jobs/ScoringJob.h"

#include "core/jobs/internal/JobHooks.h"
#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/ScoringRun.h"

namespace ost {

// The job's inputs; ScoringRun (core/jobs/internal/ScoringRun.h) is one execution of it, phase by phase.
struct ScoringJob::Impl {
    const Dataset &dataset;
    ProjectStore &store;
    RunSettings settings;
    std::shared_ptr<JobHooks> hooks = std::make_shared<JobHooks>();

    Impl(const Dataset &d, ProjectStore &s, RunSettings r) : dataset(d), store(s), settings(std::move(r)) {}
};

ScoringJob::ScoringJob(const Dataset &dataset, ProjectStore &store, RunSettings settings)
    : d(std::make_unique<Impl>(dataset, store, std::move(settings)))
{
}

ScoringJob::~ScoringJob() = default;

void ScoringJob::setHooks(std::shared_ptr<JobHooks> hooks) { d->hooks = hooks ? std::move(hooks) : std::make_shared<JobHooks>(); }

std::string ScoringJob::timingsBlobKey(int64_t runId) { return "run/" + std::to_string(runId) + "/timings"; }
std::string ScoringJob::errorsBlobKey(int64_t runId) { return "run/" + std::to_string(runId) + "/errors"; }
std::string ScoringJob::textOnlyBlobKey(int64_t runId) { return "run/" + std::to_string(runId) + "/text-only"; }
std::string ScoringJob::referenceLossBlobKey(int64_t runId)
{
    return "run/" + std::to_string(runId) + "/reference-loss";
}

Result<int64_t> ScoringJob::run(const ProgressCallback &progress, CancelToken &cancel,
                                std::optional<int64_t> resumeRunId)
{
    try {
        return jobs::ScoringRun(d->dataset, d->store, d->settings, *d->hooks, progress, cancel).run(resumeRunId);
    } catch (const std::exception &e) {
        // Torch reports shape/device problems as exceptions; the caller gets them as an error value.
        return Error{"scoring failed: " + jobs::errorMessage(e)};
    }
}

std::optional<RunInfo> latestRunWithSettings(const ProjectStore &store, const RunSettings &settings)
{
    const std::string json = settings.toJson(); // what a new run stores as its settingsJson
    const auto runs = store.runs();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it)
        if (it->settingsJson == json)
            return *it;
    return std::nullopt;
}

} // namespace ost
