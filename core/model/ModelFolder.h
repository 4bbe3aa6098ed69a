#pragma once
// Torch-free checks of a proxy choice, for the UI's model picker and the CLI's early errors.
#include "core/common/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct ModelFolderInfo {
    std::string architecture;  // "qwen2_vl", "qwen2_5_vl", "builtin-tiny"
    std::string summary;       // "Qwen2-VL, 28 layers, hidden 1536, 2 shards"
    int64_t parameterCount = 0;
    bool textOnly = false;     // a language model alone: images are not read (image-text mismatches go unseen)
    bool pretrained = false;   // real weights (a GGUF or Hugging Face file), not builtin-tiny
};

// "builtin-tiny", a .gguf file (its header: metadata and tensor infos, checked as the loader checks
// them) or a folder: reads config.json, checks the tokenizer, preprocessor and weight files exist and
// that the architecture is supported. Does not load weights.
Result<ModelFolderInfo> inspectModel(const std::string &spec);

// "cpu" and one "cuda:N" per visible GPU.
std::vector<std::string> availableDevices();
std::string torchVersion();
bool cudaAvailable();

} // namespace ost
