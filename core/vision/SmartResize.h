#pragma once
// Qwen2-VL's choice of the size an image is resized to before patching: both sides a multiple of
// `factor` (patch * merge = 28), the area within [minPixels, maxPixels], the aspect ratio kept as
// closely as possible. Reproduces Hugging Face's smart_resize bit for bit, including Python's
// round-half-to-even, because a one-off size changes the token count and every pixel value.
#include "core/common/Result.h"

#include <cstdint>

namespace ost {

struct ImageSize {
    int64_t height = 0;
    int64_t width = 0;
    bool operator==(const ImageSize &o) const { return height == o.height && width == o.width; }
};

// Errors: a side < 1, or an aspect ratio above 200 (the reference refuses those too).
Result<ImageSize> smartResize(int64_t height, int64_t width, int64_t factor = 28, int64_t minPixels = 56 * 56,
                              int64_t maxPixels = 28 * 28 * 1280);

// Python's round() on a double: halves go to the even neighbour (round(2.5) == 2).
double roundHalfToEven(double x);

} // namespace ost
