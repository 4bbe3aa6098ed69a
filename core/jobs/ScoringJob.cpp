#include "core/jobs/ScoringJob.h"

#include "core/jobs/internal/JobHooks.h"
#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/ScoringRun.h"
#include "core/store/StoredPaths.h"

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

RunSettings storedSettings(RunSettings settings, const std::string &storePath)
{
    settings.referencePath = pathForStore(settings.referencePath, storePath);
    return settings;
}

std::optional<RunInfo> latestRunWithSettings(const ProjectStore &store, const RunSettings &settings)
{
    // Compared with both reference paths resolved (pathFromStore): a run stores its own relative to
    // the project, older runs as typed then, the caller has it as typed now or absolute.
    const auto comparable = [&store](RunSettings s) {
        s.referencePath = pathFromStore(s.referencePath, store.path());
        return s.toJson();
    };
    const std::string wanted = comparable(settings);
    const auto runs = store.runs();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        auto stored = RunSettings::fromJson(it->settingsJson);
        if (stored.ok() && comparable(stored.takeValue()) == wanted)
            return *it;
    }
    return std::nullopt;
}

} // namespace ost
