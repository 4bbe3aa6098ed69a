#include "core/store/ScoringLock.h"

#include "core/common/Time.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace ost {

Result<std::unique_ptr<ScoringLock>> ScoringLock::acquire(const std::string &storePath, const std::string &what)
{
    const std::string path = lockPathFor(storePath);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) // a read-only folder: nobody can write the store there either, so nothing to guard
        return std::unique_ptr<ScoringLock>(new ScoringLock(-1));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        std::string holder(512, '\0');
        const ssize_t n = ::pread(fd, holder.data(), holder.size(), 0);
        holder.resize(n > 0 ? static_cast<size_t>(n) : 0);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0'))
            holder.pop_back();
        ::close(fd);
        if (err != EWOULDBLOCK)
            return Error{"cannot lock " + path + ": " + std::strerror(err)};
        return Error{storePath + " is being scored by " + (holder.empty() ? std::string("another process") : holder) +
                     "; wait for it to finish or stop it (Ctrl-C), then run this again: it resumes"};
    }
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    const std::string who = what + " (pid " + std::to_string(::getpid()) + " on " + host + ", since " + isoTimeUtcNow() + ")\n";
    if (::ftruncate(fd, 0) == 0)
        (void)!::pwrite(fd, who.data(), who.size(), 0);
    return std::unique_ptr<ScoringLock>(new ScoringLock(fd));
}

ScoringLock::~ScoringLock()
{
    if (m_fd >= 0) {
        (void)!::ftruncate(m_fd, 0);
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
    }
}

} // namespace ost
