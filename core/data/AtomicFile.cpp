#include "core/data/AtomicFile.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace ost {

AtomicFile::~AtomicFile() { discard(); }

Status AtomicFile::open(const std::string &targetPath)
{
    discard();
    m_target = targetPath;
    const std::filesystem::path target(targetPath);
    std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        return Error{"cannot create a temporary file beside " + targetPath + ": " + std::strerror(errno)};
    ::fchmod(fd, 0644); // mkstemp makes 0600; an export is an ordinary file
    m_tempPath = pattern;
    m_file = ::fdopen(fd, "wb");
    if (!m_file) {
        ::close(fd);
        discard();
        return Error{"cannot write " + m_tempPath + ": " + std::strerror(errno)};
    }
    std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
    m_failed = false;
    return {};
}

Status AtomicFile::write(std::string_view bytes)
{
    if (!m_file)
        return Error{"write to " + m_target + " after it was closed"};
    if (std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
        m_failed = true;
        return Error{"cannot write " + m_target + ": " + std::strerror(errno)};
    }
    return {};
}

Status AtomicFile::commit()
{
    if (!m_file)
        return Error{"commit of " + m_target + " without an open file"};
    const bool flushed = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
    const int err = errno;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (m_failed || !flushed || !closed) {
        discard();
        return Error{"cannot write " + m_target + ": " + std::strerror(err)};
    }
    if (std::rename(m_tempPath.c_str(), m_target.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        discard();
        return Error{"cannot move the finished file to " + m_target + ": " + why};
    }
    m_tempPath.clear();
    return {};
}

void AtomicFile::discard()
{
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
    if (!m_tempPath.empty()) {
        std::remove(m_tempPath.c_str());
        m_tempPath.clear();
    }
}

} // namespace ost
