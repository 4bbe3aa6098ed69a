#pragma once
// Progress of long work and the flags that stop it. Shared by the scoring job, indexing and
// export so the CLI's progress bar and the UI's status bar read the same thing.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ost {

struct Progress {
    int64_t done = 0;
    int64_t total = 0;
    double ratePerSecond = 0.0; // items per second, smoothed
    double etaSeconds = -1.0;   // < 0 when unknown
    std::string message;        // what is happening now ("warm-up", "scoring", "sample gold/12")
};

using ProgressCallback = std::function<void(const Progress &)>;

// Checked between batches; set from any thread.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }
    void setPaused(bool paused) { m_paused.store(paused); }
    bool isPaused() const { return m_paused.load(); }
    void reset() { m_cancelled.store(false); m_paused.store(false); }

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_paused{false};
};

// Rate and ETA from elapsed wall time; call update() as work completes.
class ProgressMeter {
public:
    explicit ProgressMeter(int64_t total, int64_t alreadyDone = 0);
    Progress update(int64_t done, std::string message = {});

private:
    int64_t m_total;
    int64_t m_startDone;
    std::chrono::steady_clock::time_point m_start;
};

// "1.2k/15.4k 35.1/s ETA 6m12s" for terminals and status bars.
std::string formatProgress(const Progress &p);
std::string formatDuration(double seconds);

} // namespace ost
