#include "core/jobs/internal/ScoringRun.h"

#include "core/common/Time.h"
#include "core/jobs/ScoringJob.h"
#include "core/jobs/internal/OutOfMemory.h"
#include "core/jobs/internal/PaddedGroups.h"
#include "core/jobs/internal/RunInputs.h"
#include "core/ost/Attribution.h"
#include "core/ost/internal/Hash.h"
#include "core/store/ScoringLock.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace ost::jobs {

using Clock = std::chrono::steady_clock;

namespace {

// 17 significant digits: the text reads back to exactly the same double.
std::string formatExact(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
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

nlohmann::json storedObject(const ProjectStore &store, const std::string &key)
{
    nlohmann::json j;
    if (auto old = store.blob(key))
        j = nlohmann::json::parse(*old, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

} // namespace

ScoringRun::ScoringRun(const Dataset &dataset, ProjectStore &store, const RunSettings &settings, JobHooks &hooks,
                       const ProgressCallback &progress, CancelToken &cancel)
    : m_dataset(dataset), m_store(store), m_settings(settings), m_hooks(hooks), m_progress(progress),
      m_cancel(cancel), m_started(Clock::now())
{
}

Result<int64_t> ScoringRun::run(std::optional<int64_t> resumeRunId)
{
    if (Status s = checkSettings(); !s)
        return s.error();
    // One scorer per store: a second `ostc score` (or the app) would score the same samples again.
    auto scoringLock = ScoringLock::acquire(m_store.path(), "scoring " + m_dataset.path());
    if (!scoringLock.ok())
        return scoringLock.error();
    torch::manual_seed(m_settings.seed);

    readSamples();
    if (Status s = chooseReference(); !s)
        return s.error();
    if (Status s = openRun(resumeRunId); !s)
        return s.error();
    // From here on the run exists in the store: every way out records how it ended.
    const auto failed = [&](const Error &e) -> Result<int64_t> {
        finish("failed");
        return e;
    };
    if (Status s = loadWorkers(); !s)
        return failed(s.error());
    for (auto phase : {&ScoringRun::warmUp, &ScoringRun::prepareReference}) {
        const Phase p = (this->*phase)();
        if (!p.ok())
            return failed(p.error());
        if (p.value() == Next::Cancelled) {
            finish("cancelled");
            return m_info.id;
        }
    }
    collectTodo();
    scoreBatches();
    storeTimings();
    if (m_failure)
        return failed(*m_failure);
    finish(m_cancelled ? "cancelled" : "done");
    return m_info.id;
}

Status ScoringRun::checkSettings() const
{
    if (m_settings.shardCount < 1 || m_settings.shardIndex < 0 || m_settings.shardIndex >= m_settings.shardCount)
        return Error{"shard " + std::to_string(m_settings.shardIndex) + "/" + std::to_string(m_settings.shardCount) +
                     " is not valid (0 <= I < N)"};
    if (m_settings.batchSize < 1)
        return Error{"batch size must be at least 1"};
    return {};
}

void ScoringRun::readSamples()
{
    // A record that cannot be parsed is kept as a placeholder so it is reported, not lost.
    report(0, m_dataset.size(), "reading samples");
    m_samples.resize(static_cast<size_t>(m_dataset.size()));
    m_ids.resize(m_samples.size());
    for (int64_t i = 0; i < m_dataset.size(); ++i) {
        auto s = m_dataset.sample(i);
        if (s.ok()) {
            m_samples[i] = s.takeValue();
        } else {
            m_samples[i].id = m_dataset.id(i);
            m_samples[i].index = i;
            m_readErrors[m_samples[i].id] = s.error().message;
        }
        m_ids[i] = m_samples[i].id;
    }
    m_datasetHash = hashOfSamples(m_samples);
}

Status ScoringRun::chooseReference()
{
    const bool referenceFromFile = !m_settings.referencePath.empty();
    m_split = splitPool(m_ids, m_settings, referenceFromFile);
    if (referenceFromFile) {
        auto r = loadReferenceFile();
        if (!r.ok())
            return r.error();
        m_reference = r.takeValue();
    } else {
        for (int64_t i : m_split.reference)
            if (!m_readErrors.count(m_ids[i]))
                m_reference.push_back(m_samples[i]);
        spdlog::info("reference set V: {} samples held out of the pool (they get no score)", m_reference.size());
    }
    if (m_reference.empty())
        return Error{"the reference set V is empty"};
    m_referenceHash = hashOfSamples(m_reference);
    return {};
}

Status ScoringRun::openRun(std::optional<int64_t> resumeRunId)
{
    if (resumeRunId) {
        auto existing = m_store.run(*resumeRunId);
        if (!existing)
            return Error{m_store.path() + ": no run " + std::to_string(*resumeRunId) + " to resume"};
        m_info = *existing;
        if (m_info.datasetHash != m_datasetHash)
            spdlog::warn("run {}: the dataset changed since it started; edited samples are scored again", m_info.id);
    } else {
        m_info.name = std::string(m_settings.mode == ScoringMode::Fast ? "ost-fast " : "ost-exact ") + isoTimeUtcNow();
        m_info.settingsJson = storedSettings(m_settings, m_store.path()).toJson();
        m_info.model = m_settings.proxy;
        m_info.referenceHash = m_referenceHash;
        m_info.datasetHash = m_datasetHash;
        m_info.status = "running";
        m_info.createdAt = isoTimeUtcNow();
        auto id = m_store.createRun(m_info);
        if (!id.ok())
            return id.error();
        m_info.id = id.value();
    }
    if (!m_store.datasetHash())
        m_store.setDatasetInfo(m_dataset.path(), m_datasetHash);
    m_info.status = "running";
    m_store.updateRun(m_info);
    m_previousWall = m_info.wallSeconds;
    return {};
}

Status ScoringRun::loadWorkers()
{
    auto devices = workerDevices(m_settings.device);
    if (!devices.ok())
        return devices.error();
    for (const auto &device : devices.value()) {
        report(0, 0, "loading the proxy on " + device.str());
        auto proxy = loadProxy(device);
        if (!proxy.ok())
            return Error{"proxy " + m_settings.proxy + ": " + proxy.error().message};
        spdlog::info("proxy: {}", proxy.value().description);
        if (m_workers.empty() && !proxy.value().model->readsImages()) {
            // Said once per run, and recorded with it: the ranking then judges the text alone.
            int64_t withImages = 0;
            for (int64_t i : m_split.scoring)
                withImages += m_samples[size_t(i)].images.empty() ? 0 : 1;
            if (withImages > 0)
                spdlog::warn("the proxy is a text-only language model: the images of {} sample(s) are not read and their "
                             "<image> placeholders are removed, so an image that does not match its text cannot be "
                             "detected",
                             withImages);
            m_store.putBlob(ScoringJob::textOnlyBlobKey(m_info.id), std::to_string(withImages));
        }
        m_workers.push_back(std::make_unique<ScoringWorker>(m_settings, proxy.takeValue(), device, m_hooks));
    }
    return {};
}

ScoringRun::Phase ScoringRun::warmUp()
{
    if (m_split.warmup.empty() || m_settings.warmupEpochs <= 0)
        return Next::Go;
    const std::string key = warmupKey();
    std::optional<std::string> checkpoint = m_store.blob(key);
    auto &first = *m_workers.front();
    if (checkpoint) {
        spdlog::info("warm-up: reusing the stored checkpoint {}", key);
    } else {
        ChatTemplateOptions options;
        options.maxTokens = m_settings.maxTokens;
        std::vector<model::EncodedSample> train;
        for (int64_t i : m_split.warmup) {
            if (m_readErrors.count(m_ids[i]))
                continue;
            auto e = first.proxy().encoder->encode(m_samples[i], options);
            if (e.ok())
                train.push_back(e.takeValue());
            else
                spdlog::warn("warm-up: sample {} left out: {}", m_ids[i], e.error().message);
        }
        auto params = warmupParameters(*first.proxy().model, m_settings);
        if (!params.ok())
            return Error{"warm-up: " + params.error().message};
        scoring::TrainOptions o;
        o.parameters = params.takeValue();
        o.learningRate = m_settings.warmupLearningRate;
        o.epochs = m_settings.warmupEpochs;
        o.batchSize = m_settings.batchSize;
        o.seed = m_settings.seed;
        bool stopped = false;
        std::optional<ProgressMeter> meter;
        auto steps = scoring::trainProxy(*first.proxy().model, train, o, first.collateFn(),
                                         [&](const scoring::TrainStep &t) {
                                             if (!meter)
                                                 meter.emplace(t.total);
                                             if (m_progress)
                                                 m_progress(meter->update(t.step, "warm-up"));
                                             stopped = m_cancel.isCancelled();
                                             return !stopped;
                                         });
        if (!steps.ok())
            return Error{"warm-up: " + steps.error().message};
        if (stopped)
            return Next::Cancelled;
        spdlog::info("warm-up: {} steps on {} samples ({} parameter tensors of scope {})", steps.value(), train.size(),
                     o.parameters.size(), m_settings.parameterScope);
        checkpoint = scoring::saveParameters(o.parameters);
        // Unstored, a resume would warm up again and could score from another θ: say so, now.
        if (Status s = m_store.putBlob(key, *checkpoint); !s)
            return Error{"warm-up checkpoint " + key + " (" + std::to_string(checkpoint->size() >> 20) +
                         " MiB) could not be stored in " + m_store.path() + ": " + s.error().message};
    }
    for (auto &w : m_workers)
        if (Status s = loadWarmupCheckpoint(*w->proxy().model, m_settings, key, *checkpoint); !s)
            return s.error();
    return Next::Go;
}

ScoringRun::Phase ScoringRun::prepareReference()
{
    // L_V(θ) once for the run (stored with it, so a resume reuses it), shared by all workers. Each
    // pass over V has its own count, rate and ETA (V's samples), and Cancel stops it within.
    const std::optional<double> storedLoss = storedReferenceLoss(m_store, m_info.id);
    m_referenceLoss = storedLoss;
    if (storedLoss)
        spdlog::info("L_V(theta): the value stored with run {} when it started", m_info.id);
    std::string phaseShown;
    std::optional<ProgressMeter> phaseMeter;
    const auto phaseProgress = [&](const std::string &phase, int64_t done, int64_t total) {
        if (phase != phaseShown) {
            phaseShown = phase;
            phaseMeter.emplace(total);
        }
        if (m_progress)
            m_progress(phaseMeter->update(done, "reference set: " + phase));
        return !m_cancel.isCancelled();
    };
    for (auto &w : m_workers) {
        if (Status s = w->prepare(m_reference, m_referenceLoss, phaseProgress); !s) {
            if (m_cancel.isCancelled())
                return Next::Cancelled;
            return s.error();
        }
        m_referenceLoss = w->referenceLoss();
    }
    if (!std::isfinite(*m_referenceLoss)) // every utility would be NaN
        return Error{"the reference loss L_V(theta) is " + std::to_string(*m_referenceLoss) +
                     " (not finite): the proxy gives NaN or inf on the reference set (its weights, or a config "
                     "value such as rms_norm_eps)"};
    spdlog::info("L_V(theta) = {:.6f} over {} reference samples", *m_referenceLoss, m_reference.size());
    if (!storedLoss)
        m_store.putBlob(ScoringJob::referenceLossBlobKey(m_info.id), formatExact(*m_referenceLoss));
    return Next::Go;
}

void ScoringRun::collectTodo()
{
    // A resume skips ids scored (or failed) on the same content; an edited sample is scored again.
    std::map<std::string, std::string> done = m_store.scoredHashes(m_info.id, m_workers.front()->primaryMethod());
    for (const auto &[id, hash] : m_store.scoredHashes(m_info.id, "error"))
        done.emplace(id, hash);
    for (int64_t i : m_split.scoring) {
        const Sample &s = m_samples[i];
        auto it = done.find(s.id);
        if (it != done.end() && it->second == s.contentHash)
            continue;
        if (m_readErrors.count(s.id))
            m_readErrorRows.push_back({s.id, s.contentHash, "error", 0.0});
        else
            m_todo.push_back(&s);
    }
    largestFirst(m_todo); // batches of about one size (PaddedGroups.h)
    m_total = static_cast<int64_t>(m_split.scoring.size());
    const int64_t alreadyDone =
        m_total - static_cast<int64_t>(m_todo.size()) - static_cast<int64_t>(m_readErrorRows.size());

    // Records that could not be read are scored "error" now, with their message: reported, not lost.
    m_errors = storedObject(m_store, ScoringJob::errorsBlobKey(m_info.id));
    for (const auto &row : m_readErrorRows) {
        m_errors[row.sampleId] = m_readErrors.at(row.sampleId);
        spdlog::warn("sample {} not scored: {}", row.sampleId, m_readErrors.at(row.sampleId));
        m_store.addTag(row.sampleId, "scoring-error");
    }
    m_store.addScores(m_info.id, m_readErrorRows);
    m_doneCount = alreadyDone + static_cast<int64_t>(m_readErrorRows.size());
}

void ScoringRun::scoreBatches()
{
    m_meter.emplace(m_total, m_doneCount);
    if (m_progress)
        m_progress(m_meter->update(m_doneCount, "scoring"));
    if (m_workers.size() == 1) {
        workLoop(*m_workers.front());
    } else {
        std::vector<std::thread> threads;
        for (auto &w : m_workers)
            threads.emplace_back([this, wp = w.get()] {
                try {
                    workLoop(*wp);
                } catch (const std::exception &e) {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_failure = Error{errorMessage(e)};
                } catch (...) { // an exception leaving a thread would terminate the process
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_failure = Error{"worker on " + wp->device().str() + ": unknown exception"};
                }
            });
        for (auto &t : threads)
            t.join();
    }
    if (!m_errors.empty())
        m_store.putBlob(ScoringJob::errorsBlobKey(m_info.id), m_errors.dump());
}

// Blocks while paused; false when the job must stop.
bool ScoringRun::mayContinue()
{
    if (m_cancel.isPaused()) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_info.status = "paused";
            m_store.updateRun(m_info);
        }
        while (m_cancel.isPaused() && !m_cancel.isCancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::lock_guard<std::mutex> lock(m_mutex);
        m_info.status = "running";
        m_store.updateRun(m_info);
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_cancel.isCancelled())
        m_cancelled = true;
    return !m_cancelled && !m_failure;
}

void ScoringRun::workLoop(ScoringWorker &worker)
{
    const size_t batch = static_cast<size_t>(m_settings.batchSize);
    const size_t batchCount = (m_todo.size() + batch - 1) / batch;
    size_t chunk = batch; // halves on out-of-memory, for this worker's device only
    while (mayContinue()) {
        const size_t b = m_nextBatch.fetch_add(1);
        if (b >= batchCount)
            return;
        const std::vector<const Sample *> slice(m_todo.begin() + b * batch,
                                                m_todo.begin() + std::min(m_todo.size(), (b + 1) * batch));
        try {
            const ChunkResult result = scoreSlice(worker, slice, chunk);
            storeResult(result, slice.size());
        } catch (const std::exception &e) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_failure = Error{std::string("batch starting at sample ") + slice.front()->id + ": " + errorMessage(e)};
        }
    }
}

// One batch in chunks of `chunk` samples; on out-of-memory the chunk halves (down to one sample)
// and the batch is scored again. Throws what it cannot handle.
ChunkResult ScoringRun::scoreSlice(ScoringWorker &worker, const std::vector<const Sample *> &slice, size_t &chunk)
{
    for (;;) {
        try {
            ChunkResult result;
            for (size_t at = 0; at < slice.size(); at += chunk) {
                const std::vector<const Sample *> part(slice.begin() + at,
                                                       slice.begin() + std::min(slice.size(), at + chunk));
                if (m_hooks.beforeChunk)
                    m_hooks.beforeChunk(static_cast<int64_t>(part.size()));
                result.append(worker.scoreChunk(part));
            }
            return result;
        } catch (const std::exception &e) {
            if (!isOutOfMemory(e) || chunk == 1)
                throw;
            releaseCachedMemory();
            chunk = std::max<size_t>(1, chunk / 2);
            spdlog::warn("out of memory on {}: retrying with {} samples at a time", worker.device().str(), chunk);
        }
    }
}

void ScoringRun::storeResult(const ChunkResult &result, size_t sliceSize)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto &[id, message] : result.errors) {
        spdlog::warn("sample {} not scored: {}", id, message);
        m_errors[id] = message;
        m_store.addTag(id, "scoring-error");
    }
    if (!result.errors.empty())
        m_store.putBlob(ScoringJob::errorsBlobKey(m_info.id), m_errors.dump());
    // Exact mode's ΔL_v per reference (V's ids are the same in every worker), before the scores: a
    // kill between the two leaves blobs of samples a resume scores again, never a score without them.
    if (Status s = storeAttributions(m_store, m_info.id, m_workers.front()->referenceIds(), result.attributions); !s) {
        m_failure = Error{"storing per-reference attribution: " + s.error().message};
        return;
    }
    if (Status s = m_store.addScores(m_info.id, result.rows); !s) {
        m_failure = Error{"storing scores: " + s.error().message};
        return;
    }
    m_seconds.add(result.time);
    m_scoredHere += static_cast<int64_t>(sliceSize);
    m_doneCount += static_cast<int64_t>(sliceSize);
    ++m_storedBatches;
    if (m_progress)
        m_progress(m_meter->update(m_doneCount, "scoring"));
    if (m_hooks.afterBatch)
        m_hooks.afterBatch(m_storedBatches);
}

