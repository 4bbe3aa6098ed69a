#include "core/data/internal/ImagePlanner.h"

#include "core/data/AtomicFile.h"
#include "core/data/internal/ImageCheck.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ost::detail {
namespace {

bool sameBytes(const fs::path &a, const fs::path &b)
{
    std::error_code ec;
    if (fs::file_size(a, ec) != fs::file_size(b, ec) || ec)
        return false;
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    return std::equal(std::istreambuf_iterator<char>(fa), std::istreambuf_iterator<char>(),
                      std::istreambuf_iterator<char>(fb));
}

} // namespace

ImagePlanner::ImagePlanner(std::string outDir, bool copyImages) : m_outDir(std::move(outDir)), m_copy(copyImages)
{
    if (m_copy)
        removeStaleTempFiles((fs::path(m_outDir) / "images").string()); // copies of a killed export
}

ImagePlanner::~ImagePlanner()
{
    std::error_code ec;
    for (const Staged &s : m_staged)
        fs::remove(s.temp, ec);
    for (const std::string &f : m_created)
        fs::remove(f, ec);
    if (!m_createdDir.empty())
        fs::remove(m_createdDir, ec); // only succeeds when empty
}

Result<std::string> ImagePlanner::plan(const std::string &written, const std::string &resolved, std::string &refused)
{
    refused.clear();
    if (resolved.empty())
        return written; // nothing better to write; the caller warns
    if (m_copy) {
        auto copied = copyIn(resolved, refused);
        if (copied.ok() && !refused.empty())
            return written;
        return copied;
    }
    const fs::path w(written);
    std::error_code ec;
    if (w.is_absolute())
        return written;
    const fs::path fromOut = fs::path(m_outDir) / w;
    if (fs::exists(fromOut, ec) && fs::equivalent(fromOut, resolved, ec))
        return written;
    return fs::path(resolved).lexically_relative(m_outDir).generic_string();
}

Result<std::string> ImagePlanner::copyIn(const std::string &resolved, std::string &refused)
{
    if (auto it = m_copies.find(resolved); it != m_copies.end())
        return it->second;
    // Regular file, header within the pixel limit, and it decodes: anything else is not copied.
    DatasetOptions check;
    check.minImageSide = 1;
    if (std::string problem = checkImageFile(resolved, check); !problem.empty()) {
        refused = problem;
        return std::string();
    }
    const fs::path src(resolved);
    const fs::path dir = fs::path(m_outDir) / "images";
    std::error_code ec;
    if (!fs::exists(dir, ec))
        m_createdDir = dir.string();
    fs::create_directories(dir, ec);
    if (ec)
        return Error{"cannot create " + dir.string() + ": " + ec.message()};
    // Same file name when free; otherwise name-2.ext, name-3.ext... (two folders may both hold 1.jpg).
    for (int n = 1;; ++n) {
        const std::string name =
            n == 1 ? src.filename().string() : src.stem().string() + "-" + std::to_string(n) + src.extension().string();
        if (m_usedNames.count(name))
            continue;
        const fs::path dest = dir / name;
        if (fs::exists(dest, ec)) {
            if (!sameBytes(dest, src))
                continue;
            ++m_keptCopies; // an earlier export already put this very image here
        } else {
            std::string temp = atomicTempPattern(dest.string());
            const int fd = ::mkstemp(temp.data());
            if (fd < 0)
                return Error{"cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno)};
            ::close(fd);
            fs::copy_file(src, temp, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                const std::string why = ec.message();
                fs::remove(temp, ec);
                return Error{"cannot copy image " + resolved + " to " + dest.string() + ": " + why};
            }
            fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                      fs::perms::others_read, ec);
            m_staged.push_back({temp, dest.string()});
        }
        m_usedNames.insert(name);
        const std::string rel = "images/" + name;
        m_copies[resolved] = rel;
        return rel;
    }
}

Status ImagePlanner::publish()
{
    std::error_code ec;
    for (const Staged &s : m_staged) {
        fs::rename(s.temp, s.dest, ec);
        if (ec)
            return Error{"cannot move the copied image to " + s.dest + ": " + ec.message()};
        m_created.push_back(s.dest);
    }
    m_staged.clear();
    if (m_copy)
        syncFolder((fs::path(m_outDir) / "images").string());
    return Status::success();
}

} // namespace ost::detail
