#include "core/common/Time.h"
#include "core/jobs/ScoringJob.h"

#include "core/store/ScoringLock.h"

#include "core/jobs/internal/JobHooks.h"
#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/ScoringWorker.h"
#include "core/ost/PoolSplit.h"
#include "core/ost/internal/Hash.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

namespace ost {

using jobs::ChunkResult;
using jobs::ScoringWorker;
using Clock = std::chrono::steady_clock;

namespace {

std::string hashOfSamples(const std::vector<Sample> &samples)
{
    uint64_t h = scoring::fnv1a64("ost-samples");
    for (const auto &s : samples)
        h = scoring::fnv1a64(s.id + "\x1f" + s.contentHash + "\x1e", h);
    return scoring::hex64(h);
}

// 17 significant digits: the text reads back to exactly the same double.
std::string formatExact(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::optional<double> storedReferenceLoss(const ProjectStore &store, int64_t runId)
{
    const auto text = store.blob(ScoringJob::referenceLossBlobKey(runId));
    if (!text)
        return std::nullopt;
    char *end = nullptr;
    const double v = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || !std::isfinite(v)) {
        spdlog::warn("run {}: stored L_V(theta) '{}' is unreadable; computing it again", runId, *text);
        return std::nullopt;
    }
    return v;
}

// Devices the run uses, one worker each: "cuda" alone means every visible GPU; a comma-separated
// list ("cuda:0,cuda:2") names them (the same device twice runs two workers on it, which is how the
// tests run the several-worker path on a CPU). Whether each exists is checked when its proxy loads.
Result<std::vector<torch::Device>> workerDevices(const std::string &spec)
{
    std::vector<torch::Device> out;
    if (spec == "cuda" && torch::cuda::is_available()) {
        for (int64_t i = 0; i < static_cast<int64_t>(torch::cuda::device_count()); ++i)
            out.emplace_back(torch::kCUDA, static_cast<c10::DeviceIndex>(i));
        return out;
    }
    for (size_t start = 0;;) {
        const size_t comma = spec.find(',', start);
        const std::string name = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        try {
            out.emplace_back(name);
        } catch (const std::exception &) {
            return Error{"device '" + name + "' is not a device name (use cpu, cuda, cuda:N or a list: cuda:0,cuda:1)"};
        }
        if (comma == std::string::npos)
            return out;
        start = comma + 1;
    }
}

} // namespace

struct ScoringJob::Impl {
    const Dataset &dataset;
    ProjectStore &store;
    RunSettings settings;
    std::shared_ptr<JobHooks> hooks = std::make_shared<JobHooks>();

    Impl(const Dataset &d, ProjectStore &s, RunSettings r) : dataset(d), store(s), settings(std::move(r)) {}

    Result<model::LoadedProxy> loadProxy(const torch::Device &device) const
    {
        model::ProxyOptions o;
        o.device = device.str();
        o.precision = settings.precision;
        o.maxPixels = settings.maxPixels;
        o.maxTokens = settings.maxTokens;
        o.seed = settings.seed;
        o.chatTemplate = settings.chatTemplate;
        return hooks->loadProxy ? hooks->loadProxy(settings.proxy, o) : model::loadProxy(settings.proxy, o);
    }

    // The warm-up checkpoint depends on everything that shapes θ, but not on how it is then scored
    // (mode, η, step rule, scope, shard), so exact and fast runs of one project share it.
    std::string warmupKey(const std::string &datasetHash, const std::string &referenceHash) const
    {
        nlohmann::json j = {{"proxy", settings.proxy},           {"precision", settings.precision},
                            {"device", settings.device.rfind("cuda", 0) == 0 ? "cuda" : "cpu"}, // kind, not index
                            {"maxTokens", settings.maxTokens},   {"maxPixels", settings.maxPixels},
                            {"seed", settings.seed},             {"fraction", settings.warmupFraction},
                            {"lr", settings.warmupLearningRate}, {"epochs", settings.warmupEpochs},
                            {"batch", settings.batchSize},       {"limit", settings.limit},
                            {"dataset", datasetHash},            {"reference", referenceHash}};
        return "warmup/" + scoring::hex64(scoring::fnv1a64(j.dump()));
    }

