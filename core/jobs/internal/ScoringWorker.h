#pragma once
// One proxy on one device with its scorers: turns a chunk of samples into score rows (OST utility
// plus the run's baselines, or an "error" row for a sample that cannot be encoded). The job runs one
// worker per device, each in its own thread with its own model copy.
#include "core/jobs/internal/JobHooks.h"
#include "core/ost/RunSettings.h"
#include "core/ost/internal/ExactOneStepScorer.h"
#include "core/ost/internal/FastOneStepScorer.h"
#include "core/ost/internal/ProxyTrainer.h"
#include "core/store/ProjectStore.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace ost::jobs {

struct MethodSeconds {
    std::map<std::string, double> seconds; // method -> wall seconds spent on it
    void add(const MethodSeconds &o)
    {
        for (const auto &[k, v] : o.seconds)
            seconds[k] += v;
    }
};

struct ChunkResult {
    std::vector<ScoreRow> rows;
    std::map<std::string, std::string> errors; // sample id -> message
    MethodSeconds time;
    // Exact mode: sample id -> ΔL_v per reference sample, in ScoringWorker::referenceIds()' order
    // (per-reference attribution, core/ost/Attribution.h); empty in fast mode.
    std::map<std::string, std::vector<double>> attributions;

    // Appends a part of the same batch (the chunks an out-of-memory retry splits it into).
    void append(ChunkResult &&part);
};

class ScoringWorker {
public:
    ScoringWorker(RunSettings settings, model::LoadedProxy proxy, torch::Device device, const JobHooks &hooks);

    torch::Device device() const { return m_device; }
    model::LoadedProxy &proxy() { return m_proxy; }
    scoring::CollateFn collateFn() const;

    // Each pass over V reports per batch: the phase ("V: hidden states below the step", "L_V(θ)",
    // "∇L_V"), samples done and V's size; returning false stops the pass (prepare then fails with
    // kStoppedMessage) so Cancel works inside a long pass.
    using PhaseProgress = std::function<bool(const std::string &phase, int64_t done, int64_t total)>;
    static constexpr const char *kStoppedMessage = "stopped while evaluating the reference set";

    // Encodes V (errors name the sample) and prepares the scorers around the model's current θ.
    // `referenceLoss`: L_V(θ) when already known (computed once per run), else computed here.
    Status prepare(const std::vector<Sample> &reference, std::optional<double> referenceLoss,
                   const PhaseProgress &progress = {});
    double referenceLoss() const { return m_referenceLoss; }
    // The ids of V as prepared (samples that failed to encode left out), in the order of
    // ChunkResult::attributions' values.
    const std::vector<std::string> &referenceIds() const { return m_referenceIds; }

    // May throw (e.g. out of memory); θ is restored either way.
    ChunkResult scoreChunk(const std::vector<const Sample *> &samples);

    std::string primaryMethod() const;

private:
    // One attempt of prepare() with V in batches of `step` samples; throws on out-of-memory.
    Status prepareScorers(const std::vector<model::EncodedSample> &encoded, size_t step,
                          std::optional<double> referenceLoss, const PhaseProgress &progress);

    RunSettings m_settings;
    model::LoadedProxy m_proxy;
    torch::Device m_device;
    const JobHooks &m_hooks;
    std::unique_ptr<scoring::ReferenceLoss> m_reference;
    std::unique_ptr<scoring::ExactOneStepScorer> m_exact;
    std::unique_ptr<scoring::FastOneStepScorer> m_fast;
    double m_referenceLoss = 0;
    std::vector<std::string> m_referenceIds;
};

} // namespace ost::jobs
