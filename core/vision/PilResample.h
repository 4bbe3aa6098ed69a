#pragma once
// Bicubic resizing that reproduces Pillow's Image.resize(size, Image.BICUBIC) on 8-bit RGB exactly.
// The Python reference resizes with Pillow; OpenCV's INTER_CUBIC uses another kernel (a = -0.75)
// and no antialiasing when shrinking, which moves pixel values by several levels. Pillow's recipe:
// a = -0.5 cubic whose support widens with the downscale factor, coefficients normalised to sum 1
// and quantised to 22-bit fixed point, a horizontal pass then a vertical pass, each rounded and
// clamped to uint8, in the order Pillow 13 chooses.
#include "core/vision/RgbImage.h"

namespace ost {

// `height` and `width` >= 1. Same size returns a copy, as Pillow does.
RgbImage resizeBicubicLikePil(const RgbImage &image, int64_t height, int64_t width);

} // namespace ost
