#pragma once
// Internal (LibTorch) contract between the proxy models and the OST engine. Only core .cpp files
// include this. A model computes, for a padded batch of chat-formatted samples, the mean token
// cross-entropy of each sample over its labelled positions — the SFT loss OST differentiates.
#include "core/common/Result.h"
#include "core/data/Sample.h"
#include "core/text/ChatTemplate.h"
#include "core/text/Tokenizer.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace ost::model {

struct ModelBatch {
    torch::Tensor inputIds;      // [B, T] int64, right-padded
    torch::Tensor attentionMask; // [B, T] int64, 1 = real token
    torch::Tensor labels;        // [B, T] int64, kIgnoreIndex where not trained (pads too)
    torch::Tensor pixelValues;   // [sum of patches, 3*temporal_patch*patch*patch] float; undefined if no image
    torch::Tensor imageGridThw;  // [n_images, 3] int64, images in order of appearance across the batch
};

// One sample ready for the model (CPU tensors; the engine moves batches to the device).
struct EncodedSample {
    std::string id;
    torch::Tensor inputIds;     // [T]
    torch::Tensor labels;       // [T]
    torch::Tensor pixelValues;  // [patches, D] or undefined
    torch::Tensor imageGridThw; // [n_images, 3] or undefined
    int64_t answerTokens = 0;   // labelled positions
};

class VisionLanguageModel {
public:
    virtual ~VisionLanguageModel() = default;

    virtual torch::Tensor logits(const ModelBatch &batch) = 0;        // [B, T, vocab]
    virtual torch::Tensor perSampleLoss(const ModelBatch &batch) = 0; // [B], fp32, differentiable
    // The same loss in two halves, for steps that touch only blocks >= `block`: the hidden states
    // entering decoder block `block` (computed without autograd; they do not change under such a
    // step, so they can be cached), and the loss from those states on (differentiable).
    // perSampleLossFrom(b, hiddenBeforeBlock(b, k), k) equals perSampleLoss(b).
    virtual torch::Tensor hiddenBeforeBlock(const ModelBatch &batch, int block) = 0;
    virtual torch::Tensor perSampleLossFrom(const ModelBatch &batch, const torch::Tensor &hidden, int block) = 0;
    virtual torch::nn::Module &module() = 0;                          // parameters, to(), train/eval
    virtual std::string architecture() const = 0; // "qwen2_vl", "qwen2_5_vl", "qwen2", "llama", "qwen3"
    virtual bool readsImages() const = 0;         // false: a text-only proxy (images are not seen)
    // Parameter names of the language model part (for "language model only" steps) and the index
    // of the decoder block a parameter belongs to (-1: not in a block), for "last k blocks".
    virtual bool isLanguageParameter(const std::string &name) const = 0;
    virtual int decoderBlockOf(const std::string &name) const = 0;
    virtual int decoderBlockCount() const = 0;
    virtual Status save(const std::string &folder) const = 0;         // HF layout: config.json + model.safetensors
};

// Turns Samples into EncodedSamples: images through the image processor, text through the chat
// template and tokenizer, labels masked.
class SampleEncoder {
public:
    virtual ~SampleEncoder() = default;
    virtual Result<EncodedSample> encode(const Sample &sample, const ChatTemplateOptions &options = {}) const = 0;
    virtual const Tokenizer &tokenizer() const = 0;
    virtual int64_t padTokenId() const = 0;
};

// Pads and concatenates encoded samples into one batch on `device`.
ModelBatch collate(const std::vector<EncodedSample> &samples, int64_t padTokenId, const torch::Device &device);

struct ProxyOptions {
    std::string device = "cpu";       // "cpu", "cuda", "cuda:1"
    std::string precision = "fp32";   // "fp32", "bf16" (CUDA), "fp16"
    int64_t maxPixels = 0;            // > 0 caps the image processor's max_pixels
    int64_t maxTokens = 2048;         // per sample
    uint64_t seed = 0;                // built-in model initialisation
    // Text-only proxies: "" or "auto" reads the default system prompt out of the model's own
    // ChatML template (and refuses another kind of template); "chatml" forces the ChatML layout.
    std::string chatTemplate;
};

struct LoadedProxy {
    std::shared_ptr<VisionLanguageModel> model;
    std::shared_ptr<SampleEncoder> encoder;
    std::string description; // "qwen2_vl from /models/Qwen2-VL-2B (2.2B params, bf16, cuda:0)"
};

// spec: "builtin-tiny" (created from the seed, or loaded from a folder written by save()), a
// Hugging Face folder (config.json, *.safetensors [+ index], tokenizer.json, and for Qwen2-VL
// preprocessor_config.json; text-only qwen2 / llama / qwen3 folders too), or a .gguf file.
// Errors name the file and tensor at fault.
Result<LoadedProxy> loadProxy(const std::string &spec, const ProxyOptions &options = {});
// A .gguf path, or a file that starts with the GGUF magic.
bool isGgufSpec(const std::string &spec);

} // namespace ost::model
