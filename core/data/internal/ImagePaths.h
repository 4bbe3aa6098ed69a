#pragma once
#include <string>

namespace ost::detail {

// An image path as written in a record, resolved by the dataset rules: relative to the dataset's
// folder, then to imageRoot, then as given (absolute). Returns an absolute normalised path, or ""
// when no candidate names an existing regular file.
std::string resolveImagePath(const std::string &written, const std::string &datasetDir, const std::string &imageRoot);

// Absolute, lexically normalised folder of a file path.
std::string parentFolder(const std::string &filePath);

} // namespace ost::detail