    Result<std::vector<Sample>> loadReferenceFile() const
    {
        auto ds = Dataset::open(settings.referencePath);
        if (!ds.ok())
            return Error{"reference set " + settings.referencePath + ": " + ds.error().message};
        std::vector<Sample> out;
        for (int64_t i = 0; i < ds.value()->size(); ++i) {
            auto s = ds.value()->sample(i);
            if (!s.ok()) {
                spdlog::warn("reference set {}: record {} left out: {}", settings.referencePath, i,
                             s.error().message);
                continue;
            }
            if (settings.referenceMax > 0 && static_cast<int64_t>(out.size()) >= settings.referenceMax)
                break;
            out.push_back(s.takeValue());
        }
        if (out.empty())
            return Error{"reference set " + settings.referencePath + " has no readable sample"};
        return out;
    }

    Result<int64_t> run(const ProgressCallback &progress, CancelToken &cancel, std::optional<int64_t> resumeRunId);
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
        return d->run(progress, cancel, resumeRunId);
    } catch (const std::exception &e) {
        // Torch reports shape/device problems as exceptions; the caller gets them as an error value.
        return Error{"scoring failed: " + jobs::errorMessage(e)};
    }
}

Result<int64_t> ScoringJob::Impl::run(const ProgressCallback &progress, CancelToken &cancel,
                                      std::optional<int64_t> resumeRunId)
{
    const auto started = Clock::now();
    auto report = [&](int64_t done, int64_t total, const std::string &message) {
        if (progress) {
            Progress p;
            p.done = done;
            p.total = total;
            p.message = message;
            progress(p);
        }
    };
    if (settings.shardCount < 1 || settings.shardIndex < 0 || settings.shardIndex >= settings.shardCount)
        return Error{"shard " + std::to_string(settings.shardIndex) + "/" + std::to_string(settings.shardCount) +
                     " is not valid (0 <= I < N)"};
    if (settings.batchSize < 1)
        return Error{"batch size must be at least 1"};
    // One scorer per store: a second `ostc score` (or the app) would score the same samples again.
    auto scoringLock = ScoringLock::acquire(store.path(), "scoring " + dataset.path());
    if (!scoringLock.ok())
        return scoringLock.error();

    torch::manual_seed(settings.seed);

    // 1. Samples. A record that cannot be parsed is kept as a placeholder so it is reported, not lost.
    report(0, dataset.size(), "reading samples");
    std::vector<Sample> samples(static_cast<size_t>(dataset.size()));
    std::map<std::string, std::string> readErrors;
    std::vector<std::string> ids(samples.size());
    for (int64_t i = 0; i < dataset.size(); ++i) {
        auto s = dataset.sample(i);
        if (s.ok()) {
            samples[i] = s.takeValue();
        } else {
            samples[i].id = dataset.id(i);
            samples[i].index = i;
            readErrors[samples[i].id] = s.error().message;
        }
        ids[i] = samples[i].id;
    }
    const std::string datasetHash = hashOfSamples(samples);

    // 2. Split: V, warm-up, this shard's candidates.
    const bool referenceFromFile = !settings.referencePath.empty();
    const PoolSplit split = splitPool(ids, settings, referenceFromFile);
    std::vector<Sample> reference;
    if (referenceFromFile) {
        auto r = loadReferenceFile();
        if (!r.ok())
            return r.error();
        reference = r.takeValue();
    } else {
        for (int64_t i : split.reference)
            if (!readErrors.count(ids[i]))
                reference.push_back(samples[i]);
        spdlog::info("reference set V: {} samples held out of the pool (they get no score)", reference.size());
    }
    if (reference.empty())
        return Error{"the reference set V is empty"};
    const std::string referenceHash = hashOfSamples(reference);

    // 3. The run: new, or resumed with its own stored settings.
    RunInfo info;
    if (resumeRunId) {
        auto existing = store.run(*resumeRunId);
        if (!existing)
            return Error{store.path() + ": no run " + std::to_string(*resumeRunId) + " to resume"};
        info = *existing;
        if (info.datasetHash != datasetHash)
            spdlog::warn("run {}: the dataset changed since it started; edited samples are scored again", info.id);
    } else {
        info.name = std::string(settings.mode == ScoringMode::Fast ? "ost-fast " : "ost-exact ") + isoTimeUtcNow();
        info.settingsJson = settings.toJson();
        info.model = settings.proxy;
        info.referenceHash = referenceHash;
        info.datasetHash = datasetHash;
        info.status = "running";
        info.createdAt = isoTimeUtcNow();
        auto id = store.createRun(info);
        if (!id.ok())
            return id.error();
        info.id = id.value();
    }
    if (!store.datasetHash())
        store.setDatasetInfo(dataset.path(), datasetHash);
    info.status = "running";
    store.updateRun(info);
    const double previousWall = info.wallSeconds;
    auto finish = [&](const std::string &status) {
        info.status = status;
        info.wallSeconds = previousWall + std::chrono::duration<double>(Clock::now() - started).count();
        info.scoredCount = store.scoreCount(info.id, settings.utilityMethod());
        if (status == "done")
            info.finishedAt = isoTimeUtcNow();
        store.updateRun(info);
    };

    // 4. Workers: one proxy per device.
    std::vector<std::unique_ptr<ScoringWorker>> workers;
    auto devices = workerDevices(settings.device);
    if (!devices.ok()) {
        finish("failed");
        return devices.error();
    }
    for (const auto &device : devices.value()) {
        auto proxy = loadProxy(device);
        if (!proxy.ok()) {
            finish("failed");
            return Error{"proxy " + settings.proxy + ": " + proxy.error().message};
        }
        spdlog::info("proxy: {}", proxy.value().description);
        if (workers.empty() && !proxy.value().model->readsImages()) {
            // Said once per run, and recorded with it: the ranking then judges the text alone.
            int64_t withImages = 0;
            for (int64_t i : split.scoring)
                withImages += samples[size_t(i)].images.empty() ? 0 : 1;
            if (withImages > 0)
                spdlog::warn("the proxy is a text-only language model: the images of {} sample(s) are not read and their "
                             "<image> placeholders are removed, so an image that does not match its text cannot be "
                             "detected",
                             withImages);
            store.putBlob(ScoringJob::textOnlyBlobKey(info.id), std::to_string(withImages));
        }
        workers.push_back(std::make_unique<ScoringWorker>(settings, proxy.takeValue(), device, *hooks));
    }

    // 5. Warm-up (or the stored checkpoint of an identical one).
    if (!split.warmup.empty() && settings.warmupEpochs > 0) {
        const std::string key = warmupKey(datasetHash, referenceHash);
        std::optional<std::string> checkpoint = store.blob(key);
        auto &first = *workers.front();
        if (checkpoint) {
            spdlog::info("warm-up: reusing the stored checkpoint {}", key);
        } else {
            ChatTemplateOptions options;
            options.maxTokens = settings.maxTokens;
            std::vector<model::EncodedSample> train;
            for (int64_t i : split.warmup) {
                if (readErrors.count(ids[i]))
                    continue;
                auto e = first.proxy().encoder->encode(samples[i], options);
                if (e.ok())
                    train.push_back(e.takeValue());
                else
                    spdlog::warn("warm-up: sample {} left out: {}", ids[i], e.error().message);
            }
            scoring::TrainOptions o;
            o.learningRate = settings.warmupLearningRate;
            o.epochs = settings.warmupEpochs;
            o.batchSize = settings.batchSize;
            o.seed = settings.seed;
            bool stopped = false;
            auto steps = scoring::trainProxy(*first.proxy().model, train, o, first.collateFn(),
                                             [&](const scoring::TrainStep &t) {
                                                 report(t.step, t.total, "warm-up");
                                                 stopped = cancel.isCancelled();
                                                 return !stopped;
                                             });
            if (!steps.ok()) {
                finish("failed");
                return Error{"warm-up: " + steps.error().message};
            }
            if (stopped) {
                finish("cancelled");
                return info.id;
            }
            spdlog::info("warm-up: {} steps on {} samples", steps.value(), train.size());
            checkpoint = scoring::saveParameters(first.proxy().model->module());
            store.putBlob(key, *checkpoint);
        }
        for (auto &w : workers) {
            if (Status s = scoring::loadParameters(w->proxy().model->module(), *checkpoint); !s) {
                finish("failed");
                return Error{"warm-up checkpoint " + key + ": " + s.error().message};
            }
        }
    }

    // 6. L_V(θ), once for the run (stored with it, so a resume reuses it), shared by all workers.
    // Each pass over V has its own count, rate and ETA (V's samples), and Cancel stops it within.
    const std::optional<double> storedLoss = storedReferenceLoss(store, info.id);
    std::optional<double> referenceLoss = storedLoss;
    if (storedLoss)
        spdlog::info("L_V(theta): the value stored with run {} when it started", info.id);
    std::string phaseShown;
    std::optional<ProgressMeter> phaseMeter;
    const auto phaseProgress = [&](const std::string &phase, int64_t done, int64_t total) {
        if (phase != phaseShown) {
            phaseShown = phase;
            phaseMeter.emplace(total);
        }
        if (progress)
            progress(phaseMeter->update(done, "reference set: " + phase));
        return !cancel.isCancelled();
    };
    for (auto &w : workers) {
        if (Status s = w->prepare(reference, referenceLoss, phaseProgress); !s) {
            if (cancel.isCancelled()) {
                finish("cancelled");
                return info.id;
            }
            finish("failed");
            return s.error();
        }
        referenceLoss = w->referenceLoss();
    }
    if (!std::isfinite(*referenceLoss)) { // every utility would be NaN
        finish("failed");
        return Error{"the reference loss L_V(theta) is " + std::to_string(*referenceLoss) +
                     " (not finite): the proxy gives NaN or inf on the reference set (its weights, or a config "
                     "value such as rms_norm_eps)"};
    }
    spdlog::info("L_V(theta) = {:.6f} over {} reference samples", *referenceLoss, reference.size());
    if (!storedLoss)
        store.putBlob(ScoringJob::referenceLossBlobKey(info.id), formatExact(*referenceLoss));

    // 7. What is left to score: resume skips ids scored (or failed) on the same content.
    const std::string primary = workers.front()->primaryMethod();
    std::map<std::string, std::string> done = store.scoredHashes(info.id, primary);
    for (const auto &[id, hash] : store.scoredHashes(info.id, "error"))
        done.emplace(id, hash);
    std::vector<const Sample *> todo;
    std::vector<ScoreRow> readErrorRows;
    for (int64_t i : split.scoring) {
        const Sample &s = samples[i];
        auto it = done.find(s.id);
        if (it != done.end() && it->second == s.contentHash)
            continue;
        if (readErrors.count(s.id))
            readErrorRows.push_back({s.id, s.contentHash, "error", 0.0});
        else
            todo.push_back(&s);
    }
    const int64_t total = static_cast<int64_t>(split.scoring.size());
    const int64_t alreadyDone = total - static_cast<int64_t>(todo.size()) - static_cast<int64_t>(readErrorRows.size());

    std::mutex mutex; // guards everything below that workers share
    nlohmann::json errors = nlohmann::json::object();
    if (auto old = store.blob(ScoringJob::errorsBlobKey(info.id)))
        errors = nlohmann::json::parse(*old, nullptr, false);
    if (!errors.is_object())
        errors = nlohmann::json::object();
    for (const auto &[id, message] : readErrors)
        for (const auto &row : readErrorRows)
            if (row.sampleId == id) {
                errors[id] = message;
                spdlog::warn("sample {} not scored: {}", id, message);
                store.addTag(id, "scoring-error");
            }
    store.addScores(info.id, readErrorRows);

    jobs::MethodSeconds seconds;
    int64_t scoredHere = 0;
    int64_t doneCount = alreadyDone + static_cast<int64_t>(readErrorRows.size());
    int64_t storedBatches = 0;
    ProgressMeter meter(total, doneCount);
    std::optional<Error> failure;
    bool cancelled = false;

    const size_t batch = static_cast<size_t>(settings.batchSize);
    const size_t batchCount = (todo.size() + batch - 1) / batch;
    std::atomic<size_t> nextBatch{0};

    // Blocks while paused; false when the job must stop.
    auto mayContinue = [&]() {
        if (cancel.isPaused()) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                info.status = "paused";
                store.updateRun(info);
            }
            while (cancel.isPaused() && !cancel.isCancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            std::lock_guard<std::mutex> lock(mutex);
            info.status = "running";
            store.updateRun(info);
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (cancel.isCancelled())
            cancelled = true;
        return !cancelled && !failure;
    };

    auto workLoop = [&](ScoringWorker &worker) {
        size_t chunk = batch; // halves on out-of-memory, for this worker's device only
        while (mayContinue()) {
            const size_t b = nextBatch.fetch_add(1);
            if (b >= batchCount)
                return;
            const std::vector<const Sample *> slice(todo.begin() + b * batch,
                                                    todo.begin() + std::min(todo.size(), (b + 1) * batch));
            ChunkResult result;
            for (;;) {
                try {
                    result = ChunkResult{};
                    for (size_t at = 0; at < slice.size(); at += chunk) {
                        const std::vector<const Sample *> part(slice.begin() + at,
                                                               slice.begin() + std::min(slice.size(), at + chunk));
                        if (hooks->beforeChunk)
                            hooks->beforeChunk(static_cast<int64_t>(part.size()));
                        ChunkResult r = worker.scoreChunk(part);
                        result.rows.insert(result.rows.end(), r.rows.begin(), r.rows.end());
                        result.errors.insert(r.errors.begin(), r.errors.end());
                        result.time.add(r.time);
                    }
                    break;
                } catch (const std::exception &e) {
                    if (!jobs::isOutOfMemory(e) || chunk == 1) {
                        std::lock_guard<std::mutex> lock(mutex);
                        failure = Error{std::string("batch starting at sample ") + slice.front()->id + ": " +
                                        jobs::errorMessage(e)};
                        return;
                    }
                    jobs::releaseCachedMemory();
                    chunk = std::max<size_t>(1, chunk / 2);
                    spdlog::warn("out of memory on {}: retrying with {} samples at a time", worker.device().str(),
                                 chunk);
                }
            }
            std::lock_guard<std::mutex> lock(mutex);
            for (const auto &[id, message] : result.errors) {
                spdlog::warn("sample {} not scored: {}", id, message);
                errors[id] = message;
                store.addTag(id, "scoring-error");
            }
            if (!result.errors.empty())
                store.putBlob(ScoringJob::errorsBlobKey(info.id), errors.dump());
            if (Status s = store.addScores(info.id, result.rows); !s) {
                failure = Error{"storing scores: " + s.error().message};
                return;
            }
            seconds.add(result.time);
            scoredHere += static_cast<int64_t>(slice.size());
            doneCount += static_cast<int64_t>(slice.size());
            ++storedBatches;
            if (progress)
                progress(meter.update(doneCount, "scoring"));
            if (hooks->afterBatch)
                hooks->afterBatch(storedBatches);
        }
    };

    if (progress)
        progress(meter.update(doneCount, "scoring"));
    if (workers.size() == 1) {
        workLoop(*workers.front());
    } else {
        std::vector<std::thread> threads;
        for (auto &w : workers)
            threads.emplace_back([&, wp = w.get()] {
                try {
                    workLoop(*wp);
                } catch (const std::exception &e) {
                    std::lock_guard<std::mutex> lock(mutex);
                    failure = Error{jobs::errorMessage(e)};
                } catch (...) { // an exception leaving a thread would terminate the process
                    std::lock_guard<std::mutex> lock(mutex);
                    failure = Error{"worker on " + wp->device().str() + ": unknown exception"};
                }
            });
        for (auto &t : threads)
            t.join();
    }
    if (!errors.empty())
        store.putBlob(ScoringJob::errorsBlobKey(info.id), errors.dump());

    nlohmann::json timing;
    if (auto old = store.blob(ScoringJob::timingsBlobKey(info.id)))
        timing = nlohmann::json::parse(*old, nullptr, false);
    if (!timing.is_object())
        timing = nlohmann::json::object();
    if (!timing.contains("methods") || !timing["methods"].is_object())
        timing["methods"] = nlohmann::json::object();
    for (const auto &[method, s] : seconds.seconds)
        timing["methods"][method] = timing["methods"].value(method, 0.0) + s;
    timing["samples"] = timing.value("samples", int64_t{0}) + scoredHere;
    timing["batchSize"] = settings.batchSize;
    timing["workers"] = workers.size();
    store.putBlob(ScoringJob::timingsBlobKey(info.id), timing.dump());

    if (failure) {
        finish("failed");
        return *failure;
    }
    finish(cancelled ? "cancelled" : "done");
    return info.id;
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