void ScoringRun::storeTimings()
{
    nlohmann::json timing = storedObject(m_store, ScoringJob::timingsBlobKey(m_info.id));
    if (!timing.contains("methods") || !timing["methods"].is_object())
        timing["methods"] = nlohmann::json::object();
    for (const auto &[method, s] : m_seconds.seconds)
        timing["methods"][method] = timing["methods"].value(method, 0.0) + s;
    timing["samples"] = timing.value("samples", int64_t{0}) + m_scoredHere;
    timing["batchSize"] = m_settings.batchSize;
    timing["workers"] = m_workers.size();
    m_store.putBlob(ScoringJob::timingsBlobKey(m_info.id), timing.dump());
}

void ScoringRun::report(int64_t done, int64_t total, const std::string &message) const
{
    if (!m_progress)
        return;
    Progress p;
    p.done = done;
    p.total = total;
    p.message = message;
    m_progress(p);
}

Result<model::LoadedProxy> ScoringRun::loadProxy(const torch::Device &device) const
{
    const model::ProxyOptions o = proxyOptions(m_settings, device.str());
    return m_hooks.loadProxy ? m_hooks.loadProxy(m_settings.proxy, o) : model::loadProxy(m_settings.proxy, o);
}

// Shared with the on-demand attribution (RunInputs.h), which must find the same checkpoint and V.
std::string ScoringRun::warmupKey() const { return warmupCheckpointKey(m_settings, m_datasetHash, m_referenceHash); }

Result<std::vector<Sample>> ScoringRun::loadReferenceFile() const
{
    return jobs::loadReferenceFile(m_settings.referencePath, m_settings);
}

void ScoringRun::finish(const std::string &status)
{
    m_info.status = status;
    m_info.wallSeconds = m_previousWall + std::chrono::duration<double>(Clock::now() - m_started).count();
    m_info.scoredCount = m_store.scoreCount(m_info.id, m_settings.utilityMethod());
    if (status == "done")
        m_info.finishedAt = isoTimeUtcNow();
    m_store.updateRun(m_info);
}

} // namespace ost::jobs
