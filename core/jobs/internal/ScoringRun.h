#pragma once
// One execution of a ScoringJob, phase by phase. run() is the list of phases; each phase is a member
// function that reads what the earlier ones left in the members and either goes on, stops because
// the user cancelled (the run is then recorded "cancelled", resumable), or fails with an error that
// is recorded as "failed". Every phase reports its own progress (count, rate, ETA).
#include "core/common/Progress.h"
#include "core/data/Dataset.h"
#include "core/jobs/internal/JobHooks.h"
#include "core/jobs/internal/ScoringWorker.h"
#include "core/ost/PoolSplit.h"
#include "core/ost/RunSettings.h"
#include "core/store/ProjectStore.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace ost::jobs {

class ScoringRun {
public:
    ScoringRun(const Dataset &dataset, ProjectStore &store, const RunSettings &settings, JobHooks &hooks,
               const ProgressCallback &progress, CancelToken &cancel);

    // The run's id (also when cancelled), or the error that stopped it.
    Result<int64_t> run(std::optional<int64_t> resumeRunId);

private:
    enum class Next { Go, Cancelled };
    using Phase = Result<Next>;

    Status checkSettings() const;
    void readSamples();                                // 1. every record, unreadable ones as placeholders
    Status chooseReference();                          // 2. V, warm-up and this shard's candidates
    Status openRun(std::optional<int64_t> resumeRunId); // 3. a new run, or the resumed one
    Status loadWorkers();                              // 4. one proxy per device
    Phase warmUp();                                    // 5. or the stored checkpoint of an identical one
    Phase prepareReference();                          // 6. L_V(θ) (and ∇L_V, the V prefix) once per run
    void collectTodo();                                // 7. what a resume has not scored yet
    void scoreBatches();                               // 8. all workers over the batches
    void storeTimings();

    // Phase 8's parts; they share the members below `m_mutex`.
    bool mayContinue();
    void workLoop(ScoringWorker &worker);
    ChunkResult scoreSlice(ScoringWorker &worker, const std::vector<const Sample *> &slice, size_t &chunk);
    void storeResult(const ChunkResult &result, size_t sliceSize);

    void report(int64_t done, int64_t total, const std::string &message) const;
    Result<model::LoadedProxy> loadProxy(const torch::Device &device) const;
    Result<std::vector<Sample>> loadReferenceFile() const;
    std::string warmupKey() const;
    void finish(const std::string &status);

    const Dataset &m_dataset;
    ProjectStore &m_store;
    const RunSettings &m_settings;
    JobHooks &m_hooks;
    const ProgressCallback &m_progress;
    CancelToken &m_cancel;
    std::chrono::steady_clock::time_point m_started;

    std::vector<Sample> m_samples;
    std::vector<std::string> m_ids;
    std::map<std::string, std::string> m_readErrors; // id -> why the record could not be read
    std::string m_datasetHash;
    PoolSplit m_split;
    std::vector<Sample> m_reference;
    std::string m_referenceHash;
    RunInfo m_info;
    double m_previousWall = 0;
    std::vector<std::unique_ptr<ScoringWorker>> m_workers;
    std::optional<double> m_referenceLoss;
    std::vector<const Sample *> m_todo;
    std::vector<ScoreRow> m_readErrorRows;
    int64_t m_total = 0;

    std::mutex m_mutex; // guards everything below, which the workers' threads share
    nlohmann::json m_errors = nlohmann::json::object();
    MethodSeconds m_seconds;
    int64_t m_scoredHere = 0;
    int64_t m_doneCount = 0;
    int64_t m_storedBatches = 0;
    std::optional<ProgressMeter> m_meter;
    std::optional<Error> m_failure;
    bool m_cancelled = false;
    std::atomic<size_t> m_nextBatch{0};
};

} // namespace ost::jobs
