#include "core/data/AtomicFile.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace ost {

namespace {

std::string folderOf(const std::string &path)
{
    const std::string folder = std::filesystem::path(path).parent_path().string();
    return folder.empty() ? "." : folder;
}

// The pid in ".NAME.tmp-PID-XXXXXX", or -1 when the name is not one of ours.
long tempOwner(const std::string &name)
{
    if (name.empty() || name[0] != '.')
        return -1;
    const size_t at = name.rfind(".tmp-");
    if (at == std::string::npos)
        return -1;
    size_t p = at + 5, digits = 0;
    long pid = 0;
    while (p < name.size() && name[p] >= '0' && name[p] <= '9' && digits < 10) {
        pid = pid * 10 + (name[p++] - '0');
        ++digits;
    }
    if (digits == 0 || p >= name.size() || name[p] != '-' || pid <= 0)
        return -1;
    return pid;
}

} // namespace

std::string atomicTempPattern(const std::string &targetPath)
{
    const std::filesystem::path target(targetPath);
    return (target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                    "-XXXXXX"))
        .string();
}

int removeStaleTempFiles(const std::string &folder)
{
    DIR *dir = ::opendir(folder.empty() ? "." : folder.c_str());
    if (!dir)
        return 0;
    int removed = 0;
    while (const dirent *e = ::readdir(dir)) {
        const std::string name = e->d_name;
        const long pid = tempOwner(name);
        if (pid < 0 || pid == ::getpid())
            continue;
        // kill(pid, 0) fails with ESRCH only when no such process exists (EPERM: alive, someone else's).
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
            continue;
        const std::string path = (std::filesystem::path(folder) / name).string();
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::unlink(path.c_str()) == 0)
            ++removed;
    }
    ::closedir(dir);
    return removed;
}

void syncFolder(const std::string &folder)
{
    const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

AtomicFile::~AtomicFile() { discard(); }

Status AtomicFile::open(const std::string &targetPath)
{
    discard();
    m_target = targetPath;
    removeStaleTempFiles(folderOf(targetPath));
    std::string pattern = atomicTempPattern(targetPath);
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
    m_finished = false;
    m_hash = Sha256();
    m_sha256.clear();
    m_bytes = 0;
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
    m_hash.update(bytes);
    m_bytes += static_cast<int64_t>(bytes.size());
    return {};
}

Status AtomicFile::finish()
{
    if (m_finished)
        return {};
    if (!m_file)
        return Error{"finishing " + m_target + " without an open file"};
    const bool flushed = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
    const int err = errno;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (m_failed || !flushed || !closed) {
        discard();
        return Error{"cannot write " + m_target + ": " + std::strerror(err)};
    }
    m_sha256 = m_hash.hexDigest();
    m_finished = true;
    return {};
}

Status AtomicFile::publish()
{
    if (!m_finished)
        if (Status s = finish(); !s.ok())
            return s;
    if (std::rename(m_tempPath.c_str(), m_target.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        discard();
        return Error{"cannot move the finished file to " + m_target + ": " + why};
    }
    m_tempPath.clear();
    m_finished = false;
    syncFolder(folderOf(m_target));
    return {};
}

Status AtomicFile::commit() { return publish(); }

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
    m_finished = false;
}

} // namespace ost
