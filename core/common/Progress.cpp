#include "core/common/Progress.h"

#include <cmath>
#include <cstdio>

namespace ost {

ProgressMeter::ProgressMeter(int64_t total, int64_t alreadyDone)
    : m_total(total), m_startDone(alreadyDone), m_start(std::chrono::steady_clock::now())
{
}

Progress ProgressMeter::update(int64_t done, std::string message)
{
    Progress p;
    p.done = done;
    p.total = m_total;
    p.message = std::move(message);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const int64_t doneHere = done - m_startDone; // resumed work does not inflate the rate
    if (elapsed > 0 && doneHere > 0) {
        p.ratePerSecond = doneHere / elapsed;
        p.etaSeconds = (m_total - done) / p.ratePerSecond;
    }
    return p;
}

std::string formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return "?";
    const long s = std::lround(seconds);
    char buf[64];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

std::string formatProgress(const Progress &p)
{
    if (p.total <= 0 && p.done <= 0 && !p.message.empty()) // a phase without a count (loading the proxy)
        return p.message + "…";
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld/%lld %.1f/s ETA %s", static_cast<long long>(p.done),
                  static_cast<long long>(p.total), p.ratePerSecond, formatDuration(p.etaSeconds).c_str());
    std::string out = buf;
    if (!p.message.empty())
        out += "  " + p.message;
    return out;
}

} // namespace ost
