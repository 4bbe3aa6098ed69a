#pragma once
// The parts of a Qwen2-VL / Qwen2.5-VL config.json the model needs, read from every layout
// transformers has written: text settings flat at the top level (transformers < 4.5x) or nested
// under "text_config" (newer), rope settings as rope_theta + rope_scaling.mrope_section or as
// rope_parameters. Torch-free so that inspectModel() can use it without loading weights.
#include "core/common/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost::model {

struct QwenTextConfig {
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    double rmsNormEps = 1e-6;
    double ropeTheta = 1000000.0;
    std::vector<int64_t> mropeSection{16, 24, 24}; // rotary half-dims given to (t, h, w)
    std::string hiddenAct = "silu";
    bool tieWordEmbeddings = false;
    int64_t headDim() const { return numHeads ? hiddenSize / numHeads : 0; }
};

struct QwenVisionConfig {
    int64_t depth = 0;
    int64_t hiddenSize = 0;       // width of the vision blocks (Qwen2-VL calls it embed_dim)
    int64_t numHeads = 0;
    int64_t intermediateSize = 0; // MLP width (Qwen2-VL: embed_dim * mlp_ratio)
    int64_t outHiddenSize = 0;    // merger output = text hidden size
    int64_t inChannels = 3;
    int64_t patchSize = 14;
    int64_t temporalPatchSize = 2;
    int64_t spatialMergeSize = 2;
    std::string hiddenAct = "quick_gelu";
    double ropeTheta = 10000.0;
    // Qwen2.5-VL only: windowed attention except in the listed blocks.
    int64_t windowSize = 0;
    std::vector<int64_t> fullattBlockIndexes;
    int64_t patchDim() const { return inChannels * temporalPatchSize * patchSize * patchSize; }
};

struct QwenVLConfig {
    std::string architecture; // "qwen2_vl" or "qwen2_5_vl"
    QwenTextConfig text;
    QwenVisionConfig vision;
    int64_t imageTokenId = 151655;
    int64_t videoTokenId = 151656;
    int64_t visionStartTokenId = 151652;
    int64_t visionEndTokenId = 151653;
    std::string tokenizerKind; // "" (tokenizer.json beside config.json) or "bytes" (built-in)

    bool isQwen25() const { return architecture == "qwen2_5_vl"; }
    int64_t parameterCount() const;
    std::string summary() const; // "Qwen2-VL, 28 layers, hidden 1536"

    // `source` names the file in error messages.
    static Result<QwenVLConfig> fromJson(const std::string &json, const std::string &source);
    static Result<QwenVLConfig> load(const std::string &configPath);
    // config.json in a layout that both old and new transformers read (text settings flat).
    std::string toJson() const;
};

} // namespace ost::model
