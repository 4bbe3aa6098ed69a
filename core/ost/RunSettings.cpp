#include "core/ost/RunSettings.h"

#include <nlohmann/json.hpp>

namespace ost {

std::string modeName(ScoringMode m)
{
    return m == ScoringMode::Fast ? "fast" : "exact";
}

std::string RunSettings::toJson() const
{
    nlohmann::json j;
    j["proxy"] = proxy;
    j["device"] = device;
    j["precision"] = precision;
    j["mode"] = modeName(mode);
    j["learningRate"] = learningRate;
    j["stepRule"] = stepRule;
    j["parameterScope"] = parameterScope;
    if (!chatTemplate.empty()) // absent for older runs and the default, so their JSON is unchanged
        j["chatTemplate"] = chatTemplate;
    j["referencePath"] = referencePath;
    j["referenceHoldout"] = referenceHoldout;
    j["referenceMax"] = referenceMax;
    j["warmupFraction"] = warmupFraction;
    j["warmupLearningRate"] = warmupLearningRate;
    j["warmupEpochs"] = warmupEpochs;
    j["batchSize"] = batchSize;
    j["maxTokens"] = maxTokens;
    j["maxPixels"] = maxPixels;
    j["seed"] = seed;
    j["baselines"] = baselines;
    j["harmfulThreshold"] = harmfulThreshold;
    j["limit"] = limit;
    j["shardIndex"] = shardIndex;
    j["shardCount"] = shardCount;
    return j.dump();
}

Result<RunSettings> RunSettings::fromJson(const std::string &text)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception &e) {
        return Error{std::string("run settings: not valid JSON: ") + e.what()};
    }
    if (!j.is_object())
        return Error{"run settings: expected a JSON object"};
    RunSettings s;
    try {
        // Missing keys keep their defaults, so settings stored by an older version still load.
        auto get = [&](const char *key, auto &field) {
            if (j.contains(key) && !j[key].is_null())
                field = j[key].get<std::decay_t<decltype(field)>>();
        };
        get("proxy", s.proxy);
        get("device", s.device);
        get("precision", s.precision);
        std::string mode = modeName(s.mode);
        get("mode", mode);
        if (mode == "exact")
            s.mode = ScoringMode::Exact;
        else if (mode == "fast")
            s.mode = ScoringMode::Fast;
        else
            return Error{"run settings: unknown mode '" + mode + "' (exact or fast)"};
        get("learningRate", s.learningRate);
        get("stepRule", s.stepRule);
        get("parameterScope", s.parameterScope);
        get("chatTemplate", s.chatTemplate);
        get("referencePath", s.referencePath);
        get("referenceHoldout", s.referenceHoldout);
        get("referenceMax", s.referenceMax);
        get("warmupFraction", s.warmupFraction);
        get("warmupLearningRate", s.warmupLearningRate);
        get("warmupEpochs", s.warmupEpochs);
        get("batchSize", s.batchSize);
        get("maxTokens", s.maxTokens);
        get("maxPixels", s.maxPixels);
        get("seed", s.seed);
        get("baselines", s.baselines);
        get("harmfulThreshold", s.harmfulThreshold);
        get("limit", s.limit);
        get("shardIndex", s.shardIndex);
        get("shardCount", s.shardCount);
    } catch (const std::exception &e) {
        return Error{std::string("run settings: a field has the wrong type: ") + e.what()};
    }
    return s;
}

bool isPretrainedProxyFile(const std::string &proxy)
{
    return proxy.size() > 5 && proxy.compare(proxy.size() - 5, 5, ".gguf") == 0;
}

RunSettings defaultSettingsFor(const std::string &proxy)
{
    RunSettings s;
    s.proxy = proxy;
    if (isPretrainedProxyFile(proxy)) {
        s.parameterScope = kPretrainedScope;
        s.warmupFraction = 0;
        s.warmupLearningRate = kPretrainedWarmupLearningRate;
    }
    return s;
}

} // namespace ost
