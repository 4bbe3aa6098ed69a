#include "core/jobs/internal/RunInputs.h"

#include "core/data/Dataset.h"
#include "core/jobs/ScoringJob.h"
#include "core/ost/internal/Hash.h"
#include "core/ost/internal/ProxyTrainer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

namespace ost::jobs {

std::string hashOfSamples(const std::vector<Sample> &samples)
{
    uint64_t h = scoring::fnv1a64("ost-samples");
    for (const auto &s : samples)
        h = scoring::fnv1a64(s.id + "\x1f" + s.contentHash + "\x1e", h);
    return scoring::hex64(h);
}

Result<std::vector<Sample>> loadReferenceFile(const std::string &path, const RunSettings &settings)
{
    auto ds = Dataset::open(path);
    if (!ds.ok())
        return Error{"reference set " + path + ": " + ds.error().message};
    std::vector<Sample> out;
    for (int64_t i = 0; i < ds.value()->size(); ++i) {
        auto s = ds.value()->sample(i);
        if (!s.ok()) {
            spdlog::warn("reference set {}: record {} left out: {}", path, i, s.error().message);
            continue;
        }
        if (settings.referenceMax > 0 && static_cast<int64_t>(out.size()) >= settings.referenceMax)
            break;
        out.push_back(s.takeValue());
    }
    if (out.empty())
        return Error{"reference set " + path + " has no readable sample"};
    return out;
}

std::string warmupCheckpointKey(const RunSettings &s, const std::string &datasetHash, const std::string &referenceHash)
{
    nlohmann::json j = {{"proxy", s.proxy},           {"precision", s.precision},
                        {"device", s.device.rfind("cuda", 0) == 0 ? "cuda" : "cpu"}, // kind, not index
                        {"maxTokens", s.maxTokens},   {"maxPixels", s.maxPixels},
                        {"seed", s.seed},             {"fraction", s.warmupFraction},
                        {"lr", s.warmupLearningRate}, {"epochs", s.warmupEpochs},
                        {"batch", s.batchSize},       {"limit", s.limit},
                        {"dataset", datasetHash},     {"reference", referenceHash}};
    if (s.parameterScope != "all")
        j["scope"] = s.parameterScope;
    return "warmup/" + scoring::hex64(scoring::fnv1a64(j.dump()));
}

Result<std::vector<scoring::ScopedParameter>> warmupParameters(model::VisionLanguageModel &model,
                                                               const RunSettings &settings)
{
    return scoring::selectParameters(model, settings.parameterScope);
}

Status loadWarmupCheckpoint(model::VisionLanguageModel &model, const RunSettings &settings, const std::string &key,
                            const std::string &bytes)
{
    auto params = warmupParameters(model, settings);
    if (!params.ok())
        return params.error();
    if (Status s = scoring::loadParameters(params.value(), bytes); !s)
        return Error{"warm-up checkpoint " + key + ": " + s.error().message};
    return {};
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

model::ProxyOptions proxyOptions(const RunSettings &settings, const std::string &device)
{
    model::ProxyOptions o;
    o.device = device;
    o.precision = settings.precision;
    o.maxPixels = settings.maxPixels;
    o.maxTokens = settings.maxTokens;
    o.seed = settings.seed;
    o.chatTemplate = settings.chatTemplate;
    return o;
}

} // namespace ost::jobs
