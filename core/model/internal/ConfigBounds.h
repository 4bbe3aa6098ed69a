#pragma once
// A config.json is input like any other: `num_hidden_layers: 1000000000` must not allocate 21 GB
// before anything looks at the weights, and a config with 2 layers over a checkpoint with 4 must
// not load half a model. Both checks run before a single module is built.
#include "core/common/Result.h"
#include "core/model/Safetensors.h"
#include "core/model/internal/QwenVLConfig.h"

#include <string>

namespace ost::model {

// Every size within what any real Qwen/Llama-family model uses, with room (e.g. at most 1024
// layers, hidden 65536, vocabulary 4M, and a parameter count under 2^40). `source` names the file.
Status checkSaneBounds(const QwenVLConfig &config, const std::string &source);

// checkSaneBounds(), then the config against the checkpoint's tensors: the decoder layers and the
// vision blocks the checkpoint holds (counted from their names) are exactly the config's, and the
// embedding, the first layer's projections and the patch embedding have the config's shapes.
// `source` names the config file in the messages.
Status checkAgainstCheckpoint(const QwenVLConfig &config, const SafetensorsCheckpoint &checkpoint,
                              const std::string &source);

} // namespace ost::model
