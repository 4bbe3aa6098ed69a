// Per-reference attribution of one sample computed on demand (core/ost/Attribution.h): for a fast
// run (whose first-order utilities have no per-reference values: those would need ∇L_v of every v,
// |V| gradients of the stepped blocks, 14 M floats each for SmolLM2 last:4) and for a run stored
// before attribution existed. The exact step for that one sample, with the run's own proxy, settings,
// warm-up checkpoint and V: one backward of the sample and one pass over V.
#include "core/ost/Attribution.h"

#include "core/jobs/internal/JobHooks.h"
#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/RunInputs.h"
#include "core/store/StoredPaths.h"
#include "core/jobs/internal/ScoringWorker.h"
#include "core/ost/PoolSplit.h"
#include "core/ost/internal/ProxyTrainer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace ost {

namespace {

namespace fs = std::filesystem;

struct RunContext {
    RunInfo info;
    RunSettings settings;
};

Result<RunContext> runContext(const ProjectStore &store, int64_t runId)
{
    const auto info = store.run(runId);
    if (!info)
        return Error{store.path() + ": no run " + std::to_string(runId)};
    auto settings = RunSettings::fromJson(info->settingsJson);
    if (!settings.ok())
        return Error{store.path() + ": run " + std::to_string(runId) + ": " + settings.error().message};
    return RunContext{*info, settings.takeValue()};
}

// The run's reference file now: as given, else where the store's path says (pathFromStore: relative
// to the project file, or as older versions stored it), else by its file name beside the project.
Result<std::string> locateReferenceFile(const RunContext &run, const std::string &storePath,
                                        const std::string &given)
{
    std::error_code ec;
    if (!given.empty())
        return fs::exists(given, ec) ? Result<std::string>(given)
                                     : Result<std::string>(Error{"reference file " + given + " not found"});
    const fs::path stored(run.settings.referencePath);
    const fs::path folder = fs::path(storePath).parent_path();
    for (const fs::path &candidate : {fs::path(pathFromStore(stored.string(), storePath)), folder / stored.filename()})
        if (fs::exists(candidate, ec))
            return candidate.string();
    return Error{"run " + std::to_string(run.info.id) + "'s reference file " + stored.string() +
                 " is not found (nor beside the project, in " + (folder.empty() ? fs::path(".") : folder).string() +
                 "); give where it is now"};
}

Result<std::vector<Sample>> referenceSamples(const Dataset &dataset, const ProjectStore &store, const RunContext &run,
                                             const OnDemandOptions &options)
{
    if (!run.settings.referencePath.empty()) {
        auto path = locateReferenceFile(run, store.path(), options.referencePath);
        if (!path.ok())
            return path.error();
        return jobs::loadReferenceFile(path.value(), run.settings);
    }
    std::vector<std::string> ids(static_cast<size_t>(dataset.size()));
    for (int64_t i = 0; i < dataset.size(); ++i)
        ids[size_t(i)] = dataset.id(i);
    std::vector<Sample> out;
    for (int64_t i : splitPool(ids, run.settings, false).reference)
        if (auto s = dataset.sample(i); s.ok())
            out.push_back(s.takeValue());
    if (out.empty())
        return Error{"run " + std::to_string(run.info.id) + ": its reference set (held out of " + dataset.path() +
                     ") has no readable sample"};
    return out;
}

std::optional<double> storedUtility(const ProjectStore &store, const RunContext &run, const std::string &sampleId)
{
    const auto scores = store.scoreMap(run.info.id, run.settings.utilityMethod());
    const auto it = scores.find(sampleId);
    return it == scores.end() ? std::nullopt : std::optional<double>(it->second);
}

Result<Attribution> computeOnDemand(const Dataset &dataset, const ProjectStore &store, const RunContext &run,
                                    const std::string &sampleId, const OnDemandOptions &options)
{
    const auto started = std::chrono::steady_clock::now();
    const int64_t index = dataset.indexOf(sampleId);
    if (index < 0)
        return Error{"no sample '" + sampleId + "' in " + dataset.path()};
    auto sample = dataset.sample(index);
    if (!sample.ok())
        return Error{"sample '" + sampleId + "': " + sample.error().message};
    auto references = referenceSamples(dataset, store, run, options);
    if (!references.ok())
        return references.error();
    for (const Sample &r : references.value())
        if (run.settings.referencePath.empty() && r.id == sampleId)
            return Error{"sample '" + sampleId + "' is in run " + std::to_string(run.info.id) +
                         "'s reference set V (held out of the pool): it has no utility to explain"};
    if (jobs::hashOfSamples(references.value()) != run.info.referenceHash)
        spdlog::warn("run {}: the reference set is not the one the run scored with (a sample was edited, added or "
                     "removed since); the attribution is over V as it is now",
                     run.info.id);

    const std::string &proxySpec = run.settings.proxy;
    std::error_code ec;
    if (proxySpec != "builtin-tiny" && !fs::exists(proxySpec, ec))
        return Error{"run " + std::to_string(run.info.id) + "'s proxy " + proxySpec +
                     " is gone (no such file or folder): the attribution takes the step with it"};

    // The run's settings in exact mode, on this machine's device. θ's warm-up key depends on the
    // run's own settings, so it is computed from those.
    RunSettings exact = run.settings;
    exact.mode = ScoringMode::Exact;
    exact.device = options.device.empty() ? "cpu" : options.device;
    if (exact.device == "cpu")
        exact.precision = "fp32"; // a CUDA run's bf16 is not what a CPU computes well
    auto proxy = model::loadProxy(proxySpec, jobs::proxyOptions(exact, exact.device));
    if (!proxy.ok())
        return Error{"proxy " + proxySpec + ": " + proxy.error().message};

    std::vector<std::string> ids(static_cast<size_t>(dataset.size()));
    for (int64_t i = 0; i < dataset.size(); ++i)
        ids[size_t(i)] = dataset.id(i);
    const PoolSplit split = splitPool(ids, run.settings, !run.settings.referencePath.empty());
    if (!split.warmup.empty() && run.settings.warmupEpochs > 0) {
        const std::string key = jobs::warmupCheckpointKey(run.settings, run.info.datasetHash, run.info.referenceHash);
        const auto checkpoint = store.blob(key);
        if (!checkpoint)
            return Error{"run " + std::to_string(run.info.id) + " warmed the proxy up, and its checkpoint (" + key +
                         ") is not in " + store.path()};
        if (Status s = jobs::loadWarmupCheckpoint(*proxy.value().model, run.settings, key, *checkpoint); !s)
            return s.error();
    }

    static const JobHooks noHooks;
    jobs::ScoringWorker worker(exact, proxy.takeValue(), torch::Device(exact.device), noHooks);
    // L_V(θ) recomputed here, not the run's stored value: the deltas and the utility then come from
    // the same device and precision, and their mean is the utility.
    if (Status s = worker.prepare(references.value(), std::nullopt); !s)
        return s.error();
    jobs::ChunkResult chunk = worker.scoreChunk({&sample.value()});
    if (const auto e = chunk.errors.find(sampleId); e != chunk.errors.end())
        return Error{e->second};
    const auto deltas = chunk.attributions.find(sampleId);
    if (deltas == chunk.attributions.end())
        return Error{"sample '" + sampleId + "': the exact step gave no per-reference values"};

    Attribution a;
    a.sampleId = sampleId;
    a.runId = run.info.id;
    a.referenceIds = worker.referenceIds();
    a.deltas = deltas->second;
    for (const ScoreRow &row : chunk.rows)
        if (row.method == exact.utilityMethod())
            a.utility = row.value;
    a.runUtility = storedUtility(store, run, sampleId);
    a.source = Attribution::Source::ComputedOnDemand;
    a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return a;
}

} // namespace

Result<std::vector<Sample>> runReferenceSamples(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                                const OnDemandOptions &options)
{
    auto run = runContext(store, runId);
    if (!run.ok())
        return run.error();
    return referenceSamples(dataset, store, run.value(), options);
}

Result<Attribution> computeAttribution(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                       const std::string &sampleId, const OnDemandOptions &options)
{
    auto run = runContext(store, runId);
    if (!run.ok())
        return run.error();
    try {
        return computeOnDemand(dataset, store, run.value(), sampleId, options);
    } catch (const std::exception &e) { // torch reports shape, device and memory problems as exceptions
        return Error{"sample '" + sampleId + "': " + jobs::errorMessage(e)};
    }
}

Result<Attribution> attributionFor(const Dataset &dataset, const ProjectStore &store, int64_t runId,
                                   const std::string &sampleId, const OnDemandOptions &options)
{
    auto stored = loadStoredAttribution(store, runId, sampleId);
    if (!stored.ok())
        return stored.error();
    if (stored.value())
        return std::move(*stored.value());
    return computeAttribution(dataset, store, runId, sampleId, options);
}

} // namespace ost
