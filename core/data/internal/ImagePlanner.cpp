#include "core/data/internal/ImagePlanner.h"

#include <filesystem>
#include <fstream>
#include <iterator>

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

ImagePlanner::ImagePlanner(std::string outDir, bool copyImages) : m_outDir(std::move(outDir)), m_copy(copyImages) {}

ImagePlanner::~ImagePlanner()
{
    std::error_code ec;
    for (const std::string &f : m_created)
        fs::remove(f, ec);
    if (!m_created.empty() && !m_createdDir.empty())
        fs::remove(m_createdDir, ec); // only succeeds when empty
}

Result<std::string> ImagePlanner::plan(const std::string &written, const std::string &resolved)
{
    if (resolved.empty())
        return written; // nothing better to write; the caller warns
    if (m_copy)
        return copyIn(resolved);
    const fs::path w(written);
    std::error_code ec;
    if (w.is_absolute())
        return written;
    const fs::path fromOut = fs::path(m_outDir) / w;
    if (fs::exists(fromOut, ec) && fs::equivalent(fromOut, resolved, ec))
        return written;
    return fs::path(resolved).lexically_relative(m_outDir).generic_string();
}

Result<std::string> ImagePlanner::copyIn(const std::string &resolved)
{
    if (auto it = m_copies.find(resolved); it != m_copies.end())
        return it->second;
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
            const fs::path tmp = dir / ("." + name + ".tmp");
            fs::copy_file(src, tmp, fs::copy_options::overwrite_existing, ec);
            if (!ec)
                fs::rename(tmp, dest, ec);
            if (ec) {
                const std::string why = ec.message();
                fs::remove(tmp, ec);
                return Error{"cannot copy image " + resolved + " to " + dest.string() + ": " + why};
            }
            m_created.push_back(dest.string());
        }
        m_usedNames.insert(name);
        const std::string rel = "images/" + name;
        m_copies[resolved] = rel;
        return rel;
    }
}

} // namespace ost::detail
