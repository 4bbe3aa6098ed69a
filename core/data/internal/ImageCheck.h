#pragma once
// Is an image file usable for training? Reads the header for its size (so an absurd 100k x 100k
// image is refused before anything is decoded), then decodes it with OpenCV.
#include "core/data/Dataset.h"

#include <string>

namespace ost::detail {

// "" when the file is fine, else what is wrong with it (the path is in the message).
std::string checkImageFile(const std::string &path, const DatasetOptions &options);

} // namespace ost::detail
