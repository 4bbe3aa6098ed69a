#include "core/store/StoredPaths.h"

#include <filesystem>

namespace ost {

namespace fs = std::filesystem;

namespace {

// Absolute and lexically normal; empty when the working folder cannot be read.
fs::path absoluteNormal(const std::string &path)
{
    std::error_code ec;
    const fs::path p = fs::absolute(fs::path(path), ec);
    return ec ? fs::path() : p.lexically_normal();
}

fs::path storeFolder(const std::string &storePath)
{
    return absoluteNormal(storePath).parent_path();
}

bool isThere(const fs::path &p)
{
    std::error_code ec;
    return fs::exists(p, ec);
}

} // namespace

std::string pathForStore(const std::string &path, const std::string &storePath)
{
    if (path.empty())
        return path;
    const fs::path abs = absoluteNormal(path);
    const fs::path folder = storeFolder(storePath);
    if (abs.empty() || folder.empty())
        return path;
    const fs::path rel = abs.lexically_relative(folder);
    if (!rel.empty() && *rel.begin() != ".." && rel != ".")
        return rel.string();
    return abs.string();
}

std::string pathFromStore(const std::string &stored, const std::string &storePath)
{
    if (stored.empty())
        return stored;
    const fs::path p(stored);
    if (p.is_absolute())
        return p.lexically_normal().string();
    const fs::path folder = storeFolder(storePath);
    const fs::path beside = folder.empty() ? fs::path() : (folder / p).lexically_normal();
    if (!beside.empty() && isThere(beside))
        return beside.string();
    const fs::path here = absoluteNormal(stored);
    if (!here.empty() && isThere(here))
        return here.string();
    return beside.empty() ? stored : beside.string();
}

} // namespace ost
