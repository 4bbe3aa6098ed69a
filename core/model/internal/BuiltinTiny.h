#pragma once
// The built-in tiny proxy: a small Qwen2-VL (same architecture as the real models) with the byte
// tokenizer and small images, so that a curator can score on a CPU with no download.
#include "core/model/internal/QwenVLConfig.h"
#include "core/text/Tokenizer.h"
#include "core/vision/ImageProcessorConfig.h"

#include <string>

namespace ost::model {

inline const std::string kBuiltinTinySpec = "builtin-tiny";

// Special-token ids come from the tokenizer so that the model and the chat template agree.
QwenVLConfig builtinTinyConfig(const Tokenizer &byteTokenizer);
// At most 112x112 pixels per image: <= 64 patches, <= 16 image tokens.
ImageProcessorConfig builtinTinyImageConfig();
// preprocessor_config.json text for a saved folder.
std::string imageProcessorConfigJson(const ImageProcessorConfig &config);

} // namespace ost::model
