#include "core/data/internal/ImagePaths.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace ost::detail {

std::string resolveImagePath(const std::string &written, const std::string &datasetDir, const std::string &imageRoot)
{
    if (written.empty())
        return {};
    const fs::path p(written);
    // Anything but a folder that exists under this name (a FIFO, a link loop, a device) resolves, so
    // the image checks can say what it is instead of "not found"; they refuse it before opening it.
    auto tryPath = [](const fs::path &candidate) -> std::string {
        std::error_code ec;
        const auto st = fs::symlink_status(candidate, ec);
        if (ec || !fs::exists(st) || fs::is_directory(fs::status(candidate, ec)))
            return {};
        return fs::absolute(candidate, ec).lexically_normal().string();
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
