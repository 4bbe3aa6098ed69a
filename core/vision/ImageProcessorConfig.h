#pragma once
// Settings of the Qwen2-VL / Qwen2.5-VL image processor, as in a model's preprocessor_config.json.
#include "core/common/Result.h"

#include <array>
#include <cstdint>
#include <string>

namespace ost {

struct ImageProcessorConfig {
    int64_t minPixels = 56 * 56;
    int64_t maxPixels = 28 * 28 * 1280;
    int64_t patchSize = 14;
    int64_t temporalPatchSize = 2;
    int64_t mergeSize = 2;
    std::array<float, 3> imageMean{0.48145466f, 0.4578275f, 0.40821073f}; // OpenAI CLIP
    std::array<float, 3> imageStd{0.26862954f, 0.26130258f, 0.27577711f};
    double rescaleFactor = 1.0 / 255.0;
    bool doResize = true;
    bool doRescale = true;
    bool doNormalize = true;
    bool doConvertRgb = true;

    // Both sides of a resized image are multiples of this (28 for Qwen2-VL).
    int64_t resizeFactor() const { return patchSize * mergeSize; }
    // Values per row of pixel_values: channels * temporal * patch * patch (1176 for Qwen2-VL).
    int64_t patchDim() const { return 3 * temporalPatchSize * patchSize * patchSize; }
};

// Reads preprocessor_config.json. Accepts the original Qwen keys ("min_pixels", "max_pixels") and
// the newer Hugging Face spelling ("size": {"shortest_edge", "longest_edge"}); explicit min/max
// keys win, as in the reference. Missing keys keep the defaults above. Errors name the file and key.
Result<ImageProcessorConfig> loadImageProcessorConfig(const std::string &path);
// Same from JSON text; `source` names it in errors.
Result<ImageProcessorConfig> parseImageProcessorConfig(const std::string &json, const std::string &source);

} // namespace ost
