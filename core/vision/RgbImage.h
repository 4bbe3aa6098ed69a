#pragma once
// An 8-bit RGB image in row-major, interleaved (HWC) layout: what the Qwen2-VL pipeline works on
// between decoding and normalisation.
#include "core/common/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost {

struct RgbImage {
    int64_t height = 0;
    int64_t width = 0;
    std::vector<uint8_t> pixels; // height * width * 3, R G B

    uint8_t at(int64_t y, int64_t x, int c) const { return pixels[static_cast<size_t>((y * width + x) * 3 + c)]; }
};

// Decodes any format OpenCV reads and converts it to RGB the way the Python reference does
// (PIL + transformers' convert_to_rgb): grey is replicated, transparency is composited onto white
// with PIL's integer arithmetic, 16-bit samples keep their high byte. JPEG EXIF orientation is
// applied. Errors name the file: missing, unreadable, truncated or undecodable.
Result<RgbImage> decodeImageFile(const std::string &path);
// Same from bytes in memory; `name` is used in error messages.
Result<RgbImage> decodeImageBytes(const std::vector<uint8_t> &bytes, const std::string &name);

} // namespace ost
