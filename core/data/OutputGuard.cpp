#include "core/data/OutputGuard.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace ost {
namespace {

// The path with every symbolic link of its existing part resolved; the rest normalised lexically.
fs::path resolved(const std::string &path)
{
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec)
        abs = path;
    fs::path canon = fs::weakly_canonical(abs, ec);
    return ec ? abs.lexically_normal() : canon;
}

bool samePlace(const fs::path &out, const std::string &read)
{
    if (read.empty())
        return false;
    if (resolved(read) == out)
        return true;
    // Hard links (and bind mounts) name one file by two paths; only the inode tells.
    std::error_code ec;
    return fs::exists(out, ec) && fs::exists(read, ec) && fs::equivalent(out, read, ec);
}

} // namespace

std::vector<std::string> storeFamily(const std::string &storePath)
{
    if (storePath.empty())
        return {};
    return {storePath, storePath + "-wal", storePath + "-shm", storePath + "-journal"};
}

Status checkOutputPath(const std::string &outPath, const std::vector<std::string> &readPaths, const std::string &what)
{
    if (outPath.empty())
        return Error{"no " + what + " path given"};
    const fs::path out = resolved(outPath);
    for (const std::string &read : readPaths)
        if (samePlace(out, read))
            return Error{"refusing to write the " + what + " to " + outPath + ": it is " +
                         (read != outPath ? read + ", " : std::string()) +
                         "a source this command reads (dataset, project store, reference or image); "
                         "choose another path"};
    return Status::success();
}

} // namespace ost
