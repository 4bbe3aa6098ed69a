#pragma once
// The Qwen2-VL image processor: decode -> RGB -> smart_resize (Pillow bicubic) -> rescale and
// normalise -> flatten into patch rows. Matches Hugging Face's Qwen2VLImageProcessor (the Pillow
// one) so a proxy model sees the pixels the reference would give it.
#include "core/common/Result.h"
#include "core/vision/ImageProcessorConfig.h"
#include "core/vision/RgbImage.h"
#include "core/vision/SmartResize.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ost {

// One image as the vision tower takes it. Row r is one 14x14 patch, in the reference's order:
// merge groups (2x2 patches that become one token) are consecutive; within a row the values run
// channel, temporal copy, patch row, patch column (3*2*14*14 = 1176 values).
struct ProcessedImage {
    std::vector<float> pixelValues; // rows * cols, row-major
    int64_t rows = 0;
    int64_t cols = 0;
    std::array<int64_t, 3> gridThw{}; // (temporal, height, width) in patches; temporal is 1 for images
    int64_t mergeSize = 2;

    // <|image_pad|> tokens this image occupies in the prompt.
    int64_t tokenCount() const { return gridThw[0] * gridThw[1] * gridThw[2] / (mergeSize * mergeSize); }
};

class ImageProcessor {
public:
    explicit ImageProcessor(ImageProcessorConfig config = {});

    const ImageProcessorConfig &config() const { return m_config; }
    // A user limit on pixels per image (fewer tokens, faster scoring); 0 lifts it. The effective
    // maximum is the smaller of this and the config's max_pixels.
    void setMaxPixelsCap(int64_t maxPixels) { m_cap = maxPixels > 0 ? maxPixels : 0; }
    int64_t maxPixelsCap() const { return m_cap; }
    int64_t effectiveMaxPixels() const;

    // The size an image of this size is resized to (errors: empty, aspect ratio above 200).
    Result<ImageSize> targetSize(int64_t height, int64_t width) const;
    Result<ProcessedImage> processFile(const std::string &path) const;
    // `name` identifies the image in error messages.
    Result<ProcessedImage> process(const RgbImage &image, const std::string &name) const;

private:
    ImageProcessorConfig m_config;
    int64_t m_cap = 0;
    std::array<std::array<float, 256>, 3> m_lut{}; // byte -> rescaled, normalised value per channel
};

} // namespace ost
