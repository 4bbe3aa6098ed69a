#pragma once
// fn(i) for i in [0, n) on `threads` threads, the caller's among them; `tick(done)` runs on the
// caller's thread only (progress callbacks stay where they were registered). Stops handing out work
// once `cancel` is set.
#include "core/common/Progress.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace ost::detail {

template <class Fn, class Tick>
void parallelFor(int64_t n, int threads, const CancelToken *cancel, Fn &&fn, Tick &&tick)
{
    std::atomic<int64_t> next{0}, done{0};
    auto work = [&](bool caller) {
        for (int64_t i; (i = next.fetch_add(1)) < n;) {
            if (cancel && cancel->isCancelled())
                return;
            fn(i);
            const int64_t d = done.fetch_add(1) + 1;
            if (caller && (i % 64 == 0))
                tick(d);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::max(1, threads); ++t)
        pool.emplace_back(work, false);
    work(true);
    for (auto &t : pool)
        t.join();
    tick(done.load());
}

inline int checkThreads(int requested)
{
    if (requested > 0)
        return requested;
    return static_cast<int>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())));
}

} // namespace ost::detail
