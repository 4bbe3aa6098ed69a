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

// Llama 3's rope scaling of the inverse frequencies (rope_type "llama3"); factor 0 = none.
struct RopeScaling {
    double factor = 0;
    double lowFreqFactor = 1;
    double highFreqFactor = 4;
    int64_t originalMaxPositions = 8192;
};

// One decoder serves every family: Qwen2-VL's language model, Qwen2/2.5, Llama/SmolLM2 and Qwen3
// differ only in these flags (biases, q/k norm, head width, rope θ and scaling, tied embeddings).
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
    bool attentionBias = true;  // q/k/v projections have biases (Qwen2); Llama and Qwen3 have none
    bool qkNorm = false;        // Qwen3: RMSNorm over each head of q and k before the rotation
    int64_t headDimOverride = 0; // Qwen3's head_dim when it is not hidden / heads
    RopeScaling ropeScaling;
    int64_t headDim() const { return headDimOverride ? headDimOverride : numHeads ? hiddenSize / numHeads : 0; }
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
    // "qwen2_vl", "qwen2_5_vl", or a text-only family: "qwen2", "llama", "qwen3" (no vision tower).
    std::string architecture;
    QwenTextConfig text;
    QwenVisionConfig vision;
    int64_t imageTokenId = 151655;
    int64_t videoTokenId = 151656;
    int64_t visionStartTokenId = 151652;
    int64_t visionEndTokenId = 151653;
    std::string tokenizerKind; // "" (tokenizer.json beside config.json) or "bytes" (built-in)

    bool isQwen25() const { return architecture == "qwen2_5_vl"; }
    bool isTextOnly() const { return architecture == "qwen2" || architecture == "llama" || architecture == "qwen3"; }
    // Defaults of a text-only family (biases, q/k norm, one rotary section over the whole head).
    static QwenVLConfig textOnly(const std::string &architecture, const QwenTextConfig &text);
    int64_t parameterCount() const;
    std::string summary() const; // "Qwen2-VL, 28 layers, hidden 1536"

    // `source` names the file in error messages.
    static Result<QwenVLConfig> fromJson(const std::string &json, const std::string &source);
    static Result<QwenVLConfig> load(const std::string &configPath);
    // Sizes positive, heads dividing, rotary sections covering the head: the checks every source
    // of a config (config.json, GGUF metadata) goes through.
    static Result<QwenVLConfig> validated(QwenVLConfig config, const std::string &source);
    // config.json in a layout that both old and new transformers read (text settings flat).
    std::string toJson() const;
};

} // namespace ost::model
