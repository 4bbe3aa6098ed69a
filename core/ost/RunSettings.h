#pragma once
// Everything that defines a scoring run. Stored as JSON with the run, so a resume uses the same.
#include "core/common/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

enum class ScoringMode { Exact, Fast };

struct RunSettings {
    std::string proxy = "builtin-tiny"; // or a Hugging Face folder, or a .gguf file
    std::string chatTemplate;           // text-only proxies: "" (auto: the model's own) or "chatml"
    std::string device = "cpu";
    std::string precision = "fp32";
    ScoringMode mode = ScoringMode::Exact;
    double learningRate = 1e-3;          // η of the simulated step
    std::string stepRule = "sgd";        // "sgd": θ − η·g; "adam": first AdamW step, θ − η·g/(|g|+ε)
    std::string parameterScope = "all";  // "all", "language", "last:K"

    std::string referencePath;           // anchor set V; empty: hold out referenceHoldout of the pool
    double referenceHoldout = 0.02;      // stratified hold-out share when no reference file
    int64_t referenceMax = 0;            // > 0: use at most this many reference samples

    double warmupFraction = 0.05;        // share of the pool the proxy trains on before scoring
    double warmupLearningRate = 1e-3;
    int64_t warmupEpochs = 1;

    int64_t batchSize = 8;
    int64_t maxTokens = 1024;
    int64_t maxPixels = 0;
    uint64_t seed = 0;
    std::vector<std::string> baselines = {"loss", "ifd", "length", "random"};
    double harmfulThreshold = 0.0;       // utility below this flags a sample harmful
    int64_t limit = 0;                   // > 0: score only the first N samples
    int64_t shardIndex = 0;              // --shard I/N
    int64_t shardCount = 1;

    // The method name the run's utility scores are stored under: "ost", or "ost-fast" in fast mode.
    std::string utilityMethod() const { return mode == ScoringMode::Fast ? "ost-fast" : "ost"; }

    std::string toJson() const;
    static Result<RunSettings> fromJson(const std::string &json);
};

std::string modeName(ScoringMode m); // "exact" / "fast"

// The defaults for a pretrained proxy file (a .gguf): no warm-up (it already knows language; a warm-up
// on a toxic pool moves it towards the pool), and the step on the last 4 blocks, whose V prefix is
// cached (measured: README "Real pretrained proxies"). Should a warm-up be asked for, AdamW at
// 1e-5, a fine-tuning rate: the 1e-3 that suits builtin-tiny trained from scratch moves every
// weight of the scope by ~1e-3 per step, as large as many of the pretrained weights themselves.
bool isPretrainedProxyFile(const std::string &proxy);
constexpr const char *kPretrainedScope = "last:4";
constexpr double kPretrainedWarmupLearningRate = 1e-5;

// RunSettings{} with `proxy`, and for a pretrained proxy file the defaults above: what ostc score,
// ostc bench pool and the scoring dialog start from, each then applying what the user set.
RunSettings defaultSettingsFor(const std::string &proxy);

} // namespace ost
