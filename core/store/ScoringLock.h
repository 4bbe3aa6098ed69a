#pragma once
// One scorer per project store at a time: two `ostc score` runs on one store (or the app and ostc)
// would score the same samples twice and race on the run's status. The lock is an flock() on
// "<store>.lock", so the kernel releases it when the holder dies (kill -9 included: no stale lock);
// the file says who holds it (pid, host, start time, what), which the refusal quotes.
#include "core/common/Result.h"

#include <memory>
#include <string>

namespace ost {

class ScoringLock {
public:
    // Takes the lock or fails at once with "<store> is being scored by <holder>; ...".
    // `what` describes this holder ("ostc score pool.jsonl").
    static Result<std::unique_ptr<ScoringLock>> acquire(const std::string &storePath, const std::string &what);
    ~ScoringLock(); // releases
    ScoringLock(const ScoringLock &) = delete;
    ScoringLock &operator=(const ScoringLock &) = delete;
    static std::string lockPathFor(const std::string &storePath) { return storePath + ".lock"; }

private:
    explicit ScoringLock(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace ost
