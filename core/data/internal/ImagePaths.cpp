#include "core/data/internal/ImagePaths.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace ost::detail {

std::string resolveImagePath(const std::string &written, const std::string &datasetDir, const std::string &imageRoot)
{
    if (written.empty())
        return {};
    const fs::path p(written);
    auto tryPath = [](const fs::path &candidate) -> std::string {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return fs::absolute(candidate, ec).lexically_normal().string();
        return {};
    };
    if (p.is_relative()) {
        if (!datasetDir.empty())
            if (auto r = tryPath(fs::path(datasetDir) / p); !r.empty())
                return r;
        if (!imageRoot.empty())
            if (auto r = tryPath(fs::path(imageRoot) / p); !r.empty())
                return r;
        return {};
    }
    return tryPath(p);
}

std::string parentFolder(const std::string &filePath)
{
    std::error_code ec;
    return fs::absolute(fs::path(filePath), ec).lexically_normal().parent_path().string();
}

} // namespace ost::detail
