#pragma once
// Is an image file usable for training? Reads the header for its size (so an absurd 100k x 100k
// image is refused before anything is decoded), then decodes it with OpenCV.
#include "core/data/Dataset.h"

#include <string>

namespace ost::detail {

struct ImageSize {
    int width = 0, height = 0;
};

// Width and height from a PNG, JPEG, GIF, BMP or WebP header; {0,0} when not recognised.
ImageSize readImageHeaderSize(const std::string &bytes);

// "" when the file is fine, else what is wrong with it (the path is in the message).
std::string checkImageFile(const std::string &path, const DatasetOptions &options);

} // namespace ost::detail
