#pragma once
// A text decoder proxy (llama / SmolLM2, qwen2 / Qwen2.5, qwen3) from one GGUF file: the config from
// its metadata, the weights dequantised to fp32, the tokenizer from tokenizer.ggml.*, and the chat
// template's default system prompt. Every tensor the config implies is checked (present, shape)
// before the model is allocated, so a header claiming a billion blocks fails at once.
#include "core/model/Gguf.h"
#include "core/model/internal/QwenVLConfig.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <memory>
#include <string>

namespace ost::model {

Result<QwenVLConfig> configFromGguf(const GgufFile &file);
Result<std::shared_ptr<Tokenizer>> tokenizerFromGguf(const GgufFile &file);
// The GGUF tensor that holds our parameter `name` ("model.language_model.layers.3.mlp.up_proj.weight"
// -> "blk.3.ffn_up.weight"); "" when there is none.
std::string ggufTensorName(const std::string &parameterName);

Result<LoadedProxy> loadGgufProxy(const std::string &path, const ProxyOptions &options, torch::ScalarType dtype);

} // namespace ost::model
